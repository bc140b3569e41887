#!/usr/bin/env bash
# E2E: Emacs eglot (Debian's Emacs 28 + elpa-eglot 1.9) with the snippet from editors/README.md
# against the server. Not our client: this checks that the documented setup works.
#
#   RHIZOME_BIN=/path/to/rhizome editors/e2e/emacs/run.sh [GARDEN_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
garden_src="${1:-${GARDEN:-$repo/examples/garden}}"
start=$(date +%s)
die() { echo "emacs e2e: FAIL: $*" >&2; exit 1; }
[ -n "${RHIZOME_BIN:-}" ] && [ -x "$RHIZOME_BIN" ] || die "set RHIZOME_BIN to the rhizome executable"
RHIZOME_BIN="$(cd "$(dirname "$RHIZOME_BIN")" && pwd)/$(basename "$RHIZOME_BIN")"
[ -d "$garden_src" ] || die "no garden folder at $garden_src"
if ! command -v emacs >/dev/null || ! ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1; then
  echo "emacs e2e: installing emacs-nox elpa-eglot elpa-markdown-mode (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends emacs-nox elpa-eglot elpa-markdown-mode >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends emacs-nox elpa-eglot elpa-markdown-mode >/dev/null; }
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/rhizome-emacs-e2e.XXXXXX")"
cp -a "$garden_src" "$work/garden"
chmod -R u+w "$work/garden" # writable, as a user's notes are, whatever the source's modes
# eglot's project is project.el's: the enclosing version-control repository.
(cd "$work/garden" && git init -q . 2>/dev/null) || mkdir -p "$work/garden/.git"
node "$here/../pick-targets.mjs" "$work/garden" > "$work/targets.json" || die "could not pick targets"
export RHIZOME_BIN RHIZOME_E2E_GARDEN="$work/garden" RHIZOME_E2E_TARGETS="$work/targets.json" RHIZOME_E2E_OUT="$work/results.json"
export HOME="$work/home"; mkdir -p "$HOME"
set +e
# stdin is empty: batch mode reads events (the file notifications, step 10) from it too.
timeout 120 emacs --batch -q -l "$here/test.el" < /dev/null > "$work/emacs.out" 2>&1
rc=$?
node "$here/check.mjs" "$work/targets.json" "$work/results.json"
check=$?
set -e
echo "emacs e2e: work folder $work, $(( $(date +%s) - start )) s"
if [ $rc -ne 0 ] || [ $check -ne 0 ]; then
  echo "--- emacs output (last 40 lines)"; tail -40 "$work/emacs.out"
  die "emacs exit $rc, checks exit $check"
fi
echo "emacs e2e: PASS"
