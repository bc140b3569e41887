//go:build !unix

package main

import "os"

// pollable returns f: elsewhere than Unix, stdio stays as the runtime opened it.
func pollable(f *os.File) *os.File { return f }
