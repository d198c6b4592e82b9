#!/usr/bin/env bash
# Runs vigie's fuzz targets (fuzz/fuzz_targets/*.rs) one after another, each
# with a single libFuzzer job, for a bounded time each.
#
#   scripts/run_fuzz.sh                 # every target, 600 s each
#   scripts/run_fuzz.sh 60              # every target, 60 s each
#   scripts/run_fuzz.sh 600 incident    # one target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz passes -Z flags
# that only nightly rustc takes: the machine's stable toolchain takes them
# with RUSTC_BOOTSTRAP=1, which this script sets (FUZZ_TOOLCHAIN=nightly
# uses a nightly toolchain instead, where rustup has one). No sanitizer:
# vigie forbids unsafe code, and without ASan each target runs about twice
# as many inputs. Debug assertions (overflow checks) stay on.
# A crash leaves its input in fuzz/artifacts/<target>/; replay it with
#   cargo fuzz run <target> fuzz/artifacts/<target>/crash-…
# and pin it as a test in tests/properties.rs. Exits 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(front_matter incident markdown slug_urls http_path)

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2; exit 2; }
TOOLCHAIN=${FUZZ_TOOLCHAIN:-stable}
[ "$TOOLCHAIN" = nightly ] || export RUSTC_BOOTSTRAP=1
FUZZ=(cargo "+$TOOLCHAIN" fuzz)
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

echo "== building the fuzz targets (${FUZZ[*]})"
"${FUZZ[@]}" build -O -s none || exit 2

failed=0
for target in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$target" fuzz/logs
  log="fuzz/logs/$target.log"
  echo "== $target: ${SECONDS_EACH} s, 1 job (log: $log)"
  start=$(date +%s)
  "${FUZZ[@]}" run -O -s none "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -jobs=1 -workers=1 -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 >"$log" 2>&1
  status=$?
  # With -jobs, libFuzzer writes the job's own output to fuzz-0.log in the current folder.
  [ -f fuzz-0.log ] && cat fuzz-0.log >>"$log" && rm -f fuzz-0.log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "   exit $status after $(( $(date +%s) - start )) s; ${runs:-?} inputs run; ${cov:-cov: ?}; corpus $(ls "fuzz/corpus/$target" | wc -l) files"
  if [ $status -ne 0 ]; then
    failed=1
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5
  fi
done
if [ $failed -eq 0 ]; then echo "No crash."; else echo "Crashes found: see fuzz/artifacts/"; fi
exit $failed
