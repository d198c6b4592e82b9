//! vigie: a static site generator for incident archives.
//!
//! The pipeline, in the order data flows: [`config`] (site.toml) and
//! [`theme`] (templates, translations, static files) → [`content`] (load,
//! parse, model) → [`archive`] (the chronological index) → [`render`]
//! (pages, feeds and sitemap as render jobs) → [`output`] (the site in
//! memory, written to disk safely). [`site`] runs the steps in order;
//! [`serve`] and [`authoring`] are built on top of it.

pub mod archive;
pub mod authoring;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod output;
mod paths;
pub mod render;
pub mod serve;
pub mod site;
pub mod theme;
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
    Theme(#[from] theme::ThemeError),
    /// A template does not compile.
    #[error("{0}")]
    Template(diagnostics::Diagnostic),
    /// A page could not be rendered.
    #[error("{0}")]
    Render(Box<diagnostics::Diagnostic>),
    /// The output could not be written.
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

impl From<render::jobs::RenderError> for Error {
    fn from(error: render::jobs::RenderError) -> Self {
        match error {
            render::jobs::RenderError::Page(diagnostic) => Error::Render(diagnostic),
            render::jobs::RenderError::Output(error) => Error::Output(error),
        }
    }
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
