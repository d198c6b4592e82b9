//! `vigie update`: appends an `[[updates]]` entry to a post (and its `end`
//! when the update says it is over: `resolved`, `completed`; not
//! `cancelled`), keeping every other byte of the file: the
//! front matter is parsed with `toml_edit` only to find where to insert,
//! and the new lines are inserted there with the file's own line ending
//! (`toml_edit`'s `DocumentMut` would write CRLF files back with LF).
//! The edited text is parsed as the build would parse it, and written only
//! when it is valid.

use super::encode::{toml_datetime, toml_string};
use super::fail;
use super::source::PostSource;
use super::when::{now_in, parse_time};
use crate::config::SiteConfig;
use crate::content::markdown::Markdown;
use crate::content::model::Status;
use crate::content::parse::{parse_incident, ParseContext};
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use toml_edit::{Item, Value};

/// What `vigie update` was asked for.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// The site root.
    pub root: PathBuf,
    /// The post, from the current folder or from the site root.
    pub path: PathBuf,
    /// The update's status.
    pub status: Status,
    /// The update's text (Markdown).
    pub text: String,
    /// `--at` as given; now when absent.
    pub at: Option<String>,
    /// The current time (`SOURCE_DATE_EPOCH` in tests).
    pub now: DateTime<Utc>,
}

/// What `vigie update` did.
#[derive(Debug, Clone)]
pub struct Updated {
    /// The post, as shown in messages (relative to the site root when inside it).
    pub path: PathBuf,
    /// The update's time.
    pub at: DateTime<Tz>,
    /// Whether `end` was added.
    pub end_added: bool,
    /// Warnings to show.
    pub warnings: Vec<Diagnostic>,
}

/// The entry to append.
#[derive(Debug, Clone)]
pub(crate) struct NewUpdate {
    /// When.
    pub at: DateTime<Tz>,
    /// Its status.
    pub status: Status,
    /// Its text.
    pub text: String,
}

/// Appends the update to the post, or says why it would make the post
/// invalid (the file is then left as it was).
pub fn add_update(options: &UpdateOptions) -> Result<Updated, Diagnostics> {
    let config = SiteConfig::load(&options.root)?;
    let (file, shown) = locate(&options.root, &options.path);
    let original = read(&file, &shown)?;
    let markdown = Markdown::new(config.allow_html).for_language(&config.language);
    let cx = ParseContext { config: &config, markdown: &markdown };
    let before = parse_incident(&shown, &original, &cx);
    if before.incident.is_none() {
        return Err(Diagnostics(before.diagnostics));
    }
    if options.text.trim().is_empty() {
        return fail(
            Diagnostic::error(Path::new("TEXT"), (0, 0), "the update has no text")
                .with_hint("say what changed, e.g. vigie update POST --status identified \"La cause est identifiée.\""),
        );
    }
    let mut warnings = Vec::new();
    let at = match &options.at {
        None => now_in(options.now, config.timezone),
        Some(value) => {
            let (at, warning) = parse_time("--at", value, config.timezone).map_err(|e| Diagnostics(vec![e]))?;
            warnings.extend(warning);
            at
        }
    };
    let update = NewUpdate { at, status: options.status, text: options.text.clone() };
    let Some(post) = PostSource::parse(original) else {
        return fail(Diagnostic::error(&shown, (1, 1), "the front matter cannot be read"));
    };
    let (edited, end_added) = append_update(&post, &update).map_err(|message| {
        Diagnostics(vec![Diagnostic::error(&shown, (1, 1), message)
            .with_hint("write the timeline as [[updates]] tables, then run vigie update again")])
    })?;
    let after = parse_incident(&shown, &edited, &cx);
    if after.incident.is_none() {
        return Err(Diagnostics(after.diagnostics));
    }
    // Warnings already in the file were there before: show only the new ones.
    warnings
        .extend(after.diagnostics.into_iter().filter(|d| !before.diagnostics.iter().any(|b| b.message == d.message)));
    replace(&file, &shown, &edited)?;
    Ok(Updated { path: shown, at, end_added, warnings })
}

/// The post's text with `update` appended to its timeline, and `end` set to
/// its time when it ends a post that has none; whether `end` was added.
/// Everything else is kept byte for byte.
pub(crate) fn append_update(post: &PostSource, update: &NewUpdate) -> Result<(String, bool), String> {
    let nl = post.newline();
    let text = &post.text;
    let at = toml_datetime(&update.at);
    let status = toml_string(update.status.as_str());
    let body = toml_string(&update.text);
    // (offset, inserted text), applied from the last offset to the first.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    match post.root().get("updates") {
        None | Some(Item::ArrayOfTables(_)) => {
            let end = post.front_matter_offset + post.front_matter().len();
            let blank = if ends_with_blank_line(post.front_matter()) { "" } else { nl };
            let block = format!("{blank}[[updates]]{nl}at = {at}{nl}status = {status}{nl}text = {body}{nl}");
            inserts.push((end, block));
        }
        Some(Item::Value(Value::Array(array))) => {
            let entry = format!("{{ at = {at}, status = {status}, text = {body} }}");
            let span = |s: Option<std::ops::Range<usize>>| s.ok_or("the updates cannot be located");
            let insert = match array.iter().last() {
                Some(last) => (span(last.span())?.end, format!(", {entry}")),
                None => (span(array.span())?.start + 1, entry),
            };
            inserts.push((post.front_matter_offset + insert.0, insert.1));
        }
        Some(_) => return Err("`updates` is neither a list of [[updates]] tables nor an array".to_string()),
    }
    // `cancelled` closes the timeline too, but what was called off never ended.
    let end_added = update.status.ends_it() && post.root().get("end").is_none();
    if end_added {
        let start = post.value_span("start").ok_or("the front matter has no `start`")?;
        let line_end = text[start.end..].find('\n').map_or(text.len(), |i| start.end + i + 1);
        inserts.push((line_end, format!("end = {at}{nl}")));
    }
    inserts.sort_by_key(|(offset, _)| std::cmp::Reverse(*offset));
    let mut edited = text.clone();
    for (offset, inserted) in inserts {
        edited.insert_str(offset, &inserted);
    }
    Ok((edited, end_added))
}

fn ends_with_blank_line(front_matter: &str) -> bool {
    front_matter.is_empty() || front_matter.ends_with("\n\n") || front_matter.ends_with("\n\r\n")
}

/// The file to open, and the path to show: relative to the site root when
/// the file is inside it. `path` is taken from the current folder, or from
/// the site root when it is not found there.
fn locate(root: &Path, path: &Path) -> (PathBuf, PathBuf) {
    let file = if path.is_relative() && !path.exists() && root.join(path).exists() {
        root.join(path)
    } else {
        path.to_path_buf()
    };
    let shown = match (file.canonicalize(), root.canonicalize()) {
        (Ok(f), Ok(r)) => f.strip_prefix(&r).map_or_else(|_| path.to_path_buf(), Path::to_path_buf),
        _ => path.to_path_buf(),
    };
    (file, shown)
}

fn read(file: &Path, shown: &Path) -> Result<String, Diagnostics> {
    let bytes = std::fs::read(file).map_err(|e| {
        Diagnostics(vec![Diagnostic::error(shown, (0, 0), format!("cannot read: {e}"))
            .with_hint("give the path of a post, e.g. content/2024/2024-09-23-panne.md")])
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostics(vec![Diagnostic::error(shown, (0, 0), "the file is not valid UTF-8 text")
            .with_hint("save it as UTF-8, then run vigie update again")])
    })
}

/// Replaces `file` with `text` through a hidden temporary file beside it and
/// a rename, so that a reader (or `vigie serve`) never sees half a file.
/// A symbolic link stays a link: the file it points to is the one replaced.
fn replace(file: &Path, shown: &Path, text: &str) -> Result<(), Diagnostics> {
    let cannot = |e: std::io::Error| Diagnostics(vec![Diagnostic::error(shown, (0, 0), format!("cannot write: {e}"))]);
    let file = &std::fs::canonicalize(file).map_err(cannot)?;
    let name = file.file_name().map_or_else(|| "post".into(), |n| n.to_string_lossy().into_owned());
    let folder = file.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(file).map_err(cannot)?.permissions();
    // Hidden and ignored by the watcher; removed by `tempfile` if anything fails.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".vigie-update")
        .tempfile_in(folder)
        .map_err(cannot)?;
    temp.write_all(text.as_bytes()).map_err(cannot)?;
    temp.as_file().set_permissions(permissions).map_err(cannot)?;
    temp.as_file().sync_all().map_err(cannot)?;
    temp.persist(file).map_err(|e| cannot(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn update(status: Status, hour: u32) -> NewUpdate {
        let at = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 9, 23, hour, 5, 0).single().expect("exists");
        NewUpdate { at, status, text: "Rétabli \"enfin\".".into() }
    }

    fn edit(text: &str, u: &NewUpdate) -> String {
        append_update(&PostSource::parse(text.to_string()).expect("valid"), u).expect("editable").0
    }

    #[test]
    fn appends_a_table_and_the_end_after_start_keeping_crlf() {
        let text = "+++\r\ntitle = \"a\" # t\r\nstart   = 2024-09-23T07:40:00+02:00 # s\r\nservices=[\"mail\"]\r\n\r\n[[updates]]\r\nat = 2024-09-23T07:40:00+02:00\r\nstatus = \"investigating\"\r\n+++\r\nbody\r\n";
        let edited = edit(text, &update(Status::Resolved, 11));
        assert_eq!(
            edited,
            "+++\r\ntitle = \"a\" # t\r\nstart   = 2024-09-23T07:40:00+02:00 # s\r\nend = 2024-09-23T11:05:00+02:00\r\nservices=[\"mail\"]\r\n\r\n[[updates]]\r\nat = 2024-09-23T07:40:00+02:00\r\nstatus = \"investigating\"\r\n\r\n[[updates]]\r\nat = 2024-09-23T11:05:00+02:00\r\nstatus = \"resolved\"\r\ntext = \"Rétabli \\\"enfin\\\".\"\r\n+++\r\nbody\r\n"
        );
    }

    #[test]
    fn keeps_an_existing_end_and_a_final_blank_line() {
        let text = "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\nend = 2024-09-23T10:00:00+02:00\n\n+++\n";
        let edited = edit(text, &update(Status::Resolved, 10));
        assert_eq!(
            edited,
            "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\nend = 2024-09-23T10:00:00+02:00\n\n[[updates]]\nat = 2024-09-23T10:05:00+02:00\nstatus = \"resolved\"\ntext = \"Rétabli \\\"enfin\\\".\"\n+++\n"
        );
    }

    #[test]
    fn a_first_update_goes_after_the_end_it_sets() {
        let text = "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\n+++\nbody\n";
        let edited = edit(text, &update(Status::Resolved, 11));
        assert_eq!(
            edited,
            "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\nend = 2024-09-23T11:05:00+02:00\n\n[[updates]]\nat = 2024-09-23T11:05:00+02:00\nstatus = \"resolved\"\ntext = \"Rétabli \\\"enfin\\\".\"\n+++\nbody\n"
        );
    }

    #[test]
    fn cancelling_a_maintenance_sets_no_end() {
        let text = "+++\ntitle = \"m\"\nstart = 2024-09-30T22:00:00+02:00\nkind = \"maintenance\"\n+++\n";
        let post = PostSource::parse(text.to_string()).expect("valid");
        let (edited, end_added) = append_update(&post, &update(Status::Cancelled, 11)).expect("editable");
        assert!(!end_added);
        assert_eq!(
            edited,
            "+++\ntitle = \"m\"\nstart = 2024-09-30T22:00:00+02:00\nkind = \"maintenance\"\n\n[[updates]]\nat = 2024-09-23T11:05:00+02:00\nstatus = \"cancelled\"\ntext = \"Rétabli \\\"enfin\\\".\"\n+++\n"
        );
        let (_, end_added) = append_update(&post, &update(Status::Completed, 11)).expect("editable");
        assert!(end_added, "completed ends it");
    }

    #[test]
    fn appends_to_an_inline_array() {
        let text = "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\nupdates = [\n  { at = 2024-09-23T07:40:00+02:00, status = \"investigating\" },\n]\n+++\n";
        let edited = edit(text, &update(Status::Identified, 9));
        assert!(
            edited.contains("status = \"investigating\" }, { at = 2024-09-23T09:05:00+02:00, status = \"identified\", text = \"Rétabli \\\"enfin\\\".\" },\n]"),
            "{edited}"
        );
        let empty = "+++\ntitle = \"a\"\nstart = 2024-09-23T07:40:00+02:00\nupdates = []\n+++\n";
        assert!(edit(empty, &update(Status::Identified, 9)).contains("updates = [{ at = 2024-09-23T09:05:00+02:00"));
    }
}
