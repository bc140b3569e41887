package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rhizome.log")
	log, closeLog, err := NewLogger(LogOptions{File: path, Level: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown")
	_ = log.Sync()
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, "shown") || strings.Contains(s, "hidden") {
		t.Errorf("log file:\n%s", s)
	}
	var stderr syncBuffer
	log, _, err = NewLogger(LogOptions{Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("to stderr")
	if s := stderr.String(); !strings.Contains(s, "to stderr") || strings.Contains(s, "hidden") {
		t.Errorf("stderr log:\n%s", s)
	}
	if _, _, err := NewLogger(LogOptions{Level: "loud"}); err == nil {
		t.Error("an unknown level was accepted")
	}
}
