#!/usr/bin/env bash
# vigie's benchmark: builds synthetic incident archives (benches/gen_corpus.py,
# seed 42, the same posts for vigie and for Hugo) and prints one table:
#   cold build to tmpfs (median of RUNS), peak memory, no-op rebuild on disk,
#   one-post edit rebuild on disk (the first after a cold build, then the
#   median of RUNS more), `vigie serve` start-up and edit-to-served
#   latency (a post edited in place, and a new post), and the physical floor (benches/floor.rs: read, Markdown, write)
#   and the floor of an edit rebuild on disk (benches/tree_floor.rs: the tree);
#   with Hugo's (cold build, memory, `hugo server` start-up and edit
#   latency) on the same posts in the same run, and the ratio Hugo / vigie,
#   where `hugo` is installed.
#
#   bash benches/run.sh            # 1 000, 10 000 and 50 000 posts, 3 runs each
#   bash benches/run.sh --quick    # 1 000 posts, 1 run: about a minute
#   SIZES="10000" RUNS=5 bash benches/run.sh
#   SIZES=100000 RUNS=1 HUGO= bash benches/run.sh   # 100 000 posts, without Hugo
#
# Env: SIZES, RUNS, WORK (corpora and on-disk outputs, default /tmp/vigie-bench),
#      FAST (tmpfs for cold builds, default /dev/shm/vigie-bench), HUGO (binary; empty: none).
# Needs python3 and GNU time (/usr/bin/time); installs neither.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=${SIZES:-"1000 10000 50000"}
RUNS=${RUNS:-3}
if [ "${1:-}" = "--quick" ]; then SIZES=${QUICK_SIZES:-1000}; RUNS=1; fi
WORK=${WORK:-/tmp/vigie-bench}
FAST=${FAST:-/dev/shm/vigie-bench}
HUGO=${HUGO-$(command -v hugo || true)}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "benches/run.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$WORK" "$FAST"
export SOURCE_DATE_EPOCH=1763700000   # fixed build time: reproducible output, no-op rebuilds write nothing

echo "# building vigie (release) and benches/floor.rs" >&2
cargo build --release --quiet
cargo bench --quiet --bench floor --bench tree_floor --no-run 2>/dev/null
BIN="$ROOT/target/release/vigie"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

corpus() { # N flavor -> dir (generated once per seed/size/flavor)
  local dir="$WORK/corpus-$2-$1"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    python3 "$ROOT/benches/gen_corpus.py" --n "$1" --seed 42 --flavor "$2" --out "$dir" 2>/dev/null
    if [ "$2" = vigie ]; then
      python3 "$ROOT/benches/dedupe_slugs.py" "$dir" 2>/dev/null
      python3 "$ROOT/benches/order_timelines.py" "$dir" 2>/dev/null
    fi
    touch "$dir/.done"
  fi
  echo "$dir"
}

timed() { # out_file cmd... -> prints "seconds max_rss_kib"
  local out=$1; shift
  "$TIME" -f '%e %M' -o "$out" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; return 1; }
  tail -n 1 "$out"
}

ROWS=()
NOTES=()
# One table row, padded by characters (printf pads by bytes: « → » and « × » are several).
row() {
  local LC_ALL=C.UTF-8
  local widths=(-54 7 12 12 10) out="|" i=0 v w pad
  for v in "$@"; do
    w=${widths[$i]}
    pad=$(( ${w#-} - ${#v} )); [ "$pad" -lt 0 ] && pad=0
    if [ "$w" -lt 0 ]; then out+=" $v$(printf '%*s' "$pad" '') |"; else out+=" $(printf '%*s' "$pad" '')$v |"; fi
    i=$((i + 1))
  done
  ROWS+=("$out")
}

for N in $SIZES; do
  echo "# $N posts" >&2
  C=$(corpus "$N" vigie)
  # vigie and Hugo alternate, run after run, so that a change in the machine's
  # load (a shared host) weighs on both alike.
  H=""; [ -n "$HUGO" ] && H=$(corpus "$N" hugo)
  vwalls=(); vrss=0; hwalls=(); hrss=0
  for _ in $(seq "$RUNS"); do
    # A cold build: neither the output nor what a build keeps beside it (its memo).
    rm -rf "$FAST/out-$N" "$FAST"/.out-"$N".vigie-*
    read -r w m < <(timed "$WORK/t" "$BIN" build --root "$C" --output "$FAST/out-$N")
    vwalls+=("$w"); [ "$m" -gt "$vrss" ] && vrss=$m
    if [ -n "$H" ]; then
      rm -rf "$FAST/hugo-$N"
      read -r w m < <(timed "$WORK/t" "$HUGO" --quiet --source "$H" --destination "$FAST/hugo-$N")
      hwalls+=("$w"); [ "$m" -gt "$hrss" ] && hrss=$m
    fi
  done
  vw=$(printf '%s\n' "${vwalls[@]}" | median); vm=$((vrss / 1024))
  hw=""; hm=""
  if [ -n "$H" ]; then
    hw=$(printf '%s\n' "${hwalls[@]}" | median); hm=$((hrss / 1024))
    # How fast this machine is against the one of the reference figures
    # (../shared/bench/README.md: Hugo 0.111 on 2 cores).
    case $N in 1000) ref=0.57 ;; 10000) ref=4.59 ;; 50000) ref=25.0 ;; *) ref="" ;; esac
    [ -n "$ref" ] && NOTES+=("$N posts: Hugo took $hw s here against $ref s on the reference machine (×$(awk -v a="$hw" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')); vigie's $vw s scaled alike: $(awk -v v="$vw" -v a="$hw" -v b="$ref" 'BEGIN { printf "%.2f", v * b / a }') s.")
  fi
  ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f×", b / a }' || true; }
  row "cold build, tmpfs (s)" "$N" "$vw" "${hw:-–}" "$(ratio "$vw" "$hw")"
  # The physical floor on this machine (benches/floor.rs): read, Markdown, write, nothing else.
  floor=$(cargo bench --quiet --bench floor -- "$C" "$FAST/floor-$N" "$RUNS" 2>/dev/null | tail -n 1)
  fs=$(echo "$floor" | sed -n 's/.*total \([0-9]*\) ms.*/\1/p')
  [ -n "$fs" ] && NOTES+=("$N posts, physical floor (benches/floor.rs): $floor; vigie's cold build is $(awk -v v="$vw" -v f="$fs" 'BEGIN { printf "%.2f", v * 1000 / f }')× that.")
  row "peak memory, cold build (MiB)" "$N" "$vm" "${hm:-–}" "$(ratio "$vm" "$hm")"

  # On the real disk: a first build, then a build with nothing changed, then one post edited.
  D="$WORK/disk-$N"; rm -rf "$D" "$WORK"/.disk-"$N".vigie-*
  "$BIN" build --root "$C" --output "$D" 2>/dev/null
  read -r w _ < <(timed "$WORK/t" "$BIN" build --root "$C" --output "$D")
  if grep -q "nothing written" "$WORK/t.err"; then written=0; else written=$(sed -n 's/.*(\([0-9]*\) files written.*/\1/p' "$WORK/t.err"); fi
  row "no-op rebuild, disk (s, files written)" "$N" "$w, $written" "–" ""
  POST=$(find "$C/content" -name '*.md' | sort | sed -n 1p)
  cp "$POST" "$WORK/post.bak"
  # The first edit after a cold build stages the new site in a new tree; each
  # later one in the site before last, which that first edit set aside.
  edit_walls=()
  for i in $(seq 0 "$RUNS"); do
    printf '\nUne ligne ajoutée pour le banc d’essai (%s).\n' "$i" >> "$POST"
    read -r w _ < <(timed "$WORK/t" "$BIN" build --root "$C" --output "$D")
    written=$(sed -n 's/.*(\([0-9]*\) files written.*/\1/p' "$WORK/t.err")
    if [ "$i" = 0 ]; then first="$w, $written"; else edit_walls+=("$w"); fi
  done
  cp "$WORK/post.bak" "$POST"; touch "$POST"
  row "first edit rebuild after a cold one, disk (s, written)" "$N" "$first" "–" ""
  row "one-post edit rebuild, disk (s, written)" "$N" "$(printf '%s\n' "${edit_walls[@]}" | median), $written" "–" ""
  # What a rebuild that stages the new site in a new tree costs at least on
  # this disk (the first edit after a cold build): its folders and hard links.
  tree=$(cargo bench --quiet --bench tree_floor -- "$D" "$RUNS" 2>/dev/null | tail -n 1)
  [ -n "$tree" ] && NOTES+=("$N posts, the output's tree on disk (benches/tree_floor.rs): $tree.")

  # The dev server: start-up (until it serves), then edits until the page shows them.
  EDITS=$([ "$RUNS" = 1 ] && echo 5 || echo 10)
  field() { echo "$1" | sed -n "s/.*$2 \\([0-9]*\\) ms.*/\\1/p"; }
  line=$(python3 "$ROOT/benches/serve_edit_latency.py" "$BIN" "$C" "$EDITS")
  startup=$(field "$line" start-up); med=$(field "$line" median); max=$(field "$line" max)
  line=$(python3 "$ROOT/benches/serve_edit_latency.py" --new-post "$BIN" "$C" "$EDITS")
  nmed=$(field "$line" median); nmax=$(field "$line" max)
  hstartup=""; hmed=""; hmax=""
  if [ -n "$H" ]; then
    line=$(python3 "$ROOT/benches/serve_edit_latency.py" --hugo "$HUGO" "$H" "$EDITS")
    hstartup=$(field "$line" start-up); hmed=$(field "$line" median); hmax=$(field "$line" max)
  fi
  row "serve start-up (ms)" "$N" "$startup" "${hstartup:-–}" "$(ratio "$startup" "$hstartup")"
  row "serve edit → page served (ms, med/max)" "$N" "$med / $max" "$([ -n "$hmed" ] && echo "$hmed / $hmax" || echo –)" "$(ratio "$med" "$hmed")"
  row "serve new post → page served (ms, med/max)" "$N" "$nmed / $nmax" "–" ""
  rm -rf "$FAST/out-$N" "$FAST"/.out-"$N".vigie-* "$FAST/hugo-$N" "$D" "$WORK"/.disk-"$N".vigie-*
done

echo
HUGO_VERSION=$([ -n "$HUGO" ] && "$HUGO" version | awk '{print $2}' || echo "not installed")
echo "vigie benchmark, commit $COMMIT, $(date -u +%Y-%m-%d), $(nproc) cores, runs=$RUNS; Hugo $HUGO_VERSION"
echo
row "measure" "posts" "vigie" "Hugo" "Hugo/vigie"; printf '%s\n' "${ROWS[-1]}"; unset 'ROWS[-1]'
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------"-------------- "--------:" "-------------:" "-------------:" "-----------:"
printf '%s\n' "${ROWS[@]}"
if [ ${#NOTES[@]} -gt 0 ]; then echo; printf -- '- %s\n' "${NOTES[@]}"; fi
