//! The `vigie` binary: parses arguments, runs a command, prints errors with
//! their causes on stderr and picks the exit status.

mod cli;

use clap::Parser;
use cli::{BuildArgs, Cli, Command, ServeArgs};
use std::process::ExitCode;
use std::time::Instant;
use vigie::{build, BuildOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => match run_build(args, cli.verbose) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                report(&e);
                ExitCode::from(1)
            }
        },
        Command::Serve(args) => match run_serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
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

fn run_serve(args: ServeArgs) -> Result<(), vigie::serve::ServeError> {
    let output = if args.output.is_absolute() { args.output.clone() } else { args.root.join(&args.output) };
    vigie::serve::serve(vigie::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        poll: args.poll,
        output,
    })
}

/// Prints an error and its chain of causes, then how many errors there were.
fn report(error: &vigie::Error) {
    eprintln!("{}", error.report());
    let count = error.error_count();
    eprintln!(
        "Build failed: {count} error{}; the previous output was left untouched.",
        if count == 1 { "" } else { "s" }
    );
}
