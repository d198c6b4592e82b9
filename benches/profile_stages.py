#!/usr/bin/env python3
"""Where a cold `vigie build` spends its CPU, by stage: reads the output of
`perf script -F comm,tid,ip,sym` (samples with DWARF call graphs, as
benches/profile.sh records them) on stdin and prints one row per stage
with its share of the samples and, within it, the shares spent writing
files, in Tera, and in the kernel zeroing memory the process touches for
the first time.

Each sample goes to one stage (see STAGES). Chains
too deep for perf's stack copy (Tera's interpreter recurses) have no
stage frame: they are counted as "unattributed", not guessed.
"""

import sys
from collections import Counter

# (substring of a frame, stage): a sample belongs to the first of these that
# any frame of its chain matches (cards before the home pages that render
# them on first use, the content stage's steps before the stage itself).
STAGES = [
    ("vigie::content::markdown::Markdown::render", "parse: Markdown (comrak)"),
    ("vigie::content::load::read_source", "load: read sources"),
    ("toml::", "parse: front matter (TOML)"),
    ("vigie::content::parse_file", "parse: checks and model"),
    ("vigie::render::Renderer::card_html", "render: cards"),
    ("IncidentPageJob", "render: incident pages"),
    ("vigie::render::pages::render_home", "render: home pages"),
    ("vigie::render::pages::render_years", "render: year pages"),
    ("vigie::render::pages::render_services", "render: service pages"),
    ("vigie::render::feeds::", "render: feeds"),
    ("vigie::render::calendars::", "render: calendars"),
    ("vigie::render::api::", "render: status API"),
    ("vigie::render::sitemap::", "render: sitemap"),
    ("vigie::render::memo", "memo (save)"),
    ("vigie::site::fingerprint", "fingerprint"),
    ("vigie::archive::", "model: archive index"),
    ("vigie::content::", "load: walk and assemble"),
    ("vigie::output::", "write: staging folder and swap"),
]
WRITING = ("as vigie::output::Sink>::put", "vigie::output::disk::DiskSink")


def stage_of(frames):
    for needle, stage in STAGES:
        if any(needle in frame for frame in frames):
            return stage
    if any("dl_main" in f or "_dl_start" in f for f in frames):
        return "process start"
    return "unattributed (stack too deep to unwind)"


def samples(lines):
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif not line.startswith(("\t", " ")):
            frames = []  # a sample's header: "comm tid"
        else:
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield frames


def main():
    total, by_stage = 0, Counter()
    writing, tera, zeroing = Counter(), Counter(), Counter()
    for frames in samples(sys.stdin):
        total += 1
        stage = stage_of(frames)
        by_stage[stage] += 1
        if any(w in f for f in frames for w in WRITING):
            writing[stage] += 1
        if any(f.startswith(("tera::", "<tera::")) for f in frames):
            tera[stage] += 1
        if "clear_page" in frames[0]:
            zeroing[stage] += 1
    if not total:
        sys.exit("no samples on stdin (perf script -F comm,tid,ip,sym)")
    pct = lambda n: f"{100 * n / total:5.1f} %"
    print(f"{total} samples")
    print(f"| stage | samples | writing files | Tera | zeroing new memory |")
    print("|---|---:|---:|---:|---:|")
    for stage, n in by_stage.most_common():
        print(f"| {stage} | {pct(n)} | {pct(writing[stage])} | {pct(tera[stage])} | {pct(zeroing[stage])} |")
    sums = [sum(c.values()) for c in (writing, tera, zeroing)]
    print(f"| **all** | 100.0 % | {pct(sums[0])} | {pct(sums[1])} | {pct(sums[2])} |")


if __name__ == "__main__":
    main()
