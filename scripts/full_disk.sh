#!/usr/bin/env bash
# A full disk and a read-only disk never cost the deployed site: builds the
# example site onto a small tmpfs, then
#   1. adds a 30 MB post, so that the next build runs out of space: the build
#      must fail with a clear message (exit status 1), leave the previous
#      output byte for byte as it was and give the space back;
#   2. remounts the tmpfs read-only: same checks;
#   3. removes the big post, remounts read-write: the next build succeeds.
# Needs root (mount); run it as root: scripts/full_disk.sh
# Env: SIZE (tmpfs size, default 6m), WORK (default /tmp/vigie-full-disk).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "full_disk.sh needs root (it mounts a tmpfs)" >&2; exit 2; }
SIZE=${SIZE:-6m}
WORK=${WORK:-/tmp/vigie-full-disk}
export SOURCE_DATE_EPOCH=1732104000
cargo build --release --quiet
BIN="$ROOT/target/release/vigie"

rm -rf "$WORK" && mkdir -p "$WORK/site" "$WORK/disk"
cp -r content site.toml "$WORK/site/"
mount -t tmpfs -o size="$SIZE" vigie-full-disk "$WORK/disk"
trap 'umount "$WORK/disk" 2>/dev/null || true' EXIT
OUT="$WORK/disk/public"
listing() { (cd "$OUT" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
used() { df --output=used -k "$WORK/disk" | tail -1 | tr -d ' '; }
fail=0
check() { # label expected-exit-status
  local code=0
  "$BIN" build --root "$WORK/site" --output "$OUT" >"$WORK/build.log" 2>&1 || code=$?
  echo "-- $1: exit status $code; stderr:"
  sed 's/^/   /' "$WORK/build.log" | tail -6
  [ "$code" = "$2" ] || { echo "   FAIL: expected exit status $2"; fail=1; }
}

"$BIN" build --root "$WORK/site" --output "$OUT" >/dev/null 2>&1
before=$(listing); used_before=$(used)
echo "tmpfs of $SIZE; first build: $(find "$OUT" -type f | wc -l) files, ${used_before} KiB used"

python3 - "$WORK/site/content/2024/enorme.md" <<'PY'
import sys
head = '+++\ntitle = "Rapport énorme"\nstart = 2024-05-14T09:10:00+02:00\nend = 2024-05-14T11:40:00+02:00\nservices = ["mail"]\nseverity = "major"\n+++\n\n```\n'
line = "2024-05-14T09:10:00+02:00 mx postfix/smtp: connect to relay: Connection timed out\n"
open(sys.argv[1], "w").write(head + line * (30 * 1024 * 1024 // len(line)) + "```\n")
PY
check "disk full" 1
grep -q "No space left on device" "$WORK/build.log" || { echo "   FAIL: the message does not say the disk is full"; fail=1; }
[ "$(listing)" = "$before" ] && echo "   previous output intact" || { echo "   FAIL: the previous output changed"; fail=1; }
echo "   space used after the failed build: $(used) KiB (before: ${used_before} KiB)"
[ "$(used)" -le $(( used_before + 64 )) ] || { echo "   FAIL: the failed build left files behind"; ls -la "$WORK/disk"; fail=1; }

rm "$WORK/site/content/2024/enorme.md"
printf '\nUne ligne de plus.\n' >>"$(find "$WORK/site/content" -name '*.md' | sort | head -1)"
mount -o remount,ro "$WORK/disk"
check "read-only disk" 1
grep -q "Read-only file system" "$WORK/build.log" || { echo "   FAIL: the message does not say the disk is read-only"; fail=1; }
[ "$(listing)" = "$before" ] && echo "   previous output intact" || { echo "   FAIL: the previous output changed"; fail=1; }

mount -o remount,rw "$WORK/disk"
check "room again" 0
grep -q "^Built " "$WORK/build.log" || { echo "   FAIL: the build did not succeed"; fail=1; }
[ "$(listing)" != "$before" ] && echo "   new output in place" || { echo "   FAIL: the output did not change"; fail=1; }
[ $fail -eq 0 ] && echo "full_disk: all checks passed" || echo "full_disk: FAILED"
exit $fail
