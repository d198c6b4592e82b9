//! Values written into front matter: TOML strings on a single line (so that
//! an inserted line never spans lines whose ending we would have to choose)
//! and offset datetimes that need no time zone to be read back.

use crate::content::model::{Kind, Severity, Status};
use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;
use std::fmt::Write as _;

/// A TOML basic string on one line: `"Il a dit \"oui\"\n"`.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML offset datetime, to the second (fractions only when there are):
/// `2024-09-23T07:40:00+02:00`.
pub(crate) fn toml_datetime(instant: &DateTime<Tz>) -> String {
    instant.fixed_offset().to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A TOML array of strings on one line: `["mail", "dns"]`.
pub(crate) fn toml_string_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}

/// What a new post's front matter says (`vigie new`, the importers).
pub(crate) struct FrontMatter<'a> {
    pub title: &'a str,
    pub start: &'a DateTime<Tz>,
    pub end: Option<&'a DateTime<Tz>>,
    pub services: &'a [String],
    pub kind: Kind,
    pub severity: Option<Severity>,
    pub slug: Option<&'a str>,
    pub aliases: &'a [String],
    pub updates: &'a [(DateTime<Tz>, Status, String)],
}

/// The front matter's lines, both `+++` fences included.
pub(crate) fn front_matter(post: &FrontMatter<'_>) -> Vec<String> {
    let mut lines = vec!["+++".to_string(), format!("title = {}", toml_string(post.title))];
    lines.push(format!("start = {}", toml_datetime(post.start)));
    if let Some(end) = post.end {
        lines.push(format!("end = {}", toml_datetime(end)));
    }
    lines.push(format!("services = {}", toml_string_array(post.services)));
    lines.push(format!("kind = {}", toml_string(post.kind.as_str())));
    if let Some(severity) = post.severity {
        lines.push(format!("severity = {}", toml_string(severity.as_str())));
    }
    if let Some(slug) = post.slug {
        lines.push(format!("slug = {}", toml_string(slug)));
    }
    if !post.aliases.is_empty() {
        lines.push(format!("aliases = {}", toml_string_array(post.aliases)));
    }
    for (at, status, text) in post.updates {
        lines.push(String::new());
        lines.push("[[updates]]".to_string());
        lines.push(format!("at = {}", toml_datetime(at)));
        lines.push(format!("status = {}", toml_string(status.as_str())));
        lines.push(format!("text = {}", toml_string(text)));
    }
    lines.push("+++".to_string());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn strings_stay_on_one_line_and_read_back() {
        let text = "Il a dit \"oui\" \\ é\nligne 2\ttab \u{7}";
        let encoded = toml_string(text);
        assert!(!encoded.contains('\n'), "{encoded}");
        let parsed: toml::Table = toml::from_str(&format!("v = {encoded}")).expect("valid TOML");
        assert_eq!(parsed["v"].as_str(), Some(text));
    }

    #[test]
    fn datetimes_carry_their_offset() {
        let summer = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 9, 23, 7, 40, 0).single().expect("exists");
        assert_eq!(toml_datetime(&summer), "2024-09-23T07:40:00+02:00");
        let utc = chrono_tz::UTC.with_ymd_and_hms(2024, 1, 1, 0, 0, 5).single().expect("exists");
        assert_eq!(toml_datetime(&utc), "2024-01-01T00:00:05+00:00");
    }

    #[test]
    fn arrays_of_strings() {
        assert_eq!(toml_string_array(&["mail".into(), "dns".into()]), "[\"mail\", \"dns\"]");
    }
}
