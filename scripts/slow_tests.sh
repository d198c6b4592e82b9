#!/usr/bin/env bash
# The robustness tests too slow for a debug `cargo test` (10 000 incidents
# through a whole build: about 15 s in debug mode), run in release mode.
#
#   scripts/slow_tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test robustness -- --ignored --nocapture
