#!/usr/bin/env bash
# Runs a TypeScript entry point with a Node that can run it (see ensure-node.sh),
# so `npm start` and `npm test` work even where the system node is older.
set -euo pipefail
source "$(dirname "$0")/ensure-node.sh"
exec node "$@"
