// Command rhizome is a language server and linter for markdown knowledge
// gardens: `rhizome serve` speaks LSP over stdio, `rhizome check` lints a vault.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `rhizome — a language server and linter for markdown knowledge gardens

Usage:
  rhizome check [flags] [path…]   lint vaults (folders) or single notes; see rhizome check -h
  rhizome serve [flags]           speak LSP over stdio (editors start this)
  rhizome version                 print the version

Exit status of check: 0 no errors, 1 errors found, 2 usage or I/O error.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdin, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "rhizome", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "rhizome: unknown command %q\n\n%s", args[0], usage)
	return 2
}
