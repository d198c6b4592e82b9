//! vigie: a static site generator for incident archives.
//!
//! The pipeline, in the order data flows: [`config`] (site.toml) and
//! [`theme`] (templates, translations, static files) → [`content`] (load,
//! parse, model) → [`archive`] (the chronological index) → [`render`]
//! (pages, feeds, calendars and sitemap as render jobs) → [`output`] (the site in
//! memory, written to disk safely). [`site`] runs the steps in order;
//! [`serve`], [`authoring`] and the importers ([`import`]) are built on top of it.
//!
//! Whatever the stage, a failure is an [`Error`]: the [`diagnostics`] that
//! stopped it, built as data where it happened and rendered once, by
//! [`Error::report`].

pub mod archive;
pub mod authoring;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod import;
pub mod output;
mod paths;
pub mod render;
pub mod serve;
pub mod site;
pub mod theme;
mod toml_errors;

pub use diagnostics::Error;
pub use site::{build, BuildOptions, BuildReport, Site};
