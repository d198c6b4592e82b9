//! A maintenance's lifecycle through the authoring commands, run as the real
//! binary at the tests' build time (2024-11-20T13:00 in Paris): `vigie new
//! --kind maintenance` announces it, `vigie update --status cancelled` calls
//! it off without giving it an end, `vigie check` warns about each step that
//! went astray (window passed, overrun, early start, no announcement), and
//! the build refuses a window that ends before it starts, a cancelled
//! incident and an unknown status, with located messages and hints.
//!
//! Fixtures are under `tests/fixtures/lifecycle/`: `site/` (maintenances at
//! each step, each post earning the one warning its name says, or none) and
//! `bad/<case>/` (posts laid over `site/` that the build refuses).

mod common;

use common::{attrs, tree, FixtureSite};

/// The warnings of `vigie check` on `lifecycle/site`, in order.
const WARNINGS: [&str; 8] = [
    "content/2024/demarrage-anticipe.md:14:6: warning: the maintenance started before its window: this update (2024-11-14T21:30:00+01:00) is before the planned start (2024-11-14T22:00:00+01:00)",
    "  help: if the work began early, set start = 2024-11-14T21:30:00+01:00 so that the window says when it began; otherwise correct this update's `at`",
    "content/2024/depassement.md:4:7: warning: the maintenance is overrunning its window (planned end 2024-11-20T12:00:00+01:00)",
    "  help: tell customers: vigie update content/2024/depassement.md --status in_progress \"…\"; move `end` if the new end is known; when it is over, vigie update content/2024/depassement.md --status completed \"…\"",
    "content/2024/fenetre-passee.md:4:7: warning: the maintenance window ended at 2024-11-11T02:00:00+01:00 but the maintenance is neither completed nor cancelled",
    "  help: if it is over, run vigie update content/2024/fenetre-passee.md --status completed \"…\" --at \"…\"; if it was called off, vigie update content/2024/fenetre-passee.md --status cancelled \"…\"; if it was postponed, move start and end",
    "content/2024/sans-annonce.md:6:8: warning: the maintenance has no update: nothing says when it was announced",
    "  help: feeds and calendars date a post by its first update; add the announcement: vigie update content/2024/sans-annonce.md --status scheduled \"…\" --at \"<announcement time>\"",
];

#[test]
fn check_warns_about_each_step_of_a_maintenance_that_went_astray() {
    let site = FixtureSite::copy("lifecycle/site");
    let run = site.run(["check"]);
    assert_eq!(run.code, Some(0), "warnings alone pass:\n{}", run.stderr);
    // Not warned about: annulee.md (window passed, cancelled), annulee-sans-fin.md
    // (cancelled without end, 16 days after its start), prevue.md (upcoming), panne.md.
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), WARNINGS, "stdout of vigie check:\n{}", run.stdout);
    assert_eq!(run.stderr, "Check found 0 errors, 4 warnings.\n");

    let run = site.run(["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        json[0],
        serde_json::json!({
            "path": "content/2024/demarrage-anticipe.md",
            "line": 14,
            "col": 6,
            "level": "warning",
            "message": "the maintenance started before its window: this update (2024-11-14T21:30:00+01:00) is before the planned start (2024-11-14T22:00:00+01:00)",
            "hint": "if the work began early, set start = 2024-11-14T21:30:00+01:00 so that the window says when it began; otherwise correct this update's `at`",
            "causes": [],
        }),
        "the early start is located at the in_progress update's `at`"
    );
}

#[test]
fn check_follows_the_updates_that_fix_each_warning() {
    let site = FixtureSite::copy("lifecycle/site");
    let update = |post: &str, status: &str, at: &str| {
        let run = site.run(["update", &format!("content/2024/{post}"), "--status", status, "Texte.", "--at", at]);
        assert_eq!(run.code, Some(0), "vigie update {post} --status {status}:\n{}", run.stderr);
    };
    update("depassement.md", "completed", "2024-11-20 12:30");
    update("fenetre-passee.md", "cancelled", "2024-11-10 18:00");
    update("sans-annonce.md", "scheduled", "2024-11-18 10:00");
    let run = site.run(["check"]);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), WARNINGS[..2], "only the early start is left");
    assert_eq!(run.stderr, "Check found 0 errors, 1 warning.\n");
}

#[test]
fn cancelling_a_maintenance_adds_no_end_and_shows_it_cancelled() {
    let site = FixtureSite::copy("lifecycle/site");
    let post = "content/2024/prevue.md";
    let before = site.source(post);
    assert!(!before.contains("\nend = "), "the fixture has no planned end");
    let run = site.run(["update", post, "--status", "cancelled", "Maintenance annulée.", "--at", "2024-11-19 10:00"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (Some(0), "Added the update \"cancelled\" at 2024-11-19T10:00:00+01:00 to content/2024/prevue.md.\n"),
        "no \"and set its end\""
    );
    let expected = before.replacen(
        "+++\n\nRemplacement",
        "\n[[updates]]\nat = 2024-11-19T10:00:00+01:00\nstatus = \"cancelled\"\ntext = \"Maintenance annulée.\"\n+++\n\nRemplacement",
        1,
    );
    assert_eq!(site.source(post), expected, "the update is appended and nothing else changes: no `end`");

    let run = site.run(["check"]);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), WARNINGS, "no warning about the cancelled maintenance");
    site.build();
    let page = site.page("2024/12/10/changement-des-serveurs-de-noms-secondaires/index.html");
    let classes = attrs(&page, "article.incident", "class");
    assert!(classes.iter().any(|c| c.split(' ').any(|c| c == "phase-cancelled")), "{classes:?}");
}

#[test]
fn an_incident_cannot_be_cancelled_and_is_left_unchanged() {
    let site = FixtureSite::copy("lifecycle/site");
    let post = "content/2024/panne.md";
    let before = tree(site.root());
    let run = site.run(["update", post, "--status", "cancelled", "Fausse alerte."]);
    run.failed();
    assert_eq!(
        run.stderr,
        "content/2024/panne.md:20:10: error: status \"cancelled\" is not used for an incident\n  \
         help: only a maintenance can be cancelled; a false alarm is closed as any incident is, with status = \"resolved\" and a text that says so\n\
         content/2024/panne.md was left unchanged.\n"
    );
    assert_eq!(tree(site.root()), before, "nothing was written");
}

#[test]
fn new_maintenance_is_announced_now_with_its_window_and_says_what_comes_next() {
    let site = FixtureSite::copy("lifecycle/site");
    let args = ["new", "Mise à jour des pare-feu", "--kind", "maintenance", "--service", "web"];
    let run = site.run(args.iter().copied().chain(["--start", "2024-12-12 22:00"]));
    run.failed();
    assert_eq!(
        run.stderr,
        "--end: error: a maintenance needs the end of its planned window\n  \
         help: add --end, e.g. --start \"2024-12-03 22:00\" --end \"2024-12-04 02:00\"\nNo file was written.\n"
    );
    let run = site.run(args.iter().copied().chain(["--start", "2024-12-12 22:00", "--end", "2024-12-12 21:00"]));
    run.failed().has_finding(
        "--end: error: the end (2024-12-12T21:00:00+01:00) is before the start (2024-12-12T22:00:00+01:00)",
    );
    assert_eq!(
        run.finding(
            "--end: error: the end (2024-12-12T21:00:00+01:00) is before the start (2024-12-12T22:00:00+01:00)"
        ),
        "check both dates; for a maintenance, --start and --end are its planned window"
    );

    let run = site.run(args.iter().copied().chain(["--start", "2024-12-12 22:00", "--end", "2024-12-13 01:00"]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let path = "[ROOT]/content/2024/2024-12-12-mise-a-jour-des-pare-feu.md";
    assert_eq!(run.stdout, format!("{path}\n"), "stdout is only the new file's path");
    assert_eq!(
        run.stderr,
        format!(
            "Next steps for this maintenance:\n  \
             when it starts:      vigie update {path} --status in_progress \"…\"\n  \
             when it is over:     vigie update {path} --status completed \"…\"\n  \
             if it is called off: vigie update {path} --status cancelled \"…\"\n"
        )
    );
    assert_eq!(
        site.source("content/2024/2024-12-12-mise-a-jour-des-pare-feu.md"),
        "+++\ntitle = \"Mise à jour des pare-feu\"\nstart = 2024-12-12T22:00:00+01:00\nend = 2024-12-13T01:00:00+01:00\n\
         services = [\"web\"]\nkind = \"maintenance\"\n\n[[updates]]\nat = 2024-11-20T13:00:00+01:00\n\
         status = \"scheduled\"\ntext = \"Cette maintenance est programmée.\"\n+++\n\n## Objet\n\n## Déroulement prévu\n\n## Impact attendu\n",
        "the planned window, and the announcement dated now"
    );
}

/// Builds `lifecycle/site` with `lifecycle/bad/<case>/` laid over it: the
/// build fails with `errors` errors, and its whole stderr is pinned.
#[track_caller]
fn assert_refused(case: &str, errors: usize) {
    let site = FixtureSite::copy("lifecycle/site").overlay(&format!("lifecycle/bad/{case}"));
    let run = site.run(["build"]);
    run.failed();
    let plural = if errors == 1 { "" } else { "s" };
    let last = format!("Build failed: {errors} error{plural}; the previous output was left untouched.");
    assert_eq!(run.lines().last(), Some(last.as_str()), "{}", run.stderr);
    assert!(!site.public().exists(), "nothing was written");
    let description = format!(
        "stderr of `vigie build` on tests/fixtures/lifecycle/site/ with tests/fixtures/lifecycle/bad/{case}/ laid \
         over it, SOURCE_DATE_EPOCH={}",
        common::NOW
    );
    insta::with_settings!({ description => description, omit_expression => true }, {
        insta::assert_snapshot!(format!("{case}_stderr"), common::exact("stderr", run.stderr.as_bytes()));
    });
}

#[test]
fn a_maintenance_window_that_ends_before_it_starts_is_refused() {
    assert_refused("end_before_start", 1);
}

#[test]
fn a_cancelled_incident_is_refused() {
    assert_refused("cancelled_incident", 1);
}

#[test]
fn an_unknown_status_is_refused_with_the_statuses_of_the_kind() {
    assert_refused("unknown_status", 2);
}
