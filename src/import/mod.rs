//! Importers, built on the pipeline: another tool's export → posts that
//! `vigie build` accepts. Each format's module reads its source into
//! [`ImportedPost`]s (with what it had to guess); this module writes them:
//! every post is parsed as the build would parse it against the site's
//! configuration before anything is written, no file is ever replaced, and
//! a failure leaves the site as it was.

pub mod cstate;
pub mod legacy;
pub mod statuspage;

use crate::authoring::encode::{front_matter, toml_string, FrontMatter};
use crate::config::{ServiceConfig, SiteConfig, CONFIG_FILE};
use crate::content::load::CONTENT_DIR;
use crate::content::markdown::Markdown;
use crate::content::model::{Kind, Severity, Status};
use crate::content::parse::{alias_file, parse_incident, slugify, ParseContext};
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::DateTime;
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// One post read from another tool's export.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPost {
    /// Where it came from, for messages (`incidents.json: incident "k2…"`).
    pub origin: String,
    /// Its title.
    pub title: String,
    /// Incident or maintenance.
    pub kind: Kind,
    /// For incidents.
    pub severity: Option<Severity>,
    /// Its start (a maintenance: its planned start).
    pub start: DateTime<Tz>,
    /// Its end, once over (a maintenance: its planned end).
    pub end: Option<DateTime<Tz>>,
    /// Service keys (declared in site.toml, or among the import's new services).
    pub services: Vec<String>,
    /// The timeline, in time order.
    pub updates: Vec<(DateTime<Tz>, Status, String)>,
    /// The body (Markdown), maybe empty.
    pub body: String,
    /// Its old addresses, from the site's base.
    pub aliases: Vec<String>,
    /// Its URL slug, when the title's would be taken (set by [`write_posts`]).
    pub slug: Option<String>,
    /// What was guessed or changed to make it a valid post, in words.
    pub guesses: Vec<String>,
}

/// What an import read: the posts, and services the site does not declare yet.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The posts, oldest first.
    pub posts: Vec<ImportedPost>,
    /// New services by key.
    pub new_services: BTreeMap<String, ServiceConfig>,
    /// What the reader reports about the source as a whole (a preamble not imported, an encoding).
    pub notes: Vec<String>,
}

/// What was (or, on a dry run, would be) written.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// Each post's file, relative to the site root, with its post.
    pub files: Vec<(PathBuf, ImportedPost)>,
    /// Services the posts use that site.toml does not declare, as TOML to paste.
    pub missing_services: String,
    /// Whether they were added to site.toml (`--add-services`).
    pub services_added: bool,
    /// The reader's notes on the source as a whole.
    pub notes: Vec<String>,
}

impl ImportReport {
    /// One line per post: date, title, updates, and what was guessed.
    pub fn plan(&self) -> String {
        let mut out = String::new();
        for (file, post) in &self.files {
            let guessed = if post.guesses.is_empty() {
                String::new()
            } else {
                format!(" — guessed: {}", post.guesses.join("; "))
            };
            out.push_str(&format!(
                "{} {} \"{}\" ({} updates) → {}{guessed}\n",
                post.start.format("%Y-%m-%d %H:%M"),
                post.kind.as_str(),
                post.title,
                post.updates.len(),
                file.display()
            ));
        }
        out
    }
}

/// Checks every post against the site at `root` and, unless `dry_run`,
/// writes them (and, with `add_services`, declares the new services in
/// site.toml, keeping the rest of the file as it is). `step` is called
/// once per post checked and once per post written (a progress bar).
pub fn write_posts(
    root: &Path,
    imported: Imported,
    dry_run: bool,
    add_services: bool,
    step: &(dyn Fn() + Sync),
) -> Result<ImportReport, Diagnostics> {
    let config = SiteConfig::load(root)?;
    let mut checked = config.clone();
    let new_services: BTreeMap<String, ServiceConfig> =
        imported.new_services.into_iter().filter(|(key, _)| !config.services.contains_key(key)).collect();
    checked.services.extend(new_services.clone());
    let mut posts = imported.posts;
    let notes = imported.notes;
    let existing = crate::content::load_content(root, &config, true).map(|c| c.incidents).unwrap_or_default();
    let taken_urls: HashSet<String> = existing.iter().map(|i| i.path.clone()).collect();
    // A post already imported is known by its old address: importing it again is refused.
    let known: BTreeMap<&str, &Path> =
        existing.iter().flat_map(|i| i.aliases.iter().map(|a| (a.file.as_str(), i.source.as_path()))).collect();
    let again: Vec<(&ImportedPost, &Path)> = posts
        .iter()
        .filter_map(|post| {
            post.aliases
                .iter()
                .find_map(|a| alias_file(a).ok().and_then(|file| known.get(file.as_str()).copied()))
                .map(|source| (post, source))
        })
        .collect();
    if let Some((post, source)) = again.first() {
        return Err(Diagnostics(vec![Diagnostic::error(Path::new(&post.origin), (0, 0), format!(
            "\"{}\" was already imported as {} ({} of the posts to import were)", post.title, source.display(), again.len()))
            .with_hint("an import never writes a post twice: remove the posts of the earlier import first, or import only the new ones")]));
    }
    let files = file_names(&mut posts, taken_urls);
    let markdown = Markdown::new(checked.allow_html).for_language(&checked.language);
    let cx = ParseContext { config: &checked, markdown: &markdown };
    let errors: Vec<Diagnostic> = posts
        .par_iter()
        .zip(&files)
        .flat_map_iter(|(post, file)| {
            let parsed = parse_incident(file, &post_text(post), &cx);
            step();
            let problems: Vec<Diagnostic> = parsed.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            problems.into_iter().map(move |d| {
                Diagnostic::error(
                    Path::new(&post.origin),
                    (0, 0),
                    format!("\"{}\" cannot be imported: {}", post.title, d.message),
                )
                .with_hint(d.hint.unwrap_or_else(|| "fix the source, or write this post by hand".into()))
            })
        })
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let taken: Vec<&PathBuf> = files.iter().filter(|f| root.join(f).exists()).collect();
    if let Some(first) = taken.first() {
        return Err(Diagnostics(vec![Diagnostic::error(
            first,
            (0, 0),
            format!("{} already exists ({} of the posts to import do)", first.display(), taken.len()),
        )
        .with_hint(
            "an import never replaces a file: remove the posts of an earlier import first, or import into another site",
        )]));
    }
    let missing_services = services_toml(&new_services);
    let report =
        ImportReport { files: files.into_iter().zip(posts).collect(), missing_services, services_added: false, notes };
    if dry_run {
        return Ok(report);
    }
    write_all(root, &report.files, step)?;
    if add_services && !new_services.is_empty() {
        add_to_config(root, &new_services)?;
        return Ok(ImportReport { services_added: true, ..report });
    }
    Ok(report)
}

/// `content/<year>/<date>-<slug>.md` for each post; when its URL (or its
/// file) would be another's — two posts of the same title on one day, or a
/// post already in the site — a number is added to both.
fn file_names(posts: &mut [ImportedPost], mut urls: HashSet<String>) -> Vec<PathBuf> {
    posts
        .iter_mut()
        .map(|post| {
            let title_slug = slugify(&post.title);
            let day = post.start.format("%Y-%m-%d").to_string();
            let dir = Path::new(CONTENT_DIR).join(post.start.format("%Y").to_string());
            let mut n = 1;
            loop {
                let slug = if n == 1 { title_slug.clone() } else { format!("{title_slug}-{n}") };
                let url = format!("{}/{slug}/", post.start.format("%Y/%m/%d"));
                if urls.insert(url) {
                    post.slug = (n > 1).then(|| slug.clone());
                    return dir.join(format!("{day}-{slug}.md"));
                }
                n += 1;
            }
        })
        .collect()
}

/// The post's file: front matter, then its body.
pub(crate) fn post_text(post: &ImportedPost) -> String {
    let mut lines = front_matter(&FrontMatter {
        title: &post.title,
        start: &post.start,
        end: post.end.as_ref(),
        services: &post.services,
        kind: post.kind,
        severity: post.severity,
        slug: post.slug.as_deref(),
        aliases: &post.aliases,
        updates: &post.updates,
    });
    lines.push(String::new());
    if !post.body.trim().is_empty() {
        lines.push(post.body.trim_end().to_string());
        lines.push(String::new());
    }
    lines.join("\n")
}

/// Creates every file, refusing to replace one; on a failure, removes those it created.
fn write_all(root: &Path, files: &[(PathBuf, ImportedPost)], step: &(dyn Fn() + Sync)) -> Result<(), Diagnostics> {
    use std::io::Write as _;
    let mut written: Vec<PathBuf> = Vec::with_capacity(files.len());
    let undo = |written: &[PathBuf]| {
        for file in written {
            let _ = std::fs::remove_file(file);
        }
    };
    for (rel, post) in files {
        let path = root.join(rel);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::OpenOptions::new().write(true).create_new(true).open(&path))
            .and_then(|mut file| file.write_all(post_text(post).as_bytes()));
        if let Err(e) = result {
            undo(&written);
            return Err(Diagnostics(vec![Diagnostic::error(rel, (0, 0), format!("cannot write: {e}"))
                .with_hint("check that you may write in content/; nothing was imported")]));
        }
        written.push(path);
        step();
    }
    Ok(())
}

/// `[services.<key>]` tables for `services`, ready to paste into site.toml.
fn services_toml(services: &BTreeMap<String, ServiceConfig>) -> String {
    services
        .iter()
        .map(|(key, s)| {
            let description = if s.description.is_empty() {
                String::new()
            } else {
                format!("description = {}\n", toml_string(&s.description))
            };
            format!("[services.{key}]\nname = {}\n{description}", toml_string(&s.name))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Declares `services` in site.toml, keeping its comments and layout.
fn add_to_config(root: &Path, services: &BTreeMap<String, ServiceConfig>) -> Result<(), Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let fail = |message: String| {
        Diagnostics(vec![Diagnostic::error(Path::new(CONFIG_FILE), (0, 0), message).with_hint(format!(
            "the posts were written; declare these services by hand:\n{}",
            services_toml(services)
        ))])
    };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| fail(format!("cannot edit: {e}")))?;
    let table = doc.entry("services").or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let Some(table) = table.as_table_mut() else { return Err(fail("services is not a table".into())) };
    table.set_implicit(true);
    for (key, service) in services {
        let mut entry = toml_edit::Table::new();
        entry.insert("name", toml_edit::value(service.name.as_str()));
        if !service.description.is_empty() {
            entry.insert("description", toml_edit::value(service.description.as_str()));
        }
        table.insert(key, toml_edit::Item::Table(entry));
    }
    let staged = path.with_extension("toml.vigie-import");
    std::fs::write(&staged, doc.to_string()).map_err(|e| fail(format!("cannot write: {e}")))?;
    std::fs::rename(&staged, &path).map_err(|e| fail(format!("cannot write: {e}")))
}
