package server

import (
	"context"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// discardStream is a connection's writing side whose frames go nowhere: the
// reply benchmarks time the JSON and its frame, not a pipe.
func discardStream() *stream {
	return newStream(strings.NewReader(""), discard{}, zap.NewNop())
}

// writeReply frames result as a reply, as the connection sends it.
func writeReply(b *testing.B, s *stream, result any) {
	r, err := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(1), result, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Write(context.Background(), r); err != nil {
		b.Fatal(err)
	}
}
