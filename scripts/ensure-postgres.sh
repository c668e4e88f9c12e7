#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use (127.0.0.1:5432, trust auth) answers.
# Idempotent: does nothing when it already runs; starts the Debian cluster
# when it is installed but stopped. Tests create and drop their own databases.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ready; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
fi
echo "ensure-postgres: PostgreSQL is not reachable on 127.0.0.1:5432 (set PHONESAFE_TEST_PG to another server)" >&2
exit 1
