#!/usr/bin/env bash
# The dev server holds under load, on 127.0.0.1 only, bounded in time:
#   1. malformed requests, a 100 KB URL, a 1 MB header, 10 000 headers: each
#      gets a 4xx (or a closed connection), never a crash;
#   2. for DURATION seconds, 200 keep-alive clients (wrk) and 50 idle
#      connections that sent half a request, while curl asks for a page every
#      0.2 s: every one of those must be served within 100 ms;
#   3. 100 000 requests more: RSS (from /proc/PID/status) before and after.
# Installs wrk from Debian when it is missing (apt-get, as root).
#
#   scripts/load_test.sh              # DURATION=20
#   DURATION=10 scripts/load_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-20}
WORK=$(mktemp -d /tmp/vigie-load.XXXXXX)
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet
BIN="$ROOT/target/release/vigie"
cp -r content site.toml "$WORK/"

"$BIN" serve --root "$WORK" --port 0 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q "^Serving" "$WORK/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*/' "$WORK/serve.log" | head -1)
[ -n "$URL" ] || { echo "the server did not start:"; cat "$WORK/serve.log"; exit 1; }
PORT=$(echo "$URL" | grep -o '[0-9]*/$' | tr -d /)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$SERVER/status"; }
alive() { kill -0 "$SERVER" 2>/dev/null || { echo "FAIL: the server died"; tail "$WORK/serve.log"; exit 1; }; }
fail=0
echo "server $URL (pid $SERVER): RSS $(rss) KiB, $(threads) threads at start"

echo "== 1. malformed and oversized requests"
python3 scripts/load_helper.py bad "$PORT" | tee "$WORK/bad.txt" | sed 's/^/   /'
alive
if grep -v -E -- '-> (HTTP/1\.[01] 4[0-9][0-9]|\(closed without an answer\)|\(Connection reset by peer\))' "$WORK/bad.txt" | grep -v 'normal GET' | grep -q .; then
  echo "FAIL: an answer that is not a 4xx or a closed connection"; fail=1
fi
grep -q 'normal GET afterwards *-> HTTP/1.1 200' "$WORK/bad.txt" || { echo "FAIL: no 200 afterwards"; fail=1; }

echo "== 2. ${DURATION} s of load: 200 keep-alive clients + 50 half-sent requests, a curl every 0.2 s"
cat >"$WORK/paths.lua" <<'LUA'
local paths = {"/", "/2016/", "/services/", "/services/mail/", "/atom.xml", "/rss.xml", "/style.css", "/nope/"}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[i % #paths + 1]) end
LUA
python3 scripts/load_helper.py idle "$PORT" 50 "$((DURATION + 2))" >"$WORK/idle.log" 2>&1 &
IDLE=$!
sleep 1
wrk -t2 -c200 -d"${DURATION}s" --timeout 5s --latency -s "$WORK/paths.lua" "$URL" >"$WORK/wrk.log" 2>&1 &
WRK=$!
: >"$WORK/curl.txt"
end=$(( $(date +%s) + DURATION - 1 ))
while [ "$(date +%s)" -lt "$end" ]; do
  curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' "${URL}services/" >>"$WORK/curl.txt" || echo "000 5" >>"$WORK/curl.txt"
  sleep 0.2
done
wait $WRK || true
wait $IDLE || true
alive
sed -n '/Latency Distribution/,/Requests\/sec/p' "$WORK/wrk.log" | sed 's/^/   /'
grep -E 'requests in|Socket errors|Non-2xx' "$WORK/wrk.log" | sed 's/^/   /'
sed 's/^/   /' "$WORK/idle.log"
sort -k2 -g "$WORK/curl.txt" | awk '{t[NR]=$2; if ($1 != "200") bad++; if ($2 > 0.1) slow++}
  END {printf "   curl during the load: %d requests, median %.1f ms, p95 %.1f ms, max %.1f ms, over 100 ms: %d, not 200: %d\n",
       NR, t[int((NR+1)/2)]*1000, t[int(NR*0.95+0.5)]*1000, t[NR]*1000, slow+0, bad+0; exit (slow+bad > 0)}' || { echo "FAIL: a request took over 100 ms or failed"; fail=1; }
echo "   server after the load: RSS $(rss) KiB, $(threads) threads"

echo "== 3. 100 000 requests and memory"
sleep 1
before=$(rss)
wrk -t2 -c50 -d3s --timeout 5s -s "$WORK/paths.lua" "$URL" >/dev/null 2>&1   # warm-up of every path and thread
warm=$(rss)
# wrk runs for a time, not a count: rounds of 10 s until 100 000 requests were answered (at most 12).
total=0 rounds=0 start=$(date +%s%N)
while [ "$total" -lt 100000 ] && [ "$rounds" -lt 12 ]; do
  n=$(wrk -t2 -c50 -d10s --timeout 5s -s "$WORK/paths.lua" "$URL" 2>&1 | awk '/requests in/ {print $1}')
  total=$(( total + ${n:-0} )); rounds=$(( rounds + 1 ))
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
alive
after=$(rss)
echo "   $total requests in ${ms} ms"
echo "   RSS: ${before} KiB before, ${warm} KiB after a warm-up, ${after} KiB after the requests; $(threads) threads"
[ "$total" -ge 100000 ] || { echo "FAIL: fewer than 100 000 requests answered"; fail=1; }
if [ "$after" -gt $(( warm + warm / 4 + 8192 )) ]; then echo "FAIL: memory grew"; fail=1; fi
[ $fail -eq 0 ] && echo "load_test: all checks passed" || echo "load_test: FAILED"
exit $fail
