package workspace

import (
	"errors"
	"slices"
)

// imageDiffLimit is how many files a load may differ from the image in and
// still start from it: each difference is an edit, which re-resolves the
// links its names touch, and past some thousands a full resolve is cheaper.
func imageDiffLimit(notes int) int { return max(64, notes/8) }

// imageBuild is an index being built from the cache's image while the
// load scans the vault and the cache's notes are decoded: what the image
// says by path needs neither.
type imageBuild struct {
	done chan struct{}
	ix   *Index
	err  error
}

// startImage starts building the index the cache's image describes, when
// there is one for cfg; nil when there is none.
func (c *NoteCache) startImage(cfg Config) *imageBuild {
	if c == nil {
		return nil
	}
	// The collector's pause is taken before the read's ends, so that it is
	// not turned back on in between (turning it off again waits for the
	// collection that started meanwhile).
	resume := pauseGC()
	c.waitFramed()
	if c.framedImage == nil {
		resume()
		return nil
	}
	img, err := decodeImage(c.framedImage)
	if err != nil || img.config != imageConfig(cfg) {
		resume()
		return nil
	}
	b := &imageBuild{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		defer resume()
		// What the image says by path goes on beside the notes' decoding;
		// the notes are added once they are all there, and intact.
		part, err := startFromImage(cfg, img, c.framedPaths)
		c.wait()
		switch {
		case err != nil:
			b.err = err
		case c.image == nil:
			b.err = errors.New("index image: the cache file is damaged")
		default:
			b.ix, b.err = part.finish(c.ordered)
		}
	}()
	return b
}

// wait waits for the build to end and returns its error; without a build,
// an error that says so.
func (b *imageBuild) wait() error {
	if b == nil {
		return errors.New("index image: none")
	}
	<-b.done
	return b.err
}

// finish waits for the image's index and brings it to the load's files:
// files gone, files new and notes changed are applied as edits, which it
// counts. It returns nil when the image cannot serve (it did not fit, or
// the files differ in too many places); the load then resolves every link.
func (b *imageBuild) finish(c *NoteCache, notes []*Note, assets []string) (_ *Index, edits int) {
	if b.wait() != nil {
		return nil, 0
	}
	if slices.Equal(notes, c.ordered) && sameAssets(b.ix.files, len(notes), assets) {
		return b.ix, 0 // the usual restart: nothing changed, in the same order
	}
	seen := make([]bool, len(c.ordered))
	var changed []*Note
	for _, n := range notes {
		e, ok := c.entries[n.Path]
		if ok {
			seen[e.ord] = true
		}
		if !ok || e.note != n {
			changed = append(changed, n)
		}
	}
	var gone, added []string
	for i, s := range seen {
		if !s {
			gone = append(gone, c.ordered[i].Path)
		}
	}
	was := map[string]bool{}
	for _, f := range b.ix.files {
		if f.Note == nil {
			was[f.Path] = true
		}
	}
	for _, p := range assets {
		if !was[p] {
			added = append(added, p)
		}
		delete(was, p)
	}
	for p := range was {
		gone = append(gone, p)
	}
	edits = len(changed) + len(gone) + len(added)
	if edits > imageDiffLimit(len(notes)) {
		return nil, 0
	}
	ix := b.ix
	for _, p := range gone {
		ix.Remove(p)
	}
	for _, p := range added {
		ix.SetFile(p)
	}
	for _, n := range changed {
		ix.SetNote(n)
	}
	return ix, edits
}

// sameAssets reports whether the index holds, besides its notes (there are
// notes of them), exactly assets, by path.
func sameAssets(files map[string]*File, notes int, assets []string) bool {
	if len(files) != notes+len(assets) {
		return false
	}
	for _, p := range assets {
		if f := files[fold(p)]; f == nil || f.Path != p || f.Note != nil {
			return false
		}
	}
	return true
}

// recordImage keeps, for Save, what the image of the index a load built
// from the notes it recorded (record) and assets is made of. An index built
// from the file's image without a difference keeps that image, when the
// notes are recorded in the file's order; any other is taken anew, and Save
// then writes.
func (c *NoteCache) recordImage(ix *Index, cfg Config, assets []string, exact bool) {
	c.mu.Lock()
	next := c.next
	c.mu.Unlock()
	if exact && len(next) == len(c.ordered) {
		same := true
		for i, r := range next {
			if r.note != c.ordered[i] {
				same = false
				break
			}
		}
		if same {
			c.mu.Lock()
			c.nextImage, c.nextSource = c.image, nil
			c.mu.Unlock()
			return
		}
	}
	// Without a source (an index whose files cannot be counted), the notes
	// are still saved; the next start resolves every link again.
	src, _ := takeImage(ix, cfg, next, assets)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextImage, c.nextSource = nil, src
}
