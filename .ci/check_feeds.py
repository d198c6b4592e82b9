"""Fails when any feed under the given site folders is not clean for feedparser
(bozo flag set, missing title/link/date/id on an entry, repeated ids)."""
import pathlib
import sys

import feedparser

failures = 0
count = 0
for site in sys.argv[1:]:
    for path in sorted(pathlib.Path(site).rglob("*.xml")):
        if path.name.startswith("sitemap"):
            continue
        count += 1
        feed = feedparser.parse(path.read_bytes())
        problems = []
        if feed.bozo:
            problems.append(f"bozo: {feed.bozo_exception}")
        if not feed.feed.get("title"):
            problems.append("no feed title")
        ids = [e.get("id") for e in feed.entries]
        if len(set(ids)) != len(ids):
            problems.append("repeated entry ids")
        for e in feed.entries:
            for field in ("title", "link", "id"):
                if not e.get(field):
                    problems.append(f"entry without {field}: {e.get('title')}")
            if not (e.get("updated_parsed") or e.get("published_parsed")):
                problems.append(f"entry without date: {e.get('title')}")
        status = "ok" if not problems else "FAIL " + "; ".join(problems)
        print(f"{path.relative_to(site)} ({feed.version}, {len(feed.entries)} entries): {status}")
        failures += bool(problems)
print(f"feedparser: {count - failures} passed, {failures} failed")
sys.exit(1 if failures or count == 0 else 0)
