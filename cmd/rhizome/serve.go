package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rhizome-lsp/rhizome/server"
	"github.com/rhizome-lsp/rhizome/workspace"
)

func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logFile := fs.String("log-file", "", "append the log to this file instead of stderr")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	noCache := fs.Bool("no-cache", false, "do not read or write the cache of parsed notes (in the user's cache folder, or $RHIZOME_CACHE_DIR)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole session to this file (for go tool pprof)")
	// Editors often pass --stdio; stdio is the only transport, so accept it.
	fs.Bool("stdio", true, "speak LSP over stdin/stdout (the default and only transport)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	// The server holds one large index for its whole life, and the garbage of
	// parsing and of requests is short-lived: the heap may grow by half of
	// what is live before a collection, not Go's all of it, which keeps the
	// resident size down at 50,000 notes for a few percent more CPU; but by
	// 32 MB at least, or a small vault is collected every few keystrokes.
	// GOGC still wins.
	if os.Getenv("GOGC") == "" {
		defer workspace.StartGCHeadroom(50, 32<<20)()
	}
	log, closeLog, err := server.NewLogger(server.LogOptions{File: *logFile, Level: *logLevel, Stderr: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "rhizome serve: %v\n", err)
		return 2
	}
	defer closeLog()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "rhizome serve: %v\n", err)
			return 2
		}
		defer stop()
	}
	if f, ok := stdin.(*os.File); ok {
		stdin = pollable(f)
	}
	if f, ok := stdout.(*os.File); ok {
		stdout = pollable(f)
	}
	err = server.Run(ctx, stdin, stdout, server.Options{Logger: log, Version: version, NoCache: *noCache})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, server.ErrExitWithoutShutdown):
		return 1
	default:
		log.Sugar().Infof("server stopped: %v", err)
		return 1
	}
}
