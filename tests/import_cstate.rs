//! `vigie import cstate`: a cState site written for the tests
//! (`tests/fixtures/import/cstate/`: its config.yml of systems, an issue
//! across the spring DST change with tracked updates and an alias, an
//! ongoing one, an informational one) becomes posts that build, with their
//! old addresses redirected, and no paragraph of the source lost.

mod common;

use common::{attrs, tree, FixtureSite};
use std::path::Path;

fn export() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/cstate")
}

fn imported() -> FixtureSite {
    let site = FixtureSite::copy("import/site");
    site.remove("content/.keep");
    let run = site.run(["import", "cstate", &export().to_string_lossy(), "--add-services"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    site
}

const DST_POST: &str = "content/2024/2024-03-31-api-errors-during-the-spring-clock-change.md";

#[test]
fn a_cstate_site_becomes_posts_that_build_with_their_old_addresses() {
    let site = imported();
    let post = site.source(DST_POST);
    for line in [
        "start = 2024-03-31T01:30:00+01:00",
        "end = 2024-03-31T03:30:00+02:00",
        "services = [\"api\", \"website\"]",
        "severity = \"major\"",
        "aliases = [\"/issues/2024-03-31-api-errors/\", \"/old/api-errors-2024/\"]",
        "at = 2024-03-31T01:40:00+01:00\nstatus = \"investigating\"\ntext = \"The API answers with errors.\"",
        "at = 2024-03-31T03:05:00+02:00\nstatus = \"identified\"",
        "at = 2024-03-31T03:30:00+02:00\nstatus = \"resolved\"\ntext = \"The job is fixed and the errors have stopped.\"",
    ] {
        assert!(post.contains(line), "{DST_POST} lacks {line:?}:\n{post}");
    }
    assert!(post.ends_with("+++\n\nCustomers using the webhooks may have received some events twice.\n"), "{post}");
    let config = site.source("site.toml");
    assert!(config.contains("[services.website]\nname = \"Website\"\ndescription = \"www.example.org\"\n"), "{config}");
    let notice = site.source("content/2024/2024-05-02-our-new-datacenter.md");
    assert!(notice.contains("kind = \"notice\"") && !notice.contains("severity"), "{notice}");

    site.set_time(1_718_180_000); // 2024-06-12 10:13 in Paris: the email delays are ongoing.
    site.build();
    let home = site.page("index.html");
    assert!(home.html().contains("Email delays"), "the ongoing issue is on the home page");
    for old in ["issues/2024-03-31-api-errors/index.html", "old/api-errors-2024/index.html"] {
        assert_eq!(
            attrs(&site.page(old), "link[rel=canonical]", "href"),
            ["https://status.example.com/2024/03/31/api-errors-during-the-spring-clock-change/"],
            "{old}"
        );
    }
}

/// A paragraph's own words: without the status word and the track shortcode.
fn words_of(paragraph: &str) -> String {
    let without_track = match (paragraph.find("{{<"), paragraph.find(">}}")) {
        (Some(open), Some(close)) => format!("{}{}", &paragraph[..open], &paragraph[close + 3..]),
        _ => paragraph.to_string(),
    };
    let text = without_track.trim();
    let text = match text.strip_prefix('*').and_then(|t| t.split_once('*')) {
        Some((_, rest)) => rest.trim_start().trim_start_matches('-').trim(),
        None => text,
    };
    text.to_string()
}

#[test]
fn every_paragraph_of_the_source_is_in_exactly_one_post() {
    let site = imported();
    let written: Vec<String> =
        tree(&site.path("content")).into_values().map(|bytes| String::from_utf8(bytes).expect("UTF-8")).collect();
    let mut checked = 0;
    for entry in std::fs::read_dir(export().join("content/issues")).expect("list") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let body = text.splitn(3, "---\n").nth(2).expect("a body");
        for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let words = words_of(paragraph);
            let found: usize = written.iter().map(|post| post.matches(&words).count()).sum();
            assert_eq!(found, 1, "{words:?} is in {found} places");
            checked += 1;
        }
    }
    assert_eq!(checked, 7, "every paragraph was checked");
}

#[test]
fn bad_input_is_located_and_nothing_is_written() {
    let site = FixtureSite::copy("import/site");
    let dir = site.outside().join("cstate/content/issues");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, text, start) in [
        (
            "no-front-matter.md",
            "Just text.\n",
            "no-front-matter.md:1:1: error: not a cState issue: no YAML front matter",
        ),
        ("bad-yaml.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\n", "bad-yaml.md:"),
        (
            "bad-date.md",
            "---\ntitle: T\ndate: 2010-02-31 10:00:00\n---\n",
            "bad-date.md:3:1: error: date \"2010-02-31 10:00:00\" is not a time",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).expect("write");
        let run = site.run(["import", "cstate", &site.outside().join("cstate").to_string_lossy()]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        let shown = run.stderr.replace(&format!("{}/", dir.display()), "");
        assert!(shown.starts_with(start), "{name}: {shown}");
        assert!(!shown.contains("panicked") && shown.ends_with("Nothing was imported.\n"), "{name}: {shown}");
        assert!(!site.path("content/2024").exists() && !site.path("content/2010").exists(), "{name}: nothing written");
        std::fs::remove_file(&file).expect("remove");
    }
}
