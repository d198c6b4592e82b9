//! The physical floor of a build on this machine, as `../shared/bench`
//! defines it: read every source, render every body with comrak (vigie's
//! options), write one file per post to tmpfs; nothing else (no front
//! matter, no templates, no lists or feeds). Each step on all cores.
//!
//! cargo bench --bench floor -- SITE_ROOT [OUTPUT_DIR] [RUNS]
//!
//! Prints the median time of each step over RUNS (default 3) and their sum,
//! to set beside `vigie build` on the same posts, in the same run.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vigie::content::markdown::Markdown;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench floor -- SITE_ROOT [OUTPUT_DIR] [RUNS]");
        std::process::exit(2);
    };
    let out = args.get(1).map_or_else(|| PathBuf::from("/dev/shm/vigie-floor"), PathBuf::from);
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let sources: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let markdown = Markdown::new(false);
    let (mut read, mut render, mut write) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        let started = Instant::now();
        let texts: Vec<String> = sources.par_iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect();
        read.push(started.elapsed());
        let started = Instant::now();
        let pages: Vec<String> = texts.par_iter().map(|t| markdown.render(body(t))).collect();
        render.push(started.elapsed());
        let started = Instant::now();
        pages.par_iter().enumerate().for_each(|(n, html)| write_page(&out, n, html));
        write.push(started.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
    let (read, render, write) = (median(read), median(render), median(write));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "total {:.0} ms for {} posts (read {:.0} ms, Markdown {:.0} ms, write {:.0} ms; {} threads, medians of {runs})",
        ms(read + render + write),
        sources.len(),
        ms(read),
        ms(render),
        ms(write),
        rayon::current_num_threads(),
    );
}

/// The Markdown after the front matter (`+++` … `+++`).
fn body(text: &str) -> &str {
    text.strip_prefix("+++").and_then(|rest| rest.split_once("\n+++").map(|(_, body)| body)).unwrap_or(text)
}

fn write_page(out: &Path, n: usize, html: &str) {
    let dir = out.join(n.to_string());
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("index.html"), html));
    if let Err(e) = written {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
