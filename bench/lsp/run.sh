#!/usr/bin/env bash
# Whole-server LSP benchmark: rhizome (and with --peer VS Code's markdown
# language server) over stdio on generated vaults of 1k/10k/50k notes.
#
#   bench/lsp/run.sh [--sizes 1000,10000,50000] [--peer] [--runs 2] [--budget 600] [other bench.js flags]
#
# Installs the client's npm packages (npm ci), builds rhizome and vaultgen,
# generates the vaults once (cached in $RHIZOME_BENCH_DIR, default
# ${TMPDIR:-/tmp}/rhizome-bench), runs the sessions, prints a table and writes
# JSON to $RHIZOME_BENCH_DIR/results.json (or --out FILE).
# RHIZOME_BIN=path measures that binary instead of building the work tree
# (RHIZOME_LABEL names it in the output).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bench_dir="${RHIZOME_BENCH_DIR:-${TMPDIR:-/tmp}/rhizome-bench}"
mkdir -p "$bench_dir/bin"

command -v node >/dev/null || { echo "run.sh: node is required (Node 20+)" >&2; exit 2; }
command -v go >/dev/null || { echo "run.sh: go is required" >&2; exit 2; }

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -d "$here/node_modules" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
	echo "run.sh: npm ci" >&2
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ -n "${RHIZOME_BIN:-}" ]]; then
	# Measure a binary built elsewhere (e.g. from a given commit).
	rhizome_bin="$RHIZOME_BIN"
	label="${RHIZOME_LABEL:-$RHIZOME_BIN}"
	(cd "$repo" && go build -o "$bench_dir/bin/vaultgen" ./bench/cmd/vaultgen)
else
	echo "run.sh: building rhizome and vaultgen into $bench_dir/bin" >&2
	(cd "$repo" && go build -o "$bench_dir/bin/rhizome" ./cmd/rhizome && go build -o "$bench_dir/bin/vaultgen" ./bench/cmd/vaultgen)
	rhizome_bin="$bench_dir/bin/rhizome"
	label="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	if [[ -n "$(cd "$repo" && git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
		label="$label+uncommitted changes"
	fi
fi

exec node "$here/bench.js" --bench-dir "$bench_dir" --rhizome "$rhizome_bin" --vaultgen "$bench_dir/bin/vaultgen" --label "rhizome $label" "$@"
