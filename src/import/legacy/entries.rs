//! Importer (legacy page), splitting: paragraphs → dated entries, newest
//! first as such pages are written, then follow-ups merged into the entry
//! they follow. Times are local (the site's time zone is applied later).
//!
//! - A paragraph that starts with a date begins an entry, unless it is a
//!   line of the current entry's timeline: no title of its own, and at or
//!   after the entry's last time, within [`FOLLOW_UP_DAYS`] of its start
//!   (« 19/08/2009 : 20h25 » under « le 19 aout 2009 : »).
//! - A paragraph that starts with a time (« 13h40 : … ») is a timeline line
//!   of the current entry, on its day (the next day when the time is earlier
//!   than the line before).
//! - Any other paragraph continues the last timeline line, or the entry's
//!   body before its first one.
//! - An entry whose title says « SUITE », whose text opens with « Suite à
//!   l'incident… », or whose subject is the one before's (same title once
//!   « résolu », « suite 2 »… are set aside; or, untitled, the same services)
//!   within [`FOLLOW_UP_DAYS`] is merged into it as updates.

use super::dates::{lead, time_range, times_in, WrittenDate};
use super::service_map::ServiceMap;
use super::text::Paragraph;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;
use std::sync::LazyLock;

/// How far from an entry's start its timeline lines and follow-ups may be.
pub const FOLLOW_UP_DAYS: i64 = 3;

/// A line of an entry's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// When (local time).
    pub at: NaiveDateTime,
    /// What it says (paragraphs separated by a blank line).
    pub text: String,
}

/// One dated entry of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The source line of its heading.
    pub line: usize,
    /// Its heading's title (the words after or before the date), maybe empty.
    pub title: String,
    /// When it started (local time).
    pub start: NaiveDateTime,
    /// Whether the start's time of day was written (else it is guessed).
    pub timed: bool,
    /// Paragraphs before its first timeline line.
    pub body: Vec<String>,
    /// Its timeline lines, in time order.
    pub timeline: Vec<Line>,
    /// An end read from « de 13h06 à 15h16 ».
    pub range_end: Option<NaiveDateTime>,
    /// What was guessed, in words.
    pub guesses: Vec<String>,
}

impl Entry {
    /// Its latest time: the last timeline line's, or the start.
    pub fn last(&self) -> NaiveDateTime {
        self.timeline.last().map_or(self.start, |l| l.at.max(self.start))
    }

    /// Its whole text, for guessing services, severity and subject.
    pub fn text(&self) -> String {
        let mut all = vec![self.title.as_str()];
        all.extend(self.body.iter().map(String::as_str));
        all.extend(self.timeline.iter().map(|l| l.text.as_str()));
        all.join("\n")
    }
}

/// A date that is not one, at a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDate {
    /// The source line.
    pub line: usize,
    /// The date as written.
    pub written: String,
    /// Why it is not a date.
    pub why: String,
}

/// The page split: its preamble (paragraphs before the first entry), its
/// entries (newest first, as written) and the dates that are not dates.
#[derive(Debug, Default)]
pub struct Split {
    /// Paragraphs before the first dated entry.
    pub preamble: Vec<Paragraph>,
    /// The entries, newest first.
    pub entries: Vec<Entry>,
    /// Dates that do not exist.
    pub bad_dates: Vec<BadDate>,
}

/// A title that is a title: short, not a sentence.
fn is_title(rest: &str) -> bool {
    !rest.is_empty() && rest.chars().count() <= 60 && !rest.ends_with(['.', '!', '?'])
}

/// The year of a date written without one: that of the entry above (the
/// page is newest first), or the year before when the day would come after it.
fn year_for(date: &WrittenDate, above: Option<NaiveDate>, below_year: Option<i32>) -> (i32, bool) {
    if let Some(year) = date.year {
        return (year, false);
    }
    match above {
        Some(above) => {
            let same = NaiveDate::from_ymd_opt(above.year(), date.month, date.day);
            if same.is_some_and(|d| d > above) {
                (above.year() - 1, true)
            } else {
                (above.year(), true)
            }
        }
        None => (below_year.unwrap_or(1970), true),
    }
}

/// Splits `paragraphs` into entries.
pub fn split(paragraphs: &[Paragraph]) -> Split {
    let mut out = Split::default();
    let mut current: Option<Entry> = None;
    // A list item's bullet (« - 13h40 : … ») does not hide its time.
    let leads: Vec<_> = paragraphs
        .iter()
        .map(|p| lead(p.text.trim_start_matches(|c: char| matches!(c, '-' | '•' | '*') || c.is_whitespace())))
        .collect();
    let first_year = leads.iter().flatten().find_map(|l| l.date.and_then(|d| d.year));
    for (paragraph, lead) in paragraphs.iter().zip(leads) {
        let Some(lead) = lead else {
            match current.as_mut() {
                Some(entry) => match entry.timeline.last_mut() {
                    Some(line) if !line.text.is_empty() => line.text.push_str(&format!("\n\n{}", paragraph.text)),
                    Some(line) => line.text = paragraph.text.clone(),
                    None => entry.body.push(paragraph.text.clone()),
                },
                None => out.preamble.push(paragraph.clone()),
            }
            continue;
        };
        let Some(date) = lead.date else {
            // A time line: on the current entry's day, the next day if earlier than the line before.
            let (Some(entry), Some(time)) = (current.as_mut(), lead.time) else {
                out.preamble.push(paragraph.clone());
                continue;
            };
            let last = entry.last();
            let mut at = last.date().and_time(time);
            if at < last && (entry.timed || !entry.timeline.is_empty()) {
                at += Duration::days(1);
                entry.guesses.push(format!("« {} » (line {}) read as the next day", lead_time(time), paragraph.line));
            }
            entry.timeline.push(Line { at, text: lead.rest.clone() });
            continue;
        };
        let above = current.as_ref().map(|e| e.start.date()).or_else(|| out.entries.last().map(|e| e.start.date()));
        let (year, year_guessed) = year_for(&date, above, first_year);
        let day = match date.resolve(year) {
            Ok(day) => day,
            Err(why) => {
                out.bad_dates.push(BadDate { line: paragraph.line, written: lead.date_text.clone(), why });
                continue;
            }
        };
        let (day, time) = match (date.night, lead.time) {
            // « Nuit du 15/16 »: the night's times before noon are on the 16th; no time: midnight.
            (true, Some(t)) if t < NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default() => {
                (day.succ_opt().unwrap_or(day), Some(t))
            }
            (true, None) => (day.succ_opt().unwrap_or(day), None),
            (_, time) => (day, time),
        };
        let at = day.and_time(time.unwrap_or_default());
        // « 02/07/2009 : INCIDENT RESEAU » is a heading; « 20/08/2009 : 6h00 TOUT EST RENTRE », with
        // its time, a timeline line.
        let titled = paragraph.heading || (time.is_none() && is_title(&lead.rest));
        if let Some(entry) = current.as_mut() {
            let within = at >= entry.last() && at <= entry.start + Duration::days(FOLLOW_UP_DAYS);
            if within && !titled && lead.prefix.is_empty() {
                entry.timeline.push(Line { at, text: lead.rest.clone() });
                continue;
            }
        }
        if let Some(done) = current.take() {
            out.entries.push(done);
        }
        let mut guesses = Vec::new();
        if year_guessed {
            guesses.push(format!("« {} » has no year: {year}", lead.date_text));
        }
        if date.night {
            guesses.push(format!("« {} » is a night: from midnight", lead.date_text));
        }
        let title = if titled && !lead.rest.is_empty() { lead.rest.clone() } else { lead.prefix.clone() };
        let mut body = Vec::new();
        if !titled && !lead.rest.is_empty() {
            // « Nuit du 15/16 février 2009 : Nous avons reçu… »: the sentence is the text.
            body.push(lead.rest.clone());
        }
        current = Some(Entry {
            line: paragraph.line,
            title,
            start: at,
            timed: time.is_some(),
            body,
            timeline: Vec::new(),
            range_end: None,
            guesses,
        });
    }
    out.entries.extend(current);
    for entry in &mut out.entries {
        settle_start(entry);
    }
    out
}

fn lead_time(time: NaiveTime) -> String {
    time.format("%Hh%M").to_string()
}

/// An entry whose heading gives no time: « de 13h06 à 15h16 » in its text,
/// else its first timeline line of that day, else the first time its text
/// gives, else midnight — each but the line listed as a guess.
fn settle_start(entry: &mut Entry) {
    if entry.timed {
        return;
    }
    let day = entry.start.date();
    let first_text =
        entry.body.first().or_else(|| entry.timeline.first().map(|l| &l.text)).cloned().unwrap_or_default();
    if let Some((from, to)) = time_range(&first_text) {
        entry.start = day.and_time(from);
        let end = day.and_time(to);
        entry.range_end = Some(if end < entry.start { end + Duration::days(1) } else { end });
        entry.guesses.push(format!("start and end from « de {} à {} »", lead_time(from), lead_time(to)));
    } else if let Some(line) = entry.timeline.first().filter(|l| l.at.date() == day && l.at > entry.start) {
        entry.start = line.at;
    } else if let Some((_, time)) = entry.body.iter().find_map(|p| times_in(p).first().copied()) {
        entry.start = day.and_time(time);
        entry.guesses.push(format!(
            "{}: start at {}, the first time its text gives",
            day.format("%d/%m/%Y"),
            lead_time(time)
        ));
    } else {
        entry.guesses.push(format!("{}: no time given, start at 00:00", day.format("%d/%m/%Y")));
    }
    // Lines before the settled start (a midnight placeholder) move up to it.
    for line in &mut entry.timeline {
        line.at = line.at.max(entry.start);
    }
    entry.timed = true;
}

static SUITE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bsuite\b(?:\s*(?:n°|no)?\s*\d+)?").expect("the pattern is valid"));
static FOLLOWS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^suite\s+(?:à|a|de)\s+(?:l'|la\s+|le\s+|notre\s+)?(?:incident|probl[èe]me|panne|coupure|message)")
        .expect("the pattern is valid")
});
static STATUS_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:en\s+cours\s+de\s+r[ée]solution|r[ée]solue?s?|r[ée]gl[ée]e?s?|termin[ée]e?s?|mise\s+[àa]\s+jour|suite(?:\s*\d+)?)\b")
        .expect("the pattern is valid")
});

/// The title's subject: lowercase, accents and status words (« résolu »,
/// « suite 2 », « en cours de résolution ») set aside.
pub fn subject(title: &str) -> String {
    let without = STATUS_WORDS.replace_all(title, " ");
    slug::slugify(without.as_ref())
}

/// `title` without its status words and dangling separators, for the merged post.
pub fn clean_title(title: &str) -> String {
    let without = STATUS_WORDS.replace_all(title, " ");
    let words: Vec<&str> = without.split_whitespace().collect();
    let mut text = words.join(" ");
    loop {
        let trimmed = text.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c == ':' || c.is_whitespace());
        let collapsed = trimmed.replace("- -", "-").replace("– -", "-").replace("- –", "-");
        if collapsed == text {
            break;
        }
        text = collapsed;
    }
    text
}

/// Why `later` follows `earlier`, if it does.
fn follow_up_reason(earlier: &Entry, later: &Entry, map: &ServiceMap) -> Option<String> {
    if later.start < earlier.start || later.start > earlier.last() + Duration::days(FOLLOW_UP_DAYS) {
        return None;
    }
    if SUITE.is_match(&later.title) {
        return Some(format!("its title says « {} »", later.title));
    }
    let opening = later.body.first().or_else(|| later.timeline.first().map(|l| &l.text));
    if let Some(found) = opening.and_then(|o| FOLLOWS.find(o)) {
        return Some(format!("its text opens with « {} »", found.as_str()));
    }
    let (a, b) = (subject(&earlier.title), subject(&later.title));
    if !a.is_empty() && a == b {
        return Some(format!("same subject « {} »", clean_title(&later.title)));
    }
    if earlier.title.is_empty() || later.title.is_empty() {
        let keys = |e: &Entry| map.services_in(&e.text()).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        let (ka, kb) = (keys(earlier), keys(later));
        if !ka.is_empty() && ka == kb {
            return Some(format!("same services ({}), untitled", ka.join(", ")));
        }
    }
    None
}

/// `entries` oldest first, each follow-up merged into the entry it follows
/// (its heading's title, body and timeline become updates).
pub fn merge_follow_ups(mut entries: Vec<Entry>, map: &ServiceMap, keep_apart: bool) -> Vec<Entry> {
    entries.reverse();
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for entry in entries {
        let reason = if keep_apart { None } else { out.last().and_then(|g| follow_up_reason(g, &entry, map)) };
        let (Some(reason), Some(group)) = (reason, out.last_mut()) else {
            out.push(entry);
            continue;
        };
        let mut first = Vec::new();
        if !entry.title.is_empty() {
            first.push(format!("**{}**", entry.title));
        }
        first.extend(entry.body);
        group.guesses.push(format!(
            "the entry of {} (line {}) merged as a follow-up: {reason}",
            entry.start.format("%Y-%m-%d %H:%M"),
            entry.line
        ));
        group.guesses.extend(entry.guesses);
        group.timeline.push(Line { at: entry.start, text: first.join("\n\n") });
        group.timeline.extend(entry.timeline);
        group.timeline.sort_by_key(|l| l.at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::legacy::text::text_paragraphs;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, 0)).expect("a valid instant")
    }

    #[test]
    fn dated_lines_under_an_entry_are_its_timeline_earlier_ones_new_entries() {
        let page = "Dernier incident - le 19 aout 2009 :\n\n19/08/2009 : 20h25\n\nPANNE\n\n19/08/2009 : 22h33\n\nSURCHAUFFE\n\n20/08/2009 : 6h00 TOUT EST RENTRE\n\n12/08/2009, 09h30\n\nAutre chose.";
        let split = split(&text_paragraphs(page));
        assert_eq!(split.entries.len(), 2);
        let first = &split.entries[0];
        assert_eq!((first.title.as_str(), first.start), ("Dernier incident", at(2009, 8, 19, 20, 25)));
        let lines: Vec<(NaiveDateTime, &str)> = first.timeline.iter().map(|l| (l.at, l.text.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (at(2009, 8, 19, 20, 25), "PANNE"),
                (at(2009, 8, 19, 22, 33), "SURCHAUFFE"),
                (at(2009, 8, 20, 6, 0), "TOUT EST RENTRE")
            ]
        );
        assert_eq!(
            (split.entries[1].start, split.entries[1].body.clone()),
            (at(2009, 8, 12, 9, 30), vec!["Autre chose.".to_string()])
        );
    }

    #[test]
    fn time_lines_take_the_entrys_day_and_roll_over_midnight() {
        let page = "Incident réseau du vendredi 19 décembre 2008 :\n\nUne attaque.\n\n13h40 : signalé\n\n23h50 : toujours\n\n00h10 : fini";
        let split = split(&text_paragraphs(page));
        let entry = &split.entries[0];
        assert_eq!(
            (entry.title.as_str(), entry.start, entry.body.len()),
            ("Incident réseau", at(2008, 12, 19, 13, 40), 1)
        );
        assert_eq!(entry.timeline.last().map(|l| l.at), Some(at(2008, 12, 20, 0, 10)));
        assert!(entry.guesses.iter().any(|g| g.contains("next day")), "{:?}", entry.guesses);
    }

    #[test]
    fn preamble_ranges_and_missing_years() {
        let page = "Incidents réseau\n\nOuvrez un ticket.\n\n5 mars 2010 : PANNE\n\nHors service de 13h06 à 15h16.\n\n20 décembre : AUTRE\n\nTexte.";
        let split = split(&text_paragraphs(page));
        assert_eq!(split.preamble.iter().map(|p| p.line).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(
            (split.entries[0].start, split.entries[0].range_end),
            (at(2010, 3, 5, 13, 6), Some(at(2010, 3, 5, 15, 16)))
        );
        assert_eq!(split.entries[1].start.date(), NaiveDate::from_ymd_opt(2009, 12, 20).expect("a date"));
        assert!(split.entries[1].guesses.iter().any(|g| g.contains("no year")));
    }

    #[test]
    fn follow_ups_merge_unless_kept_apart() {
        let page = "4 juillet 2012 : INCIDENT TECHNIQUE - SUITE 2\n\nRéglé vers 10h30.\n\n3 juillet 2012 : INCIDENT TECHNIQUE - SUITE\n\nPas encore.\n\n2 juillet 2012 : INCIDENT TECHNIQUE - RESOLU\n\nUn zombie.\n\n1 juin 2012 : INCIDENT TECHNIQUE\n\nUn mois avant.";
        let entries = split(&text_paragraphs(page)).entries;
        assert_eq!(entries.len(), 4);
        let merged = merge_follow_ups(entries.clone(), &ServiceMap::default(), false);
        assert_eq!(merged.len(), 2, "a month apart is not a follow-up");
        let july = &merged[1];
        assert_eq!(clean_title(&july.title), "INCIDENT TECHNIQUE");
        let texts: Vec<&str> = july.timeline.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "**INCIDENT TECHNIQUE - SUITE**\n\nPas encore.",
                "**INCIDENT TECHNIQUE - SUITE 2**\n\nRéglé vers 10h30."
            ]
        );
        assert_eq!(merge_follow_ups(entries, &ServiceMap::default(), true).len(), 4);
    }

    #[test]
    fn untitled_entries_on_the_same_services_merge() {
        let page = "13/01/2011\n\nLe problème de mail est réglé.\n\n12/01/2011, 09h30\n\nUn problème de mail.\n\n11/01/2011, 08h00\n\nLe site web est lent.";
        let map: ServiceMap = "mail=mail;web=web".parse().expect("a map");
        let merged = merge_follow_ups(split(&text_paragraphs(page)).entries, &map, false);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[1].start, merged[1].timeline.len()), (at(2011, 1, 12, 9, 30), 1));
        assert_eq!(merge_follow_ups(split(&text_paragraphs(page)).entries, &ServiceMap::default(), false).len(), 3);
    }

    #[test]
    fn a_date_that_does_not_exist_is_reported_at_its_line() {
        let split = split(&text_paragraphs("Préambule\n\n31 février 2010 : PANNE\n\nTexte."));
        assert_eq!(
            split.bad_dates,
            vec![BadDate { line: 3, written: "31 février 2010".into(), why: "February 2010 has 28 days".into() }]
        );
    }
}
