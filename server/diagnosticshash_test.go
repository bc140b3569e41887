package server

import (
	"testing"

	"go.lsp.dev/protocol"
)

// The hash that spares the editor a list it already has tells apart lists
// that differ in any field the editor shows, in order or in length, and
// only those.
func TestDiagnosticsHash(t *testing.T) {
	base := func() []protocol.Diagnostic {
		return []protocol.Diagnostic{
			{Range: protocol.Range{Start: protocol.Position{Line: 2, Character: 4}, End: protocol.Position{Line: 2, Character: 9}},
				Severity: protocol.DiagnosticSeverityError, Code: "broken-link", Source: "rhizome", Message: `no note or file "a"`},
			{Range: protocol.Range{Start: protocol.Position{Line: 300, Character: 200}, End: protocol.Position{Line: 300, Character: 210}},
				Severity: protocol.DiagnosticSeverityWarning, Code: "broken-anchor", Source: "rhizome", Message: `no heading "b"`},
		}
	}
	want := diagnosticsHash(base())
	if got := diagnosticsHash(base()); got != want {
		t.Fatalf("the same list hashed %x and %x", want, got)
	}
	if diagnosticsHash(nil) != diagnosticsHash([]protocol.Diagnostic{}) {
		t.Error("nil and an empty list hash apart")
	}
	for name, change := range map[string]func(ds []protocol.Diagnostic) []protocol.Diagnostic{
		"start line":      func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[1].Range.Start.Line++; return ds },
		"start character": func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[0].Range.Start.Character++; return ds },
		"end line":        func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[0].Range.End.Line++; return ds },
		"end character":   func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[1].Range.End.Character = 128; return ds },
		"severity": func(ds []protocol.Diagnostic) []protocol.Diagnostic {
			ds[0].Severity = protocol.DiagnosticSeverityHint
			return ds
		},
		"code":         func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[0].Code = "ambiguous-link"; return ds },
		"no code":      func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[0].Code = nil; return ds },
		"numeric code": func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[0].Code = 7; return ds },
		"message":      func(ds []protocol.Diagnostic) []protocol.Diagnostic { ds[1].Message += "!"; return ds },
		// The code's end and the message's start moved: "broken-lin" + "k…".
		"text across the fields": func(ds []protocol.Diagnostic) []protocol.Diagnostic {
			ds[0].Code, ds[0].Message = "broken-lin", "k"+ds[0].Message
			return ds
		},
		"order":     func(ds []protocol.Diagnostic) []protocol.Diagnostic { return []protocol.Diagnostic{ds[1], ds[0]} },
		"one fewer": func(ds []protocol.Diagnostic) []protocol.Diagnostic { return ds[:1] },
		"none":      func(ds []protocol.Diagnostic) []protocol.Diagnostic { return nil },
	} {
		if diagnosticsHash(change(base())) == want {
			t.Errorf("a change of %s hashes as the list before", name)
		}
	}
	// The source is rhizome's on every diagnostic: not part of the hash.
	same := base()
	same[0].Source = "other"
	if diagnosticsHash(same) != want {
		t.Error("the source changed the hash")
	}
}
