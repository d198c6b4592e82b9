//! Command-line arguments, one struct per command.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use vigie::content::model::{Kind, Severity, Status};

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
    /// Create a new site (site.toml, an example post, .gitignore, README) in DIR, which must be empty or absent.
    Init(InitArgs),
    /// Bring posts in from another tool's export (writes new posts only, never replaces a file).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print vigie's manual page (roff) on stdout: vigie man > vigie.1.
    Man,
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Preview the site: build it in memory, serve it and rebuild on every change.
    Serve(ServeArgs),
    /// Write a new post with valid front matter and print its path.
    New(NewArgs),
    /// Add an update to a post's timeline, keeping the rest of the file as it is.
    Update(UpdateArgs),
    /// Check the site as the build does, with extra warnings, without writing anything.
    Check(CheckArgs),
}

/// Arguments of `vigie init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new site (default: the current folder, if empty).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The site's title (asked on a terminal when not given; default « Incidents »).
    #[arg(long)]
    pub title: Option<String>,
    /// The language of the pages: fr or en (asked on a terminal when not given; default fr).
    #[arg(long)]
    pub language: Option<String>,
    /// The public address, e.g. https://example.fr/incidents/ (asked on a terminal when not given).
    #[arg(long)]
    pub base_url: Option<String>,
    /// The site's time zone (IANA name).
    #[arg(long, default_value = "Europe/Paris")]
    pub timezone: String,
}

/// The formats `vigie import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Atlassian Statuspage's public API v2 JSON: a file (incidents.json, scheduled-maintenances.json,
    /// summary.json) or a folder of them.
    Statuspage(ImportArgs),
    /// A cState (Hugo) site: its folder (with content/issues/ and config.yml) or its issues folder.
    Cstate(ImportArgs),
    /// A single-page history (an HTML page or its text): entries headed by dates such as
    /// « 17 février 2013 : TITRE » or « 26/10/2011, 14h07 », newest first.
    Legacy(LegacyArgs),
}

/// Arguments of `vigie import legacy`.
#[derive(Debug, Args)]
pub struct LegacyArgs {
    #[command(flatten)]
    pub common: ImportArgs,
    /// Which words name which service: "mail=mail,smtp,imap;web=site,mutualisé" (a post gets every
    /// service one of whose words starts a word of its text; without a map, posts list no service
    /// and `vigie check` warns).
    #[arg(long, value_name = "MAP")]
    pub service_map: Option<vigie::import::legacy::ServiceMap>,
    /// Keep follow-ups (« SUITE », « SUITE 2 », the same subject within three days) as posts of
    /// their own instead of merging them into the post they follow as updates.
    #[arg(long)]
    pub keep_follow_ups: bool,
}

/// Arguments of `vigie import <format>`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export: a file, or a folder of files.
    pub path: PathBuf,
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print what would be written (one line per post, with what was guessed), and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Declare the services the posts need in site.toml (keeping the rest of the file as it is)
    /// instead of printing them.
    #[arg(long)]
    pub add_services: bool,
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

/// Arguments of `vigie new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The title, e.g. "Téléphonie IP indisponible"; the file name and URL come from it.
    pub title: String,
    /// An affected service, as declared in site.toml (repeat for several).
    #[arg(long = "service", short, value_name = "KEY")]
    pub services: Vec<String>,
    /// What the post is about.
    #[arg(long, value_enum, default_value_t = KindArg::Incident)]
    pub kind: KindArg,
    /// How bad it is (required for an incident).
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// When it started: "2024-09-23 07:40" in the site's time zone, or RFC 3339 (default: now).
    #[arg(long)]
    pub start: Option<String>,
    /// When it ended (same forms); for a maintenance, required: the end of its planned window.
    #[arg(long)]
    pub end: Option<String>,
    /// The first update's text, instead of a placeholder.
    #[arg(long)]
    pub text: Option<String>,
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Arguments of `vigie update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The post to update (from the current folder, or from the site root).
    pub path: PathBuf,
    /// The new status.
    #[arg(long, value_enum)]
    pub status: StatusArg,
    /// What changed (Markdown).
    pub text: String,
    /// When: "2024-09-23 08:45" in the site's time zone, or RFC 3339 (default: now).
    #[arg(long)]
    pub at: Option<String>,
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Arguments of `vigie check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site root, where site.toml is.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Exit with status 2 when there are warnings (and no error).
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Check drafts too, as they would be published with --drafts.
    #[arg(long)]
    pub drafts: bool,
}

/// `--kind` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// An unplanned outage or degradation.
    Incident,
    /// A planned maintenance window.
    Maintenance,
    /// Information, with no outage.
    Notice,
}

impl From<KindArg> for Kind {
    fn from(kind: KindArg) -> Kind {
        match kind {
            KindArg::Incident => Kind::Incident,
            KindArg::Maintenance => Kind::Maintenance,
            KindArg::Notice => Kind::Notice,
        }
    }
}

/// `--severity` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    /// Degraded for some customers.
    Minor,
    /// Unavailable for many customers.
    Major,
    /// Unavailable for all customers.
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(severity: SeverityArg) -> Severity {
        match severity {
            SeverityArg::Minor => Severity::Minor,
            SeverityArg::Major => Severity::Major,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// `--status` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// Incident: the cause is being looked for.
    Investigating,
    /// Incident: the cause is known.
    Identified,
    /// Incident: a fix is in place and watched.
    Monitoring,
    /// Incident: over (sets `end` when absent).
    Resolved,
    /// Maintenance: announced.
    Scheduled,
    /// Maintenance: under way.
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
    /// Maintenance: over (sets `end` when absent).
    Completed,
    /// Maintenance: called off (sets no `end`).
    Cancelled,
}

impl From<StatusArg> for Status {
    fn from(status: StatusArg) -> Status {
        match status {
            StatusArg::Investigating => Status::Investigating,
            StatusArg::Identified => Status::Identified,
            StatusArg::Monitoring => Status::Monitoring,
            StatusArg::Resolved => Status::Resolved,
            StatusArg::Scheduled => Status::Scheduled,
            StatusArg::InProgress => Status::InProgress,
            StatusArg::Completed => Status::Completed,
            StatusArg::Cancelled => Status::Cancelled,
        }
    }
}

/// `--format` values of `vigie check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// `path:line:col: level: message`, then `  help: …` and `  caused by: …`.
    Text,
    /// A JSON array of {path, line, col, level, message, hint, causes}.
    Json,
}
