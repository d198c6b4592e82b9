#!/usr/bin/env python3
"""Compares two vigie binaries on later one-post edit rebuilds on disk, in ABBA order.

usage: python3 benches/abba_edit.py PAIRS A_BINARY B_BINARY SITE_ROOT [WORK_DIR]

Each binary builds SITE_ROOT into an output folder of its own under WORK_DIR
(default /tmp/vigie-abba-edit, on the real disk: not tmpfs), since a
binary's memo beside its output is not the other's. After a first build and
two edits (the first edit after a cold build stages the new site in a new
tree; the later ones in the site before last, which is what is measured),
each pair appends a line to the first post of SITE_ROOT and rebuilds with
both binaries, A then B for even pairs, B then A for odd ones. The post is
put back as it was at the end, even on failure. Prints each binary's median
wall time and the median and quartiles of the pairs' ratios A/B.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time


def build(binary, site, output):
    """One build of `site` into `output`: its wall time."""
    started = time.monotonic()
    subprocess.run([binary, "build", "--root", site, "--output", output],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def first_post(site):
    """The first post of `site` in path order, as benches/run.sh edits it."""
    posts = []
    for folder, _, files in os.walk(os.path.join(site, "content")):
        posts.extend(os.path.join(folder, f) for f in files if f.endswith(".md"))
    return min(posts)


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    pairs, a, b, site = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    work = sys.argv[5] if len(sys.argv) == 6 else "/tmp/vigie-abba-edit"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    outputs = {a: os.path.join(work, "a"), b: os.path.join(work, "b")}
    post = first_post(site)
    with open(post, "rb") as f:
        original = f.read()
    walls = {a: [], b: []}

    def edit(n):
        with open(post, "ab") as f:
            f.write(f"\nUne ligne ajoutée pour le banc d’essai ({n}).\n".encode())

    try:
        for binary in (a, b):
            build(binary, site, outputs[binary])
        for n in range(2):
            edit(f"avant {n}")
            for binary in (a, b):
                build(binary, site, outputs[binary])
        for n in range(pairs):
            edit(n)
            for binary in ((a, b) if n % 2 == 0 else (b, a)):
                walls[binary].append(build(binary, site, outputs[binary]))
    finally:
        with open(post, "wb") as f:
            f.write(original)
        shutil.rmtree(work, ignore_errors=True)
    ratios = sorted(x / y for x, y in zip(walls[a], walls[b]))
    med = statistics.median
    for name, binary in (("A", a), ("B", b)):
        w = walls[binary]
        print(f"{name} {binary}: later edit rebuild, median {med(w):.3f} s (min {min(w):.3f}, max {max(w):.3f})")
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    print(f"A/B wall: median of {pairs} pairs {med(ratios):.3f} "
          f"(quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}, min {ratios[0]:.3f}, max {ratios[-1]:.3f})")


if __name__ == "__main__":
    main()
