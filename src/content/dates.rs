//! Stage 2 (parse): front-matter datetimes → instants in the site's time zone. Offset
//! datetimes are taken as given; local datetimes and dates are read in the
//! site's zone, with daylight saving time handled by the tz database.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use toml::value::{Datetime, Offset};

/// A datetime read from front matter, possibly with a warning to show.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The instant, in the site's time zone.
    pub instant: DateTime<Tz>,
    /// Set when the local time was ambiguous and the first occurrence was taken.
    pub warning: Option<(String, String)>,
}

/// Why a front-matter datetime cannot be used: a message and a hint.
pub(crate) type DateError = (String, String);

/// Converts a TOML datetime to an instant in `tz`.
pub(crate) fn resolve(value: &Datetime, tz: Tz) -> Result<Resolved, DateError> {
    let example = "write it as 2024-09-23T07:40:00+02:00, or 2024-09-23T07:40:00 for local time";
    let Some(date) = value.date else {
        return Err((format!("\"{value}\" has no date"), example.to_string()));
    };
    let naive_date = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or_else(|| (format!("\"{value}\" is not a valid date"), example.to_string()))?;
    let naive_time = match value.time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).min(59).into(),
            t.nanosecond.unwrap_or(0),
        )
        .ok_or_else(|| (format!("\"{value}\" is not a valid time"), example.to_string()))?,
    };
    let naive = NaiveDateTime::new(naive_date, naive_time);
    match value.offset {
        Some(offset) => {
            let seconds = match offset {
                Offset::Z => 0,
                Offset::Custom { minutes } => i32::from(minutes) * 60,
            };
            let fixed = FixedOffset::east_opt(seconds)
                .ok_or_else(|| (format!("\"{value}\" has an invalid offset"), example.to_string()))?;
            let instant = fixed
                .from_local_datetime(&naive)
                .single()
                .ok_or_else(|| (format!("\"{value}\" is out of range"), example.to_string()))?;
            Ok(Resolved { instant: instant.with_timezone(&tz), warning: None })
        }
        None => local(naive, tz, value),
    }
}

fn local(naive: NaiveDateTime, tz: Tz, value: &Datetime) -> Result<Resolved, DateError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(instant) => Ok(Resolved { instant, warning: None }),
        LocalResult::Ambiguous(first, second) => Ok(Resolved {
            instant: first,
            warning: Some((
                format!(
                    "{value} happens twice in {tz} (clocks go back); the first one ({}) was taken",
                    first.format("%:z")
                ),
                format!("add the offset to say which one you mean: {} or {}", first.to_rfc3339(), second.to_rfc3339()),
            )),
        }),
        LocalResult::None => Err((
            format!("{value} does not exist in {tz}: clocks skip that hour (daylight saving time)"),
            "check the time; in the hour skipped by daylight saving time, write the offset, e.g. 03:30:00+02:00"
                .to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn parse(text: &str) -> Result<Resolved, DateError> {
        resolve(&text.parse::<Datetime>().expect("toml datetime"), Paris)
    }

    #[test]
    fn offset_datetimes_are_taken_as_given() {
        let r = parse("2016-11-22T12:16:00+01:00").expect("valid");
        assert_eq!(r.instant.to_rfc3339(), "2016-11-22T12:16:00+01:00");
        let r = parse("2016-11-22T11:16:00Z").expect("valid");
        assert_eq!(r.instant.to_rfc3339(), "2016-11-22T12:16:00+01:00");
    }

    #[test]
    fn local_times_follow_paris_dst() {
        assert_eq!(parse("2024-07-01T10:00:00").expect("summer").instant.to_rfc3339(), "2024-07-01T10:00:00+02:00");
        assert_eq!(parse("2024-01-01T10:00:00").expect("winter").instant.to_rfc3339(), "2024-01-01T10:00:00+01:00");
        assert_eq!(parse("2024-07-01").expect("date").instant.to_rfc3339(), "2024-07-01T00:00:00+02:00");
    }

    #[test]
    fn skipped_hour_is_an_error() {
        let (message, hint) = parse("2024-03-31T02:30:00").expect_err("gap");
        assert!(message.contains("does not exist in Europe/Paris"), "{message}");
        assert!(hint.contains("offset"), "{hint}");
    }

    #[test]
    fn repeated_hour_takes_first_with_warning() {
        let r = parse("2024-10-27T02:30:00").expect("ambiguous is accepted");
        assert_eq!(r.instant.to_rfc3339(), "2024-10-27T02:30:00+02:00");
        let (message, _) = r.warning.expect("a warning");
        assert!(message.contains("happens twice"), "{message}");
    }

    #[test]
    fn time_without_date_is_an_error() {
        assert!(parse("07:40:00").is_err());
    }
}
