package server

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

func TestRunEndsWithContext(t *testing.T) {
	serverEnd, clientEnd := net.Pipe()
	defer clientEnd.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, serverEnd, serverEnd, Options{Logger: zap.NewNop()}) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(timeout):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunEndsAtEOF(t *testing.T) {
	err := Run(context.Background(), strings.NewReader(""), io.Discard, Options{Logger: zap.NewNop()})
	if !errors.Is(err, io.EOF) {
		t.Errorf("Run = %v, want io.EOF wrapped", err)
	}
}

func TestBackgroundWork(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	h.srv.Go("explodes", func(context.Context) { panic("background boom") })
	stopped := make(chan struct{})
	h.srv.Go("waits", func(ctx context.Context) {
		<-ctx.Done()
		close(stopped)
	})
	if _, err := h.call(protocol.MethodShutdown, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(timeout):
		t.Fatal("shutdown did not cancel background work")
	}
	// The panicking goroutine logs on its own schedule.
	for deadline := time.Now().Add(timeout); !strings.Contains(h.logs.String(), "background boom"); {
		if time.Now().After(deadline) {
			t.Fatal("the background panic was not logged")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
