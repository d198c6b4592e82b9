//! Importer: a legacy single-page history (an HTML page or its text, years
//! of incidents under dated headings, newest first) → posts.
//!
//! - [`text`] reads the page into paragraphs; [`dates`] recognises the dates
//!   and times that head them; [`entries`] splits the page into dated
//!   entries and merges follow-ups; this module makes each entry a post.
//! - The title: the heading's words (all capitals set in sentence case,
//!   status words such as « RESOLU » or « SUITE 2 » set aside), else the
//!   first sentence of the text.
//! - The end: the last text that says the problem is over (« résolu »,
//!   « réglé », « rétabli », « terminé », « restauré », « tout est rentré
//!   dans l'ordre »), at the time its sentence gives, else at that text's
//!   time; when no text says so, at the entry's last time. The last update
//!   is then `resolved` (a maintenance: `completed`).
//! - Services: from `--service-map`; none found, the post lists none and
//!   `vigie check` warns, for the author to fill in.
//! - Severity: `critical` when the text speaks of an outage (« panne »,
//!   « coupure », « hors service »…), else `major`; always listed as a guess.
//! - Nothing is lost: every paragraph after the first dated heading is in
//!   one post (its body, or an update); the preamble before it is reported.

pub mod dates;
pub mod entries;
pub mod service_map;
pub mod text;

use super::{Imported, ImportedPost};
use crate::config::{ServiceConfig, SiteConfig};
use crate::content::model::{Kind, Severity, Status};
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use entries::{clean_title, merge_follow_ups, split, Entry};
use regex::Regex;
pub use service_map::ServiceMap;
use std::path::Path;
use std::sync::LazyLock;

/// How to read the page.
#[derive(Debug, Clone, Default)]
pub struct LegacyOptions {
    /// Which words name which service.
    pub service_map: ServiceMap,
    /// Keep follow-ups (« SUITE »…) as posts of their own.
    pub keep_follow_ups: bool,
}

/// Reads the page at `path` for the site of `config`.
pub fn read(path: &Path, config: &SiteConfig, options: &LegacyOptions) -> Result<Imported, Diagnostics> {
    let fail =
        |message: String, hint: &str| Diagnostics(vec![Diagnostic::error(path, (0, 0), message).with_hint(hint)]);
    if path.is_dir() {
        return Err(fail(
            "is a folder, not a page".into(),
            "give the HTML page of the history (or a text copy of it), e.g. vigie import legacy incidents.html",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}"), "check the path"))?;
    if bytes.contains(&0) {
        return Err(fail("is not a text or HTML file".into(), "give the HTML page of the history, or its text"));
    }
    let (source, decoded) = text::decode(&bytes);
    if source.trim_start().starts_with(['{', '[']) {
        return Err(fail(
            "is JSON, not a page of incidents".into(),
            "for a Statuspage export run `vigie import statuspage`; `legacy` reads an HTML page or its text",
        ));
    }
    let paragraphs =
        if text::is_html(&source) { text::html_paragraphs(&source) } else { text::text_paragraphs(&source) };
    let page = split(&paragraphs);
    if !page.bad_dates.is_empty() {
        return Err(Diagnostics(
            page.bad_dates
                .iter()
                .map(|bad| {
                    Diagnostic::error(path, (bad.line, 1), format!("« {} » is not a date: {}", bad.written, bad.why))
                        .with_hint("correct the date in the page (or in a copy of it), then import again")
                })
                .collect(),
        ));
    }
    if page.entries.is_empty() {
        return Err(fail(
            "has no dated entry".into(),
            "a legacy page is a list of entries, each headed by a date such as « 17 février 2013 : Titre » or « 26/10/2011, 14h07 »",
        ));
    }
    let mut notes: Vec<String> = decoded.iter().map(|n| format!("{}: {n}", path.display())).collect();
    if !page.preamble.is_empty() {
        let lines: Vec<String> =
            page.preamble.iter().map(|p| format!("  line {}: « {} »", p.line, excerpt(&p.text, 70))).collect();
        notes.push(format!(
            "{}: the {} paragraphs before the first dated entry (the page's preamble) were not imported:\n{}",
            path.display(),
            page.preamble.len(),
            lines.join("\n")
        ));
    }
    let entries = merge_follow_ups(page.entries, &options.service_map, options.keep_follow_ups);
    let mut new_services = std::collections::BTreeMap::new();
    for key in options.service_map.keys().filter(|k| !config.services.contains_key(*k)) {
        new_services.insert(
            key.to_string(),
            ServiceConfig { name: sentence_case(&key.to_uppercase()), description: String::new(), since: None },
        );
    }
    let posts = entries.into_iter().map(|entry| post(path, entry, config.timezone, &options.service_map)).collect();
    Ok(Imported { posts, new_services, notes })
}

/// `text` cut to `chars` characters at a word, with « … ».
fn excerpt(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars).collect();
    format!("{}…", cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head))
}

static OVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:r[ée]solue?s?|r[ée]gl[ée]e?s?|r[ée]tablie?s?|termin[ée]e?s?|restaur[ée]e?s?|rentr[ée]e?s?\s+dans\s+l.ordre)\b")
        .expect("the pattern is valid")
});
static NOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:pas|non|toujours pas|jamais)\s+(?:encore\s+)?(?:\S+\s+)?$").expect("the pattern is valid")
});
static OUTAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:panne|coupure|hors\s+service|injoignable|indisponible|interruption|hack[ée]|pirat[ée])")
        .expect("the pattern is valid")
});
static MAINTENANCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:maintenance|travaux)\b").expect("the pattern is valid"));

static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.!?](?:\s|$)|\n").expect("the pattern is valid"));

/// The sentence of `text` around byte `at` (« smtp.clight.fr » does not end one).
fn sentence_around(text: &str, at: usize) -> &str {
    let start = SENTENCE_END.find_iter(&text[..at]).last().map_or(0, |m| m.end());
    let end = SENTENCE_END.find(&text[at..]).map_or(text.len(), |m| at + m.start());
    &text[start..end]
}

/// Where `text` says the problem is over: the time its sentence gives, if any.
fn over_in(text: &str) -> Option<Option<chrono::NaiveTime>> {
    let said: Vec<_> = OVER.find_iter(text).filter(|m| !NOT.is_match(&text[..m.start()])).collect();
    let with_time = said.iter().rev().find_map(|m| {
        let sentence = sentence_around(text, m.start());
        dates::times_in(sentence).last().map(|(_, t)| *t)
    });
    match (said.is_empty(), with_time) {
        (true, _) => None,
        (false, time) => Some(time),
    }
}

/// A local time in `tz`, with a guess when it falls in a DST change.
fn instant(tz: Tz, local: NaiveDateTime, guesses: &mut Vec<String>) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(first, _) => {
            guesses.push(format!("{} happens twice (clocks go back): the first", local.format("%Y-%m-%d %H:%M")));
            first
        }
        LocalResult::None => {
            let later = local + Duration::hours(1);
            guesses.push(format!(
                "{} does not exist (clocks go forward): {}",
                local.format("%Y-%m-%d %H:%M"),
                later.format("%H:%M")
            ));
            tz.from_local_datetime(&later).earliest().unwrap_or_else(|| tz.from_utc_datetime(&local))
        }
    }
}

/// « MODIFICATION RESEAU » → « Modification reseau »; other titles as written.
fn sentence_case(title: &str) -> String {
    let letters: Vec<char> = title.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 4 || letters.iter().any(|c| c.is_lowercase()) {
        return title.to_string();
    }
    let lower = title.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
}

/// The first sentence of `text`, as a title.
fn first_sentence(text: &str) -> String {
    let text = text.trim_start_matches("**").trim();
    let end = SENTENCE_END.find(text).map_or(text.len(), |m| m.start());
    excerpt(text[..end].trim_end_matches("**").trim(), 80)
}

fn post(path: &Path, mut entry: Entry, tz: Tz, map: &ServiceMap) -> ImportedPost {
    let mut guesses = std::mem::take(&mut entry.guesses);
    let text = entry.text();
    let kind = if MAINTENANCE.is_match(&entry.title) { Kind::Maintenance } else { Kind::Incident };
    let cleaned = clean_title(&entry.title);
    let title = if cleaned.is_empty() {
        let from = entry.body.first().or_else(|| entry.timeline.first().map(|l| &l.text)).cloned().unwrap_or_default();
        sentence_case(&first_sentence(&from))
    } else {
        sentence_case(&cleaned)
    };
    let title = if title.is_empty() { format!("Incident du {}", entry.start.format("%d/%m/%Y")) } else { title };
    // The end: the last text that says it is over.
    let (last_at, last_text) = match entry.timeline.last() {
        Some(line) => (line.at, line.text.clone()),
        None => (entry.start, entry.body.join("\n")),
    };
    let end_local = match (over_in(&last_text), entry.range_end) {
        (_, Some(range_end)) if entry.timeline.is_empty() => range_end,
        (Some(Some(time)), _) => {
            let at = last_at.date().and_time(time);
            guesses.push(format!("end at {}, from the text that says it is over", time.format("%H:%M")));
            at
        }
        (Some(None), _) => {
            guesses.push("end at the time of the text that says it is over (it gives no time)".into());
            last_at
        }
        (None, _) => {
            guesses.push("no text says it is over: end at the last time given".into());
            last_at
        }
    };
    let end_local = end_local.max(entry.start);
    let found = map.services_in(&text);
    let services: Vec<String> = found.iter().map(|(k, _)| k.clone()).collect();
    if services.is_empty() {
        guesses.push("no service recognised: left for the author (`vigie check` warns)".into());
    } else {
        let words: Vec<String> = found.iter().map(|(k, w)| format!("{k} (« {w} »)")).collect();
        guesses.push(format!("services {}", words.join(", ")));
    }
    let severity = (kind == Kind::Incident).then(|| {
        let severity = if OUTAGE.is_match(&text) { Severity::Critical } else { Severity::Major };
        guesses.push(format!("severity {}", severity.as_str()));
        severity
    });
    let start = instant(tz, entry.start, &mut guesses);
    let end = instant(tz, end_local, &mut guesses);
    let (ongoing, over) = match kind {
        Kind::Maintenance => (Status::InProgress, Status::Completed),
        Kind::Incident | Kind::Notice => (Status::Investigating, Status::Resolved),
    };
    let count = entry.timeline.len();
    let updates = entry
        .timeline
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let at = instant(tz, line.at, &mut guesses);
            (at, if i + 1 == count { over } else { ongoing }, line.text)
        })
        .collect();
    ImportedPost {
        origin: format!("{}:{}", path.display(), entry.line),
        title,
        kind,
        severity,
        start,
        end: Some(end),
        services,
        updates,
        body: entry.body.join("\n\n"),
        aliases: Vec::new(),
        slug: None,
        guesses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_the_time_of_the_sentence_that_says_it_is_over() {
        assert_eq!(over_in("Nous sommes dessus. - REGLE 10h25"), Some(chrono::NaiveTime::from_hms_opt(10, 25, 0)));
        assert_eq!(over_in("Tout est rentré dans l'ordre."), Some(None));
        assert_eq!(over_in("EN COURS DE RESOLUTION, toujours en panne"), None);
        assert_eq!(over_in("Le problème n'est pas résolu."), None);
        assert_eq!(
            over_in("La situation était rétablie vers 21h00. Puis à 23h00 autre chose."),
            Some(chrono::NaiveTime::from_hms_opt(21, 0, 0))
        );
    }

    #[test]
    fn titles_in_capitals_are_set_in_sentence_case() {
        assert_eq!(sentence_case("MODIFICATION RESEAU"), "Modification reseau");
        assert_eq!(sentence_case("Panne DNS"), "Panne DNS");
        assert_eq!(
            first_sentence("Nous avons un problème de mail ce matin. Nous sommes dessus."),
            "Nous avons un problème de mail ce matin"
        );
    }
}
