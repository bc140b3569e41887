package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// BenchmarkEditDuringBlockSearch10k times a keystroke's edit made while a
// "[[^^" search reads the vault, from the didChange to the note's
// diagnostics ("edit-ms"): the change ends the search, which answers
// ContentModified. The two queries taken in turns are held by no note, so
// each search reads every note (neither holds the other, so neither takes up
// the last one's scan). Before a change ended the requests about its
// document, the edit waited for the whole search.
func BenchmarkEditDuringBlockSearch10k(b *testing.B) { benchEditDuringBlockSearch(b, false) }

// BenchmarkEditElsewhereDuringBlockSearch10k is the edit of another note
// while the search goes on, to its end: before the search read the notes
// without the index's lock, the edit waited for it.
func BenchmarkEditElsewhereDuringBlockSearch10k(b *testing.B) { benchEditDuringBlockSearch(b, true) }

func benchEditDuringBlockSearch(b *testing.B, elsewhere bool) {
	root, notes := generatedNotes(b, 10000)
	h := startOn(b, root, true)
	h.waitLog("load memory released")
	queries := [2]string{"[[^^zqxjv", "[[^^vjxqz"}
	open := func(path, tail string) (protocol.DocumentURI, string) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		uri, base := fileURIOf(path), string(data)+"\n[[No such note]]\n"
		h.notify(protocol.MethodTextDocumentDidOpen, openParams(string(uri), base+tail))
		return uri, base
	}
	// The search's note ends with both queries, one a line, when the edit
	// is elsewhere; else with one, which the edit changes.
	uri, base := open(notes[0], queries[0]+"\n"+queries[1])
	edited, editedBase := uri, base
	if elsewhere {
		edited, editedBase = open(notes[1], "")
	}
	lastLine := uint32(len(strings.Split(base, "\n")) - 1)
	var editing time.Duration
	version := int32(1)
	b.ResetTimer()
	for b.Loop() {
		// A pause, as between keystrokes: an edit right after another has its
		// diagnostics held for the rest of a burst (publisher's debounce).
		time.Sleep(debounce + 2*time.Millisecond)
		at := protocol.Position{Line: lastLine, Character: uint32(len(queries[0]))}
		if elsewhere && version%2 == 0 {
			at.Line++
		}
		errc := completeAtWork(b, h, uri, at)
		time.Sleep(2 * time.Millisecond) // the search under way
		version++
		text := editedBase + queries[version%2]
		if elsewhere {
			text = editedBase + strings.Repeat("x", int(version%2))
		}
		start := time.Now()
		h.notify(protocol.MethodTextDocumentDidChange, changeParams(string(edited), version, change{Text: text}))
		for {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics).params, &p); err != nil {
				b.Fatal(err)
			}
			if p.URI == edited && p.Version == uint32(version) {
				break
			}
		}
		editing += time.Since(start)
		if err := <-errc; elsewhere && err != nil {
			b.Fatalf("the search in the other note: %v", err)
		}
	}
	b.ReportMetric(float64(editing.Microseconds())/1000/float64(b.N), "edit-ms")
}
