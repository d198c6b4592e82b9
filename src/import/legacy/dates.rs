//! Importer (legacy page), dates: the French dates and times that head the
//! lines of a hand-written history, in the forms tired people type them
//! (« 17 février 2013 », « 26/10/2011, 14h07 », « 15h30 le 16/08/2010 »,
//! « Nuit du 15/16 février 2009 », « Incident réseau du vendredi 19 décembre
//! 2008 », « 19 aout 2009 », accents optional, any case), and the times
//! inside a sentence (« vers 10h30 », « de 13h06 à 15h16 »).
//!
//! No maintained crate reads French dates *at the start of a line and tells
//! where they end* (what follows is the title) or says why « 31 février » is
//! not a date, so the forms are regular expressions here; calendar checks
//! and time zones are chrono's.

use chrono::{NaiveDate, NaiveTime};
use regex::Regex;
use std::sync::LazyLock;

const MONTHS: &str = r"janvier|janv\.?|f[ée]vrier|f[ée]v\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|ao[ûu]t|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?";
const WEEKDAYS: &str = r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche";
const TIME: &str = r"(?P<h>[01]?\d|2[0-3])\s?(?:[hH]\s?(?P<m>[0-5]\d)?|:(?P<m2>[0-5]\d))";

/// A date as written: the year may be missing (« le 19 août »).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenDate {
    /// Day of the month, as written (maybe 31 in February).
    pub day: u32,
    /// Month, 1 to 12 when it is one.
    pub month: u32,
    /// The year, when written.
    pub year: Option<i32>,
    /// « 15/16 février »: the night from the 15th to the 16th.
    pub night: bool,
}

impl WrittenDate {
    /// The calendar day, once the year is known; `Err` says why it is not a date.
    pub fn resolve(&self, year: i32) -> Result<NaiveDate, String> {
        if !(1..=12).contains(&self.month) {
            return Err(format!("there is no month {}", self.month));
        }
        NaiveDate::from_ymd_opt(year, self.month, self.day).ok_or_else(|| {
            let days = (28..=31).rev().find(|d| NaiveDate::from_ymd_opt(year, self.month, *d).is_some()).unwrap_or(28);
            format!("{} {year} has {days} days", MONTH_NAMES[(self.month - 1) as usize])
        })
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What heads a line: words before the date, the date, a time, and the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// Words before the date (« Incident réseau » of « Incident réseau du … »), maybe empty.
    pub prefix: String,
    /// The date, when the line gives one.
    pub date: Option<WrittenDate>,
    /// The date as written, for messages.
    pub date_text: String,
    /// The time of day, when given.
    pub time: Option<NaiveTime>,
    /// What follows, separators removed.
    pub rest: String,
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?i)\b(?:(?:{WEEKDAYS})\s+)?(?:(?P<d>\d{{1,2}})(?:er)?(?:\s?/\s?(?P<d2>\d{{1,2}}))?\s+(?P<month>{MONTHS})(?:\s+(?P<y>\d{{4}}))?|(?P<nd>\d{{1,2}})/(?P<nm>\d{{1,2}})/(?P<ny>\d{{4}}|\d{{2}}))\b\.?"
    );
    Regex::new(&pattern).expect("the date pattern is valid")
});
static TIME_AT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*(?:[àa]\s+)?{TIME}\b")).expect("the time pattern is valid"));
static TIME_ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\b{TIME}\b")).expect("the time pattern is valid"));
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let from = TIME.replace("?P<h>", "?P<h1>").replace("?P<m>", "?P<m1>").replace("?P<m2>", "?P<n1>");
    let to = TIME.replace("?P<h>", "?P<h2>").replace("?P<m>", "?P<m3>").replace("?P<m2>", "?P<n2>");
    Regex::new(&format!(r"(?i)\bde\s+{from}\b(?:\s+[\p{{L}}']+){{0,3}}?\s+(?:à|a|jusqu'à)\s+{to}\b"))
        .expect("the range pattern is valid")
});

/// Words that may stand before a date at the start of a line: « Le »,
/// « Nuit du », « Incident réseau du », « Dernier incident réseau - le »
/// (a few words, no digit, ending in « le », « du » or a dash); with words
/// other than « le » or « nuit du », the date must end the line or be
/// followed by « : » or a dash, as in a heading, not by a sentence.
fn is_date_prefix(prefix: &str, after_date: &str) -> bool {
    let p = prefix.trim().to_lowercase();
    if p.is_empty() || matches!(p.as_str(), "le" | "du" | "nuit du" | "la nuit du") {
        return true;
    }
    let short = p.split_whitespace().count() <= 6 && !p.chars().any(|c| c.is_ascii_digit() || ".!?".contains(c));
    let joined = p.ends_with(" le") || p.ends_with(" du") || p.ends_with('-') || p.ends_with('–');
    let after = after_date.trim_start();
    short && joined && (after.is_empty() || after.starts_with([':', '-', '–']))
}

/// `prefix` without its joining words: « Incident réseau du » → « Incident réseau ».
fn prefix_title(prefix: &str) -> String {
    let mut p = prefix.trim();
    for joint in [" le", " du", " Le", " Du", " LE", " DU"] {
        p = p.strip_suffix(joint).unwrap_or(p);
    }
    let p = p.trim_end_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    match p.to_lowercase().as_str() {
        "le" | "du" | "nuit" | "nuit du" | "la nuit" | "la nuit du" => String::new(),
        _ => p.to_string(),
    }
}

fn time_of(captures: &regex::Captures<'_>, h: &str, m: &str, m2: &str) -> Option<NaiveTime> {
    let hour: u32 = captures.name(h)?.as_str().parse().ok()?;
    let minute: u32 = captures.name(m).or_else(|| captures.name(m2)).map_or(Some(0), |m| m.as_str().parse().ok())?;
    NaiveTime::from_hms_opt(hour, minute, 0)
}

fn month_number(name: &str) -> u32 {
    let n = name.to_lowercase();
    let starts = ["jan", "f", "mar", "av", "mai", "juin", "juil", "ao", "sep", "oct", "nov", "d"];
    starts.iter().position(|s| n.starts_with(s)).map_or(1, |i| i as u32 + 1)
}

fn written_date(c: &regex::Captures<'_>) -> WrittenDate {
    if let Some(day) = c.name("d") {
        WrittenDate {
            day: day.as_str().parse().unwrap_or(0),
            month: month_number(c.name("month").map_or("", |m| m.as_str())),
            year: c.name("y").and_then(|y| y.as_str().parse().ok()),
            night: c.name("d2").is_some(),
        }
    } else {
        let year: Option<i32> = c.name("ny").and_then(|y| y.as_str().parse().ok());
        WrittenDate {
            day: c.name("nd").and_then(|d| d.as_str().parse().ok()).unwrap_or(0),
            month: c.name("nm").and_then(|m| m.as_str().parse().ok()).unwrap_or(0),
            year: year.map(|y| if y < 100 { 2000 + y } else { y }),
            night: false,
        }
    }
}

fn strip_separators(text: &str) -> &str {
    text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '-' | '–' | '—' | '.')).trim_end()
}

/// The date and time that head `line`, if it starts with one.
pub fn lead(line: &str) -> Option<Lead> {
    let line = line.trim();
    // « 15h30 le 16/08/2010 »: the time first.
    if let Some(t) = TIME_AT_START.captures(line) {
        let after = &line[t.get(0).map_or(0, |m| m.end())..];
        let time = time_of(&t, "h", "m", "m2");
        let after_le = after.trim_start().strip_prefix("le ").or_else(|| after.trim_start().strip_prefix("Le "));
        if let Some(date) = after_le.and_then(|a| DATE.captures(a).filter(|c| c.get(0).is_some_and(|m| m.start() == 0)))
        {
            let whole = date.get(0)?;
            return Some(Lead {
                prefix: String::new(),
                date: Some(written_date(&date)),
                date_text: whole.as_str().trim_end_matches('.').to_string(),
                time,
                rest: strip_separators(&after_le?[whole.end()..]).to_string(),
            });
        }
        // « 13h40 : Incident signalé », « 10h18. Nous avons… »: a time, then a separator.
        let separated = after.trim_start().starts_with([':', '.', '-', '–']);
        if separated && time.is_some() {
            return Some(Lead {
                prefix: String::new(),
                date: None,
                date_text: String::new(),
                time,
                rest: strip_separators(after).to_string(),
            });
        }
        return None;
    }
    let found = DATE.captures(line)?;
    let whole = found.get(0)?;
    let prefix = &line[..whole.start()];
    if !is_date_prefix(prefix, &line[whole.as_str().trim_end_matches('.').len() + whole.start()..]) {
        return None;
    }
    let mut after = &line[whole.end()..];
    let mut time = None;
    let trimmed = after.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ':');
    if let Some(t) = TIME_AT_START.captures(trimmed) {
        time = time_of(&t, "h", "m", "m2");
        after = &trimmed[t.get(0).map_or(0, |m| m.end())..];
    }
    Some(Lead {
        prefix: prefix_title(prefix),
        date: Some(written_date(&found)),
        date_text: whole.as_str().trim_end_matches('.').to_string(),
        time,
        rest: strip_separators(after).to_string(),
    })
}

static NOON_OR_MIDNIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:vers|à|a|dès|depuis)\s+(midi|minuit)\b").expect("the pattern is valid"));

/// Every time of day in `text` (« 21h00 », « vers midi »), with where it starts, in text order.
pub fn times_in(text: &str) -> Vec<(usize, NaiveTime)> {
    let mut times: Vec<(usize, NaiveTime)> = TIME_ANYWHERE
        .captures_iter(text)
        .filter_map(|c| Some((c.get(0)?.start(), time_of(&c, "h", "m", "m2")?)))
        .collect();
    for c in NOON_OR_MIDNIGHT.captures_iter(text) {
        if let Some(word) = c.get(1) {
            let hour = if word.as_str().eq_ignore_ascii_case("midi") { 12 } else { 0 };
            times.extend(NaiveTime::from_hms_opt(hour, 0, 0).map(|t| (word.start(), t)));
        }
    }
    times.sort_by_key(|(at, _)| *at);
    times
}

/// The first « de 13h06 à 15h16 » in `text`.
pub fn time_range(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let c = RANGE.captures(text)?;
    Some((time_of(&c, "h1", "m1", "n1")?, time_of(&c, "h2", "m3", "n2")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn date(day: u32, month: u32, year: Option<i32>) -> Option<WrittenDate> {
        Some(WrittenDate { day, month, year, night: false })
    }

    #[test]
    fn every_heading_form_of_the_issue_is_read() {
        // The line, then what is read of it: prefix, date, time, rest.
        type Case = (&'static str, &'static str, Option<WrittenDate>, Option<NaiveTime>, &'static str);
        let cases: [Case; 10] = [
            ("17 février 2013 : TITRE", "", date(17, 2, Some(2013)), None, "TITRE"),
            ("26/10/2011, 14h07", "", date(26, 10, Some(2011)), t(14, 7), ""),
            ("15h30 le 16/08/2010", "", date(16, 8, Some(2010)), t(15, 30), ""),
            ("Le 03 juin 2009 :", "", date(3, 6, Some(2009)), None, ""),
            (
                "Nuit du 15/16 février 2009 :",
                "",
                Some(WrittenDate { day: 15, month: 2, year: Some(2009), night: true }),
                None,
                "",
            ),
            ("Incident réseau du vendredi 19 décembre 2008 :", "Incident réseau", date(19, 12, Some(2008)), None, ""),
            ("03 mars 2010.", "", date(3, 3, Some(2010)), None, ""),
            ("18/02/2010 09h50", "", date(18, 2, Some(2010)), t(9, 50), ""),
            (
                "Dernier incident réseau - le 19 aout 2009 :",
                "Dernier incident réseau",
                date(19, 8, Some(2009)),
                None,
                "",
            ),
            ("19/08/2009 : 20h25", "", date(19, 8, Some(2009)), t(20, 25), ""),
        ];
        for (line, prefix, date, time, rest) in cases {
            let lead = lead(line).unwrap_or_else(|| panic!("{line} not read"));
            assert_eq!(
                (lead.prefix.as_str(), lead.date, lead.time, lead.rest.as_str()),
                (prefix, date, time, rest),
                "{line}"
            );
        }
    }

    #[test]
    fn case_and_accents_are_optional() {
        assert_eq!(lead("17 FEVRIER 2013 : X").and_then(|l| l.date), date(17, 2, Some(2013)));
        assert_eq!(lead("1er Août 2013").and_then(|l| l.date), date(1, 8, Some(2013)));
        assert_eq!(lead("le 5 DÉCEMBRE").and_then(|l| l.date), date(5, 12, None));
    }

    #[test]
    fn time_lines_and_sentences() {
        let line = lead("13h40 : Incident signalé").expect("a time line");
        assert_eq!((line.date, line.time, line.rest.as_str()), (None, t(13, 40), "Incident signalé"));
        assert_eq!(lead("10h18. Nous avons changé").and_then(|l| l.time), t(10, 18));
        let dated = lead("21/12/2009 13h30 : Tous nos services").expect("a dated line");
        assert_eq!((dated.time, dated.rest.as_str()), (t(13, 30), "Tous nos services"));
        assert_eq!(
            lead("20/08/2009 : 6h00 TOUT EST RENTRE").map(|l| (l.time, l.rest)),
            Some((t(6, 0), "TOUT EST RENTRE".into()))
        );
        // Not a heading: a sentence that mentions a date further on, a number, a bare time.
        assert_eq!(lead("Nous avons changé le 12/03/2010 de fournisseur."), None);
        assert_eq!(lead("250 Mo de trafic"), None);
        assert_eq!(lead("4h du matin"), None);
    }

    #[test]
    fn impossible_dates_say_why() {
        let lead = lead("31 février 2010 : PANNE").expect("read as written");
        let date = lead.date.expect("a date");
        assert_eq!(date.resolve(2010), Err("February 2010 has 28 days".into()));
        assert_eq!(date.resolve(2012).err(), Some("February 2012 has 29 days".into()));
        assert!(WrittenDate { day: 3, month: 13, year: None, night: false }.resolve(2010).is_err());
    }

    #[test]
    fn times_inside_sentences() {
        assert_eq!(
            times_in("rétablie vers 21h00, puis 6h").iter().map(|(_, t)| *t).collect::<Vec<_>>(),
            vec![NaiveTime::from_hms_opt(21, 0, 0).expect("a time"), NaiveTime::from_hms_opt(6, 0, 0).expect("a time")]
        );
        assert_eq!(
            time_range("hors service de 13h06 à 15h16 cette après-midi"),
            Some((
                NaiveTime::from_hms_opt(13, 6, 0).expect("a time"),
                NaiveTime::from_hms_opt(15, 16, 0).expect("a time")
            ))
        );
        assert!(time_range("de 11H20 ce matin à 11H26").is_some());
        assert_eq!(times_in("250Mo continue"), vec![]);
        assert_eq!(
            times_in("vers midi, puis 02H00").iter().map(|(_, t)| t.format("%H:%M").to_string()).collect::<Vec<_>>(),
            vec!["12:00", "02:00"]
        );
    }
}
