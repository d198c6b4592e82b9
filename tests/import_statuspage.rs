//! `vigie import statuspage`: a real-shaped export (written for the tests:
//! `tests/fixtures/import/statuspage/`, components, an incident across the
//! DST change with a post-mortem, an ongoing one, a maintenance) becomes
//! posts that build; vigie's own status API reads back to the same
//! incidents; bad input is a located error and nothing is written.

mod common;

use common::{attrs, FixtureSite};
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn export() -> String {
    fixtures().join("statuspage").to_string_lossy().into_owned()
}

/// The site to import into (one service, `api`), with no post yet.
fn empty_site() -> FixtureSite {
    let site = FixtureSite::copy("import/site");
    site.remove("content/.keep");
    site
}

const DST_POST: &str = "content/2024/2024-10-27-api-errors-during-the-night-of-the-clock-change.md";

#[test]
fn a_statuspage_export_becomes_posts_that_build() {
    let site = empty_site();
    let dry = site.run(["import", "statuspage", &export(), "--dry-run"]);
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert_eq!(
        dry.stdout.lines().collect::<Vec<_>>(),
        [
            "2024-10-22 23:00 maintenance \"Database upgrade\" (4 updates) → content/2024/2024-10-22-database-upgrade.md",
            &format!("2024-10-27 02:30 incident \"API errors during the night of the clock change\" (3 updates) → {DST_POST}"),
            "2024-11-02 10:50 incident \"Control panel unreachable\" (1 updates) → content/2024/2024-11-02-control-panel-unreachable.md — guessed: impact none read as severity minor",
        ]
    );
    assert!(!site.path("content/2024").exists(), "a dry run writes nothing");
    let before = site.source("site.toml");

    let run = site.run(["import", "statuspage", &export(), "--add-services"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("Imported 3 posts with 8 updates"), "{}", run.stderr);
    let config = site.source("site.toml");
    assert!(config.starts_with(&before), "site.toml kept as it was, comments included:\n{config}");
    assert!(config.ends_with("[services.control-panel]\nname = \"Control panel\"\ndescription = \"Where customers manage their servers\"\n"), "{config}");

    // Instants exact in the site's zone, across the change from +02:00 to +01:00.
    let post = site.source(DST_POST);
    for line in [
        "start = 2024-10-27T02:30:00+02:00",
        "end = 2024-10-27T03:10:00+01:00",
        "services = [\"api\"]",
        "severity = \"major\"",
        "aliases = [\"/incidents/x6cw8f8z3q1n/\"]",
        "at = 2024-10-27T02:40:00+02:00\nstatus = \"investigating\"\ntext = \"The API answers with errors.\"",
        "at = 2024-10-27T02:40:00+01:00\nstatus = \"monitoring\"",
        "at = 2024-10-27T03:10:00+01:00\nstatus = \"resolved\"",
        "## Post-mortem\n\nA certificate expired at the clock change. **Automatic renewal** is now monitored.",
    ] {
        assert!(post.contains(line), "{DST_POST} lacks {line:?}:\n{post}");
    }
    let maintenance = site.source("content/2024/2024-10-22-database-upgrade.md");
    assert!(maintenance.contains("kind = \"maintenance\"\n"), "{maintenance}");
    assert!(
        maintenance.contains("start = 2024-10-22T23:00:00+02:00\nend = 2024-10-23T01:00:00+02:00"),
        "{maintenance}"
    );
    assert!(maintenance.contains("services = [\"api\", \"control-panel\"]"), "{maintenance}");
    assert!(
        maintenance.contains("status = \"in_progress\"\ntext = \"Checking the replicas.\""),
        "verifying → in_progress"
    );

    site.set_time(1_730_545_200); // 2024-11-02 12:00 in Paris: the control panel incident is ongoing.
    site.build();
    let page = site.page("2024/10/27/api-errors-during-the-night-of-the-clock-change/index.html");
    assert_eq!(attrs(&page, ".timeline time", "datetime").len(), 3);
    let redirect = site.page("incidents/x6cw8f8z3q1n/index.html");
    assert_eq!(
        attrs(&redirect, "link[rel=canonical]", "href"),
        ["https://status.example.com/2024/10/27/api-errors-during-the-night-of-the-clock-change/"],
        "the old Statuspage address leads to the post"
    );
    let unresolved = site.json("api/v2/incidents/unresolved.json");
    assert_eq!(unresolved["incidents"][0]["name"], "Control panel unreachable");

    let again = site.run(["import", "statuspage", &export()]);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("was already imported as content/2024/"), "{}", again.stderr);
}

#[test]
fn without_add_services_the_missing_services_are_printed_ready_to_paste() {
    let site = empty_site();
    let run = site.run(["import", "statuspage", &fixtures().join("statuspage/incidents.json").to_string_lossy()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("Declare these services in site.toml (or run again with --add-services):\n[services.control-panel]\nname = \"Control panel\"\n"),
        "{}",
        run.stderr
    );
    assert_eq!(site.source("site.toml"), std::fs::read_to_string(fixtures().join("site/site.toml")).expect("read"));
}

/// The relevant fields of every post of a built site's `incidents.json` and
/// `scheduled-maintenances.json`, by name (ids and links differ by design).
fn api_posts(site: &FixtureSite) -> std::collections::BTreeMap<String, String> {
    let mut posts = std::collections::BTreeMap::new();
    for (file, list) in
        [("api/v2/incidents.json", "incidents"), ("api/v2/scheduled-maintenances.json", "scheduled_maintenances")]
    {
        for post in site.json(file)[list].as_array().into_iter().flatten() {
            let mut fields = post.clone();
            for noise in ["id", "shortlink", "page_id"] {
                fields.as_object_mut().map(|o| o.remove(noise));
            }
            for update in fields["incident_updates"].as_array_mut().into_iter().flatten() {
                for noise in ["id", "incident_id"] {
                    update.as_object_mut().map(|o| o.remove(noise));
                }
            }
            let components: Vec<serde_json::Value> =
                fields["components"].as_array().into_iter().flatten().map(|c| c["id"].clone()).collect();
            fields["components"] = components.into();
            posts.insert(post["name"].as_str().unwrap_or("").to_string(), fields.to_string());
        }
    }
    posts
}

#[test]
fn vigie_s_own_status_api_reads_back_to_the_same_incidents() {
    let example = FixtureSite::example();
    example.build();
    let copy = FixtureSite::example();
    std::fs::remove_dir_all(copy.path("content")).expect("empty the content");
    std::fs::create_dir(copy.path("content")).expect("content/");
    let run = copy.run(["import", "statuspage", &example.public().join("api/v2").to_string_lossy()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("Imported 30 posts") && run.stderr.contains("(0 with guesses"), "{}", run.stderr);
    copy.build();
    let (before, after) = (api_posts(&example), api_posts(&copy));
    assert_eq!(before.len(), 30, "every incident and maintenance (notices are not in the API)");
    for (name, fields) in &before {
        assert_eq!(after.get(name), Some(fields), "{name}: same instants, statuses, services and texts");
    }
}

#[test]
fn bad_input_is_located_and_nothing_is_written() {
    let site = empty_site();
    let dir = site.outside().join("bad");
    std::fs::create_dir(&dir).expect("mkdir");
    let full = std::fs::read_to_string(fixtures().join("statuspage/incidents.json")).expect("read");
    let cases = [
        (
            "truncated.json",
            full[..full.len() / 2].to_string(),
            "truncated.json:",
            "not a Statuspage API v2 file: EOF while parsing",
        ),
        (
            "feed.json",
            "<?xml version=\"1.0\"?><feed/>".to_string(),
            "feed.json:1:1: error:",
            "not a Statuspage API v2 file: expected value",
        ),
        ("other.json", "{\"items\": [1, 2]}".to_string(), "other.json:1:1: error:", "it has no incidents"),
        (
            "bad-time.json",
            full.replace("2024-11-02T09:50:00.000Z", "2024-02-31T09:50:00.000Z"),
            "bad-time.json: error:",
            "started_at \"2024-02-31T09:50:00.000Z\" is not an RFC 3339 time",
        ),
    ];
    for (name, text, at, message) in cases {
        let file = dir.join(name);
        std::fs::write(&file, text).expect("write");
        let run = site.run(["import", "statuspage", &file.to_string_lossy()]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        let shown = run.stderr.replace(&dir.to_string_lossy().into_owned(), "");
        let line = shown.lines().next().unwrap_or("");
        assert!(line.starts_with(&format!("/{at}")) && line.contains(message), "{name}: {shown}");
        assert!(shown.contains("  help: "), "{name}: {shown}");
        assert!(run.stderr.ends_with("Nothing was imported.\n"), "{name}");
        assert!(!run.stderr.contains("panicked"), "{name}");
        assert!(!site.path("content/2024").exists(), "{name}: nothing written");
    }
}
