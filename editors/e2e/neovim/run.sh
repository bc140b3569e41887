#!/usr/bin/env bash
# E2E: the rhizome Neovim plugin (editors/neovim) in a real headless Neovim against the server.
#
#   RHIZOME_BIN=/path/to/rhizome editors/e2e/neovim/run.sh [GARDEN_DIR]
#
# GARDEN_DIR defaults to $GARDEN, then examples/garden. Installs Neovim (Debian's 0.7.2) when
# missing. Exits non-zero on any failure. Set NVIM=/path/to/nvim to test another Neovim. Each
# of the two passes may take $E2E_RUN_TIMEOUT_S seconds (default 150; a generated 50k-note
# vault needs 600).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
garden_src="${1:-${GARDEN:-$repo/examples/garden}}"
start=$(date +%s)

die() { echo "neovim e2e: FAIL: $*" >&2; exit 1; }

[ -n "${RHIZOME_BIN:-}" ] || die "set RHIZOME_BIN to the rhizome executable (go build -o /tmp/rhizome ./cmd/rhizome)"
[ -x "$RHIZOME_BIN" ] || die "RHIZOME_BIN=$RHIZOME_BIN is not executable"
RHIZOME_BIN="$(cd "$(dirname "$RHIZOME_BIN")" && pwd)/$(basename "$RHIZOME_BIN")"
[ -d "$garden_src" ] || die "no garden folder at $garden_src"
command -v node >/dev/null || die "node is needed (to pick targets and check results)"

NVIM="${NVIM:-nvim}"
if ! command -v "$NVIM" >/dev/null; then
  echo "neovim e2e: installing neovim (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y neovim >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y neovim >/dev/null; }
  command -v "$NVIM" >/dev/null || die "could not install neovim"
fi
echo "neovim e2e: $("$NVIM" --version | head -1), server $RHIZOME_BIN"

work="$(mktemp -d "${TMPDIR:-/tmp}/rhizome-nvim-e2e.XXXXXX")"
echo "neovim e2e: work folder $work (kept for inspection)"
# A copy of the garden, so that nothing the test does can touch the real one; writable, as a
# user's notes are (a garden kept read-only, as ../shared/gardens is, made Neovim warn
# "W10: Changing a readonly file" at each edit).
cp -a "$garden_src" "$work/garden"
chmod -R u+w "$work/garden"
garden="$work/garden"
# The plugin finds the vault root from .obsidian / .rhizome.yaml / .git; give a garden
# that has none a .git, so that the root is the garden and not the note's folder.
if [ ! -e "$garden/.obsidian" ] && [ ! -e "$garden/.rhizome.yaml" ] && [ ! -e "$garden/.git" ]; then
  mkdir "$garden/.git"
fi

node "$here/../pick-targets.mjs" "$garden" > "$work/targets.json" || die "could not pick targets from $garden_src"
echo "neovim e2e: targets: broken link $(node -e 'const t=require(process.argv[1]);console.log(`${t.broken.text} in ${t.broken.file}; link ${t.link.text} in ${t.link.file} -> ${t.link.targetFile}; title "${t.completion.title}"`)' "$work/targets.json")"

export RHIZOME_BIN
export RHIZOME_E2E_TARGETS="$work/targets.json"
export RHIZOME_E2E_LSP_LOG=1
# Each pass keeps Neovim's state (lsp.log, shada, swap) in its own folder under $work.

# Pass 1: the plugin as Neovim 0.7 runs it. Pass 2 (only on a Neovim without vim.lsp.start):
# the same with vim.lsp.start polyfilled like 0.8's, so that the plugin's 0.8+ branch runs too.
passes="native"
if ! "$NVIM" --headless -u NONE -i NONE -n -c 'lua if vim.lsp.start == nil then vim.cmd("cquit 3") end' -c 'qall!' >/dev/null 2>&1; then
  passes="native polyfill"
fi
failed=0
for pass in $passes; do
  echo "neovim e2e: --- pass: $pass"
  pw="$work/$pass"
  mkdir -p "$pw"
  # A garden of its own: the rename step moves a note.
  cp -a "$garden" "$pw/garden"
  export RHIZOME_E2E_GARDEN="$pw/garden"
  export RHIZOME_E2E_OUT="$pw/results.json"
  export XDG_STATE_HOME="$pw/state" XDG_CACHE_HOME="$pw/cache" XDG_DATA_HOME="$pw/data" XDG_CONFIG_HOME="$pw/config"
  if [ "$pass" = polyfill ]; then export RHIZOME_E2E_POLYFILL_START=1; else unset RHIZOME_E2E_POLYFILL_START; fi
  set +e
  timeout "${E2E_RUN_TIMEOUT_S:-150}" "$NVIM" --headless -u NONE -i NONE -n \
    --cmd "set rtp^=$repo/editors/neovim" \
    -c "luafile $here/test.lua" > "$pw/nvim.out" 2>&1
  rc=$?
  set -e
  if [ -s "$pw/nvim.out" ]; then echo "--- nvim output"; cat "$pw/nvim.out"; echo "---"; fi
  log="$(find "$pw" -name 'lsp.log' 2>/dev/null | head -1 || true)"
  set +e
  node "$here/check.mjs" "$work/targets.json" "$pw/results.json" "$pw/nvim.out"
  check=$?
  set -e
  echo "neovim e2e: results $pw/results.json, LSP log ${log:-none}"
  if [ $rc -ne 0 ] || [ $check -ne 0 ]; then
    failed=1
    if [ -n "$log" ]; then
      echo "--- errors, warnings and server stderr from $log (whole log kept)"
      grep -E '"stderr"|^\[(ERROR|WARN)\]' "$log" | tail -40 | cut -c1-1000 || true
    fi
    echo "neovim e2e: pass $pass failed (nvim exit $rc, checks exit $check)"
  fi
done
echo "neovim e2e: $(( $(date +%s) - start )) s"
[ $failed -eq 0 ] || die "see above"
echo "neovim e2e: PASS"
