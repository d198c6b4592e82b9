//! Stage 2 (parse): one file's text → a validated [`Incident`], or every problem found in it,
//! each located by line and column from the start of the file.

use super::dates::{self, Resolved};
use super::front_matter::{split, SplitError};
use super::markdown::{split_at_more, Markdown};
use super::model::{Alias, Body, Incident, Kind, Severity, Status, Update};
use crate::config::{without_controls, SiteConfig};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::toml_errors::toml_diagnostic;
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;
use toml::value::Datetime;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Spanned<String>,
    start: Spanned<Datetime>,
    #[serde(default)]
    end: Option<Spanned<Datetime>>,
    services: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    kind: Option<Spanned<Kind>>,
    #[serde(default)]
    severity: Option<Spanned<Severity>>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    slug: Option<Spanned<String>>,
    #[serde(default)]
    updates: Vec<RawUpdate>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    at: Spanned<Datetime>,
    /// Read as text, so that an unknown status is reported with the kind's statuses.
    status: Spanned<String>,
    #[serde(default)]
    text: String,
}

impl RawFrontMatter {
    /// The same fields with control characters replaced (see [`without_controls`]).
    fn without_controls(mut self) -> Self {
        let clean = |text: &mut String| {
            if let std::borrow::Cow::Owned(cleaned) = without_controls(text) {
                *text = cleaned;
            }
        };
        let span = self.title.span();
        let mut title = self.title.into_inner();
        clean(&mut title);
        self.title = Spanned::new(span, title);
        self.reference.as_mut().map(clean);
        self.summary.as_mut().map(clean);
        self.updates.iter_mut().for_each(|u| clean(&mut u.text));
        self
    }
}

/// What parsing one file gave: the incident when it is valid, and every
/// finding (errors make `incident` `None`; warnings may come with it).
#[derive(Clone)]
pub struct Parsed {
    /// The incident, when the file has no error.
    pub incident: Option<Arc<Incident>>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything a file's parse needs from the site.
pub struct ParseContext<'a> {
    /// The site configuration (services, time zone).
    pub config: &'a SiteConfig,
    /// The Markdown renderer.
    pub markdown: &'a Markdown,
}

/// Parses the text of the file shown to the user as `path`; the body is
/// rendered now (the text need not be in a file).
pub fn parse_incident(path: &Path, text: &str, cx: &ParseContext<'_>) -> Parsed {
    parse_text(path, text, cx, false)
}

/// [`parse_incident`] for the text just read from the file `path`: the
/// body is left in the file ([`Body::InFile`]), to be rendered by the page
/// that shows it.
pub(crate) fn parse_file_text(path: &Path, text: &str, cx: &ParseContext<'_>) -> Parsed {
    parse_text(path, text, cx, true)
}

fn parse_text(path: &Path, text: &str, cx: &ParseContext<'_>, body_in_file: bool) -> Parsed {
    let fail = |d: Diagnostic| Parsed { incident: None, diagnostics: vec![d] };
    let parts = match split(text) {
        Ok(parts) => parts,
        Err(SplitError::NoOpeningFence) => {
            return fail(Diagnostic::error(path, (1, 1), "the file does not start with front matter")
                .with_hint("start the file with a line `+++`, then the TOML fields (title, start, services…), then another `+++` line, then the text"))
        }
        Err(SplitError::NoClosingFence) => {
            return fail(Diagnostic::error(path, (1, 1), "the front matter opened here is never closed")
                .with_hint("add a line `+++` after the last front matter field, before the text"))
        }
    };
    let raw = match toml::from_str::<RawFrontMatter>(parts.front_matter) {
        Ok(raw) => raw.without_controls(),
        Err(e) => return fail(toml_diagnostic(path, text, parts.front_matter_offset, &e)),
    };
    let mut checker =
        Checker { path, index: LineIndex::new(text), base: parts.front_matter_offset, diagnostics: Vec::new(), cx };
    let incident =
        checker.build(raw, &without_controls(parts.body), parts.body_offset, body_in_file).map(|mut incident| {
            incident.source_hash = hash_text(text);
            incident
        });
    let ok = !checker.diagnostics.iter().any(Diagnostic::is_error);
    Parsed { incident: incident.filter(|_| ok).map(Arc::new), diagnostics: checker.diagnostics }
}

struct Checker<'a, 'c> {
    path: &'a Path,
    index: LineIndex<'a>,
    base: usize,
    diagnostics: Vec<Diagnostic>,
    cx: &'a ParseContext<'c>,
}

impl Checker<'_, '_> {
    fn at<T>(&self, value: &Spanned<T>) -> (usize, usize) {
        self.index.position(self.base + value.span().start)
    }

    fn error<T>(&mut self, value: &Spanned<T>, message: String, hint: impl Into<String>) {
        let d = Diagnostic::error(self.path, self.at(value), message).with_hint(hint);
        self.diagnostics.push(d);
    }

    fn datetime(&mut self, value: &Spanned<Datetime>) -> Option<chrono::DateTime<chrono_tz::Tz>> {
        match dates::resolve(value.get_ref(), self.cx.config.timezone) {
            Ok(Resolved { instant, warning }) => {
                if let Some((message, hint)) = warning {
                    let d = Diagnostic::warning(self.path, self.at(value), message).with_hint(hint);
                    self.diagnostics.push(d);
                }
                Some(instant)
            }
            Err((message, hint)) => {
                self.error(value, message, hint);
                None
            }
        }
    }

    /// The incident, its body (starting at byte `body_start` of the file)
    /// rendered now or, when `body_in_file`, left in the file.
    fn build(&mut self, raw: RawFrontMatter, body: &str, body_start: usize, body_in_file: bool) -> Option<Incident> {
        let title = raw.title.get_ref().trim().to_string();
        if title.is_empty() {
            self.error(
                &raw.title,
                "the title is empty".into(),
                "give the incident a short title, e.g. title = \"Messagerie indisponible\"",
            );
        }
        let start = self.datetime(&raw.start);
        let end = raw.end.as_ref().and_then(|e| self.datetime(e));
        if let (Some(start), Some(end), Some(raw_end)) = (start, end, &raw.end) {
            if end < start {
                self.error(
                    raw_end,
                    format!("the end ({}) is before the start ({})", end.to_rfc3339(), start.to_rfc3339()),
                    if kind_of(&raw) == Kind::Maintenance {
                        "check both dates; for a maintenance, `start` and `end` are its planned window"
                    } else {
                        "check both dates; `end` is when service was restored"
                    },
                );
            }
        }
        let services = self.services(&raw.services);
        let kind = kind_of(&raw);
        let severity = raw.severity.as_ref().map(|s| *s.get_ref());
        if kind == Kind::Incident && severity.is_none() {
            self.error(
                &raw.title,
                "an incident needs a severity".into(),
                "add severity = \"minor\", \"major\" or \"critical\"",
            );
        }
        let slug = self.slug(&raw, &title);
        let aliases = self.aliases(&raw.aliases);
        let updates = self.updates(&raw, kind, start, raw.end.is_some());
        let markdown = self.cx.markdown;
        let more = split_at_more(body);
        let (summary_html, summary_in_body) = match &raw.summary {
            Some(summary) if !summary.trim().is_empty() => (Some(markdown.render(summary).into()), false),
            _ => match more {
                Some((part, _)) => (Some(markdown.render(part).into()), true),
                None => (None, false),
            },
        };
        let start = start?;
        let path = format!("{}/{}/", start.format("%Y/%m/%d"), slug);
        Some(Incident {
            source: self.path.to_path_buf(),
            title,
            slug,
            start,
            end,
            services,
            kind,
            severity,
            reference: raw.reference.filter(|r| !r.trim().is_empty()),
            summary_html,
            summary_in_body,
            draft: raw.draft,
            updates,
            body: match body_in_file {
                true => Body::InFile { offset: body_start },
                false => Body::Rendered { html: render_body(body, markdown).into(), offset: body_start },
            },
            path,
            source_hash: 0,
            aliases,
        })
    }

    fn services(&mut self, raw: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        let declared = &self.cx.config.services;
        if raw.get_ref().is_empty() {
            let known = self.cx.config.known_services();
            let d = Diagnostic::warning(
                self.path,
                self.at(raw),
                "no service is listed: the post is on no service's page, feed or status",
            )
            .with_hint(format!("list the affected services, among {known}"));
            self.diagnostics.push(d);
        }
        let mut keys: Vec<String> = Vec::new();
        for service in raw.get_ref() {
            let key = service.get_ref();
            if keys.contains(key) {
                self.error(service, format!("service \"{key}\" is listed twice"), "remove the duplicate");
            } else if !declared.contains_key(key) {
                let hint = self.cx.config.unknown_service_hint(key);
                self.error(service, format!("unknown service \"{key}\""), hint);
            } else {
                keys.push(key.clone());
            }
        }
        keys
    }

    /// Each old address as the file that redirects from it.
    fn aliases(&mut self, raw: &[Spanned<String>]) -> Vec<Alias> {
        let mut aliases: Vec<Alias> = Vec::with_capacity(raw.len());
        for alias in raw {
            match alias_file(alias.get_ref()) {
                Ok(file) if aliases.iter().any(|a| a.file == file) => {
                    self.error(alias, format!("alias \"{}\" is listed twice", alias.get_ref()), "remove the duplicate")
                }
                Ok(file) => aliases.push(Alias { file, at: self.at(alias) }),
                Err(problem) => self.error(
                    alias,
                    format!("alias \"{}\" {problem}", alias.get_ref()),
                    "write the old address's path from the site's base, e.g. aliases = [\"/issues/2019-03-01-panne/\"] or [\"/old/panne.html\"]",
                ),
            }
        }
        aliases
    }

    fn slug(&mut self, raw: &RawFrontMatter, title: &str) -> String {
        if let Some(given) = &raw.slug {
            let s = given.get_ref();
            let valid = !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                self.error(
                    given,
                    format!("slug \"{s}\" cannot be used in a URL"),
                    format!("use lowercase ASCII letters, digits and '-', e.g. slug = \"{}\"", slugify(s)),
                );
            }
            return s.clone();
        }
        slugify(title)
    }

    fn updates(
        &mut self,
        raw: &RawFrontMatter,
        kind: Kind,
        start: Option<chrono::DateTime<chrono_tz::Tz>>,
        has_end: bool,
    ) -> Vec<Update> {
        let mut updates = Vec::with_capacity(raw.updates.len());
        let mut previous: Option<chrono::DateTime<chrono_tz::Tz>> = None;
        let mut statuses: Vec<Option<Status>> = Vec::with_capacity(raw.updates.len());
        for u in &raw.updates {
            let status = self.status(&u.status, kind);
            statuses.push(status);
            let (Some(status), Some(at)) = (status, self.datetime(&u.at)) else { continue };
            if let Some(prev) = previous {
                if at < prev {
                    self.error(
                        &u.at,
                        format!(
                            "this update ({}) is earlier than the one before it ({})",
                            at.to_rfc3339(),
                            prev.to_rfc3339()
                        ),
                        "list [[updates]] in time order, oldest first",
                    );
                }
            }
            // A maintenance may be called off, or begin early (`vigie check` warns), before its window.
            let early_is_fine = match kind {
                Kind::Maintenance => status != Status::Completed,
                _ => status == Status::Scheduled,
            };
            if let Some(start) = start {
                if at < start && !early_is_fine {
                    self.error(
                        &u.at,
                        format!("this update ({}) is before the start ({})", at.to_rfc3339(), start.to_rfc3339()),
                        "an update cannot precede the incident; check its date or move `start` earlier",
                    );
                }
            }
            previous = Some(at);
            updates.push(Update {
                at,
                status,
                html: self.cx.markdown.render(&u.text).into(),
                text: u.text.as_str().into(),
            });
        }
        match (raw.updates.last(), statuses.last()) {
            // A maintenance may give its planned end before it is completed.
            (Some(last), Some(Some(status))) if has_end && kind != Kind::Maintenance && !status.is_final() => {
                self.error(&last.status, format!("the incident has an `end` but its last update is \"{}\"", status.as_str()), "add a last [[updates]] with status = \"resolved\" at the end time, or remove `end` if it is still going on");
            }
            _ => {}
        }
        if !has_end {
            let closing = raw.updates.iter().zip(&statuses).find(|(_, s)| s.is_some_and(Status::ends_it));
            if let Some((closing, Some(status))) = closing {
                self.error(
                    &closing.status,
                    format!("the update says \"{}\" but the front matter has no `end`", status.as_str()),
                    format!("add end = {} (the time service came back)", closing.at.get_ref()),
                );
            }
        }
        updates
    }

    /// The status an update names, when it is one that a post of `kind` uses.
    fn status(&mut self, raw: &Spanned<String>, kind: Kind) -> Option<Status> {
        let allowed = Status::allowed_for(kind);
        let list = allowed.iter().map(|s| format!("\"{}\"", s.as_str())).collect::<Vec<_>>().join(", ");
        let uses = format!("{} {} uses {list}", article(kind), kind.as_str());
        let name = raw.get_ref();
        let Some(status) = Status::from_name(name) else {
            let hint = match crate::diagnostics::did_you_mean(name, allowed.iter().map(|s| s.as_str())) {
                Some(close) => format!("did you mean \"{close}\"? {}", capitalised(&uses)),
                None => uses,
            };
            self.error(raw, format!("unknown status \"{name}\""), hint);
            return None;
        };
        if !allowed.contains(&status) {
            let hint = if status == Status::Cancelled {
                format!("only a maintenance can be cancelled; a false alarm is closed as any {} is, with status = \"resolved\" and a text that says so", kind.as_str())
            } else {
                uses
            };
            let message = format!("status \"{name}\" is not used for {} {}", article(kind), kind.as_str());
            self.error(raw, message, hint);
        }
        Some(status)
    }
}

/// « a » or « an » before a kind's name.
fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => "an",
        Kind::Maintenance | Kind::Notice => "a",
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn kind_of(raw: &RawFrontMatter) -> Kind {
    raw.kind.as_ref().map_or(Kind::Incident, |k| *k.get_ref())
}

/// A hash of a file's text, to tell whether an incident changed.
pub(crate) fn hash_text(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// The HTML of a body (control characters already replaced): the whole
/// text, without its `<!-- more -->` marker.
pub(crate) fn render_body(body: &str, markdown: &Markdown) -> String {
    match split_at_more(body) {
        Some((summary, rest)) => markdown.render(&format!("{summary}{rest}")),
        None => markdown.render(body),
    }
}

/// The file that redirects from the old address `alias` (a path from the
/// site's base, with or without its leading `/`): `index.html` inside a
/// folder, or the `.html` file it names; why not, when it cannot be one.
pub(crate) fn alias_file(alias: &str) -> Result<String, &'static str> {
    let path = alias.strip_prefix('/').unwrap_or(alias);
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/%".contains(c);
    if path.is_empty() {
        return Err("is the home page");
    }
    if !path.chars().all(allowed) {
        return Err("has characters a path cannot have here (only ASCII letters, digits and - . _ ~ / %)");
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") || path.contains("//") {
        return Err("has an empty, . or .. segment");
    }
    if path.ends_with(".html") || path.ends_with(".htm") {
        Ok(path.to_string())
    } else if path.ends_with('/') {
        Ok(format!("{path}index.html"))
    } else {
        Ok(format!("{path}/index.html"))
    }
}

/// ASCII-folds a title into a URL segment: « Téléphonie IP » → `telephonie-ip`.
pub fn slugify(title: &str) -> String {
    // Symbols such as emoji would be spelled out ("rotating-light"): drop them.
    let words: String =
        title.chars().map(|c| if c.is_alphanumeric() || c.is_ascii_punctuation() { c } else { ' ' }).collect();
    let s = slug::slugify(words);
    if s.is_empty() {
        "incident".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(slugify("Téléphonie IP"), "telephonie-ip");
        assert_eq!(slugify("Panne : serveur « mail » !"), "panne-serveur-mail");
        assert_eq!(slugify("???"), "incident");
        assert_eq!(slugify("Alerte 🚨 DNS"), "alerte-dns");
    }
}
