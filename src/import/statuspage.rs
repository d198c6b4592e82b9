//! Importer: Atlassian Statuspage's public API v2 JSON (`incidents.json`,
//! `scheduled-maintenances.json`, `summary.json`, `components.json`, or a
//! folder of them, `incidents/<id>.json` included) → posts. vigie's own
//! `api/v2/` reads back the same way.
//!
//! - An object with `scheduled_for` is a maintenance (window
//!   `scheduled_for`–`scheduled_until`), any other an incident (from
//!   `started_at`, else `created_at`, to `resolved_at` once `resolved` or
//!   `postmortem`).
//! - `impact` `critical`, `major`, `minor` → that severity; `none` (or
//!   none given) → minor, listed as a guess.
//! - Update statuses keep their names; `verifying` → `in_progress`; a
//!   `postmortem` update becomes the body's « Post-mortem » section.
//! - Components → services: a declared service whose key is the
//!   component's id (vigie's own API) or whose name is the component's
//!   name, else a new service keyed from the name. A post without
//!   components goes to a new `general` service.
//! - Each post keeps its old address, `/incidents/<id>/`, as an alias.
//! - Instants are kept exact, written with their offset in the site's zone.

use super::{Imported, ImportedPost};
use crate::config::{ServiceConfig, SiteConfig};
use crate::content::model::{Kind, Severity, Status};
use crate::content::parse::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Default)]
struct Document {
    #[serde(default)]
    incidents: Option<Vec<Post>>,
    #[serde(default)]
    scheduled_maintenances: Option<Vec<Post>>,
    #[serde(default)]
    components: Option<Vec<Component>>,
    #[serde(default)]
    incident: Option<Post>,
    /// Every file of the API has it (`status.json` nothing else).
    #[serde(default)]
    page: Option<serde_json::Value>,
    // A bare incident object: its fields at the top level.
    #[serde(default)]
    incident_updates: Option<serde_json::Value>,
}

#[derive(Deserialize, Clone)]
struct Post {
    id: String,
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    impact: Option<String>,
    created_at: String,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    scheduled_for: Option<String>,
    #[serde(default)]
    scheduled_until: Option<String>,
    #[serde(default)]
    incident_updates: Vec<Update>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize, Clone)]
struct Update {
    status: String,
    #[serde(default)]
    body: Option<String>,
    created_at: String,
    #[serde(default)]
    display_at: Option<String>,
}

#[derive(Deserialize, Clone)]
struct Component {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
}

/// Reads the export at `path` (a file or a folder) for the site of `config`.
pub fn read(path: &Path, config: &SiteConfig) -> Result<Imported, Diagnostics> {
    let files = json_files(path)?;
    let mut posts: BTreeMap<String, (PathBuf, Post)> = BTreeMap::new();
    let mut components: Vec<Component> = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match read_document(file) {
            Ok(doc) => {
                components.extend(doc.components.into_iter().flatten());
                let found = doc.incidents.into_iter().flatten().chain(doc.scheduled_maintenances.into_iter().flatten());
                for post in found.chain(doc.incident) {
                    components.extend(post.components.iter().cloned());
                    // The same post in several files (summary, unresolved…): the one updated last.
                    let newer = posts.get(&post.id).is_none_or(|(_, known)| {
                        (known.updated_at.as_deref(), known.incident_updates.len())
                            < (post.updated_at.as_deref(), post.incident_updates.len())
                    });
                    if newer {
                        posts.insert(post.id.clone(), (file.clone(), post));
                    }
                }
            }
            Err(e) => errors.push(*e),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    if posts.is_empty() {
        return Err(Diagnostics(vec![Diagnostic::error(path, (0, 0), "no incident or maintenance found").with_hint(
            "give incidents.json or scheduled-maintenances.json (status.json and components.json hold none)",
        )]));
    }
    let services = Services::new(config, &components);
    let tz = config.timezone;
    let mut imported = Vec::with_capacity(posts.len());
    for (file, post) in posts.values() {
        imported.push(convert(file, post, &services, tz).map_err(|e| Diagnostics(vec![*e]))?);
    }
    let mut new_services = services.new;
    if imported.iter().any(|p| p.services.iter().any(|s| s == GENERAL)) && !config.services.contains_key(GENERAL) {
        let name = if crate::config::is_french(&config.language) { "Général" } else { "General" };
        new_services
            .insert(GENERAL.into(), ServiceConfig { name: name.into(), description: String::new(), since: None });
    }
    imported.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.origin.cmp(&b.origin)));
    Ok(Imported { posts: imported, new_services, notes: Vec::new() })
}

/// The JSON files of `path`: itself, or those of the folder and of its
/// `incidents/` and `scheduled-maintenances/` folders, by name.
fn json_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(Diagnostics(vec![Diagnostic::error(path, (0, 0), "no such file or folder")
            .with_hint("give a Statuspage API v2 file (incidents.json…) or a folder of them")]));
    }
    let mut files = Vec::new();
    for dir in [path.to_path_buf(), path.join("incidents"), path.join("scheduled-maintenances")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")));
    }
    files.sort();
    if files.is_empty() {
        return Err(Diagnostics(vec![Diagnostic::error(path, (0, 0), "the folder holds no .json file").with_hint(
            "download the page's API v2 files into it: incidents.json, scheduled-maintenances.json, components.json",
        )]));
    }
    Ok(files)
}

/// One file, parsed; a located error when it is not JSON or not Statuspage's.
fn read_document(file: &Path) -> Result<Document, Box<Diagnostic>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Box::new(Diagnostic::error(file, (0, 0), format!("cannot read: {e}"))))?;
    let doc: Document = serde_json::from_str(&text).map_err(|e| {
        let hint = if e.is_eof() {
            "the file ends too early: download it again"
        } else {
            "give the JSON of Statuspage's public API v2 (https://<page>/api/v2/incidents.json)"
        };
        Box::new(
            Diagnostic::error(file, (e.line(), e.column()), format!("not a Statuspage API v2 file: {e}"))
                .with_hint(hint),
        )
    })?;
    if doc.incident_updates.is_some() {
        let post: Post = serde_json::from_str(&text).map_err(|e| {
            Box::new(Diagnostic::error(file, (e.line(), e.column()), format!("not a Statuspage incident: {e}")))
        })?;
        return Ok(Document { incident: Some(post), ..Document::default() });
    }
    let nothing = doc.incidents.is_none() && doc.scheduled_maintenances.is_none() && doc.components.is_none();
    if nothing && doc.incident.is_none() && doc.page.is_none() {
        return Err(Box::new(
            Diagnostic::error(file, (1, 1), "not a Statuspage API v2 file: it has no incidents, scheduled_maintenances, incident or components")
                .with_hint("give incidents.json, scheduled-maintenances.json, summary.json or components.json of a Statuspage page"),
        ));
    }
    Ok(doc)
}

/// Components → service keys.
struct Services {
    /// Component id → service key.
    by_id: BTreeMap<String, String>,
    /// Services the site does not declare yet.
    new: BTreeMap<String, ServiceConfig>,
}

impl Services {
    fn new(config: &SiteConfig, components: &[Component]) -> Self {
        let mut services = Services { by_id: BTreeMap::new(), new: BTreeMap::new() };
        for c in components {
            if services.by_id.contains_key(&c.id) {
                continue;
            }
            let declared =
                config.services.iter().find(|(key, s)| **key == c.id || s.name.eq_ignore_ascii_case(&c.name));
            let key = match declared {
                Some((key, _)) => key.clone(),
                None => {
                    let key = slugify(&c.name);
                    let key = if key.is_empty() { format!("component-{}", slugify(&c.id)) } else { key };
                    if !config.services.contains_key(&key) {
                        services.new.entry(key.clone()).or_insert_with(|| ServiceConfig {
                            name: c.name.clone(),
                            description: c.description.clone().unwrap_or_default(),
                            since: None,
                        });
                    }
                    key
                }
            };
            services.by_id.insert(c.id.clone(), key);
        }
        services
    }
}

fn convert(file: &Path, post: &Post, services: &Services, tz: Tz) -> Result<ImportedPost, Box<Diagnostic>> {
    let origin = format!("{}: \"{}\" (id {})", file.display(), post.name, post.id);
    let time = |value: &str, field: &str| -> Result<DateTime<Tz>, Box<Diagnostic>> {
        DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&tz)).map_err(|e| {
            Box::new(
                Diagnostic::error(
                    file,
                    (0, 0),
                    format!("{}: {field} \"{value}\" is not an RFC 3339 time: {e}", post.name),
                )
                .with_hint("Statuspage writes times such as 2024-09-23T07:40:00.000Z"),
            )
        })
    };
    let maintenance = post.scheduled_for.is_some();
    let mut guesses = Vec::new();
    let mut body = String::new();
    let mut updates = Vec::new();
    let mut sorted: Vec<&Update> = post.incident_updates.iter().collect();
    let at_of = |u: &Update| u.display_at.clone().unwrap_or_else(|| u.created_at.clone());
    sorted.sort_by_key(|u| {
        let at = at_of(u);
        DateTime::parse_from_rfc3339(&at).map(|t| t.timestamp_millis()).unwrap_or(i64::MAX)
    });
    for u in sorted {
        let at = time(&at_of(u), "display_at")?;
        let text = u.body.clone().unwrap_or_default().trim().to_string();
        let status = match (maintenance, u.status.as_str()) {
            (false, "postmortem") => {
                body.push_str(&format!("## Post-mortem\n\n{text}\n"));
                continue;
            }
            (false, "investigating") => Status::Investigating,
            (false, "identified") => Status::Identified,
            (false, "monitoring") => Status::Monitoring,
            (false, "resolved") => Status::Resolved,
            (true, "scheduled") => Status::Scheduled,
            (true, "in_progress" | "verifying") => Status::InProgress,
            (true, "completed") => Status::Completed,
            (true, "cancelled") => Status::Cancelled,
            (false, other) => {
                guesses.push(format!("update status \"{other}\" read as investigating"));
                Status::Investigating
            }
            (true, other) => {
                guesses.push(format!("update status \"{other}\" read as in_progress"));
                Status::InProgress
            }
        };
        updates.push((at, status, text));
    }
    // A maintenance completed before its window was called off (vigie's own
    // API writes a cancellation so: Statuspage has no such status).
    if let Some(window) = post.scheduled_for.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        for update in updates.iter_mut().filter(|u| u.1 == Status::Completed && u.0 < window) {
            update.1 = Status::Cancelled;
        }
    }
    // Only the last update may close the timeline.
    let last = updates.len().saturating_sub(1);
    for (n, update) in updates.iter_mut().enumerate() {
        if n < last && update.1.is_final() {
            let reopened = if maintenance { Status::InProgress } else { Status::Monitoring };
            guesses.push(format!("a {} update followed by others read as {}", update.1.as_str(), reopened.as_str()));
            update.1 = reopened;
        }
    }
    let (kind, severity, mut start, mut end) = if maintenance {
        let start = time(post.scheduled_for.as_deref().unwrap_or_default(), "scheduled_for")?;
        let until = post.scheduled_until.as_deref().map(|t| time(t, "scheduled_until")).transpose()?;
        (Kind::Maintenance, None, start, until)
    } else {
        let start = time(post.started_at.as_deref().unwrap_or(&post.created_at), "started_at")?;
        let severity = match post.impact.as_deref() {
            Some("critical") => Severity::Critical,
            Some("major") => Severity::Major,
            Some("minor") => Severity::Minor,
            other => {
                guesses.push(format!("impact {} read as severity minor", other.unwrap_or("(none)")));
                Severity::Minor
            }
        };
        let resolved = matches!(post.status.as_str(), "resolved" | "postmortem");
        let end = if resolved {
            let closing = updates.last().filter(|u| u.1 == Status::Resolved).map(|u| u.0);
            match (closing, post.resolved_at.as_deref()) {
                (Some(at), _) => Some(at),
                (None, Some(t)) => Some(time(t, "resolved_at")?),
                (None, None) => updates.last().map(|u| u.0).or(Some(start)),
            }
        } else {
            None
        };
        (Kind::Incident, Some(severity), start, end)
    };
    if let Some(first) = updates.first().map(|u| u.0) {
        let allowed_early =
            maintenance && matches!(updates[0].1, Status::Scheduled | Status::InProgress | Status::Cancelled);
        if first < start && !allowed_early {
            guesses.push("start moved back to its first update".into());
            start = first;
        }
    }
    match (kind, end, updates.last().map(|u| (u.0, u.1))) {
        (Kind::Incident, Some(e), Some((at, status))) if status != Status::Resolved => {
            let at = at.max(e);
            guesses.push("a resolved update added at its end".into());
            updates.push((at, Status::Resolved, String::new()));
            end = Some(at);
        }
        (Kind::Incident, Some(e), Some((at, _))) if at > e => end = Some(at),
        (Kind::Maintenance, None, Some((at, Status::Completed))) => end = Some(at),
        _ => {}
    }
    if let Some(e) = end.filter(|&e| e < start) {
        guesses.push("end before start: start moved to the end".into());
        start = e;
    }
    let mut keys: Vec<String> = Vec::new();
    for c in &post.components {
        if let Some(key) = services.by_id.get(&c.id) {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    if keys.is_empty() {
        guesses.push("no component: service \"general\"".into());
        keys.push(GENERAL.to_string());
    }
    let alias = format!("/incidents/{}/", post.id);
    let aliases = crate::content::parse::alias_file(&alias).map(|_| vec![alias]).unwrap_or_default();
    Ok(ImportedPost {
        origin,
        title: post.name.clone(),
        kind,
        severity,
        start,
        end,
        services: keys,
        updates,
        body,
        aliases,
        guesses,
        slug: None,
    })
}

/// The service of posts without components.
const GENERAL: &str = "general";
