package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// The editor's own file operations (its explorer's rename, new file and
// delete) are applied as soon as it reports them. Its file watcher may
// report them much later: VS Code, applying a rename's edits to 6,259 notes
// of a 50k vault, had not reported the move minutes after it, and the links
// to the moved note stayed broken until then. The watcher's events for the
// same files, when they come, change nothing more.

// fileOperationsOptions are the operations the server follows, on every file
// and folder (notes link to images and folders hold notes).
func fileOperationsOptions() *protocol.ServerCapabilitiesWorkspace {
	all := &protocol.FileOperationRegistrationOptions{Filters: []protocol.FileOperationFilter{
		{Scheme: "file", Pattern: protocol.FileOperationPattern{Glob: "**/*"}}}}
	return &protocol.ServerCapabilitiesWorkspace{FileOperations: &protocol.ServerCapabilitiesWorkspaceFileOperations{
		WillRename: all, DidRename: all, DidCreate: all, DidDelete: all,
	}}
}

func (s *Server) didRenameFiles(ctx context.Context, p *protocol.RenameFilesParams) error {
	for _, f := range p.Files {
		s.fileOperation(f.OldURI, true)
		s.fileOperation(f.NewURI, false)
	}
	return nil
}

func (s *Server) didCreateFiles(ctx context.Context, p *protocol.CreateFilesParams) error {
	for _, f := range p.Files {
		s.fileOperation(f.URI, false)
	}
	return nil
}

func (s *Server) didDeleteFiles(ctx context.Context, p *protocol.DeleteFilesParams) error {
	for _, f := range p.Files {
		s.fileOperation(f.URI, true)
	}
	return nil
}

// fileOperation applies one file or folder that appeared or went.
func (s *Server) fileOperation(uri string, gone bool) {
	if path, err := uriFilename(protocol.DocumentURI(uri)); err == nil {
		s.ws.fileChanged(path, gone)
	}
}
