package server

import (
	"fmt"
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// LogOptions say where the server logs and how much.
type LogOptions struct {
	// File is a path to append the log to; empty means stderr. Never stdout: it
	// carries the protocol.
	File string
	// Level is debug, info, warn or error; empty means info.
	Level string
	// Stderr is where the log goes without a File; nil means os.Stderr.
	Stderr io.Writer
}

// NewLogger builds the logger for Options.Logger. The returned func closes the
// log file (a no-op for stderr); call it after Run returns.
func NewLogger(o LogOptions) (*zap.Logger, func() error, error) {
	level := zapcore.InfoLevel
	if o.Level != "" {
		var err error
		if level, err = zapcore.ParseLevel(o.Level); err != nil {
			return nil, nil, fmt.Errorf("log level %q: %w", o.Level, err)
		}
	}
	var stderr io.Writer = os.Stderr
	if o.Stderr != nil {
		stderr = o.Stderr
	}
	out, closeFn := zapcore.Lock(zapcore.AddSync(stderr)), func() error { return nil }
	if o.File != "" {
		f, err := os.OpenFile(o.File, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("opening log file: %w", err)
		}
		out, closeFn = zapcore.Lock(f), f.Close
	}
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), out, level)
	return zap.New(core, zap.ErrorOutput(out)), closeFn, nil
}
