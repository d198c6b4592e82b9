#!/usr/bin/env python3
"""Measures `vigie serve`'s edit-to-served latency on a site: starts the
server, appends a unique line to one post, and polls the post's page until
the line shows; repeats and prints the median and worst, in milliseconds.

usage: serve_edit_latency.py VIGIE_BINARY SITE_ROOT [RUNS]
       serve_edit_latency.py --new-post VIGIE_BINARY SITE_ROOT [RUNS]
       serve_edit_latency.py --hugo HUGO_BINARY HUGO_SITE_ROOT [RUNS]
Prints one line: `edit-to-served: median N ms, max N ms over R edits (start-up N ms;
each, in order: N N …)`.
The post edited is the first Markdown file under content/ (sorted, `_index.md`
pages aside); it is restored afterwards. With --new-post, each edit is a new
post instead (an incident that started half an hour ago and is still going
on, on the first post's services, in that post's folder: it moves every page
of the home list and tops the board), polled until its own page is served;
the new posts are removed afterwards. With --hugo, the same as the first form
is measured for `hugo server` on the Hugo flavour of the corpus (start-up:
until it says its web server is available).
"""
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    args = sys.argv[1:]
    hugo = args[0] == "--hugo"
    new_posts = args[0] == "--new-post"
    if hugo or new_posts:
        args = args[1:]
    binary, root = args[0], pathlib.Path(args[1])
    runs = int(args[2]) if len(args) > 2 else 10
    post = sorted(p for p in root.joinpath("content").rglob("*.md") if p.name != "_index.md")[0]
    original = post.read_bytes()
    created = []
    started = time.monotonic()
    if hugo:
        command = [binary, "server", "--source", str(root), "--port", str(free_port()),
                   "--bind", "127.0.0.1", "--disableLiveReload"]
        ready = r"Web Server is available at (http://\S+/)"
    else:
        command = [binary, "serve", "--port", "0", "--root", str(root)]
        ready = r"at (http://\S+/)"
    server = subprocess.Popen(command, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True)
    try:
        base = None
        for line in server.stdout:
            m = re.search(ready, line)
            if m:
                base = m.group(1)
                break
        if base is None:
            sys.exit("serve did not start")
        startup = (time.monotonic() - started) * 1000
        # Drain stderr in the background so that the server never blocks on it.
        import threading
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        page = None if new_posts else hugo_page(root, post) if hugo else find_page(base, post)
        samples = []
        for i in range(runs):
            marker = f"latency-marker-{os.getpid()}-{i}"
            saved = time.monotonic()
            if new_posts:
                page = write_new_post(post, marker, i, created)
            else:
                post.write_bytes(original + f"\n\n{marker}\n".encode())
            while True:
                body = read_page(base + page)
                if marker in body:
                    break
                if time.monotonic() - saved > 30:
                    sys.exit("the edit never showed")
                time.sleep(0.002)
            samples.append((time.monotonic() - saved) * 1000)
            time.sleep(0.3)
        each = " ".join(f"{s:.0f}" for s in samples)
        print(f"edit-to-served: median {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms "
              f"over {runs} edits (start-up {startup:.0f} ms; each, in order: {each})")
    finally:
        post.write_bytes(original)
        for path in created:
            path.unlink()
        server.terminate()
        server.wait()


def read_page(url):
    """The page at `url`, or "" while it is not served yet (a new post's page)."""
    try:
        return urllib.request.urlopen(url).read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return ""
        raise


def write_new_post(post, marker, i, created):
    """Writes a new ongoing incident beside `post` (on its services), its
    body holding `marker`; records its file in `created`; returns its page."""
    import datetime
    import zoneinfo
    services = re.search(r"^services = (.*)$", post.read_text(encoding="utf-8"), re.M).group(1)
    # In the site's time zone, which gives the page's day.
    config = (site_root(post) / "site.toml").read_text(encoding="utf-8")
    zone = re.search(r'^timezone = "(.*)"', config, re.M)
    zone = zoneinfo.ZoneInfo(zone.group(1) if zone else "Europe/Paris")
    start = datetime.datetime.now(zone).replace(second=0, microsecond=0)
    start -= datetime.timedelta(minutes=30 + i)
    slug = f"{marker}-new"
    path = post.with_name(f"{slug}.md")
    created.append(path)
    path.write_text(f'+++\ntitle = "Latency {i}"\nstart = {start.isoformat()}\nservices = {services}\n'
                    f'severity = "minor"\nslug = "{slug}"\n+++\n\n{marker}\n', encoding="utf-8")
    return start.strftime("%Y/%m/%d/") + slug + "/"


def site_root(post):
    """The site `post` is in: the folder above its content/."""
    return next(folder.parent for folder in post.parents if folder.name == "content")


def hugo_page(root, post):
    """The page of `post` in Hugo's default layout: its path under content/."""
    return post.relative_to(root / "content").with_suffix("").as_posix() + "/"


def find_page(base, post):
    """The page of `post`, /YYYY/MM/DD/slug/, checked against the sitemap."""
    text = open(post, encoding="utf-8").read()
    given = re.search(r'^slug = "(.*)"', text, re.M)
    if given:
        slug = given.group(1)
    else:
        import unicodedata
        title = re.search(r'^title = "(.*)"', text, re.M).group(1)
        slug = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    day = re.search(r"^start = (\d{4})-(\d\d)-(\d\d)", text, re.M).groups()
    path = "/".join(day) + "/" + slug + "/"
    sitemap = urllib.request.urlopen(base + "sitemap.xml").read().decode()
    if base + path not in re.findall(r"<loc>(.*?)</loc>", sitemap):
        sys.exit(f"page {path} of {post} not found in the sitemap")
    return path


if __name__ == "__main__":
    main()
