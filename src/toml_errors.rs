//! Shared by stages 1 and 2: turns a TOML parse or schema error into a located [`Diagnostic`] with a
//! hint, for both `site.toml` and incident front matter.

use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex};
use std::path::Path;

/// Converts a `toml` error on `text` (which starts at byte `base` of the
/// file whose whole text is `file_text`) into a diagnostic for `path`.
pub(crate) fn toml_diagnostic(path: &Path, file_text: &str, base: usize, err: &toml::de::Error) -> Diagnostic {
    let place = if base == 0 { "this file" } else { "the front matter" };
    let index = LineIndex::new(file_text);
    let at = index.position(base + err.span().map_or(0, |s| s.start));
    let message = err.message().trim().to_string();
    let mut shown = first_line(&message);
    // serde lists the allowed names after the given one; the hint lists them instead.
    if let Some(cut) = shown.find(", expected one of") {
        shown.truncate(cut);
    }
    let shown = shown.replace("unknown variant", "unknown value");
    let diagnostic = Diagnostic::error(path, at, shown);
    diagnostic.with_hint(hint_for(&message, place).unwrap_or_else(|| syntax_hint(&message)))
}

/// A hint for TOML syntax errors, from the parser's message.
fn syntax_hint(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("date") || m.contains("time") || m.contains("day") || m.contains("month") || m.contains("hour") {
        "write dates as 2024-09-23T07:40:00+02:00 (with offset), 2024-09-23T07:40:00 (site time zone) or 2024-09-23, with a day that exists in that month".into()
    } else if m.contains("quoted") || m.contains("string") {
        "put text in double quotes, e.g. severity = \"major\"; a quote inside the text is written \\\"".into()
    } else if m.contains("duplicate") {
        "each key may appear once: remove or rename one of the two".into()
    } else {
        "check the TOML syntax on this line: key = value, text in \"quotes\", lists as [\"a\", \"b\"], dates as 2024-09-23T07:40:00+02:00".into()
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// A hint for serde's "unknown field `x`, expected one of `a`, `b`" and
/// "unknown variant" messages: the closest known name, then the list.
fn hint_for(message: &str, place: &str) -> Option<String> {
    let (what, rest) = if let Some(rest) = message.strip_prefix("unknown field ") {
        ("key", rest)
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        ("value", rest)
    } else if message.starts_with("missing field ") {
        let name = backquoted(message).into_iter().next()?;
        return Some(format!("add `{name} = …` to {place}"));
    } else {
        return None;
    };
    let names = backquoted(rest);
    let (given, known) = names.split_first()?;
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    if known.is_empty() {
        return Some(format!("remove the {what} `{given}`"));
    }
    Some(match did_you_mean(given, known.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`? Allowed: {list}"),
        None => format!("allowed {what}s are {list}"),
    })
}

/// The words between backquotes, in order.
fn backquoted(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_closest_key() {
        let hint = hint_for("unknown field `titel`, expected one of `title`, `start`", "x");
        assert_eq!(hint.as_deref(), Some("did you mean `title`? Allowed: `title`, `start`"));
    }

    #[test]
    fn unknown_variant_lists_values() {
        let hint = hint_for("unknown variant `huge`, expected one of `minor`, `major`", "x");
        assert_eq!(hint.as_deref(), Some("allowed values are `minor`, `major`"));
    }
}
