#!/usr/bin/env bash
# Where a cold `vigie build` spends its CPU: records one cold build of
# SITE_ROOT to tmpfs with `perf record --call-graph dwarf` (the release
# profile keeps line tables, which DWARF unwinding needs; frame pointers
# are not kept), then prints the share of the samples by stage
# (benches/profile_stages.py) and the hottest functions.
#
#   cargo build --release && bash benches/profile.sh /tmp/vigie-bench/corpus-vigie-10000
#
# Env: FREQ (samples a second, default 999), FAST (tmpfs, default /dev/shm/vigie-profile).
# Needs perf and python3; installs neither. A profile is for finding what
# to cut, not a measure of speed: wall times come from benches/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SITE=${1:?usage: bash benches/profile.sh SITE_ROOT}
FREQ=${FREQ:-999}
FAST=${FAST:-/dev/shm/vigie-profile}
BIN=target/release/vigie
[ -x "$BIN" ] || { echo "build vigie first: cargo build --release" >&2; exit 1; }
command -v perf >/dev/null || { echo "benches/profile.sh needs perf" >&2; exit 1; }
WORKDIR=$(mktemp -d /tmp/vigie-profile.XXXXXX)
trap 'rm -rf "$WORKDIR" "$FAST"' EXIT
mkdir -p "$FAST"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1763700000}
perf record -q -F "$FREQ" --call-graph dwarf,16384 -o "$WORKDIR/perf.data" \
  "$BIN" build --root "$SITE" --output "$FAST/site" >/dev/null 2>"$WORKDIR/build.err" \
  || { cat "$WORKDIR/build.err" >&2; exit 1; }
echo "# $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(find "$SITE/content" -name '*.md' | wc -l) posts, $(nproc) cores"
echo
perf script -i "$WORKDIR/perf.data" -F comm,tid,ip,sym 2>/dev/null | python3 benches/profile_stages.py
echo
echo "Hottest functions (self time):"
perf report -i "$WORKDIR/perf.data" --no-children --stdio -g none --percent-limit 1.5 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | sed 's/  */ /g' | cut -c1-140
