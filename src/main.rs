//! The `vigie` binary: parses arguments, runs a command, prints errors with
//! their causes on stderr (every command through [`print_error`], the same
//! text as `vigie serve`'s overlay) and picks the exit status.

mod cli;

/// mimalloc: the build allocates many small strings on two threads, where
/// it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use cli::{
    BuildArgs, CheckArgs, Cli, Command, FormatArg, ImportArgs, ImportCommand, InitArgs, NewArgs, ServeArgs, UpdateArgs,
};
use std::process::ExitCode;
use std::time::Instant;
use vigie::{build, BuildOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => match run_build(args, cli.verbose) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                print_error(&e);
                let count = e.error_count();
                eprintln!(
                    "Build failed: {count} error{}; the previous output was left untouched.",
                    if count == 1 { "" } else { "s" }
                );
                ExitCode::from(1)
            }
        },
        Command::Serve(args) => match run_serve(args, cli.verbose) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                print_error(&e);
                ExitCode::from(1)
            }
        },
        Command::Init(args) => run_init(args),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            clap_complete::generate(shell, &mut Cli::command(), "vigie", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            use clap::CommandFactory as _;
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cannot write the manual page: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Import(ImportCommand::Statuspage(args)) => run_import(args, &vigie::import::statuspage::read),
        Command::Import(ImportCommand::Cstate(args)) => run_import(args, &vigie::import::cstate::read),
        Command::Import(ImportCommand::Legacy(args)) => {
            let options = vigie::import::legacy::LegacyOptions {
                service_map: args.service_map.unwrap_or_default(),
                keep_follow_ups: args.keep_follow_ups,
            };
            run_import(args.common, &|path, config| vigie::import::legacy::read(path, config, &options))
        }
        Command::New(args) => run_new(args),
        Command::Update(args) => run_update(args),
        Command::Check(args) => run_check(args),
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
    if report.unchanged {
        eprintln!("Nothing changed since the last build of {}: nothing written.", output.display());
        return Ok(());
    }
    if verbose {
        for (step, took) in &report.timings {
            eprintln!("  {step:<14} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
        eprintln!("  {} files not rendered again: the last build's memo says they are the same", report.not_rendered);
        if !report.built_in.is_empty() {
            eprintln!(
                "  {}: written by vigie without the template engine (the theme's are the built-in ones)",
                report.built_in.join(", ")
            );
        }
    }
    eprintln!(
        "Built {} pages, {} feeds, {} calendars, {} status API files, {} badges from {} incidents in {} ms → {} ({} files written, {} unchanged)",
        report.pages,
        report.feeds,
        report.calendars,
        report.api_files,
        report.badges,
        report.incidents,
        started.elapsed().as_millis(),
        output.display(),
        report.written.written,
        report.written.kept,
    );
    if let Some(next) = &report.next_change {
        eprintln!("{next}; rebuild then to show it (see \"Keeping the site on time\" in the README).");
    }
    Ok(())
}

fn run_serve(args: ServeArgs, verbose: bool) -> Result<(), vigie::Error> {
    let output = if args.output.is_absolute() { args.output.clone() } else { args.root.join(&args.output) };
    vigie::serve::serve(vigie::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        poll: args.poll,
        output,
        verbose,
    })
}

/// Prints why a command failed on stderr: each finding with its hint and
/// its causes, as `vigie serve` prints (and shows) a failed rebuild.
fn print_error(error: &vigie::Error) {
    eprintln!("{}", error.report());
}

/// `vigie init`: what was written and what to run next, or why nothing was.
/// On a terminal, asks for what the flags did not give; elsewhere asks nothing.
fn run_init(args: InitArgs) -> ExitCode {
    use std::io::IsTerminal as _;
    use vigie::authoring::init::{init_site, InitOptions};
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let ask = |given: Option<String>, question: &str, default: &str| -> Option<String> {
        if given.is_some() || !interactive {
            return given;
        }
        eprint!("{question} [{default}]: ");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok()?;
        let line = line.trim();
        (!line.is_empty()).then(|| line.to_string())
    };
    let title = ask(args.title, "Title of the site", "Incidents");
    let language = ask(args.language, "Language of the pages (fr or en)", "fr").unwrap_or_else(|| "fr".to_string());
    let base_url = ask(args.base_url, "Public address (change it later in site.toml)", "https://status.example.com/");
    let options = InitOptions {
        dir: args.dir,
        title,
        language,
        base_url,
        timezone: args.timezone,
        now: vigie::site::build_time(),
    };
    match init_site(&options) {
        Ok(site) => {
            eprintln!("Created a new site in {}:", site.dir.display());
            for file in &site.files {
                eprintln!("  {}", file.display());
            }
            let cd = if site.dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", site.dir.display())
            };
            eprintln!("Next: {cd}vigie serve (a preview at http://127.0.0.1:1111/); set base_url in site.toml before deploying.");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_error(&errors.into());
            eprintln!("Nothing was written.");
            ExitCode::from(1)
        }
    }
}

/// `vigie import <format>`, with the format's reader: the plan on a dry
/// run, else what was written; the services to declare; or why nothing was written.
fn run_import(
    args: ImportArgs,
    read: &dyn Fn(
        &std::path::Path,
        &vigie::config::SiteConfig,
    ) -> Result<vigie::import::Imported, vigie::diagnostics::Diagnostics>,
) -> ExitCode {
    use vigie::import::write_posts;
    let started = Instant::now();
    let result =
        vigie::config::SiteConfig::load(&args.root).and_then(|config| read(&args.path, &config)).and_then(|imported| {
            // A bar on a terminal only (indicatif draws nothing elsewhere): checking, then writing, each post.
            let steps = imported.posts.len() as u64 * if args.dry_run { 1 } else { 2 };
            let bar = indicatif::ProgressBar::new(steps);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message("checking and writing posts");
            let result = write_posts(&args.root, imported, args.dry_run, args.add_services, &|| bar.inc(1));
            bar.finish_and_clear();
            result
        });
    match result {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            let guessed = report.files.iter().filter(|(_, p)| !p.guesses.is_empty()).count();
            if args.dry_run {
                print!("{}", report.plan());
                eprintln!(
                    "Dry run: {} posts would be written ({guessed} with guesses); nothing was written.",
                    report.files.len()
                );
            } else {
                let updates: usize = report.files.iter().map(|(_, p)| p.updates.len()).sum();
                eprintln!(
                    "Imported {} posts with {updates} updates in {} ms ({guessed} with guesses: see --dry-run).",
                    report.files.len(),
                    started.elapsed().as_millis()
                );
            }
            if !report.missing_services.is_empty() {
                if report.services_added {
                    eprintln!("Added to site.toml:\n{}", report.missing_services);
                } else {
                    eprintln!(
                        "Declare these services in site.toml (or run again with --add-services):\n{}",
                        report.missing_services
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_error(&errors.into());
            eprintln!("Nothing was imported.");
            ExitCode::from(1)
        }
    }
}

/// `vigie new`: the new file's path on stdout, or why there is none.
fn run_new(args: NewArgs) -> ExitCode {
    use vigie::authoring::new::{new_post, NewOptions};
    let options = NewOptions {
        root: args.root,
        title: args.title,
        services: args.services,
        kind: args.kind.into(),
        severity: args.severity.map(Into::into),
        start: args.start,
        end: args.end,
        text: args.text,
        now: vigie::site::build_time(),
    };
    match new_post(&options) {
        Ok(created) => {
            for warning in &created.warnings {
                eprintln!("{warning}");
            }
            println!("{}", created.path.display());
            if let Some(steps) = &created.next_steps {
                eprintln!("{steps}");
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_error(&errors.into());
            eprintln!("No file was written.");
            ExitCode::from(1)
        }
    }
}

/// `vigie update`: what was added, or why the file was left as it was.
fn run_update(args: UpdateArgs) -> ExitCode {
    use vigie::authoring::update::{add_update, UpdateOptions};
    let status: vigie::content::model::Status = args.status.into();
    let options = UpdateOptions {
        root: args.root,
        path: args.path,
        status,
        text: args.text,
        at: args.at,
        now: vigie::site::build_time(),
    };
    match add_update(&options) {
        Ok(updated) => {
            for warning in &updated.warnings {
                eprintln!("{warning}");
            }
            let end = if updated.end_added { " and set its end" } else { "" };
            eprintln!(
                "Added the update \"{}\" at {} to {}{end}.",
                status.as_str(),
                updated.at.to_rfc3339(),
                updated.path.display()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_error(&errors.into());
            eprintln!("{} was left unchanged.", options.path.display());
            ExitCode::from(1)
        }
    }
}

/// `vigie check`: the findings on stdout; 0 when clean, 1 on errors, 2 on
/// warnings with --deny-warnings.
fn run_check(args: CheckArgs) -> ExitCode {
    use vigie::authoring::check::{check, CheckOptions};
    let report = check(&CheckOptions { root: args.root, drafts: args.drafts, now: vigie::site::build_time() });
    match args.format {
        FormatArg::Text => print!("{}", report.to_text()),
        FormatArg::Json => println!("{}", report.to_json()),
    }
    if report.errors() + report.warnings() > 0 {
        eprintln!("Check found {}.", report.summary());
    }
    ExitCode::from(report.exit_status(args.deny_warnings))
}
