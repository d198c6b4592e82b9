//! Command-line arguments, one struct per command.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// vigie: a static site generator for incident archives.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None)]
pub struct Cli {
    /// Print the time taken by each build step.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
}

/// Arguments of `vigie build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (relative paths are taken from the site root).
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Public address of the site, replacing site.toml's base_url (e.g. https://example.fr/incidents/).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include posts marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}
