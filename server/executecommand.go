package server

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/protocol"
)

// executeCommand runs the server's commands; the only one lists the links
// a code lens counts (codelens.go), for the client-side command that shows
// them.
func (s *Server) executeCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (any, error) {
	switch p.Command {
	case commandLensLinks:
		var uri protocol.DocumentURI
		var target lensTarget
		if err := decodeArgs(p.Arguments, &uri, &target); err != nil || uri == "" {
			return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("%s wants (uri, {heading, slug}): %v", p.Command, err))
		}
		return s.lensLinks(uri, target), nil
	}
	return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("unknown command %q", p.Command))
}

// decodeArgs decodes a command's arguments, one into each of out.
func decodeArgs(args []any, out ...any) error {
	if len(args) != len(out) {
		return fmt.Errorf("%d arguments, want %d", len(args), len(out))
	}
	for i, a := range args {
		raw, err := json.Marshal(a)
		if err == nil {
			err = json.Unmarshal(raw, out[i])
		}
		if err != nil {
			return fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return nil
}
