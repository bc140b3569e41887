package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// rawClient speaks bytes to the server, for what a jsonrpc2 client cannot send.
type rawClient struct {
	t       *testing.T
	conn    net.Conn
	replies chan []byte
	done    chan error
}

func newRawClient(t *testing.T) *rawClient {
	t.Helper()
	serverEnd, clientEnd := net.Pipe()
	c := &rawClient{t: t, conn: clientEnd, replies: make(chan []byte, 100), done: make(chan error, 1)}
	logs := &syncBuffer{}
	go func() {
		c.done <- Run(context.Background(), serverEnd, serverEnd, Options{Logger: zap.New(newTestCore(logs))})
	}()
	// Read continuously: the server writes error replies from its read loop, so a
	// client that stopped reading while writing would deadlock the pipe.
	go func() {
		defer close(c.replies)
		r := bufio.NewReader(clientEnd)
		for {
			body, err := readFrame(r)
			if err != nil {
				return
			}
			c.replies <- body
		}
	}()
	t.Cleanup(func() {
		_ = clientEnd.Close()
		select {
		case <-c.done:
		case <-time.After(timeout):
			t.Error("Run did not return")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return c
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

func (c *rawClient) write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next returns the next reply as a map, and its raw bytes.
func (c *rawClient) next() (map[string]any, string) {
	c.t.Helper()
	select {
	case body, ok := <-c.replies:
		if !ok {
			c.t.Fatal("connection closed, want a reply")
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Fatalf("reply %s: %v", body, err)
		}
		return m, string(body)
	case <-time.After(timeout):
		c.t.Fatal("no reply")
	}
	return nil, ""
}

func (c *rawClient) wantError(id any, code float64) {
	c.t.Helper()
	m, raw := c.next()
	e, _ := m["error"].(map[string]any)
	if e == nil || e["code"] != code || m["id"] != id || m["jsonrpc"] != "2.0" {
		c.t.Fatalf("reply %s, want error %v for id %v", raw, code, id)
	}
}

func (c *rawClient) waitRun() error {
	c.t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(timeout):
		c.t.Fatal("Run did not return")
		return nil
	}
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	body := make([]byte, length)
	_, err := io.ReadFull(r, body)
	return body, err
}

func TestMalformedMessagesAreAnswered(t *testing.T) {
	c := newRawClient(t)
	c.write(frame(`{"jsonrpc":"2.0","id":1,"method":`))
	c.wantError(nil, -32700)
	c.write(frame(`not json at all`))
	c.wantError(nil, -32700)
	c.write(frame(`[1, 2]`))
	c.wantError(nil, -32600)
	c.write(frame(`{"jsonrpc":"2.0","id":7,"method":5}`))
	c.wantError(7.0, -32600)
	c.write(frame(`{"jsonrpc":"1.0","id":"s","method":"initialize"}`))
	c.wantError("s", -32600)
	c.write(frame(`{"jsonrpc":"2.0","id":{"a":1},"method":"initialize"}`))
	c.wantError(nil, -32600)
	c.write(frame(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{}}`))
	c.wantError(8.0, -32002)

	// Stray blank lines and unknown headers are tolerated; the server still serves.
	c.write("\r\n" + "X-Whatever: 1\r\n" + frame(`{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{}}}`))
	m, raw := c.next()
	if m["id"] != 2.0 || m["result"] == nil {
		t.Fatalf("initialize reply %s", raw)
	}
	c.write(frame(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`))
	if m, raw := c.next(); m["id"] != 3.0 || !strings.Contains(raw, `"result":null`) {
		t.Fatalf("shutdown reply %s, want an explicit null result", raw)
	}
	c.write(frame(`{"jsonrpc":"2.0","method":"exit"}`))
	if err := c.waitRun(); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// Shutdown and exit in one write, as some clients send them: the shutdown reply
// still goes out before the connection closes.
func TestShutdownExitBackToBack(t *testing.T) {
	c := newRawClient(t)
	c.write(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`))
	c.next()
	c.write(frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","method":"exit"}`))
	if m, raw := c.next(); m["id"] != 2.0 {
		t.Fatalf("reply %s, want shutdown's", raw)
	}
	if err := c.waitRun(); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// Garbage framing closes the connection cleanly: Run returns an error, nothing panics.
func TestBrokenFramingCloses(t *testing.T) {
	for name, input := range map[string]string{
		"no header":            "hello world\r\n\r\n",
		"header without colon": "Content-Length 5\r\n\r\nhello",
		"bad length":           "Content-Length: abc\r\n\r\n{}",
		"negative length":      "Content-Length: -4\r\n\r\n{}",
		"huge length":          "Content-Length: 99999999999\r\n\r\n{}",
		"no length":            "Content-Type: application/vscode-jsonrpc\r\n\r\n{}",
		"endless header line":  strings.Repeat("x", 10000),
		"binary":               "\x00\xff\xfe\r\n\x01\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := newRawClient(t)
			go func() { _, _ = io.WriteString(c.conn, input) }()
			if err := c.waitRun(); err == nil {
				t.Fatal("Run returned nil for a broken stream")
			}
		})
	}
}

func TestTruncatedBodyCloses(t *testing.T) {
	c := newRawClient(t)
	c.write("Content-Length: 50\r\n\r\n{\"jsonrpc\"")
	_ = c.conn.Close()
	if err := c.waitRun(); err == nil {
		t.Fatal("Run returned nil for a truncated body")
	}
}

// FuzzServe feeds arbitrary bytes to Run: it must return, without panicking.
func FuzzServe(f *testing.F) {
	f.Add([]byte(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.md","version":1,"text":"é😀"}}}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.md","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":1},"end":{"line":0,"character":2}},"text":"x"}]}}`) +
		frame(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}`) +
		frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)))
	f.Add([]byte(frame(`{"jsonrpc":"2.0","id":1,"method":`)))
	f.Add([]byte("Content-Length: 3\r\n\r\n[1]"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, input []byte) {
		done := make(chan error, 1)
		go func() {
			done <- Run(context.Background(), bytes.NewReader(input), io.Discard, Options{Logger: zap.NewNop()})
		}()
		select {
		case <-done:
		case <-time.After(timeout):
			t.Fatalf("Run did not return on %q", input)
		}
	})
}
