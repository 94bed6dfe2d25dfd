// Command clonit-cloud is Clonit Cloud, the self-hostable team service.
package main

import (
	"os"

	"github.com/clonit/clonit/internal/cloud/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
