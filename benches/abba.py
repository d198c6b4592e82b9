#!/usr/bin/env python3
"""Compares two vigie binaries on cold builds of one site, in ABBA order.

usage: python3 benches/abba.py PAIRS A_BINARY B_BINARY SITE_ROOT

Each pair builds SITE_ROOT into an emptied tmpfs folder (/dev/shm/abba-out)
with both binaries, A then B for even pairs, B then A for odd ones, so that
a drift of this shared host's speed weighs on both; the folder is emptied
before each build, outside the timed run, with the memo and the folders
a build keeps beside its output (so that no build reuses the one before,
nor the other binary's), and one build of each is run
first, untimed. SOURCE_DATE_EPOCH is fixed. Prints each binary's median
wall time and peak memory (GNU time's max RSS, /usr/bin/time), and the
median, min and max of the pairs' ratios A/B.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

OUT = "/dev/shm/abba-out"
# What a build keeps beside its output for the next one (the memo, and
# folders set aside): removed too, so that every build is a cold one.
BESIDE = "/dev/shm"


def empty_out():
    """Removes the output and what a build kept beside it."""
    shutil.rmtree(OUT, ignore_errors=True)
    for name in os.listdir(BESIDE):
        if name.startswith(".abba-out.vigie-"):
            path = os.path.join(BESIDE, name)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)


def build(binary, site, env, peaks):
    """One cold build: its wall time; its peak memory goes to `peaks`."""
    empty_out()
    subprocess.run(["sync"], check=False)
    started = time.monotonic()
    subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", "/tmp/abba-rss", binary, "build", "--root", site, "--output", OUT],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.monotonic() - started
    peaks.append(int(open("/tmp/abba-rss").read().split()[-1]) / 1024)
    return took


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    pairs, a, b, site = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1763700000")
    walls = {a: [], b: []}
    peaks = {a: [], b: []}
    build(a, site, env, []), build(b, site, env, [])
    for n in range(pairs):
        for binary in ((a, b) if n % 2 == 0 else (b, a)):
            walls[binary].append(build(binary, site, env, peaks[binary]))
    empty_out()
    ratios = [x / y for x, y in zip(walls[a], walls[b])]
    med = statistics.median
    for name, binary in (("A", a), ("B", b)):
        w = walls[binary]
        print(f"{name} {binary}: wall median {med(w):.3f} s (min {min(w):.3f}, max {max(w):.3f}), "
              f"peak memory median {med(peaks[binary]):.0f} MiB")
    print(f"A/B wall: median of {pairs} pairs {med(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
