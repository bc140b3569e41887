package server

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// closeGrace bounds how long Run waits, after exit, for the read loop and
// background work to stop. A blocking read on a terminal or pipe stdin cannot be
// interrupted by Close, so waiting for it unconditionally could hang main.
const closeGrace = 250 * time.Millisecond

// Options configure Run.
type Options struct {
	// Logger receives the server's log. It must not write to stdout, which carries
	// the protocol; NewLogger builds one for stderr or a file. Nil means stderr at
	// info level.
	Logger *zap.Logger
	// Version is announced as serverInfo.version.
	Version string
	// NewEngine builds the Engine from the Server it will serve, so the engine can
	// publish diagnostics and report progress through it. Nil gives an engine that
	// ignores every event.
	NewEngine func(*Server) Engine
	// NoCache turns off the on-disk cache of parsed notes (workspace.NoteCache)
	// that lets a restart on an unchanged vault skip parsing.
	NoCache bool

	// testMethods adds methods to the dispatch switch. Unexported: tests only.
	testMethods map[string]jsonrpc2.Handler
}

// Server is one LSP session over one connection. Everything the feature files
// need hangs off it: the open documents, the negotiated Session, the client.
type Server struct {
	opts   Options
	log    *zap.Logger
	engine Engine
	ws     *engine // the vaults; engine is ws unless a test replaced it
	docs   *documents

	// conn carries raw server→client calls (those the typed client lacks or gets
	// wrong); client is the typed dispatcher. Both are set before the read loop starts.
	conn   jsonrpc2.Conn
	client protocol.Client

	state    atomic.Int32 // a lifecycleState
	session  atomic.Pointer[Session]
	inflight inflight

	exited   chan struct{} // closed by the exit notification
	exitOnce sync.Once

	// bg is the lifetime of background work started with Go: cancelled at
	// shutdown or when Run returns. A context in a struct, because background
	// work outlives the request that starts it by design.
	bg       context.Context
	bgCancel context.CancelFunc
	bgMu     sync.Mutex // orders Go's Add before serve's Wait
	bgClosed bool
	bgWait   sync.WaitGroup

	progressSeq atomic.Int64
	blockIDs    recentBlockIDs // see addBlockID
}

// Run serves one client over in/out (stdin/stdout for `rhizome serve`) until
// the client sends exit, the stream ends or ctx is cancelled. It returns nil
// after shutdown+exit, ErrExitWithoutShutdown after a bare exit, and otherwise
// the reason the connection ended.
func Run(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	return newServer(opts).serve(ctx, in, out)
}

func newServer(opts Options) *Server {
	log := opts.Logger
	if log == nil {
		var err error
		if log, _, err = NewLogger(LogOptions{}); err != nil {
			log = zap.NewNop()
		}
	}
	s := &Server{
		opts:     opts,
		log:      log,
		docs:     newDocuments(),
		exited:   make(chan struct{}),
		inflight: inflight{byID: map[jsonrpc2.ID]*running{}},
	}
	// Background work may be started before serve (by NewEngine), so its context
	// exists from the start; serve cancels it when it returns.
	s.bg, s.bgCancel = context.WithCancel(context.Background())
	s.ws = newEngine(s)
	s.engine = s.ws
	if opts.NewEngine != nil {
		s.engine = opts.NewEngine(s)
	}
	return s
}

func (s *Server) serve(ctx context.Context, in io.Reader, out io.Writer) error {
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer s.bgCancel()

	s.conn = jsonrpc2.NewConn(newStream(in, out, s.log))
	s.client = protocol.ClientDispatcher(s.conn, s.log.Named("client"))
	s.conn.Go(connCtx, s.handler())

	select {
	case <-s.exited:
	case <-s.conn.Done():
	case <-ctx.Done():
	}
	var err error
	select {
	case <-s.exited:
		if lifecycleState(s.state.Load()) != stateShutdown {
			err = ErrExitWithoutShutdown
		}
	default:
		if ctx.Err() != nil {
			err = fmt.Errorf("serving: %w", ctx.Err())
		} else {
			err = fmt.Errorf("connection ended: %w", s.conn.Err())
		}
	}

	// In-flight requests and background work stop with the connection.
	cancel()
	s.bgCancel()
	_ = s.conn.Close()
	timer := time.NewTimer(closeGrace)
	defer timer.Stop()
	s.bgMu.Lock()
	s.bgClosed = true
	s.bgMu.Unlock()
	bgDone := make(chan struct{})
	go func() { s.bgWait.Wait(); close(bgDone) }()
	// After exit, the read loop may sit in a read of stdin that Close cannot
	// interrupt; it ends with the process, so only background work is awaited.
	waits := []<-chan struct{}{bgDone}
	select {
	case <-s.exited:
	default:
		waits = append(waits, s.conn.Done())
	}
	for _, done := range waits {
		select {
		case <-done:
		case <-timer.C:
			s.log.Warn("gave up waiting for the read loop or background work to stop")
			return err
		}
	}
	return err
}

// Go runs fn in the background, outside the message queue, with a context that
// ends at shutdown or exit. Long work (indexing, workspace scans) goes here so
// that no message waits for it. A panic in fn is logged, not fatal.
// After Run has returned, Go does nothing, and says so by returning false.
func (s *Server) Go(name string, fn func(ctx context.Context)) bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		return false
	}
	s.bgWait.Add(1)
	go func() {
		defer s.bgWait.Done()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in background work", zap.String("task", name),
					zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
			}
		}()
		fn(s.bg)
	}()
	return true
}

// Session returns what initialize negotiated. Before initialize it is the
// protocol default (UTF-16, no client capabilities), so callers never check nil.
func (s *Server) Session() *Session {
	if sess := s.session.Load(); sess != nil {
		return sess
	}
	return &Session{Encoding: UTF16}
}

// Logger is the server's logger, for the engine.
func (s *Server) Logger() *zap.Logger { return s.log }
