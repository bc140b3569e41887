package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// lifecycleState is where the session is in initialize → shutdown → exit.
type lifecycleState int32

const (
	stateNew lifecycleState = iota
	stateInitialized
	stateShutdown
)

// Session is what initialize negotiated. It never changes afterwards, so it is
// shared without a lock.
type Session struct {
	// Encoding is the negotiated position encoding, announced as
	// capabilities.positionEncoding.
	Encoding Encoding
	// Client holds the client capabilities rhizome acts on.
	Client ClientCaps
	// ClientInfo is the client's name and version, if it sent them.
	ClientInfo *protocol.ClientInfo
	// Folders are the workspace roots, from workspaceFolders, else rootUri, else
	// rootPath. Empty means single-file mode: no vault, only open documents.
	Folders []protocol.WorkspaceFolder
	// InitializationOptions is the client's initializationOptions, raw, or nil.
	InitializationOptions json.RawMessage
	// Capabilities is the client's capabilities object, raw, for anything
	// ClientCaps does not hold.
	Capabilities json.RawMessage
	// Params is protocol v0.12.0's typed view of the params. Fields it could not
	// decode (3.17 shapes) are zero, so prefer the fields above.
	Params *protocol.InitializeParams
}

// SingleFile reports whether no workspace folder was given.
func (s *Session) SingleFile() bool { return len(s.Folders) == 0 }

// admit enforces the lifecycle before dispatch. Before initialize, requests get
// -32002 and notifications are dropped; after shutdown, requests get -32600 and
// notifications are dropped. exit is always admitted. A rejected message has
// been replied to (a no-op for a notification, which ReplyHandler still wants).
func (s *Server) admit(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) bool {
	method := req.Method()
	var rejection *jsonrpc2.Error
	switch lifecycleState(s.state.Load()) {
	case stateNew:
		if method == protocol.MethodInitialize || method == protocol.MethodExit {
			return true
		}
		rejection = jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "%s before initialize", method)
	case stateShutdown:
		if method == protocol.MethodExit {
			return true
		}
		rejection = jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s after shutdown", method)
	default:
		return true
	}
	if _, ok := req.(*jsonrpc2.Call); !ok {
		s.log.Debug("dropped notification", zap.String("method", method), zap.String("reason", rejection.Message))
		_ = reply(ctx, nil, nil)
		return false
	}
	_ = reply(ctx, nil, rejection)
	return false
}

// initializeParams is the part of the initialize params read by hand, because
// protocol.InitializeParams drops 3.17 fields and has no raw view.
type initializeParams struct {
	ClientInfo            *protocol.ClientInfo       `json:"clientInfo"`
	RootPath              *string                    `json:"rootPath"`
	RootURI               *string                    `json:"rootUri"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          json.RawMessage            `json:"capabilities"`
}

type initializeResult struct {
	Capabilities ServerCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

// initialize negotiates the session. It is a barrier in the queue, so nothing
// else runs until it has replied.
func (s *Server) initialize(ctx context.Context, raw *json.RawMessage) (*initializeResult, error) {
	if lifecycleState(s.state.Load()) != stateNew {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "initialize was already called")
	}
	if len(*raw) == 0 || string(*raw) == "null" {
		return nil, invalidParams(protocol.MethodInitialize, errors.New("params are required"))
	}
	var p initializeParams
	if err := json.Unmarshal(*raw, &p); err != nil {
		return nil, invalidParams(protocol.MethodInitialize, err)
	}
	if c := strings.TrimSpace(string(p.Capabilities)); c != "" && c != "null" && !strings.HasPrefix(c, "{") {
		return nil, invalidParams(protocol.MethodInitialize, errors.New("capabilities must be an object"))
	}
	caps, err := parseClientCaps(p.Capabilities)
	if err != nil {
		s.log.Warn("some client capabilities were not understood", zap.Error(err))
	}

	typed := new(protocol.InitializeParams)
	if err := json.Unmarshal(*raw, typed); err != nil {
		// Partial decoding is still useful; the hand-read fields above are authoritative.
		s.log.Debug("protocol.InitializeParams decoded partially", zap.Error(err))
	}

	sess := &Session{
		Encoding:              chooseEncoding(caps.PositionEncodings),
		Client:                caps,
		ClientInfo:            p.ClientInfo,
		Folders:               workspaceFolders(p),
		InitializationOptions: nullToNil(p.InitializationOptions),
		Capabilities:          nullToNil(p.Capabilities),
		Params:                typed,
	}
	// Session before state: whoever sees the state initialized finds the session.
	// (initialize is a barrier, so no other message runs meanwhile anyway.)
	s.session.Store(sess)
	s.state.Store(int32(stateInitialized))

	client := "unknown"
	if p.ClientInfo != nil {
		client = strings.TrimSpace(p.ClientInfo.Name + " " + p.ClientInfo.Version)
	}
	s.log.Info("initialize", zap.String("client", client), zap.String("encoding", string(sess.Encoding)),
		zap.Int("folders", len(sess.Folders)), zap.Bool("workDoneProgress", caps.WorkDoneProgress))

	return &initializeResult{
		Capabilities: s.capabilities(sess),
		ServerInfo:   &protocol.ServerInfo{Name: "rhizome", Version: s.opts.Version},
	}, nil
}

// workspaceFolders picks the roots: workspaceFolders when given, else rootUri,
// else the deprecated rootPath.
func workspaceFolders(p initializeParams) []protocol.WorkspaceFolder {
	if len(p.WorkspaceFolders) > 0 {
		return p.WorkspaceFolders
	}
	if p.RootURI != nil && *p.RootURI != "" {
		return []protocol.WorkspaceFolder{{URI: *p.RootURI, Name: path.Base(strings.TrimRight(*p.RootURI, "/"))}}
	}
	if p.RootPath != nil && *p.RootPath != "" {
		u := string(fileURI(*p.RootPath))
		return []protocol.WorkspaceFolder{{URI: u, Name: path.Base(strings.TrimRight(*p.RootPath, `/\`))}}
	}
	return nil
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// initialized: the client is ready for server→client requests. Work that calls
// the client (watcher registration, indexing with $/progress) starts here in
// s.Go, never inline: this notification is a barrier in the queue.
func (s *Server) initialized(ctx context.Context, _ *json.RawMessage) error {
	s.log.Debug("initialized")
	s.engine.Initialized(ctx)
	return nil
}

// shutdownRequest answers shutdown, then logs it. The log line is a write to a
// file: written before the reply, it was 40-50 µs of the server's 120-150 µs
// for the reply after a pause (timed with marks in a throwaway build).
func (s *Server) shutdownRequest(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	err := request(ctx, reply, req, s.shutdown)
	if lifecycleState(s.state.Load()) == stateShutdown {
		s.log.Info("shutdown")
	}
	return err
}

// shutdown stops background work; from now on only exit is accepted. Its params
// (and exit's) are taken raw: whatever a client sends, these must work.
func (s *Server) shutdown(ctx context.Context, _ *json.RawMessage) (any, error) {
	if !s.state.CompareAndSwap(int32(stateInitialized), int32(stateShutdown)) {
		return nil, fmt.Errorf("shutdown in state %d: %w", s.state.Load(), jsonrpc2.ErrInvalidRequest)
	}
	s.bgCancel()
	return nil, nil
}

// exit ends Run, which closes the connection: jsonrpc2 would do nothing by itself.
func (s *Server) exit(ctx context.Context, _ *json.RawMessage) error {
	s.log.Info("exit", zap.Bool("afterShutdown", lifecycleState(s.state.Load()) == stateShutdown))
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}
