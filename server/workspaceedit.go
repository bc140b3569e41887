package server

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
)

// WorkspaceEdit replaces protocol.WorkspaceEdit, whose DocumentChanges can hold
// only text edits: renaming a note needs RenameFile, and "create missing note"
// needs CreateFile, between the text edits. Check Session().Client.DocumentChanges
// and SupportsResourceOperation before using them; otherwise use Changes.
type WorkspaceEdit struct {
	Changes           map[protocol.DocumentURI][]protocol.TextEdit                      `json:"changes,omitempty"`
	DocumentChanges   []DocumentChange                                                  `json:"documentChanges,omitempty"`
	ChangeAnnotations map[protocol.ChangeAnnotationIdentifier]protocol.ChangeAnnotation `json:"changeAnnotations,omitempty"`
}

// DocumentChange is one of *protocol.TextDocumentEdit, *protocol.CreateFile,
// *protocol.RenameFile or *protocol.DeleteFile; each marshals to its own shape.
type DocumentChange interface{ isDocumentChange() }

type (
	// TextDocumentEdit edits one document.
	TextDocumentEdit struct{ protocol.TextDocumentEdit }
	// CreateFile creates a file.
	CreateFile struct{ protocol.CreateFile }
	// RenameFile renames a file.
	RenameFile struct{ protocol.RenameFile }
	// DeleteFile deletes a file.
	DeleteFile struct{ protocol.DeleteFile }
)

func (TextDocumentEdit) isDocumentChange() {}
func (CreateFile) isDocumentChange()       {}
func (RenameFile) isDocumentChange()       {}
func (DeleteFile) isDocumentChange()       {}

// NewCreateFile is the CreateFile operation for u.
func NewCreateFile(u protocol.DocumentURI, opts *protocol.CreateFileOptions) CreateFile {
	return CreateFile{protocol.CreateFile{Kind: protocol.CreateResourceOperation, URI: u, Options: opts}}
}

// NewRenameFile is the RenameFile operation from oldURI to newURI.
func NewRenameFile(oldURI, newURI protocol.DocumentURI, opts *protocol.RenameFileOptions) RenameFile {
	return RenameFile{protocol.RenameFile{Kind: protocol.RenameResourceOperation, OldURI: oldURI, NewURI: newURI, Options: opts}}
}

// NewDeleteFile is the DeleteFile operation for u.
func NewDeleteFile(u protocol.DocumentURI, opts *protocol.DeleteFileOptions) DeleteFile {
	return DeleteFile{protocol.DeleteFile{Kind: protocol.DeleteResourceOperation, URI: u, Options: opts}}
}

// ApplyEdit asks the client to apply an edit (workspace/applyEdit) and reports
// whether it did. It waits for the client: call it from background work.
func (s *Server) ApplyEdit(ctx context.Context, label string, edit *WorkspaceEdit) (bool, error) {
	params := struct {
		Label string         `json:"label,omitempty"`
		Edit  *WorkspaceEdit `json:"edit"`
	}{label, edit}
	var res protocol.ApplyWorkspaceEditResponse
	if _, err := s.conn.Call(ctx, protocol.MethodWorkspaceApplyEdit, &params, &res); err != nil {
		return false, fmt.Errorf("workspace/applyEdit %q: %w", label, err)
	}
	if !res.Applied && res.FailureReason != "" {
		return false, fmt.Errorf("workspace/applyEdit %q refused: %s", label, res.FailureReason)
	}
	return res.Applied, nil
}
