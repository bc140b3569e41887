package workspace

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// syncDisk makes root hold exactly the model's files.
func syncDisk(t *testing.T, root string, m *modelVault) {
	t.Helper()
	want := map[string]string{}
	for _, f := range m.files {
		want[f.path] = f.text
		if !f.note {
			want[f.path] = "asset"
		}
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if _, ok := want[filepath.ToSlash(rel)]; !ok {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, text := range want {
		full := filepath.Join(root, filepath.FromSlash(p))
		if old, err := os.ReadFile(full); err == nil && string(old) == text {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadThrough loads root through the cache in dir with cfg and saves the cache.
func loadThrough(t *testing.T, root, dir string, cfg Config) (*Index, LoadReport) {
	t.Helper()
	c, err := OpenNoteCache(dir)
	if err != nil {
		t.Logf("open: %v", err) // a damaged cache still loads
	}
	ix, rep, err := LoadWithOptions(context.Background(), root, cfg, NewParser(), LoadOptions{Cache: c})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, err := c.Save(context.Background()); err != nil {
		t.Fatalf("save: %v", err)
	}
	return ix, rep
}

func freshLoad(t *testing.T, root string, cfg Config) *Index {
	t.Helper()
	ix, _, err := Load(context.Background(), root, cfg, NewParser())
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestIndexImageMatchesFresh restarts on random vaults through the note
// cache, under every profile: with nothing changed the index comes from the
// image alone; after random edits on disk (notes written, removed, renamed,
// assets added and removed) from the image and those edits. Either way it
// must equal an index built from scratch, every resolution, backlink, tag
// and table of it.
func TestIndexImageMatchesFresh(t *testing.T) {
	seeds, rounds := 4, 8
	if testing.Short() {
		seeds, rounds = 2, 4
	}
	for _, c := range incrementalConfigs {
		t.Run(c.name, func(t *testing.T) {
			p := NewParser()
			for seed := range seeds {
				r := rand.New(rand.NewPCG(uint64(seed), 11))
				m := &modelVault{files: map[string]modelFile{}}
				scratch := m.build(c.cfg)
				for range 30 {
					applyRandomEdit(r, p, scratch, m)
				}
				root, dir := t.TempDir(), t.TempDir()
				syncDisk(t, root, m)
				if _, rep := loadThrough(t, root, dir, c.cfg); rep.FromImage {
					t.Fatalf("seed %d: the first load came from an image", seed)
				}
				var history []string
				for round := range rounds {
					ix, rep := loadThrough(t, root, dir, c.cfg)
					if !rep.FromImage || rep.ImageEdits != 0 {
						t.Fatalf("seed %d round %d: restart on unchanged files: from image %v with %d edits, want from image, no edits",
							seed, round, rep.FromImage, rep.ImageEdits)
					}
					if d := diffStates(indexState(freshLoad(t, root, c.cfg)), indexState(ix)); d != "" {
						t.Fatalf("seed %d round %d: the image's index differs from a fresh one:\n%s\nedits so far:\n\t%s",
							seed, round, d, strings.Join(history, "\n\t"))
					}
					for range 1 + r.IntN(4) {
						_, what := applyRandomEdit(r, p, scratch, m)
						history = append(history, what)
					}
					syncDisk(t, root, m)
					ix, rep = loadThrough(t, root, dir, c.cfg)
					if !rep.FromImage {
						t.Fatalf("seed %d round %d: restart after a few edits did not use the image", seed, round)
					}
					if d := diffStates(indexState(freshLoad(t, root, c.cfg)), indexState(ix)); d != "" {
						t.Fatalf("seed %d round %d: the image's index with %d edits differs from a fresh one:\n%s\nedits so far:\n\t%s",
							seed, round, rep.ImageEdits, d, strings.Join(history, "\n\t"))
					}
				}
			}
		})
	}
}

// An image written under another configuration, or damaged, is not used:
// the load resolves every link and the index is right.
func TestIndexImageRefused(t *testing.T) {
	root := writeNotes(t, smallVault)
	cfg := cacheTestConfig
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string) Config
	}{
		{"another profile", func(t *testing.T, dir string) Config {
			return Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzShortest}
		}},
		{"damaged", func(t *testing.T, dir string) Config {
			file := filepath.Join(dir, cacheFileName)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rest, _ := readCacheHeader(data)
			at := len(data) - len(rest) + 4 // inside the image's body
			data[at] ^= 0xff
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return cfg
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			loadThrough(t, root, dir, cfg)
			if _, rep := loadThrough(t, root, dir, cfg); !rep.FromImage {
				t.Fatal("the restart before spoiling did not use the image")
			}
			cfg2 := tc.spoil(t, dir)
			ix, rep := loadThrough(t, root, dir, cfg2)
			if rep.FromImage {
				t.Fatal("a spoiled image was used")
			}
			if d := diffStates(indexState(freshLoad(t, root, cfg2)), indexState(ix)); d != "" {
				t.Fatalf("index differs from a fresh one:\n%s", d)
			}
			// The save that followed wrote a good image again.
			if _, rep := loadThrough(t, root, dir, cfg2); !rep.FromImage || rep.ImageEdits != 0 {
				t.Fatalf("after the rewrite: from image %v, %d edits; want from image, none", rep.FromImage, rep.ImageEdits)
			}
		})
	}
}

// Past imageDiffLimit, a restart resolves everything rather than applying
// thousands of edits.
func TestIndexImageTooManyEdits(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("n%03d.md", i)] = fmt.Sprintf("[[n%03d]]\n", (i+1)%200)
	}
	root := writeNotes(t, files)
	dir := t.TempDir()
	loadThrough(t, root, dir, cacheTestConfig)
	for i := range 70 {
		p := filepath.Join(root, fmt.Sprintf("n%03d.md", i))
		if err := os.WriteFile(p, []byte("[[gone]] changed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix, rep := loadThrough(t, root, dir, cacheTestConfig)
	if rep.FromImage {
		t.Fatalf("70 of 200 notes changed (limit %d): the image was used", imageDiffLimit(200))
	}
	if d := diffStates(indexState(freshLoad(t, root, cacheTestConfig)), indexState(ix)); d != "" {
		t.Fatalf("index differs from a fresh one:\n%s", d)
	}
}

// A note taken from the cache holds no key of its own: the links of every
// note that name one target share one string, the cache file's.
func TestNoteCacheSharesLinkKeys(t *testing.T) {
	root := writeNotes(t, map[string]string{
		"a.md": "[[Some Target]] and [[Other]]\n",
		"b.md": "again [[some target]]\n",
		"c.md": "[x](Some%20Target.md)\n",
	})
	dir := t.TempDir()
	loadThrough(t, root, dir, cacheTestConfig)
	ix, rep := loadThrough(t, root, dir, cacheTestConfig)
	if rep.Cached != 3 {
		t.Fatalf("%d of 3 notes from the cache", rep.Cached)
	}
	notes := indexNotes(ix)
	keys := []string{notes["a.md"].Links()[0].key, notes["b.md"].Links()[0].key, notes["c.md"].Links()[0].key}
	for i, k := range keys {
		if k != "some-target" {
			t.Fatalf("link key %d is %q, want some-target", i, k)
		}
		if unsafe.StringData(k) != unsafe.StringData(keys[0]) {
			t.Errorf("the key of note %d is a string of its own, not the shared one", i)
		}
	}
}

// buildFromImage makes the index an image describes in one go, as a load
// does beside the decoding of notes: startFromImage, then finish. notes are
// the cache file's notes in its order, which the image's ordinals count.
func buildFromImage(cfg Config, img *indexImage, notes []*Note) (*Index, error) {
	paths := make([]string, len(notes))
	for i, n := range notes {
		paths[i] = n.Path
	}
	p, err := startFromImage(cfg, img, paths)
	if err != nil {
		return nil, err
	}
	return p.finish(notes)
}
