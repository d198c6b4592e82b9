//! `vigie new`: the command-line arguments → a new post with valid front
//! matter, a first update and the body's usual headings, written to
//! `content/<year>/<date>-<slug>.md`. It never overwrites a file, and the
//! text is parsed as the build would parse it before it is written.

use super::encode::{front_matter, FrontMatter};
use super::when::{now_in, parse_time};
use super::words::words;
use super::{fail, from_cwd};
use crate::config::SiteConfig;
use crate::content::load::{find_sources, read_source, CONTENT_DIR};
use crate::content::markdown::Markdown;
use crate::content::model::{Kind, Severity, Status};
use crate::content::parse::{parse_incident, slugify, ParseContext};
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What `vigie new` was asked for.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The site root.
    pub root: PathBuf,
    /// The post's title.
    pub title: String,
    /// Keys of the affected services.
    pub services: Vec<String>,
    /// Incident, maintenance or notice.
    pub kind: Kind,
    /// Required for incidents.
    pub severity: Option<Severity>,
    /// `--start` as given; now when absent.
    pub start: Option<String>,
    /// `--end` as given.
    pub end: Option<String>,
    /// The first update's text, instead of the placeholder.
    pub text: Option<String>,
    /// The current time (`SOURCE_DATE_EPOCH` in tests).
    pub now: DateTime<Utc>,
}

/// The post `vigie new` wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// The new file, usable from the current folder.
    pub path: PathBuf,
    /// The new file, relative to the site root.
    pub source: PathBuf,
    /// Warnings to show (an ambiguous local time, say).
    pub warnings: Vec<Diagnostic>,
    /// For a maintenance not over yet, the commands that post its next
    /// updates (started, completed, cancelled), one line each.
    pub next_steps: Option<String>,
}

/// The validated arguments: everything the file will say.
struct Plan {
    title: String,
    start: DateTime<Tz>,
    end: Option<DateTime<Tz>>,
    services: Vec<String>,
    kind: Kind,
    severity: Option<Severity>,
    updates: Vec<(DateTime<Tz>, Status, String)>,
}

/// Writes a new post for `options`, or says every reason it cannot.
pub fn new_post(options: &NewOptions) -> Result<Created, Diagnostics> {
    let config = SiteConfig::load(&options.root)?;
    let mut warnings = Vec::new();
    let plan = plan(options, &config, &mut warnings)?;
    let slug = slugify(&plan.title);
    let day = plan.start.format("%Y-%m-%d");
    let source = Path::new(CONTENT_DIR).join(plan.start.format("%Y").to_string()).join(format!("{day}-{slug}.md"));
    let text = render(&plan, &config.language);

    let markdown = Markdown::new(config.allow_html).for_language(&config.language);
    let cx = ParseContext { config: &config, markdown: &markdown };
    let parsed = parse_incident(&source, &text, &cx);
    let Some(incident) = parsed.incident else {
        return Err(Diagnostics(parsed.diagnostics));
    };
    warnings.extend(parsed.diagnostics);
    if options.root.join(&source).exists() {
        return Err(already_exists(&source, &from_cwd(&options.root, &source)));
    }
    if let Some(other) = same_url(&options.root, &cx, &incident.path) {
        return fail(
            Diagnostic::error(
                &source,
                (0, 0),
                format!("its URL /{} is already taken by {}", incident.path, other.display()),
            )
            .with_hint("give this incident another title, or add an update to the existing post with vigie update"),
        );
    }
    write_new(&options.root, &source, &text)?;
    let path = from_cwd(&options.root, &source);
    let next_steps = next_steps(&plan, &path);
    Ok(Created { path, source, warnings, next_steps })
}

/// What to run as a maintenance goes on, unless it is already over.
fn next_steps(plan: &Plan, path: &Path) -> Option<String> {
    if plan.kind != Kind::Maintenance || plan.updates.iter().any(|u| u.1.is_final()) {
        return None;
    }
    let steps = [
        ("when it starts", Status::InProgress),
        ("when it is over", Status::Completed),
        ("if it is called off", Status::Cancelled),
    ];
    let lines = steps.map(|(when, status)| {
        format!("  {:<21}vigie update {} --status {} \"…\"", format!("{when}:"), path.display(), status.as_str())
    });
    Some(format!("Next steps for this maintenance:\n{}", lines.join("\n")))
}

/// Checks every argument, collecting all the errors at once.
fn plan(options: &NewOptions, config: &SiteConfig, warnings: &mut Vec<Diagnostic>) -> Result<Plan, Diagnostics> {
    let tz = config.timezone;
    let now = now_in(options.now, tz);
    let mut errors = Vec::new();
    let title = options.title.trim().to_string();
    if title.is_empty() {
        errors.push(
            Diagnostic::error(Path::new("TITLE"), (0, 0), "the title is empty").with_hint(
                "give the incident a short title, e.g. vigie new \"Messagerie indisponible\" --service mail",
            ),
        );
    }
    let services = check_services(&options.services, config, &mut errors);
    if options.kind == Kind::Incident && options.severity.is_none() {
        errors.push(
            Diagnostic::error(Path::new("--severity"), (0, 0), "an incident needs a severity")
                .with_hint("add --severity minor, --severity major or --severity critical"),
        );
    }
    let mut time = |option: &str, value: &Option<String>| match value.as_deref().map(|v| parse_time(option, v, tz)) {
        None => None,
        Some(Ok((instant, warning))) => {
            warnings.extend(warning);
            Some(instant)
        }
        Some(Err(e)) => {
            errors.push(e);
            None
        }
    };
    let start = time("--start", &options.start);
    let end = time("--end", &options.end);
    let start = if options.start.is_some() { start } else { Some(now) };
    let maintenance = options.kind == Kind::Maintenance;
    if maintenance && options.end.is_none() {
        errors.push(
            Diagnostic::error(Path::new("--end"), (0, 0), "a maintenance needs the end of its planned window")
                .with_hint("add --end, e.g. --start \"2024-12-03 22:00\" --end \"2024-12-04 02:00\""),
        );
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            errors.push(
                Diagnostic::error(
                    Path::new("--end"),
                    (0, 0),
                    format!("the end ({}) is before the start ({})", end.to_rfc3339(), start.to_rfc3339()),
                )
                .with_hint(if maintenance {
                    "check both dates; for a maintenance, --start and --end are its planned window"
                } else {
                    "check both dates; --end is when service was restored"
                }),
            );
        }
    }
    let (Some(start), true) = (start, errors.is_empty()) else {
        return Err(Diagnostics(errors));
    };
    let words = words(&config.language, options.kind);
    let first_text = options.text.clone().unwrap_or_else(|| words.first_update.to_string());
    let mut updates = Vec::new();
    if options.kind == Kind::Maintenance {
        // The announcement comes before the window, or at its start when written afterwards.
        updates.push((now.min(start), Status::Scheduled, first_text));
        if let Some(end) = end.filter(|end| *end <= now) {
            updates.push((end, Status::Completed, words.closing.to_string()));
        }
    } else {
        updates.push((start, Status::Investigating, first_text));
        if let Some(end) = end {
            updates.push((end, Status::Resolved, words.closing.to_string()));
        }
    }
    Ok(Plan { title, start, end, services, kind: options.kind, severity: options.severity, updates })
}

/// The declared services among `given`, in order and without duplicates;
/// an unknown one is an error with the build's hint.
fn check_services(given: &[String], config: &SiteConfig, errors: &mut Vec<Diagnostic>) -> Vec<String> {
    let declared = &config.services;
    let known = config.known_services();
    let at = Path::new("--service");
    if given.is_empty() {
        errors.push(
            Diagnostic::error(at, (0, 0), "no service is given")
                .with_hint(format!("name each affected service with --service, among {known}")),
        );
    }
    let mut keys: Vec<String> = Vec::new();
    for key in given.iter().map(|k| k.trim()) {
        if declared.contains_key(key) {
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
            continue;
        }
        let hint = config.unknown_service_hint(key);
        errors.push(Diagnostic::error(at, (0, 0), format!("unknown service \"{key}\"")).with_hint(hint));
    }
    keys
}

/// The text of the post: front matter, then the body's headings.
fn render(plan: &Plan, language: &str) -> String {
    let mut lines = front_matter(&FrontMatter {
        title: &plan.title,
        start: &plan.start,
        end: plan.end.as_ref(),
        services: &plan.services,
        kind: plan.kind,
        severity: plan.severity,
        slug: None,
        aliases: &[],
        updates: &plan.updates,
    });
    for section in words(language, plan.kind).sections {
        lines.push(String::new());
        lines.push(format!("## {section}"));
    }
    lines.push(String::new());
    lines.join("\n")
}

/// The source of another post that would get the URL `path`, if any.
/// Posts with errors are skipped: the build reports them.
fn same_url(root: &Path, cx: &ParseContext<'_>, path: &str) -> Option<PathBuf> {
    let (files, _) = find_sources(root);
    files.iter().find_map(|file| {
        let source = read_source(root, file);
        let incident = parse_incident(&source.path, &source.text.ok()?, cx).incident?;
        (incident.path == path).then(|| incident.source.clone())
    })
}

/// Creates `root/source` with `text`, refusing to replace an existing file.
fn write_new(root: &Path, source: &Path, text: &str) -> Result<(), Diagnostics> {
    let file = root.join(source);
    let cannot = |e: std::io::Error| Diagnostics(vec![Diagnostic::error(source, (0, 0), format!("cannot write: {e}"))]);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    let mut out = match std::fs::OpenOptions::new().write(true).create_new(true).open(&file) {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(already_exists(source, &from_cwd(root, source)))
        }
        Err(e) => return Err(cannot(e)),
    };
    out.write_all(text.as_bytes()).and_then(|()| out.sync_all()).map_err(cannot)
}

fn already_exists(source: &Path, from_cwd: &Path) -> Diagnostics {
    let hint = format!(
        "to add to it, run vigie update {} --status … \"…\"; for another incident the same day, give it another title",
        from_cwd.display()
    );
    Diagnostics(vec![Diagnostic::error(source, (0, 0), "this file already exists; vigie new never overwrites a post")
        .with_hint(hint)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(language: &str) -> SiteConfig {
        let text = format!(
            "title = \"T\"\nbase_url = \"https://example.fr/\"\nlanguage = \"{language}\"\n[services.mail]\nname = \"Messagerie\"\n[services.dns]\nname = \"DNS\"\n"
        );
        SiteConfig::parse(Path::new("site.toml"), &text).expect("valid config")
    }

    fn options(title: &str) -> NewOptions {
        NewOptions {
            root: PathBuf::from("."),
            title: title.into(),
            services: vec!["mail".into()],
            kind: Kind::Incident,
            severity: Some(Severity::Major),
            start: Some("2024-09-23 07:40".into()),
            end: None,
            text: None,
            // 2024-11-20T12:00:00Z
            now: DateTime::from_timestamp(1_732_104_000, 0).expect("valid"),
        }
    }

    #[test]
    fn renders_front_matter_first_update_and_headings() {
        let config = config("fr");
        let plan = plan(&options("Téléphonie IP : « panne »"), &config, &mut Vec::new()).expect("valid");
        let text = render(&plan, "fr");
        assert_eq!(
            text,
            "+++\ntitle = \"Téléphonie IP : « panne »\"\nstart = 2024-09-23T07:40:00+02:00\nservices = [\"mail\"]\n\
             kind = \"incident\"\nseverity = \"major\"\n\n[[updates]]\nat = 2024-09-23T07:40:00+02:00\n\
             status = \"investigating\"\ntext = \"Nous analysons le problème.\"\n+++\n\n## Impact\n\n## Cause\n\n\
             ## Actions correctives\n"
        );
    }

    #[test]
    fn maintenance_is_announced_now_and_closed_when_over() {
        let config = config("en");
        let mut o = options("Router upgrade");
        o.kind = Kind::Maintenance;
        o.severity = None;
        o.start = Some("2024-12-01 22:00".into());
        let Err(no_end) = plan(&o, &config, &mut Vec::new()) else { panic!("a maintenance needs its planned end") };
        assert!(no_end.to_string().starts_with("--end: error: a maintenance needs the end of its planned window\n"));
        o.end = Some("2024-12-02 02:00".into());
        let upcoming = plan(&o, &config, &mut Vec::new()).expect("valid");
        assert_eq!(upcoming.updates.len(), 1);
        assert_eq!(upcoming.updates[0].1, Status::Scheduled);
        assert_eq!(upcoming.updates[0].0.to_rfc3339(), "2024-11-20T13:00:00+01:00", "announced now");
        assert_eq!(upcoming.end.map(|e| e.to_rfc3339()).as_deref(), Some("2024-12-02T02:00:00+01:00"));
        assert_eq!(
            next_steps(&upcoming, Path::new("content/2024/x.md")).as_deref(),
            Some(
                "Next steps for this maintenance:\n\
                 \x20 when it starts:      vigie update content/2024/x.md --status in_progress \"…\"\n\
                 \x20 when it is over:     vigie update content/2024/x.md --status completed \"…\"\n\
                 \x20 if it is called off: vigie update content/2024/x.md --status cancelled \"…\""
            )
        );
        o.start = Some("2024-11-01 22:00".into());
        o.end = Some("2024-11-02 01:00".into());
        let over = plan(&o, &config, &mut Vec::new()).expect("valid");
        let statuses: Vec<_> = over.updates.iter().map(|u| u.1).collect();
        assert_eq!(statuses, [Status::Scheduled, Status::Completed]);
        assert_eq!(over.updates[0].0.to_rfc3339(), "2024-11-01T22:00:00+01:00", "written afterwards: at its start");
        assert_eq!(next_steps(&over, Path::new("x.md")), None, "nothing more to post");
    }

    #[test]
    fn every_argument_error_is_reported_at_once() {
        let config = config("fr");
        let mut o = options(" ");
        o.services = vec!["mial".into(), "database".into()];
        o.severity = None;
        o.start = Some("2024-03-31 02:30".into());
        let Err(errors) = plan(&o, &config, &mut Vec::new()) else { panic!("must fail") };
        let shown = errors.to_string();
        assert!(shown.contains("TITLE: error: the title is empty"), "{shown}");
        assert!(shown.contains("--start: error: 2024-03-31T02:30 does not exist in Europe/Paris"), "{shown}");
        assert!(
            shown.contains(
                "--service: error: unknown service \"mial\"\n  help: did you mean \"mail\"? Known services are defined in site.toml [services]: \"dns\", \"mail\""
            ),
            "{shown}"
        );
        assert!(shown.contains("--service: error: unknown service \"database\""), "{shown}");
        assert!(shown.contains("--severity: error: an incident needs a severity"), "{shown}");
    }
}
