#!/usr/bin/env python3
"""gen_corpus.py sometimes gives two posts the same title on the same day,
which vigie refuses (they would share a URL). This gives each later one of
such a pair an explicit `slug` (its file name), the fix vigie's error
suggests; it touches a handful of files per 10 000 and changes no amount of
work. usage: dedupe_slugs.py CORPUS_DIR"""
import pathlib
import re
import sys
import unicodedata


def slug(title):
    s = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


seen = {}
fixed = 0
for path in sorted(pathlib.Path(sys.argv[1], "content").rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    title = re.search(r'^title = "(.*)"$', text, re.M).group(1)
    day = re.search(r"^start = (\d{4}-\d\d-\d\d)", text, re.M).group(1)
    key = (day, slug(title))
    if key in seen:
        text = text.replace("+++\n", f'+++\nslug = "{path.stem}"\n', 1)
        path.write_text(text, encoding="utf-8")
        fixed += 1
    seen[key] = path
print(f"dedupe_slugs: {fixed} posts given an explicit slug", file=sys.stderr)
