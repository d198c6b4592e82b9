//! The one harness of the whole-site tests (see `tests/README.md`): copy a
//! fixture site to a temporary folder ([`FixtureSite`]), run the real `vigie`
//! binary on it with a fixed build time ([`Run`], [`Server`]), read and parse
//! what it wrote ([`texts`], [`attrs`], [`FixtureSite::page`],
//! [`FixtureSite::feed`]), and frame a file for an exact snapshot ([`exact`]).
//!
//! Every test file that builds a site declares `mod common;` and uses only
//! this. Each test file is its own crate and uses part of it: hence the
//! `allow` of unused items and re-exports.

#![allow(dead_code, unused_imports)]

mod html;
mod run;
mod serve;
mod site;
mod snapshot;

pub use html::{attrs, texts};
pub use run::Run;
pub use serve::Server;
pub use site::{copy_tree, tree, FixtureSite, Tree};
pub use snapshot::exact;

/// Build time of every run: 2024-11-20T12:00:00Z, given to the binary as
/// `SOURCE_DATE_EPOCH` (as `.ci/run` does).
pub const NOW: &str = "1732104000";

/// What the site root is replaced by in the text a run prints.
pub const ROOT: &str = "[ROOT]";
