package server

import (
	"encoding/json"
	"slices"
	"testing"
)

// The editor's settings changes are handled in the background, and a later
// one may be ready before an earlier one: the earlier, applied after it,
// must not undo it. Neovim 0.7 pushing two changes of the ignore globs in a
// row was left with the first.
func TestSettingsChangesApplyInOrder(t *testing.T) {
	e, _ := loadableVault(t, map[string]string{"a.md": "# A\n"})
	first, second := e.settingsOrder.next(), e.settingsOrder.next()
	if !e.applySettingsChange(second, json.RawMessage(`{"ignore":["second/"]}`)) {
		t.Fatal("the second change applied first is not a change")
	}
	if e.applySettingsChange(first, json.RawMessage(`{"rhizome":{"ignore":["first/"]}}`)) {
		t.Error("the first change, ready after the second, was applied")
	}
	e.mu.Lock()
	ignore := e.settings.Ignore
	e.mu.Unlock()
	if !slices.Equal(ignore, []string{"second/"}) {
		t.Errorf("ignore globs %q after both changes, want the second's", ignore)
	}
	// A change after them applies, once, and the same settings again are no change.
	third := e.settingsOrder.next()
	if !e.applySettingsChange(third, json.RawMessage(`{"ignore":["third/"]}`)) {
		t.Error("a third change was not applied")
	}
	if e.applySettingsChange(e.settingsOrder.next(), json.RawMessage(`{"ignore":["third/"]}`)) {
		t.Error("the same settings again count as a change")
	}
}
