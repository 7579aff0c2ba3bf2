#!/usr/bin/env bash
# Installs the Backstage workspace exactly as package-lock.json pins it (npm ci).
# better-sqlite3 (the test database of @backstage/backend-test-utils) is compiled
# from source against the headers of the `node` on PATH, so no prebuilt binary
# or header tarball has to be downloaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$SECONDS

node_bin="$(command -v node || true)"
if [[ -z "$node_bin" ]]; then
  echo "install.sh: no node on PATH; put Node.js 22 first on PATH and run again." >&2
  exit 1
fi
# The installation prefix is the folder above bin/; its include/node holds the headers.
prefix="$(cd "$(dirname "$(readlink -f "$node_bin")")/.." && pwd)"
if [[ ! -f "$prefix/include/node/node_api.h" || ! -f "$prefix/include/node/node.h" ]]; then
  echo "install.sh: the Node.js headers are missing at $prefix/include/node, so better-sqlite3 cannot be built from source offline." >&2
  exit 1
fi
export npm_config_nodedir="$prefix"

echo "==> node $(node --version) at $node_bin, npm $(npm --version)"
echo "==> npm_config_nodedir=$npm_config_nodedir"
echo "==> npm ci in $here"
cd "$here"
npm ci --no-audit --no-fund

echo "==> checking better-sqlite3 loads"
node -e "const D = require('better-sqlite3'); new D(':memory:').close()"

echo "==> done in $((SECONDS - start)) s"
