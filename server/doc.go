// Package server is rhizome's LSP transport: JSON-RPC over stdio, lifecycle, position
// encoding and document sync, with one thin adapter file per LSP method.
package server
