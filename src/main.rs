//! The `vigie` binary: parses arguments, runs a command, prints errors with
//! their causes on stderr and picks the exit status.

mod cli;

use clap::Parser;
use cli::{BuildArgs, Cli, Command};
use std::error::Error as _;
use std::process::ExitCode;
use std::time::Instant;
use vigie::{build, BuildOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(args, cli.verbose),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

fn run_build(args: BuildArgs, verbose: bool) -> Result<(), vigie::Error> {
    let started = Instant::now();
    let output = if args.output.is_absolute() { args.output.clone() } else { args.root.join(&args.output) };
    let mut options = BuildOptions::new(&args.root);
    options.base_url = args.base_url;
    options.drafts = args.drafts;
    let report = build(options, &output)?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    if verbose {
        for (step, took) in &report.timings {
            eprintln!("  {step:<14} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    eprintln!(
        "Built {} pages, {} feeds from {} incidents in {} ms → {}",
        report.pages,
        report.feeds,
        report.incidents,
        started.elapsed().as_millis(),
        output.display()
    );
    Ok(())
}

/// Prints an error and its chain of causes, one `caused by:` line each.
fn report(error: &vigie::Error) {
    eprintln!("{error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !error.to_string().contains(&text) {
            eprintln!("  caused by: {text}");
        }
        source = cause.source();
    }
    let count = match error {
        vigie::Error::Content(d) | vigie::Error::Config(d) => d.error_count(),
        _ => 1,
    };
    eprintln!(
        "Build failed: {count} error{}; the previous output was left untouched.",
        if count == 1 { "" } else { "s" }
    );
}
