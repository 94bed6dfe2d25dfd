// Command clonit is the Clonit agent: it builds, sanitizes, moves and loads database snapshots.
package main

import (
	"os"

	"github.com/clonit/clonit/internal/cmd/root"
)

func main() { os.Exit(root.Main(os.Args[1:])) }
