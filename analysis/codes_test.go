package analysis

import (
	"os"
	"strings"
	"testing"
)

// The README's diagnostics table is the user's reference: it must list every
// code with its default severity.
func TestReadmeListsEveryCode(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes() {
		row := "| `" + c.Name + "` | " + c.Severity.String() + " | " + c.Meaning + " | " + c.Fix + " |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row:\n%s", row)
		}
	}
}
