// Package workspace is rhizome's model of a garden: notes parsed with exact byte
// ranges, the Index that finds them, and link resolution under named profiles.
package workspace
