#!/usr/bin/env bash
# Nothing is lost when a build is killed: builds a generated archive once
# (release binary), then, ITERATIONS times, edits one post, starts
# `vigie build`, kills it with SIGKILL at a random moment of its run, and
# checks that the output is then exactly the previous site or exactly the
# new one (sha256 of every file, compared with a listing taken before the
# kill and with the one the next, uninterrupted, build gives), and that the
# next build succeeds. Prints the counts; exits 1 on any damaged output.
#
#   scripts/kill_loop.sh                     # 2 000 posts, 100 kills
#   N=500 ITERATIONS=30 scripts/kill_loop.sh
#
# Env: N (posts), ITERATIONS, WORK (default /tmp/vigie-kill-loop). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-2000}
ITERATIONS=${ITERATIONS:-100}
WORK=${WORK:-/tmp/vigie-kill-loop}
GEN=benches/gen_corpus.py
[ -f "$GEN" ] || GEN=/work/shared/bench/gen_corpus.py
export SOURCE_DATE_EPOCH=1732104000

cargo build --release --quiet
BIN="$ROOT/target/release/vigie"
rm -rf "$WORK" && mkdir -p "$WORK"
SITE="$WORK/site"
python3 "$GEN" --n "$N" --flavor vigie --out "$SITE" >/dev/null 2>&1
python3 benches/dedupe_slugs.py "$SITE" 2>/dev/null
OUT="$SITE/public"
listing() { (cd "$OUT" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
files() { find "$OUT" -type f | wc -l; }

t0=$(date +%s%N)
"$BIN" build --root "$SITE" >/dev/null 2>&1
build_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
before=$(listing)
echo "archive: $N posts, $(files) output files; full build ${build_ms} ms; killing within 0..1.2 × the last build's time"

mapfile -t POSTS < <(find "$SITE/content" -name '*.md' | sort)
killed=0 finished=0 old=0 new=0 damaged=0 failed=0 leftovers=0
start=$(date +%s)
for i in $(seq "$ITERATIONS"); do
  post=${POSTS[$(( RANDOM % ${#POSTS[@]} ))]}
  printf '\nMise à jour %s du test de coupure.\n' "$i" >>"$post"
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (build_ms * 12 / 10 + 1) ))
  "$BIN" build --root "$SITE" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  # A build that already exited is gone (reaped by bash) or a zombie, which kill would still "kill".
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  if [ -z "$state" ] || [ "$state" = Z ]; then finished=$((finished + 1))
  else kill -KILL "$pid" 2>/dev/null || true; killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  if [ -f "$OUT/.vigie-output" ]; then after_kill=$(listing); else after_kill=missing; fi
  t0=$(date +%s%N)
  if ! "$BIN" build --root "$SITE" >"$WORK/next.log" 2>&1; then
    failed=$((failed + 1)); echo "iteration $i: the build after the kill failed:"; cat "$WORK/next.log"
  fi
  build_ms=$(( ($(date +%s%N) - t0) / 1000000 ))  # the next kill window follows the machine's load
  now=$(listing)
  if [ "$after_kill" = "$before" ]; then old=$((old + 1))
  elif [ "$after_kill" = "$now" ]; then new=$((new + 1))
  else damaged=$((damaged + 1)); echo "iteration $i: output damaged after a kill at ${delay_ms} ms ($after_kill)"; fi
  n=$(find "$SITE" -maxdepth 1 -name '.public.vigie-*' | wc -l)
  leftovers=$(( n > leftovers ? n : leftovers ))
  before=$now
done
echo "iterations: $ITERATIONS in $(( $(date +%s) - start )) s; killed while running: $killed; finished before the kill: $finished"
echo "output after the kill: previous site intact: $old; new site complete: $new; damaged: $damaged"
echo "builds after a kill that failed: $failed; most vigie folders left beside the output after a good build: $leftovers"
[ "$damaged" -eq 0 ] && [ "$failed" -eq 0 ]
