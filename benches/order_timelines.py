#!/usr/bin/env python3
"""gen_corpus.py adds durations to local wall-clock times; across a change
of time (last Sunday of March or October) this can put a later step of a
timeline before an earlier one, or the end before the start, which vigie
refuses as it should. This puts the datetimes of such posts back in order
(the same literals, sorted, given to start, the updates, then the end); it touches a few posts per 100 000 and
changes no amount of work. usage: order_timelines.py CORPUS_DIR"""
import datetime
import pathlib
import re
import sys

FIELD = re.compile(r"^(start|end|at) = (\S+)$", re.M)


def instant(literal):
    return datetime.datetime.fromisoformat(literal)


fixed = 0
for path in sorted(pathlib.Path(sys.argv[1], "content").rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    front = text.split("+++", 2)[1]
    fields = FIELD.findall(front)
    start = [v for k, v in fields if k == "start"]
    end = [v for k, v in fields if k == "end"]
    updates = [v for k, v in fields if k == "at"]
    if not start:
        continue
    timeline = start + updates + end
    ordered = all(instant(a) <= instant(b) for a, b in zip(start + updates, updates + end))
    if ordered:
        continue
    # The same datetimes, sorted, given back in the timeline's order: start, updates, end.
    by_time = sorted(timeline, key=instant)
    new = {"start": by_time[:1], "at": by_time[1 : 1 + len(updates)], "end": by_time[1 + len(updates) :]}
    order = {key: iter(values) for key, values in new.items()}
    front = FIELD.sub(lambda m: f"{m.group(1)} = {next(order[m.group(1)])}", front)
    head, _, body = text.split("+++", 2)
    path.write_text(f"{head}+++{front}+++{body}", encoding="utf-8")
    fixed += 1
print(f"order_timelines: {fixed} posts put back in time order", file=sys.stderr)
