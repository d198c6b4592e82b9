//! vigie: a static site generator for incident archives.
//!
//! The pipeline, in the order data flows: [`config`] (site.toml) →
//! [`content`] (load, parse, model) → [`archive`] (the chronological
//! index) → [`render`] (Tera pages) and [`feeds`] → [`output`] (the site in
//! memory, written to disk safely). [`site`] runs the steps in order.

pub mod archive;
pub mod authoring;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
mod toml_errors;

pub use site::{build, BuildOptions, BuildReport, Site};

/// Any reason a build fails, by stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// site.toml or a translation file is invalid.
    #[error("{0}")]
    Config(diagnostics::Diagnostics),
    /// One or more incident files are invalid.
    #[error("{0}")]
    Content(diagnostics::Diagnostics),
    /// The theme could not be read.
    #[error(transparent)]
    Theme(#[from] render::theme::ThemeError),
    /// A template does not compile.
    #[error(transparent)]
    Template(#[from] render::templates::TemplateError),
    /// A page could not be rendered.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// A feed could not be written.
    #[error(transparent)]
    Feed(#[from] feeds::FeedError),
    /// The output could not be written.
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

impl Error {
    /// The error with its chain of causes, one `caused by:` line each, as
    /// printed by `vigie build` and shown in `vigie serve`'s overlay.
    pub fn report(&self) -> String {
        use std::error::Error as _;
        let mut text = self.to_string();
        let mut source = self.source();
        while let Some(cause) = source {
            let line = cause.to_string();
            if !line.is_empty() && !text.contains(&line) {
                text.push_str("\n  caused by: ");
                text.push_str(&line);
            }
            source = cause.source();
        }
        text
    }

    /// How many errors this stands for (a content error may list many files).
    pub fn error_count(&self) -> usize {
        match self {
            Error::Content(d) | Error::Config(d) => d.error_count().max(1),
            _ => 1,
        }
    }
}
