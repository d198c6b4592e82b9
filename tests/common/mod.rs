//! Shared helpers for whole-site tests: copy a fixture site to a temporary
//! folder, run the real `vigie` binary on it, read what it wrote.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Build time used by tests: 2024-11-20T12:00:00Z.
pub const NOW: &str = "1732104000";

/// A fixture site copied to a temporary folder.
pub struct TestSite {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

/// What one run of the binary gave.
pub struct Run {
    /// Exit code.
    pub code: Option<i32>,
    /// Standard error.
    pub stderr: String,
    /// Standard output.
    pub stdout: String,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` to a new temporary folder.
    pub fn new(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("create temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        copy_tree(&src, dir.path());
        TestSite { dir }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs `vigie <args>` with `--root` pointing at this site.
    pub fn vigie(&self, args: &[&str]) -> Run {
        let mut full: Vec<&str> = args.to_vec();
        let root = self.root().to_str().expect("utf-8 temp path");
        full.extend(["--root", root]);
        let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(&full)
            .env("SOURCE_DATE_EPOCH", NOW)
            .output()
            .expect("run vigie");
        Run {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        }
    }

    /// Runs `vigie build <extra>` and panics with its stderr unless it succeeds.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend(extra);
        let run = self.vigie(&args);
        assert_eq!(run.code, Some(0), "vigie build {extra:?} failed:\n{}", run.stderr);
        run
    }

    /// Writes a file under the site root.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Reads a text file under the output folder.
    pub fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Parses an HTML page of the output.
    pub fn page(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }
}

/// Every file under `dir`: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(dir) {
        let rel = entry.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
        files.insert(rel, std::fs::read(&entry).expect("read"));
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Copies a folder tree.
pub fn copy_tree(src: &Path, dst: &Path) {
    for file in walk(src) {
        let rel = file.strip_prefix(src).expect("inside");
        let target = dst.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
    }
}

/// The texts of the elements matching a CSS selector, whitespace folded.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// The values of an attribute on the elements matching a selector.
pub fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}
