#!/usr/bin/env bash
# bench/peer.sh — measure the wagtail-lms 0.11.1 peer in the same `make bench` run,
# with its own scripts (../shared/peers/wagtail-lms: setup, query counts, gunicorn,
# load.py). Its install lives in $WLPEER_ROOT (default ~/.cache/wlpeer); the first
# setup needs the package index and takes a few minutes. Loopback only.
# Skipped, with a message, when the peer folder is absent or BENCH_PEER=0.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PEER_DIR="${WLPEER_DIR:-$HERE/../../shared/peers/wagtail-lms}"
if [ "${BENCH_PEER:-1}" = 0 ]; then
  echo "[peer] BENCH_PEER=0: wagtail-lms not measured"; exit 0
fi
if [ ! -x "$PEER_DIR/bench.sh" ]; then
  echo "[peer] $PEER_DIR/bench.sh not found: wagtail-lms not measured (only Shouwang)"
  exit 0
fi
WHICH=sqlite
case "${BENCH_DATABASE_URL:-}" in postgres*) WHICH=postgres ;; esac
echo "[peer] measuring wagtail-lms 0.11.1 ($WHICH) with $PEER_DIR/bench.sh"
if ! PORT="${PEER_PORT:-8061}" REQUESTS="${BENCH_REQUESTS:-2000}" \
    TIME_LIMIT="${BENCH_SECONDS:-30}" CONCURRENCY="${BENCH_CONCURRENCY:-50}" \
    QUIET_WAIT="${BENCH_QUIET_WAIT:-60}" QUIET_MAX_PCT=15 \
    "$PEER_DIR/bench.sh" "$WHICH"; then
  echo "[peer] the peer run failed; the comparison shows Shouwang only"
fi
exit 0
