// Package version holds the build's version, set at link time with
// -ldflags "-X github.com/clonit/clonit/internal/version.Version=v1.2.3".
package version

// Version is this build's version.
var Version = "dev"
