package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

const (
	// maxHeaderLine bounds one header line: garbage without line breaks must not
	// grow a buffer without limit.
	maxHeaderLine = 4 << 10
	// maxMessage bounds one message body. A garden note is kilobytes; a larger
	// Content-Length is garbage or hostile, and the body is read as it arrives
	// rather than allocated up front, so a lying header costs nothing until then.
	maxMessage = 256 << 20
	// maxKeptFrame bounds the write buffer kept between messages: a rename's
	// workspace edit may be megabytes, once.
	maxKeptFrame = 1 << 20
)

// stream is the jsonrpc2.Stream over stdio. Both directions are our own framing.
// Writing (appendFrame) writes the JSON jsonrpc2 marshalled once, not thrice;
// error replies keep jsonrpc2.NewStream's. Reading, because jsonrpc2's stream
// fails the whole connection on one malformed body: here a well-framed body that
// is not JSON is answered -32700 and one that is JSON but not a request -32600,
// as the JSON-RPC spec asks, and the read loop goes on. Only a broken frame (bad
// header, no Content-Length, truncated body) ends the connection, since the next
// message boundary is then unknowable.
type stream struct {
	in     *bufio.Reader
	out    jsonrpc2.Stream // framing for writes
	w      io.Writer
	closer func() error
	log    *zap.Logger

	// writeMu serializes our own error replies, written from the read loop, with
	// conn's writes from handler goroutines.
	writeMu sync.Mutex
	// frame is the buffer the last message was encoded in, reused under writeMu.
	frame []byte
}

// rwc joins stdin and stdout into the io.ReadWriteCloser jsonrpc2.NewStream wants.
type rwc struct {
	io.Reader
	io.Writer
	close func() error
}

func (c rwc) Close() error { return c.close() }

func newStream(in io.Reader, out io.Writer, log *zap.Logger) *stream {
	var once sync.Once
	var closeErr error
	closer := func() error {
		// Closing both ends unblocks a pending Read and tells the client we are gone.
		// in and out may be the same object (a net.Conn in tests), so only the first
		// error counts and a second Close is harmless.
		once.Do(func() {
			if c, ok := in.(io.Closer); ok {
				closeErr = c.Close()
			}
			if c, ok := out.(io.Closer); ok {
				_ = c.Close()
			}
		})
		return closeErr
	}
	return &stream{
		in:     bufio.NewReaderSize(in, maxHeaderLine),
		out:    jsonrpc2.NewStream(rwc{Reader: in, Writer: out, close: closer}),
		w:      out,
		closer: closer,
		log:    log,
	}
}

// Read implements jsonrpc2.Stream.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame()
		if err != nil {
			return nil, n, err
		}
		msg, rpcErr, id := decodeMessage(body)
		if rpcErr == nil {
			return msg, n, nil
		}
		s.log.Warn("rejected a message", zap.Int64("code", int64(rpcErr.Code)),
			zap.String("error", rpcErr.Message), zap.ByteString("body", truncate(body, 200)))
		if err := s.writeError(id, rpcErr); err != nil {
			return nil, n, err
		}
	}
}

// readFrame reads one Content-Length framed body.
func (s *stream) readFrame() ([]byte, int64, error) {
	var total int64
	length := int64(-1)
	headers := 0
	for {
		line, err := s.in.ReadSlice('\n')
		total += int64(len(line))
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, total, fmt.Errorf("header line longer than %d bytes", maxHeaderLine)
		}
		if err != nil {
			return nil, total, fmt.Errorf("reading header: %w", err)
		}
		text := strings.TrimSpace(string(line))
		if text == "" {
			if headers == 0 {
				// Tolerate stray blank lines between messages; they carry no header.
				continue
			}
			break
		}
		headers++
		name, value, ok := strings.Cut(text, ":")
		if !ok {
			return nil, total, fmt.Errorf("invalid header line %q", truncate(line, 80))
		}
		// Header names are case-insensitive as in HTTP; unknown headers are ignored
		// as jsonrpc2 does (the base protocol has only Content-Length and -Type).
		if strings.EqualFold(strings.TrimSpace(name), jsonrpc2.HdrContentLength) {
			length, err = strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || length <= 0 || length > maxMessage {
				return nil, total, fmt.Errorf("invalid %s %q", jsonrpc2.HdrContentLength, truncate([]byte(value), 80))
			}
		}
	}
	if length < 0 {
		return nil, total, fmt.Errorf("missing %s header", jsonrpc2.HdrContentLength)
	}
	var body bytes.Buffer
	body.Grow(int(min(length, 1<<20)))
	n, err := io.CopyN(&body, s.in, length)
	total += n
	if err != nil {
		return nil, total, fmt.Errorf("reading %d-byte body: %w", length, err)
	}
	return body.Bytes(), total, nil
}

// decodeMessage decodes one body. On failure it returns the JSON-RPC error to
// answer and the request id to answer it under (JSON null when unknown).
func decodeMessage(body []byte) (jsonrpc2.Message, *jsonrpc2.Error, json.RawMessage) {
	null := json.RawMessage("null")
	if !json.Valid(body) {
		return nil, jsonrpc2.NewError(jsonrpc2.ParseError, "parse error: body is not valid JSON"), null
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err == nil {
		return msg, nil, nil
	}
	// Answer under the request's id when it has a usable one, so the client can
	// match the error to its request; otherwise null, as JSON-RPC asks.
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	id := null
	if json.Unmarshal(body, &probe) == nil && len(probe.ID) > 0 {
		var v any
		_ = json.Unmarshal(probe.ID, &v)
		switch v.(type) {
		case float64, string:
			id = probe.ID // echoed byte for byte, so a big or odd number survives
		}
	}
	return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "invalid request: %v", err), id
}

// Write implements jsonrpc2.Stream.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	frame, ok := appendFrame(s.frame[:0], msg)
	if !ok {
		// jsonrpc2's Write refuses a cancelled context, but the reply to a
		// cancelled request (-32800) must still go out, and a write never blocks
		// for long.
		n, err := s.out.Write(context.WithoutCancel(ctx), msg)
		if err != nil {
			return n, fmt.Errorf("writing message: %w", err)
		}
		return n, nil
	}
	// One write per message: a reader never waits on half a frame.
	n, err := s.w.Write(frame)
	if cap(frame) <= maxKeptFrame {
		s.frame = frame
	}
	if err != nil {
		return int64(n), fmt.Errorf("writing message: %w", err)
	}
	return int64(n), nil
}

// writeError answers a message that never became a jsonrpc2.Message. jsonrpc2's
// Response cannot carry a null id, so the reply is marshalled here.
func (s *stream) writeError(id json.RawMessage, e *jsonrpc2.Error) error {
	data, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, e})
	if err != nil {
		return fmt.Errorf("marshalling error reply: %w", err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := fmt.Fprintf(s.w, "%s: %d\r\n\r\n%s", jsonrpc2.HdrContentLength, len(data), data); err != nil {
		return fmt.Errorf("writing error reply: %w", err)
	}
	return nil
}

// Close implements jsonrpc2.Stream.
func (s *stream) Close() error { return s.closer() }

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
