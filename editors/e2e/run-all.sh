#!/usr/bin/env bash
# Runs the editor end-to-end tests against the real server:
#   neovim  — our plugin in headless Neovim (Debian's 0.7.2)
#   emacs   — eglot (Debian's Emacs 28 + elpa-eglot) with the snippet from editors/README.md
#   vscode  — our extension (.vsix) in VS Code 1.100.3 (code-server) driven by headless Chromium
#
#   editors/e2e/run-all.sh [GARDEN_DIR]
#
# RHIZOME_BIN: the server; built with `go build` into a temp folder when unset.
# E2E_SUITES:  which suites, default "neovim emacs vscode".
# SCREENSHOT_DIR: where the VS Code suite puts screenshots and logs (default: a temp folder).
# Each suite installs what it needs when missing (apt-get, npm ci). Exits non-zero if any
# suite fails; the last line sums the checks of all suites.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
start=$(date +%s)

if [ -z "${RHIZOME_BIN:-}" ]; then
  bindir="$(mktemp -d)"
  echo "editors e2e: go build -o $bindir/rhizome ./cmd/rhizome"
  (cd "$repo" && go build -o "$bindir/rhizome" ./cmd/rhizome) || { echo "editors e2e: FAIL: the server does not build"; exit 1; }
  export RHIZOME_BIN="$bindir/rhizome"
fi

total_pass=0
total_fail=0
failed_suites=()
for suite in ${E2E_SUITES:-neovim emacs vscode}; do
  echo "editors e2e: ===== $suite"
  log="$(mktemp)"
  bash "$here/$suite/run.sh" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # Each suite's checks end with "N passed, N failed" (Neovim has one line per pass).
  read -r p f < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | awk '{p+=$1; f+=$3} END {print p+0, f+0}')
  if [ "$rc" -ne 0 ]; then
    failed_suites+=("$suite")
    [ "$f" -eq 0 ] && f=1 # it failed before or outside its checks
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  rm -f "$log"
done

echo "editors e2e: $(( $(date +%s) - start )) s${failed_suites:+; failed suites: ${failed_suites[*]}}"
echo "editors: $total_pass passed, $total_fail failed"
[ ${#failed_suites[@]} -eq 0 ]
