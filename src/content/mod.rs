//! Stage 1 and 2: load → parse → model. Walks `content/`, parses every
//! incident file in parallel and validates it against the site, reporting
//! every problem of every file at once.

pub mod dates;
pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use markdown::Markdown;
use model::Incident;
use parse::{parse_incident, ParseContext};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The incidents of a site, sorted newest first, and the warnings found.
pub struct Content {
    /// Valid incidents (drafts only when asked for), newest start first.
    pub incidents: Vec<Incident>,
    /// Warnings to show the author.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and validates every incident under `root/content`. With
/// `include_drafts` false, drafts are left out (but still validated).
pub fn load_content(root: &Path, config: &SiteConfig, include_drafts: bool) -> Result<Content, Diagnostics> {
    let (files, mut diagnostics) = load::find_sources(root);
    let markdown = Markdown::new(config.allow_html);
    let cx = ParseContext { config, markdown: &markdown };
    let parsed: Vec<_> = files
        .par_iter()
        .map(|path| {
            let source = load::read_source(root, path);
            match source.text {
                Ok(text) => parse_incident(&source.path, &text, &cx),
                Err(d) => parse::Parsed { incident: None, diagnostics: vec![d] },
            }
        })
        .collect();
    let mut incidents = Vec::with_capacity(parsed.len());
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        incidents.extend(p.incident);
    }
    incidents.retain(|i| include_drafts || !i.draft);
    diagnostics.extend(duplicate_urls(&incidents));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Warnings are shown with the errors: the author fixes everything at once.
        return Err(Diagnostics(diagnostics).sorted());
    }
    let warnings = diagnostics;
    sort_newest_first(&mut incidents);
    Ok(Content { incidents, warnings: Diagnostics(warnings).sorted().0 })
}

/// Sorts by start, newest first; ties by URL so that the order is stable.
pub fn sort_newest_first(incidents: &mut [Incident]) {
    incidents.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.path.cmp(&b.path)));
}

fn duplicate_urls(incidents: &[Incident]) -> Vec<Diagnostic> {
    let mut seen: HashMap<&str, &Incident> = HashMap::new();
    let mut errors = Vec::new();
    let mut sorted: Vec<&Incident> = incidents.iter().collect();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    for incident in sorted {
        if let Some(first) = seen.insert(&incident.path, incident) {
            errors.push(
                Diagnostic::error(
                    &incident.source,
                    (1, 1),
                    format!("this incident would have the same URL /{} as {}", incident.path, first.source.display()),
                )
                .with_hint("give one of them a different title, or set slug = \"…\" in its front matter"),
            );
            seen.insert(&first.path, first);
        }
    }
    errors
}
