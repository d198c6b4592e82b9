//! Stage 4 (render): dates and durations written out in the site's language, from the
//! theme's translations: « mardi 22 novembre 2016 à 12 h 16 », « 2 h 15 min ».

use crate::theme::i18n::{DateWords, DurationWords};
use chrono::{DateTime, Datelike, Duration, Timelike};
use chrono_tz::Tz;
use serde::Serialize;

/// A point in time as templates get it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct TimeView {
    /// RFC 3339 with offset, for `<time datetime>`.
    pub iso: String,
    /// Date and time, e.g. « mardi 22 novembre 2016 à 12 h 16 ».
    pub long: String,
    /// Date alone.
    pub date: String,
    /// Time alone.
    pub time: String,
}

/// Formats `t` with the language's words.
pub(crate) fn time_view(t: &DateTime<Tz>, words: &DateWords) -> TimeView {
    TimeView {
        iso: exact_offset(t).to_rfc3339(),
        long: fill(&words.datetime, t, words),
        date: fill(&words.date, t, words),
        time: fill(&words.time, t, words),
    }
}

/// `t` with its offset, for machine-readable times (RFC 3339 and 2822 write
/// offsets in whole minutes): in UTC when the zone's offset then had seconds,
/// such as Paris's +00:09:21 before 1911, so that the instant stays exact.
pub(crate) fn exact_offset(t: &DateTime<Tz>) -> DateTime<chrono::FixedOffset> {
    let fixed = t.fixed_offset();
    if fixed.offset().local_minus_utc() % 60 == 0 {
        fixed
    } else {
        t.with_timezone(&chrono::Utc).fixed_offset()
    }
}

/// A month heading, e.g. « novembre 2016 ».
pub(crate) fn month_year(year: i32, month: u32, words: &DateWords) -> String {
    let name = words.months.get(month.saturating_sub(1) as usize).map_or("", String::as_str);
    words.month_year.replace("{month}", name).replace("{year}", &year.to_string())
}

/// Writes `pattern` with its `{placeholders}` replaced, in one pass.
fn fill(pattern: &str, t: &DateTime<Tz>, words: &DateWords) -> String {
    use std::fmt::Write as _;
    // The local time once: each accessor of `DateTime<Tz>` would add the offset again.
    let local = t.naive_local();
    let mut out = String::with_capacity(pattern.len() + 24);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        // Writing to a String cannot fail.
        let _ = match &after[..close] {
            "weekday" => write!(out, "{}", words.weekdays[local.weekday().num_days_from_monday() as usize]),
            "day" => match (&words.first_day, local.day()) {
                (Some(first), 1) => write!(out, "{first}"),
                (_, day) => write!(out, "{day}"),
            },
            "month" => write!(out, "{}", words.months[local.month0() as usize]),
            "year" => write!(out, "{}", local.year()),
            "hour2" => write!(out, "{:02}", local.hour()),
            "hour" => write!(out, "{}", local.hour()),
            "minute" => write!(out, "{:02}", local.minute()),
            "offset" => write!(out, "{}", t.format("%:z")),
            other => write!(out, "{{{other}}}"),
        };
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A duration rounded down to the minute: « 2 h 15 min », « 3 j 4 h 5 min »,
/// with a no-break space between each number and its unit.
pub(crate) fn duration(d: Duration, words: &DurationWords) -> String {
    let minutes = d.num_minutes().max(0);
    if minutes == 0 {
        return words.under_a_minute.clone();
    }
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}\u{a0}{}", words.days));
    }
    if hours > 0 {
        parts.push(format!("{hours}\u{a0}{}", words.hours));
    }
    if mins > 0 {
        parts.push(format!("{mins}\u{a0}{}", words.minutes));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    fn french() -> DateWords {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        DateWords {
            weekdays: s(&["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])
                .try_into()
                .expect("7"),
            months: s(&[
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ])
            .try_into()
            .expect("12"),
            first_day: Some("1er".into()),
            datetime: "{weekday} {day} {month} {year} à {hour} h {minute}".into(),
            date: "{day} {month} {year}".into(),
            time: "{hour} h {minute}".into(),
            month_year: "{month} {year}".into(),
        }
    }

    #[test]
    fn french_long_date_in_paris_time() {
        let t = chrono::Utc.with_ymd_and_hms(2016, 11, 22, 11, 16, 0).single().expect("valid").with_timezone(&Paris);
        let v = time_view(&t, &french());
        assert_eq!(v.long, "mardi 22 novembre 2016 à 12 h 16");
        assert_eq!(v.iso, "2016-11-22T12:16:00+01:00");
    }

    /// `fill` written another way (a replacement per placeholder), to check it against.
    fn fill_with_format(pattern: &str, t: &DateTime<Tz>, words: &DateWords) -> String {
        let mut out = pattern.to_string();
        let day = match (&words.first_day, t.day()) {
            (Some(first), 1) => first.clone(),
            (_, d) => format!("{d}"),
        };
        for (name, value) in [
            ("{weekday}", words.weekdays[t.weekday().num_days_from_monday() as usize].clone()),
            ("{day}", day),
            ("{month}", words.months[t.month0() as usize].clone()),
            ("{year}", format!("{}", t.year())),
            ("{hour2}", format!("{:02}", t.hour())),
            ("{hour}", format!("{}", t.hour())),
            ("{minute}", format!("{:02}", t.minute())),
            ("{offset}", format!("{}", t.format("%:z"))),
        ] {
            out = out.replace(name, &value);
        }
        out
    }

    #[test]
    fn every_placeholder_is_written_as_format_writes_it() {
        let pattern = "{weekday} {day} {month} {year} {hour2}:{minute} ({hour} h, {offset}) {unknown} {";
        let words = french();
        // Instants from 1890 to 2037, every 97 hours and 13 minutes: all
        // weekdays, first days of months, both offsets of Paris, old LMT ones.
        let mut t = chrono::Utc.with_ymd_and_hms(1890, 1, 1, 0, 0, 0).single().expect("valid");
        let mut checked = 0;
        while t.year() < 2037 {
            let local = t.with_timezone(&Paris);
            let expected = fill_with_format(pattern, &local, &words);
            assert_eq!(fill(pattern, &local, &words), expected, "at {local}");
            t += Duration::minutes(97 * 60 + 13);
            checked += 1;
        }
        assert!(checked > 10_000, "{checked} instants checked");
        let bce = chrono::Utc.with_ymd_and_hms(-44, 3, 15, 9, 5, 0).single().expect("valid").with_timezone(&Paris);
        assert_eq!(fill("{year} {day} {hour2}", &bce, &words), fill_with_format("{year} {day} {hour2}", &bce, &words));
    }

    #[test]
    fn summer_time_and_first_of_month() {
        let t = chrono::Utc.with_ymd_and_hms(2024, 7, 1, 7, 5, 0).single().expect("valid").with_timezone(&Paris);
        let v = time_view(&t, &french());
        assert_eq!(v.long, "lundi 1er juillet 2024 à 9 h 05");
        assert_eq!(v.iso, "2024-07-01T09:05:00+02:00");
    }

    #[test]
    fn durations_are_rounded_to_minutes() {
        let w = DurationWords {
            days: "j".into(),
            hours: "h".into(),
            minutes: "min".into(),
            under_a_minute: "moins d’une minute".into(),
        };
        assert_eq!(duration(Duration::minutes(135), &w).replace('\u{a0}', " "), "2 h 15 min");
        assert_eq!(duration(Duration::minutes(60 * 27 + 5), &w), "1\u{a0}j 3\u{a0}h 5\u{a0}min");
        assert_eq!(duration(Duration::seconds(30), &w), "moins d’une minute");
    }
}
