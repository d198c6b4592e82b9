//! `vigie serve` over real HTTP: a fixture site copied to a temporary folder,
//! the binary started with `--port 0`, requests sent on raw sockets (so that
//! no client cleans up the hostile paths), files edited as editors do.

mod common;

use common::{FixtureSite, Server};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn request(server: &Server, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(stream, "{method} {path} HTTP/1.0\r\nHost: {}\r\n\r\n", server.addr).expect("send");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Reply { status, headers: head.to_string(), body: body.to_string() }
}

fn get(server: &Server, path: &str) -> Reply {
    request(server, "GET", path)
}

/// Collects the `data:` lines of the live-reload event stream.
fn events(server: &Server) -> Receiver<String> {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    write!(stream, "GET /__vigie/events HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).expect("send");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send(data.to_string()).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("timed out waiting for {what}");
}

const PAGE: &str = "/2016/11/22/panne-de-la-messagerie/";
const POST: &str = "content/2016/panne-messagerie.md";

#[test]
fn serves_pages_feeds_and_assets_with_their_types() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    for (path, status, kind) in [
        ("/", 200, "text/html; charset=utf-8"),
        (PAGE, 200, "text/html; charset=utf-8"),
        ("/style.css", 200, "text/css; charset=utf-8"),
        ("/favicon.svg", 200, "image/svg+xml; charset=utf-8"),
        ("/atom.xml", 200, "application/atom+xml; charset=utf-8"),
        ("/services/mail/rss.xml", 200, "application/rss+xml; charset=utf-8"),
        ("/sitemap.xml", 200, "application/xml; charset=utf-8"),
        ("/robots.txt", 200, "text/plain; charset=utf-8"),
        ("/api/v2/summary.json", 200, "application/json; charset=utf-8"),
        ("/no/such/page/", 404, "text/html; charset=utf-8"),
    ] {
        let reply = get(&server, path);
        assert_eq!(reply.status, status, "GET {path}");
        assert_eq!(reply.header("Content-Type").as_deref(), Some(kind), "Content-Type of {path}");
    }
    let missing = get(&server, "/no/such/page/");
    assert!(missing.body.contains("Page introuvable"), "the site's 404 page is served");
    let redirect = get(&server, "/2016");
    assert_eq!((redirect.status, redirect.header("Location").as_deref()), (301, Some("/2016/")));
    let home = get(&server, "/");
    assert!(home.body.contains("new EventSource(\"__vigie/events\")"), "live reload with a relative URL");
    assert!(get(&server, PAGE).body.contains("\"../../../../__vigie/events\""), "relative from a deep page");
    assert!(home.body.contains("href=\"/services/\""), "links point to the local server's root");
    assert!(!home.body.contains("/incidents/"), "not to base_url's sub-path");
    assert!(
        get(&server, "/atom.xml").body.contains(&format!("http://{}/atom.xml", server.addr)),
        "feeds use the local address"
    );
    let head = request(&server, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    let post = request(&server, "POST", "/");
    assert_eq!((post.status, post.header("Allow").as_deref()), (405, Some("GET, HEAD")));
    assert_eq!(request(&server, "PUT", "/style.css").status, 405);
    assert!(!site.public().exists(), "serve never writes the output folder");
}

#[test]
fn paths_that_leave_the_site_are_not_found() {
    let site = FixtureSite::copy("basic");
    std::fs::write(site.outside().join("outside-secret.txt"), "secret").expect("write outside the site");
    let server = site.serve(&[]);
    for path in [
        "/../outside-secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/outside-secret.txt",
        "/%2e%2e%2foutside-secret.txt",
        "/2016/..%2f..%2foutside-secret.txt",
        "/..%5coutside-secret.txt",
        "/..\\outside-secret.txt",
        "//etc/passwd",
        "/site.toml",
        "/content/2016/panne-messagerie.md",
        "/style.css%00.html",
        "/C:/windows/win.ini",
    ] {
        let reply = get(&server, path);
        assert_eq!(reply.status, 404, "GET {path} must be 404");
        assert!(!reply.body.contains("secret") && !reply.body.contains("root:"), "GET {path} leaked a file");
    }
}

#[test]
fn an_edit_changes_the_page_and_fires_one_reload() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let events = events(&server);
    let first = events.recv_timeout(Duration::from_secs(5)).expect("the stream says the current version at once");
    let path = site.path(POST);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("Un disque défaillant.", "Un contrôleur défaillant.")).expect("edit");
    let next = events.recv_timeout(Duration::from_secs(10)).expect("a reload event after the edit");
    assert_ne!(next, first);
    assert!(
        get(&server, PAGE).body.contains("Un contrôleur défaillant."),
        "the page shows the edit once the event is sent"
    );
    std::thread::sleep(Duration::from_millis(800));
    let extra: Vec<_> = events.try_iter().collect();
    assert!(extra.is_empty(), "one edit must fire exactly one reload, got more: {extra:?}");
}

#[test]
fn save_by_rename_is_seen() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let path = site.path(POST);
    let text = std::fs::read_to_string(&path).expect("read");
    let temp = site.path("content/2016/.panne-messagerie.md.swp");
    std::fs::write(&temp, text.replace("Un disque défaillant.", "Écrit par renommage.")).expect("write temp");
    std::fs::rename(&temp, &path).expect("rename over");
    wait_for("the renamed file's content", Duration::from_secs(10), || {
        get(&server, PAGE).body.contains("Écrit par renommage.")
    });
    // And a second save the same way, on the file that replaced the watched one.
    std::fs::write(&temp, text.replace("Un disque défaillant.", "Deuxième renommage.")).expect("write temp");
    std::fs::rename(&temp, &path).expect("rename over");
    wait_for("the second rename", Duration::from_secs(10), || get(&server, PAGE).body.contains("Deuxième renommage."));
}

#[test]
fn a_save_written_in_two_parts_is_built_once_whole() {
    // An editor that truncates the file, writes part of it, then the rest
    // before closing it: the half-written post (its front matter cut) must
    // never be built, the closed file is built at once.
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let events = events(&server);
    let first = events.recv_timeout(Duration::from_secs(5)).expect("the current version");
    let path = site.path(POST);
    let text = std::fs::read_to_string(&path).expect("read").replace("Un disque défaillant.", "Écrit en deux fois.");
    let (head, tail) = text.split_at(text.find("services").expect("a services line"));
    let mut file = std::fs::File::create(&path).expect("truncate");
    file.write_all(head.as_bytes()).expect("first part");
    file.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(5));
    file.write_all(tail.as_bytes()).expect("second part");
    drop(file);
    let next = events.recv_timeout(Duration::from_secs(10)).expect("a reload after the save");
    assert_ne!(next, first);
    assert!(get(&server, PAGE).body.contains("Écrit en deux fois."), "the page shows the whole save");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !server.log().iter().any(|l| l.starts_with("Build failed")),
        "the half-written file was built: {:?}",
        server.log()
    );
    let extra: Vec<_> = events.try_iter().collect();
    assert!(extra.is_empty(), "one save, one reload: {extra:?}");
}

#[test]
fn created_and_deleted_posts_appear_and_disappear() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let new_page = "/2024/06/01/nouvel-incident-dns/";
    assert_eq!(get(&server, new_page).status, 404);
    site.write(
        "content/2024/new/nouveau.md",
        "+++\ntitle = \"Nouvel incident DNS\"\nstart = 2024-06-01T10:00:00+02:00\nend = 2024-06-01T11:00:00+02:00\nservices = [\"mail\"]\nseverity = \"minor\"\n+++\nCorps.\n",
    );
    wait_for("the new post", Duration::from_secs(10), || get(&server, new_page).status == 200);
    std::fs::remove_file(site.path("content/2024/new/nouveau.md")).expect("delete");
    wait_for("the deleted post to be gone", Duration::from_secs(10), || get(&server, new_page).status == 404);
    assert!(!get(&server, "/").body.contains("Nouvel incident DNS"), "the index no longer lists it");
}

#[test]
fn a_broken_post_keeps_the_last_good_page_with_the_error_on_top() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let path = site.path(POST);
    let good = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, good.replace("services = [\"mail\", \"web\"]", "services = [\"mial\", \"web\"]"))
        .expect("break");
    wait_for("the overlay", Duration::from_secs(10), || get(&server, PAGE).body.contains("id=\"vigie-error\""));
    let page = get(&server, PAGE);
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("<h1>Panne de la messagerie</h1>"), "with its content");
    assert!(
        page.body.contains("content/2016/panne-messagerie.md:5:13: error: unknown service &quot;mial&quot;"),
        "the overlay names file, line and message"
    );
    let missing = get(&server, "/nope/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("id=\"vigie-error\""), "a 404 page shows the error too");
    assert!(server.log().iter().any(|l| l.contains("panne-messagerie.md:5:13: error")), "the terminal shows it");
    std::fs::write(&path, &good).expect("fix");
    wait_for("the overlay to go", Duration::from_secs(10), || !get(&server, PAGE).body.contains("id=\"vigie-error\""));
}

/// The lines of `log` before its `Build failed:` line: the error as printed.
fn error_lines(log: &[String]) -> Vec<String> {
    let end =
        log.iter().position(|l| l.starts_with("Build failed:")).unwrap_or_else(|| panic!("no failure in {log:?}"));
    log[..end].to_vec()
}

#[test]
fn serve_prints_and_shows_a_failed_build_as_vigie_build_prints_it() {
    // Bad posts (two errors, each with its hint), and a template that fails
    // on a page (an error with Tera's causes).
    let bad_post = |site: &FixtureSite| {
        let good = site.source(POST);
        site.write(POST, good.replace("services = [\"mail\", \"web\"]", "services = [\"mial\", \"web\"]"));
        let cassee = "+++\ntitle = \"Cassée\"\nstart = 2024-06-01T10:00:00+02:00\nservices = [\"web\"]\nseverity = \"huge\"\n+++\n";
        site.write("content/2024/cassee.md", cassee);
    };
    let bad_template = |site: &FixtureSite| site.write("templates/404.html", "<!DOCTYPE html>\n<p>{{ nope.x }}</p>\n");
    for (case, break_it) in [("bad posts", &bad_post as &dyn Fn(&FixtureSite)), ("a failing template", &bad_template)] {
        let site = FixtureSite::copy("basic");
        break_it(&site);
        let build = site.run(["build"]);
        assert_eq!(build.code, Some(1), "{case}: {}", build.stderr);
        let build_lines: Vec<String> = build.stderr.lines().map(str::to_string).collect();
        let printed = error_lines(&build_lines);
        assert!(printed.iter().any(|l| l.starts_with("  help: ")), "{case}: {printed:?}");

        let server = site.serve(&[]);
        let served = error_lines(&server.log());
        assert_eq!(served, printed, "{case}: vigie serve prints the error as vigie build does");
        let page = scraper::Html::parse_document(&get(&server, "/").body);
        let overlay = scraper::Selector::parse("#vigie-error pre").expect("valid selector");
        let shown: String = page.select(&overlay).next().expect("the overlay").text().collect();
        assert_eq!(shown, printed.join("\n"), "{case}: the overlay shows the same text");
    }
}

#[test]
fn a_busy_port_given_by_the_user_is_a_clear_error() {
    let site = FixtureSite::copy("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let run = site.run_within(["serve", "--port", &port], Duration::from_secs(30));
    let stderr = &run.stderr;
    assert_eq!(run.code, Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")), "{stderr}");
    assert!(
        lines.get(1).is_some_and(|l| l.starts_with("  help: ") && l.contains("--port 0")),
        "the hint says what to do: {stderr}"
    );
}

#[test]
fn polling_watcher_sees_edits() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&["--poll"]);
    let path = site.path(POST);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("Un disque défaillant.", "Vu par scrutation.")).expect("edit");
    wait_for("the polled edit", Duration::from_secs(10), || get(&server, PAGE).body.contains("Vu par scrutation."));
}

#[test]
fn ctrl_c_stops_it_cleanly() {
    let site = FixtureSite::copy("basic");
    let mut server = site.serve(&[]);
    let _stream = events(&server); // an open live-reload connection must not hold it up
    let status = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "still running 5 s after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "Ctrl-C is a normal stop");
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.log().iter().any(|l| l == "Stopped."), "it says it stopped");
}

/// Every file the server holds, fetched over HTTP, with the live-reload script taken out.
fn served_site(server: &Server, paths: &[String]) -> std::collections::BTreeMap<String, String> {
    paths
        .iter()
        .map(|p| {
            let body = get(server, &format!("/{}", p.trim_end_matches("index.html"))).body;
            let body = match body.find("<script>(function(){var seen=null;") {
                Some(start) => {
                    let end = body[start..].find("</script>\n").map_or(body.len(), |e| start + e + "</script>\n".len());
                    format!("{}{}", &body[..start], &body[end..])
                }
                None => body,
            };
            (p.clone(), body)
        })
        .collect()
}

/// A post about the web service from 10 h to `end_hour` on `day`.
fn recent_post(day: &str, end_hour: &str) -> String {
    format!(
        "+++\ntitle = \"Récent\"\nstart = {day}T10:00:00+02:00\nend = {day}T{end_hour}:00:00+02:00\nservices = [\"web\"]\nseverity = \"minor\"\n+++\nCorps.\n"
    )
}

#[test]
fn incremental_rebuilds_serve_the_same_site_as_a_full_build() {
    let site = FixtureSite::copy("basic");
    // One post a page: every list has pages past its first, which an edit in place may leave as they are.
    site.write("site.toml", site.source("site.toml").replace("paginate_by = 2", "paginate_by = 1"));
    let server = site.serve(&["--verbose"]);
    let events = events(&server);
    let _ = events.recv_timeout(Duration::from_secs(5));
    let post = site.path(POST);
    let text = std::fs::read_to_string(&post).expect("read");
    let with_update = text.replace(
        "[[updates]]\nat = 2016-11-22T14:31:00+01:00",
        "[[updates]]\nat = 2016-11-22T13:40:00+01:00\nstatus = \"monitoring\"\ntext = \"Disque remplacé.\"\n\n[[updates]]\nat = 2016-11-22T14:31:00+01:00",
    );
    let ongoing = site.source("content/2024/ongoing.md");
    let maintenance = site.source("content/2024/maintenance.md");
    // Each edit, and whether it leaves every post in its place (then the
    // last build's index and cards are patched, not made anew).
    let edits: Vec<(Box<dyn Fn()>, bool)> = vec![
        // A body edit, a title edit (the URL moves), a new post, a deleted post.
        (
            Box::new(|| std::fs::write(&post, text.replace("Un disque défaillant.", "Deux disques.")).expect("edit")),
            true,
        ),
        (
            Box::new(|| {
                std::fs::write(&post, text.replace("title = \"Panne de la messagerie\"", "title = \"Panne mail\""))
                    .expect("edit")
            }),
            false,
        ),
        (
            Box::new(|| {
                site.write(
                    "content/2016/nouveau.md",
                    "+++\ntitle = \"Nouveau\"\nstart = 2016-12-01T10:00:00+01:00\nend = 2016-12-01T11:00:00+01:00\nservices = [\"web\"]\nseverity = \"major\"\n+++\nCorps.\n",
                )
            }),
            false,
        ),
        (Box::new(|| std::fs::remove_file(site.path("content/2016/nested/coupure-web.md")).expect("delete")), false),
        // Another service and another duration: the service pages' figures move.
        (
            Box::new(|| {
                let moved = text.replace("services = [\"mail\", \"web\"]", "services = [\"voip\"]");
                std::fs::write(&post, moved.replace("end = 2016-11-22T14:31:00", "end = 2016-11-22T16:31:00"))
                    .expect("edit")
            }),
            false,
        ),
        // A post of the last twelve months (before the build time, 2024-11-20), the latest of its
        // service: then it lasts longer (the services page's downtime moves), then it moves out of them.
        (Box::new(|| site.write("content/2024/recent.md", recent_post("2024-06-01", "12"))), false),
        (Box::new(|| site.write("content/2024/recent.md", recent_post("2024-06-01", "15"))), true),
        (Box::new(|| site.write("content/2024/recent.md", recent_post("2023-06-01", "15"))), false),
        // An update added to a timeline (its services back as they were), then its text edited.
        (Box::new(|| std::fs::write(&post, &with_update).expect("edit")), false),
        (
            Box::new(|| {
                std::fs::write(&post, with_update.replace("Disque remplacé.", "Disque changé.")).expect("edit")
            }),
            true,
        ),
        // A new title at the same address: the neighbours' pages link to it by its title.
        (
            Box::new(|| {
                let renamed = with_update.replace(
                    "title = \"Panne de la messagerie\"",
                    "title = \"Messagerie coupée\"\nslug = \"panne-de-la-messagerie\"",
                );
                std::fs::write(&post, renamed).expect("edit")
            }),
            true,
        ),
        // An update to an ongoing incident, whose page says « État au … ».
        (
            Box::new(|| {
                let update = "\n\n[[updates]]\nat = 2024-11-19T09:00:00+01:00\nstatus = \"identified\"\ntext = \"Un routeur est en cause.\"\n+++";
                site.write("content/2024/ongoing.md", ongoing.replacen("\n+++", update, 1))
            }),
            true,
        ),
        // Made a draft (it leaves every list), then published again.
        (
            Box::new(|| std::fs::write(&post, with_update.replacen("+++\n", "+++\ndraft = true\n", 1)).expect("edit")),
            false,
        ),
        (Box::new(|| std::fs::write(&post, &with_update).expect("edit")), false),
        // A maintenance's announcement reworded in place: its calendar events say it.
        (
            Box::new(|| {
                let reworded = maintenance.replace("Maintenance planifiée.", "Coupure de dix minutes prévue.");
                site.write("content/2024/maintenance.md", reworded)
            }),
            true,
        ),
    ];
    let mut patched_so_far = 0;
    for (step, (edit, patched)) in edits.iter().enumerate() {
        edit();
        events.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("no reload after edit {step}"));
        let full = site.duplicate();
        full.build_with(["--base-url", &format!("http://{}/", server.addr)]);
        let expected = full.output();
        let paths: Vec<String> = expected.keys().filter(|p| !p.starts_with('.')).cloned().collect();
        let served = served_site(&server, &paths);
        for path in &paths {
            let want = String::from_utf8_lossy(&expected[path]);
            assert!(served[path] == want, "after edit {step}, /{path} differs from a full build");
        }
        let gone = get(&server, "/2016/07/01/coupure-de-l-hebergement-web/");
        assert_eq!(gone.status, if step >= 3 { 404 } else { 200 }, "after edit {step}");
        patched_so_far += usize::from(*patched);
        let log = server.log();
        assert!(!log.iter().any(|l| l.starts_with("Build failed")), "after edit {step}: {log:?}");
        let patched_lines =
            log.iter().filter(|l| l.contains("index and cards patched for the edited posts (1)")).count();
        assert_eq!(patched_lines, patched_so_far, "after edit {step}: patched in place or not, as expected");
    }
}

#[test]
fn the_calendars_are_served_as_text_calendar_and_follow_an_edit() {
    let site = FixtureSite::copy("basic");
    let server = site.serve(&[]);
    let calendar = get(&server, "/maintenance.ics");
    assert_eq!(calendar.status, 200);
    assert_eq!(calendar.header("Content-Type").as_deref(), Some("text/calendar; charset=utf-8"));
    assert!(calendar.body.contains("\r\nSUMMARY:Maintenance des routeurs\r\n"), "{}", calendar.body);
    assert_eq!(get(&server, "/services/voip/maintenance.ics").status, 200, "a service without maintenance");
    // Only what the calendar is made of changed: the reuse key must see it.
    let post = "content/2024/maintenance.md";
    let text = site.source(post);
    site.write(post, text.replace("title = \"Maintenance des routeurs\"", "title = \"Maintenance des commutateurs\""));
    wait_for("the edited calendar", Duration::from_secs(10), || {
        get(&server, "/services/mail/maintenance.ics").body.contains("\r\nSUMMARY:Maintenance des commutateurs\r\n")
    });
}
