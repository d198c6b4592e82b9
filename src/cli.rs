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
    /// Preview the site: build it in memory, serve it and rebuild on every change.
    Serve(ServeArgs),
}

/// Arguments of `vigie serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (default: 1111, or the next free one; 0: any free port).
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Include posts marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Poll the files for changes instead of relying on file system events
    /// (network drives, WSL, containers).
    #[arg(long)]
    pub poll: bool,
    /// The build output folder, which serve never writes and never watches.
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
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
