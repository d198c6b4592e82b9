//! Bad input must fail the build cleanly: `vigie build` exits with status 1,
//! prints a located message `path:line:col: error: …` followed by a `help:`
//! hint on stderr, and leaves the previous output byte for byte as it was.
//!
//! Every case starts from the small valid site in `tests/fixtures/bad/base/`:
//! it is copied into a temporary folder and built once, `public/` is
//! snapshotted, then the files of `tests/fixtures/bad/<case>/` (only those
//! that differ from the base) are laid over it and the site is built again.
//! A few cases write their files from the test instead (bytes that are not
//! UTF-8, CRLF line endings, a byte-order mark) or delete a file.
//!
//! Line and column numbers count from the first line of the file (the
//! opening `+++` is line 1) and columns count characters; each pinned
//! position was checked by hand against its fixture.

mod common;

use common::{FixtureSite, Run, Tree};
use std::path::{Path, PathBuf};

/// The folders under `tests/fixtures/bad/` besides `base`, one per case;
/// `every_fixture_folder_is_used` keeps this list and the disk in step.
const FIXTURE_CASES: &[&str] = &[
    "config_empty",
    "config_unknown_key",
    "dst_ambiguous",
    "dst_gap",
    "duplicate_url",
    "empty_file",
    "end_before_start",
    "end_in_dst_gap",
    "end_not_resolved",
    "front_matter_only",
    "invalid_date",
    "invalid_toml",
    "missing_start",
    "missing_title",
    "multiple_errors",
    "no_closing_fence",
    "no_opening_fence",
    "resolved_without_end",
    "template_syntax",
    "unknown_field",
    "unknown_service",
    "unknown_timezone",
    "update_before_start",
    "updates_out_of_order",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

/// A copy of the base site, built once, and the output that build wrote:
/// what every failed build after it must leave byte for byte.
struct Case {
    site: FixtureSite,
    before: Tree,
}

impl Case {
    /// The base site, built once, for a case whose files the test writes itself.
    #[track_caller]
    fn new(case: &str) -> Case {
        Case::built(FixtureSite::copy("bad/base").labelled(case))
    }

    /// The base site, built once, with `tests/fixtures/bad/<case>/` laid over it.
    #[track_caller]
    fn with_fixture(case: &str) -> Case {
        assert!(FIXTURE_CASES.contains(&case), "[{case}] add the case to FIXTURE_CASES");
        let Case { site, before } = Case::built(FixtureSite::copy("bad/base"));
        Case { site: site.overlay(&format!("bad/{case}")), before }
    }

    #[track_caller]
    fn built(site: FixtureSite) -> Case {
        let first = site.run(["build"]);
        if first.code != Some(0) {
            first.fail("the base site must build before the case is applied");
        }
        let before = site.output();
        if !before.contains_key("index.html") {
            first.fail(&format!("the base build wrote no index.html: {:?}", before.keys().collect::<Vec<_>>()));
        }
        Case { site, before }
    }

    /// Builds again and checks that the build failed cleanly: exit status
    /// 1, `errors` located errors, the closing summary line, and the
    /// previous output unchanged with no staging folder left behind.
    #[track_caller]
    fn build_fails(&self, errors: usize) -> Run {
        let run = self.build_fails_unlocated(errors);
        let count = run.lines().filter(|l| l.contains(": error: ")).count();
        if count != errors {
            run.fail(&format!("expected {errors} `error:` line(s), found {count}"));
        }
        run
    }

    /// [`Case::build_fails`] without counting the `error:` lines, for
    /// failures not reported in the `path:line:col: error:` form.
    #[track_caller]
    fn build_fails_unlocated(&self, errors: usize) -> Run {
        let run = self.site.run(["build"]);
        run.failed();
        let summary = format!(
            "Build failed: {errors} error{}; the previous output was left untouched.",
            if errors == 1 { "" } else { "s" }
        );
        if !run.lines().any(|l| l == summary) {
            run.fail(&format!("missing the summary line {summary:?}"));
        }
        self.assert_output_untouched(&run);
        run
    }

    /// Builds again and checks that the build succeeded.
    #[track_caller]
    fn build_succeeds(&self) -> Run {
        let run = self.site.run(["build"]);
        if run.code != Some(0) {
            run.fail(&format!("expected success, got exit status {:?}", run.code));
        }
        if run.lines().any(|l| l.contains(": error: ")) {
            run.fail("a successful build printed an error line");
        }
        run
    }

    #[track_caller]
    fn assert_output_untouched(&self, run: &Run) {
        if !self.site.public().is_dir() {
            run.fail("public/ is gone after a failed build");
        }
        let after = self.site.output();
        if after != self.before {
            let changed: Vec<_> = self
                .before
                .keys()
                .chain(after.keys())
                .filter(|p| self.before.get(*p) != after.get(*p))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            run.fail(&format!("public/ changed after a failed build; files that differ: {changed:?}"));
        }
        let entries = std::fs::read_dir(self.site.root()).expect("list the site root");
        let leftovers: Vec<String> = entries
            .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("vigie-new"))
            .collect();
        if !leftovers.is_empty() {
            run.fail(&format!("a failed build left staging folders behind: {leftovers:?}"));
        }
    }

    /// The text of the first `<h1>` of an output page, as it is (empty if none).
    #[track_caller]
    fn heading(&self, rel: &str) -> String {
        let h1 = scraper::Selector::parse("h1").expect("valid selector");
        let heading = self.site.page(rel).select(&h1).next().map(|h| h.text().collect::<String>());
        heading.unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------
// The fixture folders
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_folder_is_used() {
    let entries = std::fs::read_dir(fixtures()).expect("list tests/fixtures/bad");
    let mut on_disk: Vec<String> = entries
        .map(|e| e.expect("directory entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "base")
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, FIXTURE_CASES, "tests/fixtures/bad/ and FIXTURE_CASES differ");
}

#[test]
fn base_site_builds_without_warnings() {
    let case = Case::new("base");
    let run = case.build_succeeds();
    if run.lines().any(|l| l.contains(": warning: ")) {
        run.fail("the base site must build without warnings");
    }
    assert_eq!(case.heading("2023/05/14/panne-de-la-messagerie/index.html"), "Panne de la messagerie");
}

// ---------------------------------------------------------------------------
// Front matter fences and TOML
// ---------------------------------------------------------------------------

#[test]
fn invalid_toml_syntax() {
    let case = Case::with_fixture("invalid_toml");
    let run = case.build_fails(1);
    // Line 5 is `severity = major`: the bare word starts at column 12.
    run.line_then_next("content/2024/panne.md:5:12: error: string values must be quoted, expected literal string");
}

#[test]
fn invalid_toml_syntax_has_help() {
    let case = Case::with_fixture("invalid_toml");
    let run = case.build_fails(1);
    run.finding("content/2024/panne.md:5:12: error: string values must be quoted, expected literal string");
}

#[test]
fn missing_opening_fence() {
    let case = Case::with_fixture("no_opening_fence");
    let run = case.build_fails(1);
    let hint = run.finding("content/2024/panne.md:1:1: error: the file does not start with front matter");
    run.assert_hint_contains(hint, "+++");
}

#[test]
fn missing_closing_fence() {
    let case = Case::with_fixture("no_closing_fence");
    let run = case.build_fails(1);
    let hint = run.finding("content/2024/panne.md:1:1: error: the front matter opened here is never closed");
    run.assert_hint_contains(hint, "+++");
}

#[test]
fn empty_file() {
    let case = Case::with_fixture("empty_file");
    let run = case.build_fails(1);
    run.finding("content/2024/vide.md:1:1: error: the file does not start with front matter");
}

#[test]
fn missing_title() {
    let case = Case::with_fixture("missing_title");
    let run = case.build_fails(1);
    // A missing field is reported at the start of the front matter (line 2).
    let hint = run.finding("content/2024/panne.md:2:1: error: missing field `title`");
    run.assert_hint_contains(hint, "title = ");
}

#[test]
fn missing_start() {
    let case = Case::with_fixture("missing_start");
    let run = case.build_fails(1);
    let hint = run.finding("content/2024/panne.md:2:1: error: missing field `start`");
    run.assert_hint_contains(hint, "start = ");
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let case = Case::with_fixture("unknown_field");
    let run = case.build_fails(1);
    // `titel` opens line 2; the allowed keys are listed in the hint.
    let hint = run.finding("content/2024/panne.md:2:1: error: unknown field `titel`");
    run.assert_hint_contains(hint, "did you mean `title`?");
    run.assert_hint_contains(hint, "`start`, `end`, `services`");
}

#[test]
fn not_utf8() {
    let case = Case::new("not_utf8");
    // Line 2 is `title = "Panne d'<E9>lectricit<E9>"` in Latin-1: the first
    // bad byte is the 18th character of the line.
    case.site.write(
        "content/2024/panne.md",
        b"+++\ntitle = \"Panne d'\xE9lectricit\xE9\"\nstart = 2024-05-14T09:10:00+02:00\nservices = [\"mail\"]\nseverity = \"major\"\n+++\n",
    );
    let run = case.build_fails(1);
    let hint = run.finding("content/2024/panne.md:2:18: error: the file is not valid UTF-8 text");
    run.assert_hint_contains(hint, "UTF-8");
}

#[test]
fn not_utf8_column_counts_characters() {
    let case = Case::new("not_utf8_after_accents");
    // `title = "Panne déjà vue <E9>"`: é and à are valid two-byte UTF-8, the
    // bad byte is the 25th character of line 2 (but the 27th byte).
    case.site.write(
        "content/2024/panne.md",
        b"+++\ntitle = \"Panne d\xC3\xA9j\xC3\xA0 vue \xE9\"\nstart = 2024-05-14T09:10:00+02:00\nservices = [\"mail\"]\nseverity = \"major\"\n+++\n",
    );
    let run = case.build_fails(1);
    run.finding("content/2024/panne.md:2:25: error: the file is not valid UTF-8 text");
}

#[test]
fn crlf_and_bom_errors_keep_their_positions() {
    let case = Case::new("crlf_bom_error");
    // Same layout as the `unknown_service` fixture, with a BOM and CRLF.
    case.site.write(
        "content/2024/panne.md",
        "\u{feff}+++\r\ntitle = \"Panne de la messagerie\"\r\nstart = 2024-05-14T09:10:00+02:00\r\n\
         services = [\"web\", \"mial\"]\r\nseverity = \"major\"\r\n+++\r\n\r\nTexte.\r\n"
            .as_bytes(),
    );
    let run = case.build_fails(1);
    let hint = run.finding("content/2024/panne.md:4:20: error: unknown service \"mial\"");
    run.assert_hint_contains(hint, "did you mean \"mail\"?");
}

// ---------------------------------------------------------------------------
// Services and dates
// ---------------------------------------------------------------------------

#[test]
fn unknown_service_suggests_mail() {
    let case = Case::with_fixture("unknown_service");
    let run = case.build_fails(1);
    // Line 4 is `services = ["web", "mial"]`: the second string opens at column 20.
    let hint = run.finding("content/2024/panne.md:4:20: error: unknown service \"mial\"");
    run.assert_hint_contains(hint, "did you mean \"mail\"?");
}

#[test]
fn end_before_start() {
    let case = Case::with_fixture("end_before_start");
    let run = case.build_fails(1);
    run.finding(
        "content/2024/panne.md:4:7: error: the end (2024-05-14T08:10:00+02:00) is before the start \
         (2024-05-14T09:10:00+02:00)",
    );
}

#[test]
fn updates_out_of_order() {
    let case = Case::with_fixture("updates_out_of_order");
    let run = case.build_fails(1);
    // The second [[updates]] has its `at` on line 13, value at column 6.
    let hint = run.finding(
        "content/2024/panne.md:13:6: error: this update (2024-05-14T09:20:00+02:00) is earlier than the one \
         before it (2024-05-14T10:30:00+02:00)",
    );
    run.assert_hint_contains(hint, "time order");
}

#[test]
fn update_before_start() {
    let case = Case::with_fixture("update_before_start");
    let run = case.build_fails(1);
    run.finding(
        "content/2024/panne.md:9:6: error: this update (2024-05-13T09:20:00+02:00) is before the start \
         (2024-05-14T09:10:00+02:00)",
    );
}

#[test]
fn invalid_date() {
    let case = Case::with_fixture("invalid_date");
    let run = case.build_fails(1);
    // `start = 2024-02-30T09:10:00` on line 3, value at column 9.
    run.line_then_next("content/2024/panne.md:3:9: error: invalid date, expected day between 01 and 29");
}

#[test]
fn invalid_date_has_help() {
    let case = Case::with_fixture("invalid_date");
    let run = case.build_fails(1);
    run.finding("content/2024/panne.md:3:9: error: invalid date, expected day between 01 and 29");
}

#[test]
fn local_time_skipped_by_dst() {
    let case = Case::with_fixture("dst_gap");
    let run = case.build_fails(1);
    let hint = run.finding(
        "content/2024/panne.md:3:9: error: 2024-03-31T02:30:00 does not exist in Europe/Paris: clocks skip \
         that hour (daylight saving time)",
    );
    run.assert_hint_contains(hint, "offset");
}

#[test]
fn resolved_update_without_end() {
    let case = Case::with_fixture("resolved_without_end");
    let run = case.build_fails(1);
    // The `status = "resolved"` of the second update is on line 13, value at column 10.
    let hint = run
        .finding("content/2024/panne.md:13:10: error: the update says \"resolved\" but the front matter has no `end`");
    run.assert_hint_contains(hint, "end = 2024-05-14T11:40:00+02:00");
}

#[test]
fn end_with_last_update_not_resolved() {
    let case = Case::with_fixture("end_not_resolved");
    let run = case.build_fails(1);
    let hint = run
        .finding("content/2024/panne.md:14:10: error: the incident has an `end` but its last update is \"monitoring\"");
    run.assert_hint_contains(hint, "status = \"resolved\"");
}

#[test]
fn end_in_dst_gap_is_one_error() {
    let case = Case::with_fixture("end_in_dst_gap");
    let run = case.build_fails(1);
    // Line 4 is `end = 2024-03-31T02:30:00`, value at column 7.
    run.finding(
        "content/2024/panne.md:4:7: error: 2024-03-31T02:30:00 does not exist in Europe/Paris: clocks skip \
         that hour (daylight saving time)",
    );
}

#[test]
fn duplicate_url_names_both_files() {
    let case = Case::with_fixture("duplicate_url");
    let run = case.build_fails(1);
    let hint = run.finding(
        "content/2024/panne.md:1:1: error: this incident would have the same URL \
         /2024/05/14/panne-de-la-messagerie/ as content/2024/panne-bis.md",
    );
    run.assert_hint_contains(hint, "slug");
}

#[test]
fn all_errors_of_all_files_in_one_run() {
    let case = Case::with_fixture("multiple_errors");
    // panne.md: end before start and unknown service; coupure.md: skipped hour.
    let run = case.build_fails(3);
    run.finding(
        "content/2024/coupure.md:3:9: error: 2024-03-31T02:30:00 does not exist in Europe/Paris: clocks skip \
         that hour (daylight saving time)",
    );
    run.finding(
        "content/2024/panne.md:4:7: error: the end (2024-05-14T08:10:00+02:00) is before the start \
         (2024-05-14T09:10:00+02:00)",
    );
    let hint = run.finding("content/2024/panne.md:5:13: error: unknown service \"mial\"");
    run.assert_hint_contains(hint, "did you mean \"mail\"?");
}

// ---------------------------------------------------------------------------
// site.toml and templates
// ---------------------------------------------------------------------------

#[test]
fn config_unknown_key_suggests_title() {
    let case = Case::with_fixture("config_unknown_key");
    let run = case.build_fails(1);
    let hint = run.finding("site.toml:2:1: error: unknown field `titel`");
    run.assert_hint_contains(hint, "did you mean `title`?");
    run.assert_hint_contains(hint, "`base_url`");
}

#[test]
fn config_missing() {
    let case = Case::new("config_missing");
    case.site.remove("site.toml");
    let run = case.build_fails(1);
    // The whole file is concerned, so there is no line or column.
    let hint = run.finding_starting_with("site.toml: error: cannot read [ROOT]/site.toml: ");
    run.assert_hint_contains(hint, "--root");
}

#[test]
fn config_empty() {
    let case = Case::with_fixture("config_empty");
    let run = case.build_fails(1);
    run.finding("site.toml:1:1: error: missing field `title`");
}

#[test]
fn config_empty_hint_names_site_toml() {
    let case = Case::with_fixture("config_empty");
    let run = case.build_fails(1);
    let hint = run.finding("site.toml:1:1: error: missing field `title`");
    if hint.contains("front matter") {
        run.fail("site.toml has no front matter: the hint should point at site.toml");
    }
}

#[test]
fn config_unknown_timezone() {
    let case = Case::with_fixture("unknown_timezone");
    let run = case.build_fails(1);
    // Line 6 is `timezone = "Europe/Pariss"`: the string opens at column 12.
    let hint = run.finding("site.toml:6:12: error: unknown time zone \"Europe/Pariss\"");
    run.assert_hint_contains(hint, "Europe/Paris");
}

#[test]
fn template_syntax_error_is_located() {
    let case = Case::with_fixture("template_syntax");
    let run = case.build_fails(1);
    // `<p>{{ incident.title }</p>` on line 5: the lone `}` is at column 22.
    let hint = run.finding_starting_with("templates/index.html:5:22: error: invalid template: ");
    run.assert_hint_contains(hint, "template syntax");
}

// ---------------------------------------------------------------------------
// Inputs that must build
// ---------------------------------------------------------------------------

#[test]
fn front_matter_only_builds() {
    let case = Case::with_fixture("front_matter_only");
    case.build_succeeds();
    assert_eq!(case.heading("2024/06/02/coupure-du-dns/index.html"), "Coupure du DNS");
}

#[test]
fn crlf_and_bom_build() {
    let case = Case::new("crlf_bom");
    case.site.write(
        "content/2024/coupure-dns.md",
        "\u{feff}+++\r\ntitle = \"Coupure du DNS\"\r\nstart = 2024-06-02T14:00:00+02:00\r\n\
         end = 2024-06-02T14:30:00+02:00\r\nservices = [\"dns\"]\r\nseverity = \"minor\"\r\n+++\r\n\r\n\
         Les serveurs de noms **ne répondaient plus**.\r\n"
            .as_bytes(),
    );
    let run = case.build_succeeds();
    if run.lines().any(|l| l.contains(": warning: ")) {
        run.fail("a clean CRLF file with a BOM must not warn");
    }
    assert_eq!(case.heading("2024/06/02/coupure-du-dns/index.html"), "Coupure du DNS");
    let page = case.site.read("2024/06/02/coupure-du-dns/index.html");
    assert!(page.contains("<strong>ne répondaient plus</strong>"), "the body is rendered:\n{page}");
    assert!(!page.contains('\u{feff}'), "the BOM must not reach the page");
}

#[test]
fn ambiguous_local_time_builds_with_a_warning() {
    let case = Case::with_fixture("dst_ambiguous");
    let run = case.build_succeeds();
    let hint = run.finding(
        "content/2024/panne.md:3:9: warning: 2024-10-27T02:30:00 happens twice in Europe/Paris (clocks go \
         back); the first one (+02:00) was taken",
    );
    run.assert_hint_contains(hint, "2024-10-27T02:30:00+01:00");
    assert_eq!(case.heading("2024/10/27/panne-au-changement-d-heure/index.html"), "Panne au changement d'heure");
}

// ---------------------------------------------------------------------------
// Whole reports, pinned as snapshots (tests/snapshots/bad_input__*.snap)
// ---------------------------------------------------------------------------

/// Pins the whole stderr of the failed build of `case` (site root as `[ROOT]`),
/// after the checks of [`Case::build_fails`].
#[track_caller]
fn assert_report_snapshot(case: &'static str, errors: usize) {
    let run = Case::with_fixture(case).build_fails(errors);
    let description = format!(
        "stderr of `vigie build` on tests/fixtures/bad/base/ with tests/fixtures/bad/{case}/ laid over it, \
         SOURCE_DATE_EPOCH={}",
        common::NOW
    );
    insta::with_settings!({ description => description, omit_expression => true }, {
        insta::assert_snapshot!(format!("{case}_stderr"), common::exact("stderr", run.stderr.as_bytes()));
    });
}

#[test]
fn the_whole_report_of_errors_in_several_files() {
    assert_report_snapshot("multiple_errors", 3);
}

#[test]
fn the_whole_report_of_a_site_toml_error() {
    assert_report_snapshot("unknown_timezone", 1);
}

#[test]
fn the_whole_report_of_a_template_syntax_error() {
    assert_report_snapshot("template_syntax", 1);
}
