package server

import (
	"context"
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// Progress reports one long operation with $/progress. When the client does not
// support work-done progress, or refused the token, every method is a no-op, so
// callers never check.
//
// Its methods never wait for the client (see latest): at 50,000 notes a load
// after a settings change waited seconds for an editor busy taking the
// vault's diagnostics, first for its answer to the token's creation, then
// on each report.
type Progress struct {
	s           *Server
	token       string
	determinate bool
	out         latest[progressValue]

	mu    sync.Mutex
	pct   uint32
	ended bool
}

// progressParams and progressValue are local because protocol.ProgressParams
// holds its token by value with a pointer-receiver MarshalJSON (it marshals as
// {} unless passed by pointer), and its percentage is omitempty, which drops 0%.
type progressParams struct {
	Token string        `json:"token"`
	Value progressValue `json:"value"`
}

type progressValue struct {
	Kind        protocol.WorkDoneProgressKind `json:"kind"`
	Title       string                        `json:"title,omitempty"`
	Cancellable bool                          `json:"cancellable,omitempty"`
	Message     string                        `json:"message,omitempty"`
	Percentage  *uint32                       `json:"percentage,omitempty"`
}

// StartProgress creates a progress token and sends begin, in the background.
// determinate says whether Report will carry percentages.
func (s *Server) StartProgress(ctx context.Context, title, message string, determinate bool) *Progress {
	if !s.Session().Client.WorkDoneProgress {
		return &Progress{ended: true}
	}
	p := &Progress{s: s, token: fmt.Sprintf("rhizome/%d", s.progressSeq.Add(1)), determinate: determinate}
	begin := progressValue{Kind: protocol.WorkDoneProgressKindBegin, Title: title, Message: message}
	if determinate {
		begin.Percentage = new(uint32)
	}
	p.out.hold() // reports wait for the token
	if !s.Go("progress", func(ctx context.Context) {
		if _, err := s.conn.Call(ctx, protocol.MethodWorkDoneProgressCreate, map[string]string{"token": p.token}, nil); err != nil {
			s.log.Debug("client refused a progress token", zap.String("title", title), zap.Error(err))
			p.out.stop()
			return
		}
		p.out.drain(ctx, begin, p.write)
	}) {
		return &Progress{ended: true}
	}
	return p
}

// Report updates the message and, for a determinate progress, the percentage
// (clamped to 0–100 and never going back, as the spec asks).
func (p *Progress) Report(ctx context.Context, message string, percentage uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	v := progressValue{Kind: protocol.WorkDoneProgressKindReport, Message: message}
	if p.determinate {
		p.pct = max(p.pct, min(percentage, 100))
		pct := p.pct
		v.Percentage = &pct
	}
	p.out.post(p.s, v, p.write)
}

// End sends end once; later calls do nothing.
func (p *Progress) End(ctx context.Context, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended = true
	p.out.post(p.s, progressValue{Kind: protocol.WorkDoneProgressKindEnd, Message: message}, p.write)
}

// Flushed is closed once what was reported so far, End included, is
// written to the client (or will never be).
func (p *Progress) Flushed() <-chan struct{} { return p.out.flushed() }

func (p *Progress) write(ctx context.Context, v progressValue) {
	if err := p.s.conn.Notify(ctx, protocol.MethodProgress, &progressParams{Token: p.token, Value: v}); err != nil {
		p.s.log.Debug("$/progress not sent", zap.String("token", p.token), zap.Error(err))
	}
}
