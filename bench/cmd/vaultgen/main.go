// Command vaultgen writes a deterministic synthetic vault for benchmarks:
// the same -n and -seed always give the same files, byte for byte.
//
// Usage:
//
//	go run ./bench/cmd/vaultgen -n 10000 -seed 1 -o /tmp/vault10k
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "vaultgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vaultgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of notes")
	seed := fs.Int64("seed", 1, "random seed; the same seed and -n give the same vault")
	out := fs.String("o", "", "output directory (required; created if missing)")
	force := fs.Bool("force", false, "write into a non-empty directory (files from earlier runs are left in place)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vaultgen -n NOTES [-seed N] -o DIR [-force]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-o DIR is required, and nothing else")
	}
	if !*force {
		// Refuse rather than mix two vaults: stale files would skew every count.
		entries, err := os.ReadDir(*out)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("%s is not empty (use -force to write into it anyway)", *out)
		}
	}
	start := time.Now()
	st, err := vaultgen.Generate(*out, vaultgen.Options{Notes: *n, Seed: *seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d notes, %d assets, %d folders, %d links (%d broken on purpose), %d external, %.1f MB in %v\n",
		*out, st.Notes, st.Assets, st.Folders, st.Links, st.Broken, st.External,
		float64(st.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}
