//! The authoring commands, run as the real binary with `SOURCE_DATE_EPOCH`
//! fixed at 2024-11-20T12:00:00Z (13:00 in Paris): `vigie new` writes a post
//! that builds, `vigie update` appends to a hand-formatted post without
//! touching any other byte and refuses what the build would refuse, and
//! `vigie check` finds each of its warnings on fixtures made for them and
//! says nothing about the example archive.
//!
//! Fixtures are under `tests/fixtures/authoring/`: `site/` (a small valid
//! site), `posts/` (a hand-formatted post, LF, and its CRLF + BOM variant)
//! and `check/` (one warning per post, and an unused service).

mod common;

use common::{attrs, texts, tree, FixtureSite};
use feed_rs::model::Feed;
use std::path::Path;

const POST: &str = "content/2024/panne-dns.md";

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/authoring").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `updated` time of the entry titled with `title` in a feed, as RFC 3339.
fn updated_of(feed: &Feed, title: &str) -> String {
    let entry = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content.contains(title)))
        .unwrap_or_else(|| panic!("no entry titled {title:?}"));
    entry.updated.expect("entry has updated").to_rfc3339()
}

#[test]
fn new_posts_build_and_show_on_the_index_and_their_service_feed() {
    let site = FixtureSite::copy("authoring/site");
    let run = site.run(["new", "Téléphonie IP indisponible", "--service", "voip", "--severity", "critical"]);
    assert_eq!(run.code, Some(0), "vigie new failed:\n{}", run.stderr);
    let path = "content/2024/2024-11-20-telephonie-ip-indisponible.md";
    assert_eq!(run.stdout, format!("[ROOT]/{path}\n"), "stdout is the new file's path");
    assert_eq!(run.stderr, "", "nothing else is said");
    let text = site.source(path);
    assert_eq!(
        text,
        "+++\ntitle = \"Téléphonie IP indisponible\"\nstart = 2024-11-20T13:00:00+01:00\nservices = [\"voip\"]\n\
         kind = \"incident\"\nseverity = \"critical\"\n\n[[updates]]\nat = 2024-11-20T13:00:00+01:00\n\
         status = \"investigating\"\ntext = \"Nous analysons le problème.\"\n+++\n\n## Impact\n\n## Cause\n\n\
         ## Actions correctives\n",
        "start is now in the site's time zone, with its offset"
    );
    let run = site.run([
        "new",
        "Remplacement des routeurs",
        "--kind",
        "maintenance",
        "--service",
        "mail",
        "-s",
        "dns",
        "--start",
        "2024-12-03T22:00",
        "--end",
        "2024-12-04 02:00",
    ]);
    assert_eq!(run.code, Some(0), "vigie new --kind maintenance failed:\n{}", run.stderr);
    assert!(run.stdout.ends_with("content/2024/2024-12-03-remplacement-des-routeurs.md\n"), "{}", run.stdout);

    site.build();
    let home = site.page("index.html");
    let incident = "/incidents/2024/11/20/telephonie-ip-indisponible/";
    assert!(attrs(&home, "a", "href").iter().any(|h| h == incident), "the index links {incident}");
    let link_text = texts(&home, &format!("a[href=\"{incident}\"]"));
    assert!(link_text.iter().any(|t| t.contains("Téléphonie IP indisponible")), "{link_text:?}");
    let page = site.page("2024/11/20/telephonie-ip-indisponible/index.html");
    assert_eq!(texts(&page, "h1"), ["Téléphonie IP indisponible"]);
    assert_eq!(texts(&page, ".prose h2"), ["Impact", "Cause", "Actions correctives"]);

    let voip = site.feed("services/voip/atom.xml");
    let entry = &voip.entries[0];
    assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), Some("[En cours] Téléphonie IP indisponible"));
    assert_eq!(entry.links[0].href, format!("https://example.fr{incident}"));
    let mail = site.feed("services/mail/atom.xml");
    assert!(mail.entries.iter().all(|e| e.links[0].href != entry.links[0].href), "not in another service's feed");
    assert_eq!(updated_of(&mail, "Remplacement des routeurs"), "2024-11-20T12:00:00+00:00", "announced now");
}

#[test]
fn new_refuses_bad_arguments_and_never_overwrites() {
    let site = FixtureSite::copy("authoring/site");
    let before = tree(site.root());
    let run = site.run(["new", "Panne", "--service", "mial", "--service", "dns", "--start", "2024-03-31 02:30"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "--service: error: unknown service \"mial\"\n  help: did you mean \"mail\"? Known services are defined in site.toml [services]: \"dns\", \"mail\", \"voip\"\n\
         --severity: error: an incident needs a severity\n  help: add --severity minor, --severity major or --severity critical\n\
         --start: error: 2024-03-31T02:30 does not exist in Europe/Paris: clocks skip that hour (daylight saving time)\n  help: check the time; in the hour skipped by daylight saving time, write the offset, e.g. 03:30:00+02:00\n\
         No file was written.\n"
    );
    assert_eq!(run.stdout, "");
    assert_eq!(tree(site.root()), before, "nothing was written");

    let args =
        ["new", "Coupure de la messagerie", "--service", "mail", "--severity", "minor", "--start", "2024-10-02 10:00"];
    let run = site.run(args);
    assert_eq!(run.code, Some(1), "the URL of another post");
    assert_eq!(
        run.stderr,
        "content/2024/2024-10-02-coupure-de-la-messagerie.md: error: its URL /2024/10/02/coupure-de-la-messagerie/ is already taken by content/2024/coupure-messagerie.md\n  \
         help: give this incident another title, or add an update to the existing post with vigie update\nNo file was written.\n"
    );
    assert_eq!(tree(site.root()), before, "nothing was written");

    let args = ["new", "Coupure du DNS", "--service", "dns", "--severity", "minor", "--start", "2024-10-02 09:00"];
    assert_eq!(site.run(args).code, Some(0), "a first post");
    let written = tree(site.root());
    let run = site.run(args);
    assert_eq!(run.code, Some(1), "the same post again");
    assert_eq!(
        run.stderr,
        "content/2024/2024-10-02-coupure-du-dns.md: error: this file already exists; vigie new never overwrites a post\n  help: to add to it, run vigie update [ROOT]/content/2024/2024-10-02-coupure-du-dns.md --status … \"…\"; for another incident the same day, give it another title\nNo file was written.\n"
    );
    assert_eq!(tree(site.root()), written, "the existing file is untouched");
}

/// Runs the update test on one variant of the hand-formatted post.
fn update_keeps_every_other_byte(variant: &str, crlf: bool) {
    let site = FixtureSite::copy("authoring/site");
    let original = fixture(variant);
    site.write(POST, std::str::from_utf8(&original).expect("UTF-8 fixture"));
    site.build();
    let title = "Résolution DNS perturbée";
    assert_eq!(updated_of(&site.feed("services/dns/atom.xml"), title), "2024-11-19T22:40:00+00:00", "{variant}");

    let run = site.run([
        "update",
        POST,
        "--status",
        "resolved",
        "Le serveur fautif est remplacé.",
        "--at",
        "2024-11-20 09:30",
    ]);
    assert_eq!(run.code, Some(0), "{variant}: vigie update failed:\n{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("Added the update \"resolved\" at 2024-11-20T09:30:00+01:00 to {POST} and set its end.\n")
    );
    // The expected file is the LF fixture with two insertions, in the variant's line endings.
    let lf = String::from_utf8(fixture("posts/hand-formatted.md")).expect("UTF-8");
    let start = "start = 2024-11-19T22:10:00+01:00\n";
    let closing = "# fin de la chronologie\n+++\n";
    assert!(lf.contains(start) && lf.contains(closing), "the LF fixture changed");
    let expected = lf.replacen(start, &format!("{start}end = 2024-11-20T09:30:00+01:00\n"), 1).replacen(
        closing,
        "# fin de la chronologie\n\n[[updates]]\nat = 2024-11-20T09:30:00+01:00\nstatus = \"resolved\"\ntext = \"Le serveur fautif est remplacé.\"\n+++\n",
        1,
    );
    let expected = if crlf { format!("\u{feff}{}", expected.replace('\n', "\r\n")) } else { expected };
    if crlf {
        assert_eq!(original, format!("\u{feff}{}", lf.replace('\n', "\r\n")).into_bytes(), "CRLF fixture = LF one");
    }
    let after = site.source(POST);
    assert_eq!(after, expected, "{variant}: only the end and the new update were added");

    site.build();
    let dns = site.feed("services/dns/atom.xml");
    assert_eq!(updated_of(&dns, title), "2024-11-20T08:30:00+00:00", "{variant}: the feed's updated moved");
    let page = site.page("2024/11/19/resolution-dns-perturbee/index.html");
    assert_eq!(attrs(&page, ".facts time", "datetime")[1], "2024-11-20T09:30:00+01:00", "{variant}: end shown");
}

#[test]
fn update_keeps_every_other_byte_of_a_hand_formatted_post() {
    update_keeps_every_other_byte("posts/hand-formatted.md", false);
}

#[test]
fn update_keeps_crlf_and_bom() {
    update_keeps_every_other_byte("posts/hand-formatted-crlf.md", true);
}

#[cfg(unix)]
#[test]
fn update_edits_the_post_a_symbolic_link_points_to_and_keeps_the_link() {
    let site = FixtureSite::copy("authoring/site");
    let original = String::from_utf8(fixture("posts/hand-formatted.md")).expect("UTF-8 fixture");
    site.write("archives/dns.md", &original);
    let link = site.path(POST);
    std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(site.path("archives/dns.md"), &link).expect("symlink");
    let run = site.run(["update", POST, "--status", "resolved", "Réparé.", "--at", "2024-11-20 09:30"]);
    assert_eq!(run.code, Some(0), "vigie update failed:\n{}", run.stderr);
    let meta = std::fs::symlink_metadata(&link).expect("the link is still there");
    assert!(meta.file_type().is_symlink(), "the link was replaced by a plain file");
    let target = site.source("archives/dns.md");
    assert!(target.contains("text = \"Réparé.\""), "the post the link points to was not updated:\n{target}");
    let leftovers: Vec<_> = std::fs::read_dir(site.path("archives"))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("vigie-update"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn update_refuses_what_the_build_refuses_and_leaves_the_file() {
    let site = FixtureSite::copy("authoring/site");
    site.write(POST, std::str::from_utf8(&fixture("posts/hand-formatted.md")).expect("UTF-8"));
    let before = tree(site.root());
    let run = site.run(["update", POST, "--status", "monitoring", "Surveillance.", "--at", "2024-11-19 23:00"]);
    assert_eq!(run.code, Some(1), "an update earlier than the last one");
    assert_eq!(
        run.stderr,
        format!(
            "{POST}:27:6: error: this update (2024-11-19T23:00:00+01:00) is earlier than the one before it (2024-11-19T23:40:00+01:00)\n  help: list [[updates]] in time order, oldest first\n{POST} was left unchanged.\n"
        )
    );
    let run = site.run(["update", POST, "--status", "completed", "Fini."]);
    assert_eq!(run.code, Some(1), "a maintenance status on an incident");
    assert!(
        run.stderr.starts_with(&format!("{POST}:29:10: error: status \"completed\" is not used for an incident\n")),
        "{}",
        run.stderr
    );
    assert_eq!(tree(site.root()), before, "the file is untouched");

    let run = site.run(["update", POST, "--status", "monitoring", "Un correctif est en place."]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("at 2024-11-20T13:00:00+01:00"), "stamped now: {}", run.stderr);
    let text = site.source(POST);
    assert!(!text.contains("end = "), "only resolved or completed sets the end");
}

#[test]
fn check_finds_each_warning_with_its_place() {
    let site = FixtureSite::copy("authoring/check");
    let run = site.run(["check"]);
    assert_eq!(run.code, Some(0), "warnings alone pass:\n{}", run.stderr);
    let expected = [
        "content/2024/liens.md:11:8: warning: link to an incident page that does not exist: https://example.fr/incidents/2024/10/01/panne-fantome/",
        "  help: no incident of the site has this date and slug; an incident's page is at /YYYY/MM/DD/slug/, from the day it started and its title",
        "content/2024/liens.md:22:6: warning: link to an incident page that does not exist: /incidents/2024/11/04/messagerie-indisponible/",
        "  help: did you mean /incidents/2024/11/05/messagerie-indisponible/?",
        "content/2024/liens.md:25:15: warning: link to an incident page that does not exist: ../../../../2023/01/01/panne-fantome/",
        "  help: no incident of the site has this date and slug; an incident's page is at /YYYY/MM/DD/slug/, from the day it started and its title",
        "content/2024/maintenance.md:4:7: warning: the maintenance window ended at 2024-11-11T02:00:00+01:00 but the maintenance is neither completed nor cancelled",
        "  help: if it is over, run vigie update content/2024/maintenance.md --status completed \"…\" --at \"…\"; if it was called off, vigie update content/2024/maintenance.md --status cancelled \"…\"; if it was postponed, move start and end",
        "content/2024/ouvert.md:3:9: warning: this incident is still open 15 days after its start",
        "  help: if it is over, close it: vigie update content/2024/ouvert.md --status resolved \"…\"; otherwise post an update",
        "content/2024/vide.md:12:1: warning: the post has no text after its front matter",
        "  help: below the closing +++, describe the impact, the cause and the corrective actions",
        "site.toml:12:1: warning: service \"fax\" is declared but no post uses it",
        "  help: remove [services.fax] if the service is gone; a new service can stay, its feeds are ready for subscribers",
    ];
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), expected);
    assert_eq!(run.stderr, "Check found 0 errors, 7 warnings.\n");
    assert!(!site.public().exists(), "check writes nothing");

    assert_eq!(site.run(["check", "--deny-warnings"]).code, Some(2), "--deny-warnings fails on warnings");

    let run = site.run(["check", "--format", "json"]);
    assert_eq!(run.code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), 7);
    assert_eq!(
        items[4],
        serde_json::json!({
            "path": "content/2024/ouvert.md",
            "line": 3,
            "col": 9,
            "level": "warning",
            "message": "this incident is still open 15 days after its start",
            "hint": "if it is over, close it: vigie update content/2024/ouvert.md --status resolved \"…\"; otherwise post an update",
            "causes": [],
        })
    );
}

#[test]
fn check_fails_on_build_errors() {
    let site = FixtureSite::copy("authoring/check");
    site.write(
        "content/2024/erreur.md",
        "+++\ntitle = \"Panne\"\nstart = 2024-11-18T10:00:00+01:00\nservices = [\"mial\"]\nseverity = \"minor\"\n+++\n\nTexte.\n",
    );
    let run = site.run(["check", "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(json[0]["path"], "content/2024/erreur.md");
    assert_eq!(json[0]["level"], "error");
    assert_eq!(json[0]["message"], "unknown service \"mial\"");
    let run = site.run(["check"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.starts_with(
            "content/2024/erreur.md:4:13: error: unknown service \"mial\"\n  help: did you mean \"mail\"?"
        ),
        "{}",
        run.stdout
    );
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn check_fails_on_template_errors() {
    let site = FixtureSite::copy("authoring/check");
    site.write("templates/index.html", "<!DOCTYPE html>\n<p>{{ incidents | length }</p>\n");
    let run = site.run(["check"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.starts_with("templates/index.html:2:26: error: invalid template: "), "{}", run.stdout);
    assert_eq!(run.stderr, "Check found 1 error, 0 warnings.\n");
    let run = site.run(["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let finding = &json[0];
    assert_eq!(
        (&finding["path"], &finding["line"], &finding["col"]),
        (&"templates/index.html".into(), &2.into(), &26.into())
    );
    assert!(finding["hint"].as_str().is_some_and(|h| h.contains("template syntax")), "{finding}");
}

#[test]
fn check_gives_build_errors_field_by_field_in_json() {
    let site = FixtureSite::copy("authoring/check");
    let config = site.source("site.toml");
    site.write("site.toml", config.replacen("language = \"fr\"", "language = \"fr\"\ntheme = \"absent\"", 1));
    let run = site.run(["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        json,
        serde_json::json!([{
            "path": "themes/absent",
            "line": null,
            "col": null,
            "level": "error",
            "message": "the theme \"absent\" does not exist",
            "hint": "set theme in site.toml to a folder of themes/, or remove the line to use the built-in default theme",
            "causes": [],
        }])
    );
    site.write("site.toml", &config);
    site.write("templates/404.html", "<!DOCTYPE html>\n<p>{{ nope.x }}</p>\n");
    let run = site.run(["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let finding = &json[0];
    assert_eq!(
        (&finding["path"], &finding["line"], &finding["col"]),
        (&"templates/404.html".into(), &2.into(), &7.into()),
        "located by Tera 2's span: {finding}"
    );
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("cannot render /404.html: Variable `nope` is not defined."),
        "the page and Tera's message, in one line: {message}"
    );
    let causes = finding["causes"].as_array().cloned().unwrap_or_default();
    assert_eq!(causes.len(), 1, "Tera's excerpt of the template, apart from the message: {finding}");
    assert!(
        causes[0].as_str().is_some_and(|c| c.contains("--> 404.html:2:7") && c.contains("{{ nope.x }}")),
        "{finding}"
    );
}

#[test]
fn check_is_silent_on_the_example_archive_but_for_its_overrunning_maintenance() {
    let site = FixtureSite::example();
    let run = site.run(["check", "--deny-warnings"]);
    // At the tests' build time the example archive shows a maintenance past its planned window, on purpose.
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "content/2024/remplacement-commutateur-coeur.md:4:7: warning: the maintenance is overrunning its window (planned end 2024-11-20T08:00:00+01:00)\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(": warning: ").count(), 1, "nothing else: {}", run.stdout);
    assert_eq!(run.stderr, "Check found 0 errors, 1 warning.\n");
}
