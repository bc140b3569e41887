// Package analysis holds rhizome's features — diagnostics, completion, hover,
// definition, references, rename, lenses, links, hints, folds, semantic
// tokens, code actions and unlinked mentions — over a workspace snapshot, a
// note and a byte offset.
// It knows nothing of LSP; the server and the check command share it.
package analysis
