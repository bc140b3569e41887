package workspace

import "testing"

// Target is the file a link leads to whatever its anchor says, and nil for
// a link that leads nowhere.
func TestSnapshotTarget(t *testing.T) {
	ix := testIndex(t, Config{Profiles: []Profile{ProfileObsidian}}, map[string]string{
		"a.md":    "[[b#Missing heading]] [[b]] [[nowhere]] [x](b.md#h) [[#Self]] [[img.png]]\n",
		"b.md":    "# H\n",
		"img.png": "",
	})
	snap := ix.Snapshot()
	defer snap.Release()
	a, b, img := snap.File("a.md"), snap.File("b.md"), snap.File("img.png")
	want := []*File{b, b, nil, b, a, img}
	for i, w := range want {
		if got := snap.Target(a, i); got != w {
			t.Errorf("link %d (%s): target %v, want %v", i, a.Note.Links()[i].Raw, got, w)
		}
	}
	if r := snap.Resolve(a, 0); r.Heading != nil || r.Target != b {
		t.Errorf("Resolve of the broken anchor: %+v", r)
	}
}
