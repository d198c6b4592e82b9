//! Stage 1 (load), beside the configuration: the theme's files in memory —
//! templates, translations and static files — read from `themes/<name>/`
//! with the site's own `templates/` and `static/` laid over them. The
//! default theme is also built into the binary, so that a site without a
//! `themes/` folder still builds. What stops the reading (a theme that does
//! not exist, a file that cannot be read) is a [`Diagnostic`] naming the
//! file. [`i18n`] reads the translations.

pub(crate) mod i18n;

use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A text file and the path shown for it in messages.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// Path shown to the user, relative to the site root.
    pub shown: PathBuf,
    /// Contents.
    pub text: String,
}

/// Every file of a theme, with the site's overrides applied.
#[derive(Debug, Default)]
pub(crate) struct ThemeFiles {
    /// Template name (e.g. `index.html`, `partials/card.html`) → source.
    pub templates: BTreeMap<String, Source>,
    /// Language code → translations file.
    pub translations: BTreeMap<String, Source>,
    /// Site-relative output path → bytes of static files.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Where the theme was read from, as shown to the user.
    pub shown_dir: PathBuf,
}

/// A file of the theme that cannot be read: the system's error, short
/// ("Permission denied (os error 13)"), is part of the message.
fn unreadable(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, (0, 0), format!("cannot read: {error}"))
}

include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));

/// Reads theme `name` for the site at `root`.
pub(crate) fn load(root: &Path, name: &str) -> Result<ThemeFiles, Diagnostic> {
    let dir = root.join("themes").join(name);
    let mut files = ThemeFiles { shown_dir: PathBuf::from("themes").join(name), ..ThemeFiles::default() };
    if dir.is_dir() {
        read_dir_into(root, &dir.join("templates"), &mut |rel, shown, bytes| {
            insert_text(&mut files.templates, rel, shown, bytes)
        })?;
        read_dir_into(root, &dir.join("i18n"), &mut |rel, shown, bytes| {
            let lang = rel.strip_suffix(".toml").unwrap_or(rel).to_string();
            insert_text(&mut files.translations, &lang, shown, bytes)
        })?;
        read_dir_into(root, &dir.join("static"), &mut |rel, _, bytes| {
            files.statics.insert(rel.to_string(), bytes);
            Ok(())
        })?;
    } else if name == "default" {
        for (rel, bytes) in EMBEDDED_DEFAULT_THEME {
            let shown = files.shown_dir.join(rel);
            if let Some(t) = rel.strip_prefix("templates/") {
                insert_text(&mut files.templates, t, shown, bytes.to_vec())?;
            } else if let Some(t) = rel.strip_prefix("i18n/") {
                insert_text(&mut files.translations, t.strip_suffix(".toml").unwrap_or(t), shown, bytes.to_vec())?;
            } else if let Some(t) = rel.strip_prefix("static/") {
                files.statics.insert(t.to_string(), bytes.to_vec());
            }
        }
    } else {
        return Err(Diagnostic::error(&files.shown_dir, (0, 0), format!("the theme \"{name}\" does not exist"))
            .with_hint(
                "set theme in site.toml to a folder of themes/, or remove the line to use the built-in default theme",
            ));
    }
    read_dir_into(root, &root.join("templates"), &mut |rel, shown, bytes| {
        insert_text(&mut files.templates, rel, shown, bytes)
    })?;
    read_dir_into(root, &root.join("static"), &mut |rel, _, bytes| {
        files.statics.insert(rel.to_string(), bytes);
        Ok(())
    })?;
    Ok(files)
}

fn insert_text(
    map: &mut BTreeMap<String, Source>,
    key: &str,
    shown: PathBuf,
    bytes: Vec<u8>,
) -> Result<(), Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(&shown, (0, 0), "the file is not valid UTF-8 text")
            .with_hint("save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)")
    })?;
    map.insert(key.to_string(), Source { shown, text });
    Ok(())
}

type Visit<'v> = dyn FnMut(&str, PathBuf, Vec<u8>) -> Result<(), Diagnostic> + 'v;

/// Calls `visit(relative path with '/', shown path, bytes)` for each file under `dir`.
fn read_dir_into(root: &Path, dir: &Path, visit: &mut Visit<'_>) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
            unreadable(&path, &e.into_io_error().unwrap_or_else(|| std::io::Error::other("symbolic link loop")))
        })?;
        if !entry.file_type().is_file() || crate::paths::is_ignored(entry.file_name()) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = crate::paths::slash_path(rel);
        let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        let bytes = std::fs::read(entry.path()).map_err(|e| unreadable(&shown, &e))?;
        visit(&rel, shown, bytes)?;
    }
    Ok(())
}
