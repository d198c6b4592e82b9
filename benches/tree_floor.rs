//! The least a rebuild must do on this disk when a killed build has to
//! leave the old site or the new one, never a mix, the new site is
//! swapped in whole and it is staged in a new tree (as `vigie build` does
//! for the first rebuild after a cold build; later ones stage it in the
//! site before last, whose tree is already there): make the new site's
//! folder tree beside the old one and hard-link every unchanged file into
//! it. Nothing else: no reading, no rendering, no writing of contents, no
//! swap, no removal of the old tree (done outside the timing).
//!
//! cargo bench --bench tree_floor -- BUILT_SITE [RUNS]
//!
//! BUILT_SITE is an output folder of `vigie build` on the disk to measure.
//! Prints the median over RUNS (default 3) of the folders' and the links'
//! times and their sum, to set beside the first edit rebuild on disk.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench tree_floor -- BUILT_SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let copy = sibling(&site);
    let tree = Tree::of(&site);
    let (mut folders, mut links) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        remove(&copy);
        let started = Instant::now();
        tree.make_folders(&copy);
        folders.push(started.elapsed());
        let started = Instant::now();
        tree.link_files(&site, &copy);
        links.push(started.elapsed());
    }
    remove(&copy);
    let (folders, links) = (median(folders), median(links));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "total {:.0} ms for {} folders and {} files (folders {:.0} ms, hard links {:.0} ms; {} threads, medians of {runs})",
        ms(folders + links),
        tree.levels.iter().map(Vec::len).sum::<usize>(),
        tree.files.len(),
        ms(folders),
        ms(links),
        rayon::current_num_threads(),
    );
}

/// A built site's folders (by depth, so that a level's folders can be made
/// at once once the level above exists) and files, relative to its root.
struct Tree {
    levels: Vec<Vec<PathBuf>>,
    files: Vec<PathBuf>,
}

impl Tree {
    fn of(site: &Path) -> Tree {
        let mut tree = Tree { levels: Vec::new(), files: Vec::new() };
        for entry in walkdir::WalkDir::new(site).min_depth(1).into_iter().filter_map(Result::ok) {
            let relative = entry.path().strip_prefix(site).expect("under the site").to_path_buf();
            if entry.file_type().is_dir() {
                let depth = entry.depth() - 1;
                if tree.levels.len() <= depth {
                    tree.levels.resize_with(depth + 1, Vec::new);
                }
                tree.levels[depth].push(relative);
            } else {
                tree.files.push(relative);
            }
        }
        tree
    }

    fn make_folders(&self, root: &Path) {
        std::fs::create_dir(root).expect("the copy's root");
        for level in &self.levels {
            level.par_iter().for_each(|folder| std::fs::create_dir(root.join(folder)).expect("a folder"));
        }
    }

    fn link_files(&self, from: &Path, to: &Path) {
        self.files.par_iter().for_each(|file| std::fs::hard_link(from.join(file), to.join(file)).expect("a hard link"));
    }
}

/// `site` with a suffix, in the same folder (hard links need the same file system).
fn sibling(site: &Path) -> PathBuf {
    let mut name = site.file_name().expect("a folder name").to_os_string();
    name.push(".tree-floor");
    site.with_file_name(name)
}

fn remove(path: &Path) {
    if path.exists() {
        std::fs::remove_dir_all(path).expect("removing the last run's copy");
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
