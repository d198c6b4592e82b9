//! Times given on the command line (`--start`, `--end`, `--at`) → instants
//! in the site's time zone, read exactly like front-matter datetimes (the
//! same [`dates::resolve`](crate::content::dates::resolve), so daylight
//! saving time is handled, and reported, as the build does).

use crate::content::dates;
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use std::path::Path;
use toml::value::Datetime;

/// An instant read from an option, and a warning when the local time was ambiguous.
pub(crate) type When = (DateTime<Tz>, Option<Diagnostic>);

/// Reads the value of `option`: `2024-09-23 07:40`, `2024-09-23T07:40`
/// (seconds optional) or RFC 3339 with an offset. Local times are in `tz`.
pub(crate) fn parse_time(option: &str, value: &str, tz: Tz) -> Result<When, Diagnostic> {
    let at = Path::new(option);
    let value = value.trim();
    let hint = format!(
        "write {option} \"2024-09-23 07:40\" (local time in {tz}), or with its offset: {option} 2024-09-23T07:40:00+02:00"
    );
    let parsed = match value.parse::<Datetime>() {
        Ok(parsed) if parsed.date.is_some() && parsed.time.is_some() => parsed,
        _ => return Err(Diagnostic::error(at, (0, 0), format!("\"{value}\" is not a date and time")).with_hint(hint)),
    };
    match dates::resolve(&parsed, tz) {
        Ok(resolved) => {
            let warning =
                resolved.warning.map(|(message, hint)| Diagnostic::warning(at, (0, 0), message).with_hint(hint));
            Ok((resolved.instant, warning))
        }
        Err((message, hint)) => Err(Diagnostic::error(at, (0, 0), message).with_hint(hint)),
    }
}

/// "Now" for a command, in the site's time zone, to the second.
pub(crate) fn now_in(now: DateTime<Utc>, tz: Tz) -> DateTime<Tz> {
    let now = now.with_timezone(&tz);
    now.with_nanosecond(0).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn rfc3339(value: &str) -> String {
        parse_time("--start", value, Paris).expect("valid").0.to_rfc3339()
    }

    #[test]
    fn accepts_local_and_offset_forms() {
        assert_eq!(rfc3339("2024-09-23 07:40"), "2024-09-23T07:40:00+02:00");
        assert_eq!(rfc3339("2024-09-23T07:40"), "2024-09-23T07:40:00+02:00");
        assert_eq!(rfc3339("2024-01-23 07:40:30"), "2024-01-23T07:40:30+01:00");
        assert_eq!(rfc3339("2024-09-23T05:40:00Z"), "2024-09-23T07:40:00+02:00");
        assert_eq!(rfc3339("2024-09-23T07:40:00+02:00"), "2024-09-23T07:40:00+02:00");
    }

    #[test]
    fn rejects_garbage_dates_alone_and_skipped_hours() {
        for bad in ["tomorrow", "2024-09-23", "07:40", "2024-9-23 7:40", "2024-02-30 10:00"] {
            let err = parse_time("--at", bad, Paris).expect_err(bad);
            assert_eq!(err.path.as_deref(), Some(Path::new("--at")), "{bad}");
        }
        let err = parse_time("--start", "2024-03-31 02:30", Paris).expect_err("DST gap");
        assert!(
            err.to_string().starts_with("--start: error: 2024-03-31T02:30 does not exist in Europe/Paris"),
            "{err}"
        );
    }

    #[test]
    fn ambiguous_hours_take_the_first_with_a_warning() {
        let (instant, warning) = parse_time("--at", "2024-10-27 02:30", Paris).expect("accepted");
        assert_eq!(instant.to_rfc3339(), "2024-10-27T02:30:00+02:00");
        assert!(warning.expect("warning").message.contains("happens twice"));
    }
}
