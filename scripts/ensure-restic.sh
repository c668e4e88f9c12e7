#!/usr/bin/env bash
# Makes sure restic, the tool `npm run bench:backup` compares PhoneSafe with,
# is on PATH: installs Debian's package when it is missing (run as root; about
# 10 s), does nothing when it is there. Idempotent; only the benchmark calls it.
set -euo pipefail
command -v restic >/dev/null 2>&1 && exit 0
[ "$(id -u)" = 0 ] || { echo "[ensure-restic] restic is missing and only root can install it (apt-get install restic)" >&2; exit 1; }
mkdir -p /run/lock; exec 9>/run/lock/phonesafe-ensure-restic.lock; flock 9
command -v restic >/dev/null 2>&1 && exit 0
echo "[ensure-restic] installing restic" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q restic >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q restic >/dev/null; }
command -v restic >/dev/null
