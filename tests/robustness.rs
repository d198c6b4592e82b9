//! Hostile and broken input, run through the real `vigie` binary: the build
//! either succeeds with safe output or fails with a clear message naming the
//! file (exit status 1), never panics, never hangs, never reads outside the
//! site, and never damages or deletes anything but its own output.
//!
//! Cases overlay `tests/fixtures/robust/<case>/` (or files written by the
//! test: symbolic links, names that are not UTF-8, big generated corpora) on
//! the small valid site of `tests/fixtures/bad/base/`. The hostile-content
//! case builds `tests/fixtures/hostile/`. Cases already covered by
//! `tests/bad_input.rs` (front matter only, BOM, CRLF, site.toml missing or
//! empty, DST gaps and repeats) are not repeated here.
//!
//! The slow cases (10 000 incidents through a whole build) are `#[ignore]`d:
//! `scripts/slow_tests.sh` runs them in release mode.

mod common;
mod invariants;

use common::{tree, FixtureSite};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The small valid site of `tests/fixtures/bad/base/`.
fn base() -> FixtureSite {
    FixtureSite::copy("bad/base")
}

/// The base site with `tests/fixtures/robust/<case>/` laid over it.
fn with_case(case: &str) -> FixtureSite {
    base().overlay(&format!("robust/{case}"))
}

fn post(title: &str, start: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nstart = {start}\nservices = [\"mail\"]\nkind = \"notice\"\n+++\n\nTexte de {title}.\n"
    )
}

// ---------------------------------------------------------------------------
// Hostile content
// ---------------------------------------------------------------------------

/// The title of `tests/fixtures/hostile/content/2024/hostile.md`, as the site shows it (NUL → U+FFFD).
const HOSTILE_TITLE: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> nul:\u{fffd} fin";
const HOSTILE_REFERENCE: &str = "\"><script>alert('ref')</script> ]]> \u{fffd} javascript:alert(1)";
const HOSTILE_SITE_TITLE: &str = "<script>alert('titre')</script> \"><img src=x onerror=alert(1)> ]]> \u{fffd}";
const HOSTILE_MAIL_NAME: &str = "<script>alert('mail')</script>\"><img src=x onerror=alert(1)>";

#[test]
fn hostile_content_is_neutralised() {
    // One build, three outputs checked: pages, feeds, sitemap.
    let site = FixtureSite::copy("hostile");
    site.build();
    hostile_pages_have_no_executable_markup(&site);
    hostile_feeds_parse_and_round_trip_the_text(&site);
    hostile_sitemap_has_only_clean_urls(&site);
    hostile_api_and_badges_round_trip_the_text(&site);
    // While the hostile incident is going on (2024-05-14 10:00), it is in the
    // strips, the unresolved incidents and the badges' states too.
    site.set_time(1_715_673_600);
    site.build();
    hostile_pages_have_no_executable_markup(&site);
    hostile_api_and_badges_round_trip_the_text(&site);
    let mail = scraper::Html::parse_document(&site.read("services/mail/index.html"));
    let today = common::texts(&mail, ".availability .strip li").pop().unwrap_or_default();
    assert!(today.ends_with(&format!(" — {HOSTILE_TITLE}")), "the strip names the day's incident as text: {today}");
    let unresolved = site.json("api/v2/incidents/unresolved.json");
    assert_eq!(unresolved["incidents"][0]["name"], HOSTILE_TITLE);
}

fn hostile_pages_have_no_executable_markup(site: &FixtureSite) {
    let files = site.output();
    let mut pages = 0;
    for (rel, bytes) in &files {
        let text = String::from_utf8(bytes.clone()).unwrap_or_default();
        assert!(!text.contains('\0'), "{rel} contains a NUL character");
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let doc = scraper::Html::parse_document(&text);
        if let Some(problem) = invariants::executable_markup(&doc, &[]) {
            panic!("{rel}: {problem}");
        }
    }
    assert!(pages >= 8, "expected every page to be checked, got {pages}");
    // The text is shown, as text.
    let page = scraper::Html::parse_document(
        &site.read("2024/05/14/script-alert-1-script-img-src-x-onerror-alert-1-nul-fin/index.html"),
    );
    assert_eq!(common::texts(&page, "h1").first().map(String::as_str), Some(HOSTILE_TITLE), "the title heading");
    let body = common::texts(&page, "main").concat();
    assert!(body.contains(HOSTILE_REFERENCE), "the reference is shown as text: {body}");
    assert!(body.contains("<script>alert(\"corps\")</script>"), "the body's heading is shown as text: {body}");
    let home = scraper::Html::parse_document(&site.read("index.html"));
    assert_eq!(common::texts(&home, "title"), vec![HOSTILE_SITE_TITLE.to_string()]);
}

fn hostile_feeds_parse_and_round_trip_the_text(site: &FixtureSite) {
    for rel in ["atom.xml", "rss.xml", "services/mail/atom.xml", "services/mail/rss.xml", "services/web/rss.xml"] {
        let xml = site.read(rel);
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{rel} does not parse: {e}"));
        let feed_title = feed.title.as_ref().map(|t| t.content.clone()).unwrap_or_default();
        assert!(feed_title.starts_with(HOSTILE_SITE_TITLE), "{rel}: feed title {feed_title:?}");
        if rel.starts_with("services/mail/") {
            assert_eq!(feed_title, format!("{HOSTILE_SITE_TITLE} – {HOSTILE_MAIL_NAME}"), "{rel}");
        }
        let entry = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content.contains("alert(1)")))
            .unwrap_or_else(|| panic!("{rel}: no entry for the hostile incident"));
        assert_eq!(
            entry.title.as_ref().map(|t| t.content.as_str()),
            Some(format!("[Résolu] {HOSTILE_TITLE}").as_str())
        );
        let html = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_else(|| panic!("{rel}: the entry has no content"));
        let doc = scraper::Html::parse_fragment(&html);
        if let Some(problem) = invariants::executable_markup(&doc, &["style", "form", "svg", "math", "meta", "link"]) {
            panic!("{rel}: the entry's content has {problem}");
        }
        let text: String = doc.root_element().text().collect();
        assert!(text.contains(HOSTILE_REFERENCE), "{rel}: the reference round-trips as text: {text}");
        assert!(text.contains("]]> et un caractère nul : \u{fffd} fin."), "{rel}: the body round-trips: {text}");
        if rel.starts_with("services/mail/") || rel == "atom.xml" {
            let labels: Vec<String> =
                entry.categories.iter().map(|c| c.label.clone().unwrap_or(c.term.clone())).collect();
            assert!(labels.iter().any(|l| l == HOSTILE_MAIL_NAME), "{rel}: the service name round-trips: {labels:?}");
        }
    }
}

/// Every status API file parses and gives the texts back exactly; every
/// badge is well-formed SVG with only drawing elements, its words as text.
fn hostile_api_and_badges_round_trip_the_text(site: &FixtureSite) {
    let files = site.output();
    let json: Vec<&String> = files.keys().filter(|rel| rel.starts_with("api/v2/")).collect();
    assert_eq!(json.len(), 8, "{json:?}");
    for rel in json {
        let value = site.json(rel);
        assert_eq!(value["page"]["name"], HOSTILE_SITE_TITLE, "{rel}");
        for incident in value["incidents"].as_array().into_iter().flatten() {
            assert_eq!(incident["name"], HOSTILE_TITLE, "{rel}");
            assert!(incident["shortlink"]
                .as_str()
                .is_some_and(|l| l.starts_with("https://status.example.fr/incidents/2024/")));
        }
        for component in value["components"].as_array().into_iter().flatten() {
            assert!(
                [HOSTILE_MAIL_NAME, "Web ]]> <![CDATA[ \u{fffd} javascript:alert(1)"]
                    .contains(&component["name"].as_str().unwrap_or("")),
                "{rel}: {component}"
            );
        }
    }
    let allowed = ["svg", "title", "linearGradient", "stop", "clipPath", "rect", "g", "text"];
    for (rel, name) in [("badge.svg", HOSTILE_SITE_TITLE), ("services/mail/badge.svg", HOSTILE_MAIL_NAME)] {
        let text = site.read(rel);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
        for node in doc.descendants().filter(|n| n.is_element()) {
            assert!(allowed.contains(&node.tag_name().name()), "{rel}: element <{}>", node.tag_name().name());
            assert!(
                node.attributes().all(|a| !a.name().to_ascii_lowercase().starts_with("on")),
                "{rel}: an event attribute"
            );
        }
        let title = doc.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap_or("");
        assert!(title.starts_with(&format!("{name}\u{a0}: ")), "{rel}: {title:?}");
        let words: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert_eq!(words[0], name, "{rel}");
        assert_eq!(doc.root_element().attribute("aria-label"), Some(title), "{rel}");
    }
}

fn hostile_sitemap_has_only_clean_urls(site: &FixtureSite) {
    let xml = site.read("sitemap.xml");
    let doc = scraper::Html::parse_document(&xml);
    let locs = common::texts(&doc, "loc");
    assert!(locs.len() >= 6, "{xml}");
    for loc in &locs {
        assert!(loc.starts_with("https://status.example.fr/incidents/"), "{loc}");
        assert!(
            loc.chars().all(|c| c.is_ascii_alphanumeric() || "-/:._".contains(c)),
            "a sitemap URL with characters that need escaping: {loc:?}"
        );
    }
    let robots = site.read("robots.txt");
    assert!(robots.ends_with("Sitemap: https://status.example.fr/incidents/sitemap.xml\n"), "{robots}");
}

// ---------------------------------------------------------------------------
// Size and shape of the content folder
// ---------------------------------------------------------------------------

#[test]
fn a_20_mb_post_builds() {
    let site = base();
    // A report with pasted logs: the usual reason for a huge post.
    let mut text = String::from(
        "+++\ntitle = \"Très long rapport\"\nstart = 2024-05-14T09:10:00+02:00\nend = 2024-05-14T11:40:00+02:00\n\
         services = [\"mail\"]\nseverity = \"major\"\n+++\n\n",
    );
    let mut section = 0;
    while text.len() < 20 * 1024 * 1024 {
        section += 1;
        text.push_str(&format!("## Journal {section}\n\nExtrait du serveur **mx{}** :\n\n```\n", section % 7));
        for line in 0..400 {
            text.push_str(&format!(
                "2024-05-14T09:{:02}:{:02}+02:00 mx postfix/smtp[{line}]: connect to relay[192.0.2.{}]:25: timed out <a@b> & \"x\"\n",
                line / 60 % 60,
                line % 60,
                line % 250
            ));
        }
        text.push_str("```\n\n");
    }
    site.write("content/2024/rapport.md", &text);
    let started = Instant::now();
    site.build();
    let page = site.read("2024/05/14/tres-long-rapport/index.html");
    assert!(page.len() > 20 * 1024 * 1024, "the whole post is on its page ({} bytes)", page.len());
    assert!(page.contains(&format!("<h2>Journal {section}</h2>")), "the last section is on the page");
    assert!(page.contains("&lt;a@b&gt; &amp; &quot;x&quot;"), "log lines are escaped");
    let atom = site.read("atom.xml");
    assert!(atom.contains(&format!("Journal {section}")), "the feed carries the whole post");
    eprintln!("20 MB post built in {:?}", started.elapsed());
}

/// Writes `n` small incidents into one folder, `content/tous/`.
fn write_many(site: &FixtureSite, n: usize) {
    let dir = site.path("content/tous");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for i in 0..n {
        let day = i / 24;
        let (year, yday) = (2000 + day / 365, day % 365);
        let (month, mday) = (yday / 28 % 12 + 1, yday % 28 + 1);
        let text = format!(
            "+++\ntitle = \"Incident {i}\"\nstart = {year}-{month:02}-{mday:02}T{:02}:00:00Z\nend = {year}-{month:02}-{mday:02}T{:02}:30:00Z\n\
             services = [\"{}\"]\nseverity = \"minor\"\n+++\n\nIncident numéro {i}.\n",
            i % 24,
            i % 24,
            ["mail", "web", "dns"][i % 3]
        );
        std::fs::write(dir.join(format!("incident-{i:05}.md")), text).expect("write");
    }
}

#[test]
fn ten_thousand_incidents_in_one_folder_load() {
    // The load and validation stage of a build, in-process: every file of a
    // 10 000-file folder is read, parsed and checked (the whole build is in
    // `ten_thousand_incidents_in_one_folder_build`, run by scripts/slow_tests.sh).
    let site = base();
    write_many(&site, 10_000);
    let config = vigie::config::SiteConfig::load(site.root()).expect("config");
    let started = Instant::now();
    let content = vigie::content::load_content(site.root(), &config, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(content.incidents.len(), 10_000 + 2);
    assert!(content.warnings.is_empty(), "{:?}", content.warnings);
    eprintln!("10 000 incidents loaded in {:?}", started.elapsed());
}

#[test]
#[ignore = "about 15 s in debug mode: run by scripts/slow_tests.sh in release mode"]
fn ten_thousand_incidents_in_one_folder_build() {
    let site = base();
    write_many(&site, 10_000);
    let started = Instant::now();
    let run = site.run_within(["build"], Duration::from_secs(300));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("from 10002 incidents"), "{}", run.stderr);
    assert!(site.public().join("2000/01/01/incident-0/index.html").is_file());
    assert!(site.public().join("2001/02/24/incident-9999/index.html").is_file());
    eprintln!("10 000 incidents built in {:?}", started.elapsed());
}

#[test]
fn sixty_folders_deep_builds() {
    let site = base();
    let deep: String = (1..=60).map(|i| format!("niveau{i}/")).collect();
    site.write(&format!("content/{deep}profond.md"), post("Panne profonde", "2024-06-01T10:00:00+02:00"));
    site.build();
    assert!(site.read("2024/06/01/panne-profonde/index.html").contains("Panne profonde"));
    let feed = site.feed("atom.xml");
    let entry = feed.entries.iter().find(|e| e.links.iter().any(|l| l.href.ends_with("/2024/06/01/panne-profonde/")));
    assert_eq!(
        entry.map(|e| e.id.as_str()),
        Some(format!("tag:status.example.fr,2024:{deep}profond").as_str()),
        "the entry id follows the file's path"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_without_hanging() {
    let site = base();
    std::os::unix::fs::symlink("..", site.path("content/2023/boucle")).expect("symlink");
    let run = site.run_within(["build"], Duration::from_secs(30));
    run.failed().has_line_starting("content/2023/boucle: error: cannot read: File system loop found: ");
    assert!(run.stderr.contains("help: a symbolic link points back to a folder that contains it"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_builds() {
    use std::os::unix::ffi::OsStrExt;
    let site = base();
    let name = std::ffi::OsStr::from_bytes(b"panne-\xff\xfe-latin1.md");
    let path = site.path("content/2024").join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, post("Panne au nom latin", "2024-06-01T10:00:00+02:00")).expect("write");
    let run = site.build();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(site.read("2024/06/01/panne-au-nom-latin/index.html").contains("Panne au nom latin"));
    let feed = feed_rs::parser::parse(site.read("atom.xml").as_bytes()).expect("the feed parses");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert!(ids.contains(&"tag:status.example.fr,2024:2024/panne-%EF%BF%BD%EF%BF%BD-latin1"), "{ids:?}");
}

#[test]
fn binary_files_named_md_are_reported() {
    let site = base();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    site.write("content/2024/image.md", &png);
    site.write("content/2024/zeros.md", [0u8; 64]);
    let run = site.run(["build"]);
    run.failed()
        .has_finding("content/2024/image.md:1:1: error: the file is not valid UTF-8 text")
        .has_finding("content/2024/zeros.md:1:1: error: the file does not start with front matter");
    assert!(run.stderr.contains("Build failed: 2 errors;"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// Themes and templates
// ---------------------------------------------------------------------------

#[test]
fn a_theme_without_a_required_template_is_named() {
    let site = base();
    let theme = site.path("themes/incomplet");
    common::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"), &theme);
    std::fs::remove_file(theme.join("templates/year.html")).expect("remove year.html");
    let config = site.source("site.toml");
    site.write("site.toml", config.replacen("language = \"fr\"", "language = \"fr\"\ntheme = \"incomplet\"", 1));
    site.run(["build"])
        .failed()
        .has_finding("themes/incomplet/templates/year.html: error: the theme has no template \"year.html\"");
}

#[test]
fn an_include_loop_is_an_error_not_a_crash() {
    // Tera follows includes at render time without a depth limit: this used
    // to overflow the stack and abort the whole process (exit 134).
    let site = with_case("include_loop");
    let run = site.run_within(["build"], Duration::from_secs(30));
    run.failed()
        .has_finding("templates/a.html: error: the templates include each other without end: a.html → b.html → a.html");
}

#[test]
fn a_template_including_itself_is_an_error() {
    let site = base();
    site.write("templates/404.html", "<!DOCTYPE html><title>404</title>{% include \"404.html\" %}\n");
    site.run(["build"])
        .failed()
        .has_finding("templates/404.html: error: the templates include each other without end: 404.html → 404.html");
}

#[test]
fn an_include_of_a_template_that_extends_its_includer_builds_without_crash() {
    // Tera 1 followed this without end (404.html → base.html → a.html →
    // 404.html) and vigie refused it; Tera 2 renders an included template
    // without its parent, so there is no loop: the build ends, and renders.
    let site = base();
    site.write(
        "templates/base.html",
        "<!DOCTYPE html><title>{% block title %}{% endblock title %}</title>\
         <meta name=\"description\" content=\"{% block description %}{% endblock description %}\">\
         {% include \"a.html\" %}{% block content %}{% endblock content %}\n",
    );
    site.write("templates/a.html", "<p>a</p>{% include \"404.html\" %}\n");
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}404{% endblock content %}\n");
    let run = site.run_within(["build"], Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "the build must end and succeed:\n{}", run.stderr);
    assert!(site.read("404.html").contains("<p>a</p>404"), "{}", site.read("404.html"));
}

#[test]
fn a_component_calling_itself_without_end_is_an_error() {
    let site = with_case("component_loop");
    site.run_within(["build"], Duration::from_secs(30)).failed().has_finding(
        "templates/404.html: error: cannot render /404.html: a component calls itself more than 20 levels deep: \
         does it call itself without end?",
    );
}

#[test]
fn a_component_recursion_whose_condition_never_turns_false_is_an_error_not_a_crash() {
    // Tera 1 had no depth limit for macros, and this overflowed the stack
    // (exit 134); Tera 2 stops components 20 calls deep.
    let site = base();
    site.write(
        "templates/404.html",
        "{% component up(n) %}{{ n }} {% if n > 0 %}{{<up n={n + 1} />}}{% endif %}{% endcomponent up %}\n\
         <!DOCTYPE html><title>404</title><p>{{<up n={1} />}}</p>\n",
    );
    let run = site.run_within(["build"], Duration::from_secs(30));
    run.failed();
    assert!(
        run.stderr.contains(
            "templates/404.html: error: cannot render /404.html: a component calls itself more than 20 levels deep"
        ),
        "{}",
        run.stderr
    );
    // 15 levels that end still render.
    site.write(
        "templates/404.html",
        "{% component up(n) %}{{ n }} {% if n < 15 %}{{<up n={n + 1} />}}{% endif %}{% endcomponent up %}\n\
         <!DOCTYPE html><title>404</title><p>{{<up n={1} />}}</p>\n",
    );
    site.build();
    assert!(site.read("404.html").contains("13 14 15"), "the deep recursion that ends was not rendered");
}

#[test]
fn a_component_recursion_that_ends_builds() {
    let site = with_case("component_recursion_ends");
    site.build();
    let page = site.read("404.html");
    assert!(page.contains("3 2 1 0"), "{page}");
}

// ---------------------------------------------------------------------------
// Dates far from today
// ---------------------------------------------------------------------------

#[test]
fn years_before_1970_and_after_2100_build_with_exact_dates() {
    let site = with_case("far_years");
    // Built at the end of year 9999, when every post has started and is announced.
    site.set_time(253_402_300_000);
    site.build();
    let times = |rel: &str| common::attrs(&scraper::Html::parse_document(&site.read(rel)), "time", "datetime");
    // Paris kept its mean solar time (+00:09:21) until 1911: machine-readable
    // times, whose offsets have whole minutes, are given in UTC.
    let t1900 = times("1900/02/28/panne-du-telegraphe/index.html");
    assert!(t1900.contains(&"1900-02-28T23:20:39+00:00".to_string()), "{t1900:?}");
    assert!(t1900.contains(&"1900-03-01T01:05:39+00:00".to_string()), "{t1900:?}");
    let page = site.read("1900/02/28/panne-du-telegraphe/index.html");
    assert!(page.contains("mercredi 28 février 1900 à 23 h 30"), "the local time is shown as written");
    // 23:59 UTC on 1969-12-31 is 00:59 on 1970-01-01 in Paris (UTC+1 all year then).
    let t1970 = times("1970/01/01/veille-de-l-epoque-unix/index.html");
    assert!(t1970.contains(&"1970-01-01T00:59:00+01:00".to_string()), "{t1970:?}");
    let t2150 = times("2150/07/14/maintenance-de-2150/index.html");
    assert!(t2150.contains(&"2150-07-14T22:00:00+01:00".to_string()), "{t2150:?}");
    assert!(t2150.contains(&"2150-07-15T02:00:00+01:00".to_string()), "{t2150:?}");
    for year in ["1900", "1970", "2150", "9999"] {
        assert!(site.public().join(year).join("index.html").is_file(), "the {year} page exists");
    }
    let feed = feed_rs::parser::parse(site.read("atom.xml").as_bytes()).expect("the feed parses");
    let published: Vec<String> = feed.entries.iter().filter_map(|e| e.published.map(|p| p.to_rfc3339())).collect();
    assert!(published.contains(&"1900-02-28T23:20:39+00:00".to_string()), "{published:?}");
    // Published when it was announced: its first update, an hour before its window.
    assert!(published.contains(&"9999-12-31T09:00:00+00:00".to_string()), "{published:?}");
    let sitemap = site.sitemap();
    let page = "https://status.example.fr/1900/02/28/panne-du-telegraphe/";
    let lastmod = sitemap.iter().find(|(loc, _)| loc == page).map(|(_, lastmod)| lastmod.as_deref());
    assert_eq!(lastmod, Some(Some("1900-03-01T01:05:39+00:00")), "the 1900 page's last change: {sitemap:?}");
}

// ---------------------------------------------------------------------------
// Never outside the site, never outside the output
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let site = base();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.md"), post("Secret", "2024-06-01T10:00:00+02:00")).expect("write");
    std::os::unix::fs::symlink("/etc/passwd", site.path("content/evil.md")).expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path("content/secret.md")).expect("ln");
    std::os::unix::fs::symlink(outside.path(), site.path("content/dehors")).expect("symlink to a folder");
    // A link that stays inside the site is fine.
    site.write("archives/vieux.md", post("Vieille panne", "2020-06-01T10:00:00+02:00"));
    std::os::unix::fs::symlink("../archives", site.path("content/ici")).expect("symlink inside");
    let run = site.run(["build"]);
    run.failed()
        .has_finding("content/dehors: error: this symbolic link points outside the site")
        .has_finding("content/evil.md: error: this symbolic link points outside the site")
        .has_finding("content/secret.md: error: this symbolic link points outside the site");
    assert!(run.stderr.contains("Build failed: 3 errors;"), "only the three links are refused:\n{}", run.stderr);
    assert!(!site.public().exists(), "nothing was written");
}

#[test]
fn a_build_never_deletes_outside_its_output() {
    let site = base();
    site.build();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("precious.txt"), "keep me").expect("write");
    site.write("notes.txt", "mine");
    // A link planted in the output, to a folder outside: replacing the output must not follow it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), site.public().join("lien")).expect("symlink");
    site.write("content/2024/nouveau.md", post("Nouveau", "2024-06-01T10:00:00+02:00"));
    site.build();
    site.write("content/2024/encore.md", post("Encore", "2024-06-02T10:00:00+02:00"));
    site.build();
    assert_eq!(std::fs::read_to_string(outside.path().join("precious.txt")).expect("still there"), "keep me");
    assert_eq!(site.source("notes.txt"), "mine", "a file beside the output is still there");
    assert!(site.read("2024/06/02/encore/index.html").contains("Encore"));
    assert!(!site.public().join("lien").exists(), "the output holds only what the build made");
    // An output folder that vigie did not make is refused, and left as it was.
    let foreign = site.path("docs");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("index.html"), "not vigie's").expect("write");
    let run = site.run_within(["build", "--output", "docs"], Duration::from_secs(60));
    run.failed().has_line_starting(
        "[ROOT]/docs: error: refusing to write the site here: it is not empty and was not created by vigie",
    );
    assert_eq!(tree(&foreign).len(), 1, "the foreign folder is untouched");
    // An output path that is a file is refused too.
    site.write("fichier", "a file");
    site.run_within(["build", "--output", "fichier"], Duration::from_secs(60)).failed();
    assert_eq!(site.source("fichier"), "a file", "the file in the output's place is kept");
}

/// Makes `dir` unwritable for this process, if that is possible here: `chmod`
/// for an ordinary user; root ignores modes, so `chattr +i` (immutable) then.
/// Returns how to undo it, or `None` when neither works (the test then says so and stops).
fn make_read_only(dir: &Path) -> Option<Box<dyn Fn()>> {
    use std::os::unix::fs::PermissionsExt;
    let writable = |dir: &Path| {
        let probe = dir.join(".probe");
        let ok = std::fs::write(&probe, "x").is_ok();
        let _ = std::fs::remove_file(probe);
        ok
    };
    let mode = std::fs::metadata(dir).ok()?.permissions().mode();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
    let owned = dir.to_path_buf();
    let undo_chmod = move || {
        let _ = std::fs::set_permissions(&owned, std::fs::Permissions::from_mode(mode));
    };
    if !writable(dir) {
        return Some(Box::new(undo_chmod));
    }
    undo_chmod();
    let chattr = Command::new("chattr").arg("+i").arg(dir).stderr(Stdio::null()).status();
    if chattr.is_ok_and(|s| s.success()) && !writable(dir) {
        let owned = dir.to_path_buf();
        return Some(Box::new(move || {
            let _ = Command::new("chattr").arg("-i").arg(&owned).status();
        }));
    }
    let _ = Command::new("chattr").arg("-i").arg(dir).stderr(Stdio::null()).status();
    None
}

#[test]
fn an_output_path_that_leads_back_into_the_sources_is_refused() {
    let site = base();
    let sources = tree(&site.path("content"));
    let run = site.run_within(["build", "--output", "tmp/../content"], Duration::from_secs(60));
    // The harness's root is canonical: the path in parentheses is the resolved one.
    run.failed().has_finding(
        "[ROOT]/tmp/../content: error: refusing to write the site here: it contains the site's sources ([ROOT]/content)",
    );
    assert_eq!(tree(&site.path("content")), sources, "content/ is intact");
    assert!(!site.path("tmp").exists(), "the refused build created tmp/");
}

#[cfg(unix)]
#[test]
fn a_read_only_output_parent_fails_cleanly_and_keeps_the_old_site() {
    let site = base();
    let parent = site.path("deploy");
    std::fs::create_dir_all(&parent).expect("mkdir");
    let output = parent.join("public");
    let out = output.to_str().expect("utf-8 path");
    let first = site.run_within(["build", "--output", out], Duration::from_secs(60));
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let before = tree(&output);
    site.write("content/2024/nouveau.md", post("Nouveau", "2024-06-01T10:00:00+02:00"));
    let Some(undo) = make_read_only(&parent) else {
        eprintln!(
            "skipped: cannot make a folder read-only here (no chmod effect, no chattr); see scripts/full_disk.sh"
        );
        return;
    };
    let run = site.run_within(["build", "--output", out], Duration::from_secs(60));
    undo();
    run.failed().has_line_starting("[ROOT]/deploy/.public.vigie-new-");
    assert!(run.stderr.contains("the previous output was left untouched"), "{}", run.stderr);
    assert_eq!(tree(&output), before, "the previous site is intact");
    let again = site.run_within(["build", "--output", out], Duration::from_secs(60));
    assert_eq!(again.code, Some(0), "the next build succeeds: {}", again.stderr);
    assert!(output.join("2024/06/01/nouveau/index.html").is_file());
}

// ---------------------------------------------------------------------------
// The dev server and malformed requests (the load itself: scripts/load_test.sh)
// ---------------------------------------------------------------------------

/// Sends raw bytes to the server and returns the status of the answer (0 when it closed without one).
fn raw_status(addr: &str, request: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = stream.write_all(request);
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).unwrap_or(0);
    let line = String::from_utf8_lossy(&head[..n]).into_owned();
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn the_dev_server_refuses_oversized_and_malformed_requests() {
    let site = base();
    let mut server = site.serve(&[]);
    let addr = server.addr.clone();
    let long_url = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    let big_header = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "b".repeat(1_000_000));
    let many_headers = format!("GET / HTTP/1.1\r\nHost: x\r\n{}\r\n", "X-H: v\r\n".repeat(10_000));
    let cases: [(&str, &[u8], u16); 7] = [
        ("a 100 KB URL", long_url.as_bytes(), 414),
        ("a 1 MB header", big_header.as_bytes(), 431),
        ("10 000 headers", many_headers.as_bytes(), 431),
        ("a Content-Length that is not a number", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("a garbage request line", b"HELLO\r\n\r\n", 400),
        ("a path out of the site", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        ("a normal request afterwards", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    ];
    let answers: Vec<(&str, u16, u16)> =
        cases.iter().map(|(what, req, want)| (*what, raw_status(&addr, req), *want)).collect();
    let alive = server.is_running();
    drop(server);
    assert!(alive, "the server died");
    for (what, got, want) in answers {
        assert_eq!(got, want, "{what}: expected {want}, got {got}");
    }
}
