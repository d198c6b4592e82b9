//! `vigie check`: loads and renders the whole site in memory, as the build
//! does (so every error of the build is found), writes nothing, and adds
//! warnings about what builds but is probably a mistake, each located in
//! its file with a hint that says what to run or change:
//!
//! - an incident (or a maintenance without planned end) still open after a week;
//! - a maintenance whose window has passed but which is neither completed nor cancelled;
//! - a maintenance overrunning its window: still in progress after its planned end;
//! - a maintenance started before its window (an `in_progress` update before its start);
//! - a maintenance without any update, so that nothing says when it was announced;
//! - a declared service no post uses;
//! - a link to an incident page that does not exist;
//! - a post without text.

use super::links::{incident_target, links_in};
use super::source::PostSource;
use crate::config::{SiteConfig, CONFIG_FILE};
use crate::content::model::{Incident, Kind, Phase, Status};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, LineIndex};
use crate::site::{BuildOptions, Site};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// An incident without an end this many days after its start gets a warning.
pub(crate) const OPEN_DAYS: i64 = 7;

/// What `vigie check` was asked for.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site root.
    pub root: PathBuf,
    /// Checks drafts too, as `build --drafts` would publish them.
    pub drafts: bool,
    /// "Now": `SOURCE_DATE_EPOCH` when set, else the current time.
    pub now: DateTime<Utc>,
}

/// Everything `vigie check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// Errors and warnings (those of the build included: a theme or
    /// template error), sorted by file and position.
    pub findings: Vec<Diagnostic>,
}

/// Checks the site at `options.root`.
pub fn check(options: &CheckOptions) -> CheckReport {
    let mut build = BuildOptions::new(&options.root);
    build.drafts = options.drafts;
    build.now = options.now;
    let mut site = match Site::load(build) {
        Ok(site) => site,
        Err(e) => return CheckReport::from_error(e),
    };
    if let Err(e) = site.render() {
        return CheckReport::from_error(e);
    }
    let now = options.now.with_timezone(&site.config.timezone);
    let incidents = &site.content.incidents;
    let known: BTreeSet<&str> = incidents.iter().map(|i| i.path.as_str()).collect();
    let mut findings = site.content.warnings.clone();
    for incident in incidents {
        let Some(post) = read_post(&options.root, incident) else { continue };
        findings.extend(still_open(incident, &post, now));
        if incident.kind == Kind::Maintenance {
            findings.extend(maintenance_findings(incident, &post, now));
        }
        findings.extend(empty_body(incident, &post));
        findings.extend(dead_links(incident, &post, &site.config, &known));
    }
    findings.extend(unused_services(&options.root, &site.config, incidents));
    CheckReport { findings: Diagnostics(findings).sorted().0 }
}

impl CheckReport {
    fn from_error(error: crate::diagnostics::Error) -> CheckReport {
        CheckReport { findings: error.into_diagnostics().sorted().0 }
    }

    /// How many errors were found.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|d| d.is_error()).count()
    }

    /// How many warnings were found.
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.findings.iter().filter(|d| d.is_error()).count()
    }

    /// The exit status: 0 when clean, 1 on errors, 2 on warnings when they are denied.
    pub fn exit_status(&self, deny_warnings: bool) -> u8 {
        if self.errors() > 0 {
            1
        } else if deny_warnings && self.warnings() > 0 {
            2
        } else {
            0
        }
    }

    /// Each finding as the build prints it, `path:line:col: level: message`,
    /// then its `  help:` and `  caused by:` lines; empty when nothing was found.
    pub fn to_text(&self) -> String {
        self.findings.iter().map(|d| format!("{d}\n")).collect()
    }

    /// The findings as a JSON array of objects with `path`, `line`, `col`,
    /// `level`, `message`, `hint` (`null` when unknown) and `causes`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.findings).unwrap_or_else(|_| "[]".to_string())
    }

    /// `N errors, M warnings`, for the end of the report.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!("{}, {}", plural(self.errors(), "error"), plural(self.warnings(), "warning"))
    }
}

fn read_post(root: &Path, incident: &Incident) -> Option<PostSource> {
    PostSource::parse(std::fs::read_to_string(root.join(&incident.source)).ok()?)
}

/// The command that posts an update of `status` to a post, for hints.
fn update_command(incident: &Incident, status: Status) -> String {
    format!("vigie update {} --status {} \"…\"", incident.source.display(), status.as_str())
}

/// The command that closes a post, for hints.
fn close_command(incident: &Incident) -> String {
    let status = if incident.kind == Kind::Maintenance { Status::Completed } else { Status::Resolved };
    update_command(incident, status)
}

/// An incident (or maintenance) without an end a week after its start.
fn still_open(incident: &Incident, post: &PostSource, now: DateTime<Tz>) -> Option<Diagnostic> {
    let what = match incident.kind {
        Kind::Incident => "incident",
        Kind::Maintenance => "maintenance",
        Kind::Notice => return None,
    };
    let open_for = now - incident.start;
    // A cancelled maintenance is closed without an end.
    if incident.end.is_some() || open_for < Duration::days(OPEN_DAYS) || incident.phase(now).is_final() {
        return None;
    }
    let at = at_value(post, "start");
    let message = format!("this {what} is still open {} days after its start", open_for.num_days());
    let hint = format!("if it is over, close it: {}; otherwise post an update", close_command(incident));
    Some(Diagnostic::warning(&incident.source, at, message).with_hint(hint))
}

/// The warnings about a maintenance's lifecycle.
fn maintenance_findings(incident: &Incident, post: &PostSource, now: DateTime<Tz>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    found.extend(window_passed(incident, post, now));
    found.extend(overrunning(incident, post, now));
    found.extend(started_before_window(incident, post));
    found.extend(never_announced(incident, post));
    found
}

/// Where the value of a root key is, or the first line.
fn at_value(post: &PostSource, key: &str) -> (usize, usize) {
    post.value_span(key).map_or((1, 1), |span| post.position(span.start))
}

/// A maintenance whose planned end has passed while its timeline says
/// neither `completed` nor `cancelled` (nor `in_progress`: that is an overrun).
fn window_passed(incident: &Incident, post: &PostSource, now: DateTime<Tz>) -> Option<Diagnostic> {
    let end = incident.end.filter(|end| *end <= now)?;
    if incident.phase(now) != Phase::Resolved || incident.status_at(now) == Some(Status::Completed) {
        return None;
    }
    let message = format!(
        "the maintenance window ended at {} but the maintenance is neither completed nor cancelled",
        end.to_rfc3339()
    );
    let hint = format!(
        "if it is over, run {} --at \"…\"; if it was called off, {}; if it was postponed, move start and end",
        close_command(incident),
        update_command(incident, Status::Cancelled)
    );
    Some(Diagnostic::warning(&incident.source, at_value(post, "end"), message).with_hint(hint))
}

/// A maintenance still in progress after its planned end.
fn overrunning(incident: &Incident, post: &PostSource, now: DateTime<Tz>) -> Option<Diagnostic> {
    let end = incident.end.filter(|_| incident.phase(now) == Phase::Overrunning)?;
    let message = format!("the maintenance is overrunning its window (planned end {})", end.to_rfc3339());
    let hint = format!(
        "tell customers: {}; move `end` if the new end is known; when it is over, {}",
        update_command(incident, Status::InProgress),
        close_command(incident)
    );
    Some(Diagnostic::warning(&incident.source, at_value(post, "end"), message).with_hint(hint))
}

/// `in_progress` updates dated before the planned start, each at its `at`.
fn started_before_window(incident: &Incident, post: &PostSource) -> Vec<Diagnostic> {
    let early = incident.updates.iter().enumerate().filter(|(_, u)| u.status == Status::InProgress);
    early
        .filter(|(_, u)| u.at < incident.start)
        .map(|(index, u)| {
            let at = post.update_span(index, "at").map_or((1, 1), |span| post.position(span.start));
            let message = format!(
                "the maintenance started before its window: this update ({}) is before the planned start ({})",
                u.at.to_rfc3339(),
                incident.start.to_rfc3339()
            );
            let hint = format!(
                "if the work began early, set start = {} so that the window says when it began; otherwise correct this update's `at`",
                u.at.to_rfc3339()
            );
            Diagnostic::warning(&incident.source, at, message).with_hint(hint)
        })
        .collect()
}

/// A maintenance with no update: nothing says when it was announced.
fn never_announced(incident: &Incident, post: &PostSource) -> Option<Diagnostic> {
    if !incident.updates.is_empty() {
        return None;
    }
    let message = "the maintenance has no update: nothing says when it was announced";
    let hint = format!(
        "feeds and calendars date a post by its first update; add the announcement: {} --at \"<announcement time>\"",
        update_command(incident, Status::Scheduled)
    );
    Some(Diagnostic::warning(&incident.source, at_value(post, "kind"), message).with_hint(hint))
}

/// A post with nothing after its front matter.
fn empty_body(incident: &Incident, post: &PostSource) -> Option<Diagnostic> {
    if !post.body().trim().is_empty() {
        return None;
    }
    let fence_line = post.position(post.body_offset.saturating_sub(1)).0;
    Some(
        Diagnostic::warning(&incident.source, (fence_line, 1), "the post has no text after its front matter")
            .with_hint("below the closing +++, describe the impact, the cause and the corrective actions"),
    )
}

/// Where the links of one Markdown text of a post are reported.
enum Place {
    /// The body: each link at its own line and column; the body starts at this line of the file.
    Body(usize),
    /// A TOML string (summary, update text): every link at the string's position.
    Field((usize, usize)),
}

/// Links of the body, the summary and the updates to incident pages that do not exist.
fn dead_links(incident: &Incident, post: &PostSource, config: &SiteConfig, known: &BTreeSet<&str>) -> Vec<Diagnostic> {
    let Ok(page) = config.base_url.join(&incident.path) else { return Vec::new() };
    let mut texts: Vec<(&str, Place)> = vec![(post.body(), Place::Body(post.position(post.body_offset).0))];
    let summary = (post.root().get("summary"), post.value_span("summary"));
    let updates = post.update_tables().into_iter().map(|t| (t.get("text"), post.span_in(t, "text")));
    for (item, span) in std::iter::once(summary).chain(updates) {
        if let (Some(text), Some(span)) = (item.and_then(|i| i.as_str()), span) {
            texts.push((text, Place::Field(post.position(span.start))));
        }
    }
    let mut found = Vec::new();
    for (text, place) in texts {
        for link in links_in(text) {
            let Some(target) = incident_target(&config.base_url, &page, &link.url) else { continue };
            if known.contains(target.as_str()) {
                continue;
            }
            let at = match place {
                Place::Body(first_line) => (first_line + link.line - 1, link.col),
                Place::Field(at) => at,
            };
            let hint = match did_you_mean(&target, known.iter().copied()) {
                Some(close) => format!("did you mean {}{close}?", config.base_path()),
                None => "no incident of the site has this date and slug; an incident's page is at /YYYY/MM/DD/slug/, from the day it started and its title".to_string(),
            };
            let message = format!("link to an incident page that does not exist: {}", link.url);
            found.push(Diagnostic::warning(&incident.source, at, message).with_hint(hint));
        }
    }
    found
}

/// Services of site.toml that no post uses, located at their `[services.key]` line.
fn unused_services(root: &Path, config: &SiteConfig, incidents: &[std::sync::Arc<Incident>]) -> Vec<Diagnostic> {
    let used: BTreeSet<&str> = incidents.iter().flat_map(|i| i.services.iter().map(String::as_str)).collect();
    let unused: Vec<&String> = config.services.keys().filter(|k| !used.contains(k.as_str())).collect();
    if unused.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let doc = toml_edit::Document::parse(text).ok();
    let index = LineIndex::new(text);
    let services = doc.as_ref().and_then(|d| d.as_table().get("services")).and_then(|s| s.as_table_like());
    unused
        .into_iter()
        .map(|key| {
            let span = services.and_then(|s| s.get_key_value(key)).and_then(|(k, item)| match item {
                toml_edit::Item::Table(table) => table.span(),
                _ => k.span(),
            });
            let at = span.map_or((1, 1), |span| index.position(span.start));
            Diagnostic::warning(Path::new(CONFIG_FILE), at, format!("service \"{key}\" is declared but no post uses it"))
                .with_hint(format!(
                    "remove [services.{key}] if the service is gone; a new service can stay, its feeds are ready for subscribers"
                ))
        })
        .collect()
}
