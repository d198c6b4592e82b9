//! Importer: a cState site (Hugo) → posts. Reads the Markdown files with
//! YAML front matter of its `content/issues/` folder (or of the folder
//! given), and its `config.yml` for the list of systems when there is one.
//!
//! - `date` → the start, `resolvedWhen` → the end once `resolved: true`;
//!   times without an offset are read in the site's time zone.
//! - `severity` `down` → critical, `disrupted` → major, `notice` → minor;
//!   `informational: true` → a notice.
//! - `affected` systems → services: a declared one of the same name, else a
//!   new one keyed from the name (with cState's description when its
//!   config has one).
//! - Each paragraph of the body that carries a `{{< track "time" >}}`
//!   shortcode becomes a timeline update at that time, its status from a
//!   leading `*Investigating*`, `*Identified*`, `*Monitoring*` or
//!   `*Resolved*` (any other word: `monitoring`, listed as a guess); every
//!   other paragraph stays in the body, so that no paragraph is lost.
//! - The post's cState address `/issues/<file name>/` and its `aliases` become aliases.

use super::{Imported, ImportedPost};
use crate::config::{ServiceConfig, SiteConfig};
use crate::content::model::{Kind, Severity, Status};
use crate::content::parse::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FrontMatter {
    title: String,
    date: String,
    #[serde(default)]
    resolved: bool,
    #[serde(default)]
    resolved_when: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    affected: Vec<String>,
    #[serde(default)]
    informational: bool,
    #[serde(default)]
    aliases: Vec<String>,
}

/// cState's `config.yml`, as far as systems go.
#[derive(Deserialize, Default)]
struct Config {
    #[serde(default)]
    params: Params,
}

#[derive(Deserialize, Default)]
struct Params {
    #[serde(default)]
    systems: Vec<System>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum System {
    Name(String),
    Described {
        name: String,
        #[serde(default)]
        description: Option<String>,
    },
    Category {
        #[serde(default)]
        systems: Vec<System>,
    },
}

/// Reads the cState site or content folder at `path` for the site of `config`.
pub fn read(path: &Path, config: &SiteConfig) -> Result<Imported, Diagnostics> {
    let folder = [path.join("content/issues"), path.join("issues"), path.to_path_buf()]
        .into_iter()
        .find(|dir| dir.is_dir())
        .ok_or_else(|| {
            Diagnostics(vec![Diagnostic::error(path, (0, 0), "no such folder")
                .with_hint("give the cState site's folder (with content/issues/) or its content/issues/ folder")])
        })?;
    let descriptions = systems(path);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&folder)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .map(|e| e.into_path())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostics(vec![Diagnostic::error(&folder, (0, 0), "no cState issue (.md file) found here")
            .with_hint("give the cState site's folder (with content/issues/) or its content/issues/ folder")]));
    }
    let mut new_services: BTreeMap<String, ServiceConfig> = BTreeMap::new();
    let mut posts = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for file in &files {
        match convert(file, config, &descriptions, &mut new_services) {
            Ok(post) => posts.push(post),
            Err(e) => errors.push(*e),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    posts.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.origin.cmp(&b.origin)));
    Ok(Imported { posts, new_services, notes: Vec::new() })
}

/// The systems of the cState config beside `path` (name → description), if any.
fn systems(path: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for candidate in [path.join("config.yml"), path.join("../config.yml"), path.join("../../config.yml")] {
        let Ok(text) = std::fs::read_to_string(&candidate) else { continue };
        let Ok(config) = serde_saphyr::from_str::<Config>(&text) else { continue };
        fn walk(systems: &[System], found: &mut BTreeMap<String, String>) {
            for system in systems {
                match system {
                    System::Name(name) => drop(found.insert(name.clone(), String::new())),
                    System::Described { name, description } => {
                        drop(found.insert(name.clone(), description.clone().unwrap_or_default()))
                    }
                    System::Category { systems } => walk(systems, found),
                }
            }
        }
        walk(&config.params.systems, &mut found);
        break;
    }
    found
}

fn convert(
    file: &Path,
    config: &SiteConfig,
    descriptions: &BTreeMap<String, String>,
    new_services: &mut BTreeMap<String, ServiceConfig>,
) -> Result<ImportedPost, Box<Diagnostic>> {
    let error = |at: (usize, usize), message: String, hint: &str| {
        Box::new(Diagnostic::error(file, at, message).with_hint(hint))
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| error((0, 0), format!("cannot read: {e}"), "check the file"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).replace("\r\n", "\n");
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err(error(
            (1, 1),
            "not a cState issue: no YAML front matter".into(),
            "a cState issue starts with a line --- and its front matter",
        ));
    };
    let Some(close) = rest.find("\n---") else {
        return Err(error(
            (1, 1),
            "the front matter has no closing ---".into(),
            "close the front matter with a line ---",
        ));
    };
    let (yaml, body) = (&rest[..close + 1], rest[close + 4..].trim_start_matches('-').trim_start_matches('\n'));
    let front: FrontMatter = serde_saphyr::from_str(yaml).map_err(|e| {
        let at = e.location().map_or((1, 1), |l| (l.line() as usize + 1, l.column() as usize));
        error(
            at,
            format!("invalid front matter: {e}"),
            "cState front matter needs title and date, e.g. date: 2021-05-01 10:00:00",
        )
    })?;
    let tz = config.timezone;
    // The line of a front matter field (the file's line 1 is the opening ---).
    let line_of = |field: &str| yaml.lines().position(|l| l.starts_with(&format!("{field}:"))).map_or(1, |n| n + 2);
    let time = |value: &str, field: &str| -> Result<DateTime<Tz>, Box<Diagnostic>> {
        parse_time(value, tz).ok_or_else(|| {
            error(
                (line_of(field), 1),
                format!("{field} \"{value}\" is not a time"),
                "write it as 2021-05-01 10:00:00, or with its offset: 2021-05-01T10:00:00+02:00",
            )
        })
    };
    let mut guesses = Vec::new();
    let mut start = time(&front.date, "date")?;
    let mut updates: Vec<(DateTime<Tz>, Status, String)> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        match track(paragraph) {
            Some((at, rest)) => {
                let at = time(&at, "track")?;
                let (status, text) = status_of(&rest, &mut guesses);
                updates.push((at, status, text));
            }
            None => kept.push(paragraph.to_string()),
        }
    }
    updates.sort_by_key(|u| u.0);
    let last = updates.len().saturating_sub(1);
    for (n, update) in updates.iter_mut().enumerate() {
        if n < last && update.1 == Status::Resolved {
            guesses.push("a resolved update followed by others read as monitoring".into());
            update.1 = Status::Monitoring;
        }
    }
    let mut end = match (front.resolved, &front.resolved_when) {
        (true, Some(when)) => Some(time(when, "resolvedWhen")?),
        (true, None) => {
            guesses.push("resolved without resolvedWhen: ended at its last update".into());
            Some(updates.last().map_or(start, |u| u.0))
        }
        (false, _) => None,
    };
    if let Some(first) = updates.first().map(|u| u.0).filter(|&f| f < start) {
        guesses.push("start moved back to its first update".into());
        start = first;
    }
    if let Some(e) = end {
        match updates.last() {
            Some((at, status, _)) if *status != Status::Resolved => {
                let at = (*at).max(e);
                guesses.push("a resolved update added at its end".into());
                updates.push((at, Status::Resolved, String::new()));
                end = Some(at);
            }
            Some((at, _, _)) if *at > e => end = Some(*at),
            _ => {}
        }
        if end.is_some_and(|e| e < start) {
            guesses.push("resolvedWhen before date: start moved to it".into());
            start = end.unwrap_or(start);
        }
    }
    let kind = if front.informational { Kind::Notice } else { Kind::Incident };
    let severity = match (kind, front.severity.as_deref()) {
        (Kind::Notice, _) => None,
        (_, Some("down")) => Some(Severity::Critical),
        (_, Some("disrupted")) => Some(Severity::Major),
        (_, Some("notice")) => Some(Severity::Minor),
        (_, other) => {
            guesses.push(format!("severity {} read as minor", other.unwrap_or("(none)")));
            Some(Severity::Minor)
        }
    };
    let mut services = Vec::new();
    for system in &front.affected {
        let declared = config.services.iter().find(|(key, s)| s.name.eq_ignore_ascii_case(system) || *key == system);
        let key = match declared {
            Some((key, _)) => key.clone(),
            None => {
                let key = slugify(system);
                new_services.entry(key.clone()).or_insert_with(|| ServiceConfig {
                    name: system.clone(),
                    description: descriptions.get(system).cloned().unwrap_or_default(),
                    since: None,
                });
                key
            }
        };
        if !services.contains(&key) {
            services.push(key);
        }
    }
    if services.is_empty() {
        guesses.push("no affected system: service \"general\"".into());
        if !config.services.contains_key("general") {
            let name = if crate::config::is_french(&config.language) { "Général" } else { "General" };
            new_services.entry("general".into()).or_insert_with(|| ServiceConfig {
                name: name.into(),
                description: String::new(),
                since: None,
            });
        }
        services.push("general".into());
    }
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut aliases: Vec<String> =
        std::iter::once(format!("/issues/{stem}/")).chain(front.aliases.iter().cloned()).collect();
    aliases.retain(|a| crate::content::parse::alias_file(a).is_ok());
    aliases.dedup();
    Ok(ImportedPost {
        origin: file.display().to_string(),
        title: front.title,
        kind,
        severity,
        start,
        end,
        services,
        updates,
        body: kept.join("\n\n"),
        aliases,
        guesses,
        slug: None,
    })
}

/// A time as cState writes them: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` (or a
/// date alone) in the site's zone.
fn parse_time(value: &str, tz: Tz) -> Option<DateTime<Tz>> {
    let value = value.trim().trim_matches('"');
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&tz));
    }
    if let Ok(t) = DateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S %z") {
        return Some(t.with_timezone(&tz));
    }
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN))
        })?;
    tz.from_local_datetime(&local).earliest()
}

/// The time of a paragraph's `{{< track "…" >}}` shortcode, and the paragraph without it.
fn track(paragraph: &str) -> Option<(String, String)> {
    let open = paragraph.find("{{<")?;
    let close = paragraph[open..].find(">}}")? + open;
    let inside = paragraph[open + 3..close].trim();
    let argument = inside.strip_prefix("track")?.trim();
    let at = argument.trim_matches(|c| c == '"' || c == '\'').to_string();
    let rest = format!("{}{}", &paragraph[..open], &paragraph[close + 3..]);
    Some((at, rest.trim().to_string()))
}

/// The status a cState update starts with (`*Investigating* - …`), and its text.
fn status_of(text: &str, guesses: &mut Vec<String>) -> (Status, String) {
    let word_and_rest = text.strip_prefix('*').and_then(|t| t.split_once('*'));
    let Some((word, rest)) = word_and_rest else {
        guesses.push("an update without a status word read as monitoring".into());
        return (Status::Monitoring, text.to_string());
    };
    let rest = rest.trim_start().trim_start_matches(['-', '—', '–', ':']).trim_start().to_string();
    let status = match word.trim().to_lowercase().as_str() {
        "investigating" => Status::Investigating,
        "identified" => Status::Identified,
        "monitoring" => Status::Monitoring,
        "resolved" => Status::Resolved,
        other => {
            guesses.push(format!("update status \"{other}\" read as monitoring"));
            Status::Monitoring
        }
    };
    (status, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracked_paragraph_gives_its_time_status_and_text() {
        let (at, rest) = track("*Monitoring* - A fix is out. {{< track \"2021-05-01 11:00:00\" >}}").expect("a track");
        assert_eq!(at, "2021-05-01 11:00:00");
        let mut guesses = Vec::new();
        assert_eq!(status_of(&rest, &mut guesses), (Status::Monitoring, "A fix is out.".to_string()));
        assert!(guesses.is_empty());
        assert!(track("No shortcode here.").is_none());
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            parse_time("2021-05-01 11:00:00", paris).map(|t| t.to_rfc3339()).as_deref(),
            Some("2021-05-01T11:00:00+02:00")
        );
        assert_eq!(
            parse_time("2021-05-01T09:00:00Z", paris).map(|t| t.to_rfc3339()).as_deref(),
            Some("2021-05-01T11:00:00+02:00")
        );
        assert_eq!(parse_time("2021-02-31 10:00:00", paris), None, "a day that does not exist");
    }
}
