#!/usr/bin/env bash
# E2E: the rhizome VS Code extension in a real VS Code (code-server 4.100.3) in headless
# Chromium, against the real server.
#
#   RHIZOME_BIN=/path/to/rhizome editors/e2e/vscode/run.sh [GARDEN_DIR]
#
# GARDEN_DIR defaults to $GARDEN, then examples/garden. Screenshots and logs go to
# $SCREENSHOT_DIR (default: a new temp folder; the path is printed). Installs what is
# missing (Debian: chromium ripgrep libkrb5-dev; npm: code-server + playwright-core with
# `npm ci`, the extension's dev dependencies), builds the .vsix, then runs test.mjs, for at
# most $E2E_RUN_TIMEOUT_S seconds (default 600; a generated 50k-note vault needs 1500, VS Code
# taking minutes to apply a rename's edits to 6,000 notes). Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
ext="$repo/editors/vscode"
start=$(date +%s)

die() { echo "vscode e2e: FAIL: $*" >&2; exit 1; }
step() { echo "vscode e2e: [$(( $(date +%s) - start ))s] $*"; }

[ -n "${RHIZOME_BIN:-}" ] || die "set RHIZOME_BIN to the rhizome executable (go build -o /tmp/rhizome ./cmd/rhizome)"
[ -x "$RHIZOME_BIN" ] || die "RHIZOME_BIN=$RHIZOME_BIN is not executable"
export RHIZOME_BIN="$(cd "$(dirname "$RHIZOME_BIN")" && pwd)/$(basename "$RHIZOME_BIN")"
export GARDEN="$(cd "${1:-${GARDEN:-$repo/examples/garden}}" 2>/dev/null && pwd)" || die "no garden folder at ${1:-${GARDEN:-$repo/examples/garden}}"
command -v node >/dev/null || die "node (20) is needed"
command -v npm >/dev/null || die "npm is needed"

# --- Debian packages
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
for tool in make g++ python3; do command -v $tool >/dev/null || missing+=(build-essential python3); done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi

# --- code-server + playwright-core (package-lock.json here)
if [ ! -x "$here/node_modules/.bin/code-server" ] || [ ! -d "$here/node_modules/playwright-core" ] \
   || [ ! -e "$here/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  step "npm ci (code-server 4.100.3, playwright-core; 1-2 minutes)"
  # @vscode/ripgrep downloads rg from GitHub, which is not reachable: seed its cache with
  # Debian's rg. --unsafe-perm: postinstall scripts must run as root; npm_config_yes: a
  # script calls npx.
  seed="$(mktemp -d)"
  mkdir -p "$seed/vscode-ripgrep-cache-1.15.11"
  tar czf "$seed/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  (cd "$here" && TMPDIR="$seed" npm_config_yes=true npm ci --unsafe-perm --foreground-scripts --no-audit --no-fund > "$seed/npm-ci.log" 2>&1) \
    || { tail -40 "$seed/npm-ci.log"; die "npm ci in $here failed (log: $seed/npm-ci.log)"; }
  [ -e "$here/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || die "code-server installed without ripgrep (log: $seed/npm-ci.log)"
fi

# --- the extension
if [ ! -x "$ext/node_modules/.bin/vsce" ] || [ ! -x "$ext/node_modules/.bin/esbuild" ]; then
  step "npm ci in editors/vscode"
  (cd "$ext" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci in $ext failed"
fi
step "packaging the extension"
(cd "$ext" && npm run --silent package > /tmp/rhizome-vsce.log 2>&1) || { cat /tmp/rhizome-vsce.log; die "npm run package failed"; }
export RHIZOME_VSIX="$ext/rhizome.vsix"
[ -f "$RHIZOME_VSIX" ] || die "no $RHIZOME_VSIX after npm run package"

if [ -z "${SCREENSHOT_DIR:-}" ]; then
  SCREENSHOT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rhizome-vscode-shots.XXXXXX")"
fi
export SCREENSHOT_DIR
step "screenshots: $SCREENSHOT_DIR"
step "running test.mjs (garden $GARDEN, server $RHIZOME_BIN)"
set +e
timeout "${E2E_RUN_TIMEOUT_S:-600}" node "$here/test.mjs"
rc=$?
set -e
step "done, exit $rc; screenshots and logs in $SCREENSHOT_DIR"
[ $rc -eq 0 ] || die "see above (screenshots and logs in $SCREENSHOT_DIR)"
echo "vscode e2e: PASS"
