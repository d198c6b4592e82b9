//! [`FixtureSite`]: a site copied to a temporary folder, and the binary run on it.

use super::{Run, Server, NOW};
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under a folder: path relative to it (with `/`) → bytes.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// How long a run may take before it is killed and the test fails (it hangs).
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A site in a temporary folder, removed when the value is dropped.
///
/// The site is the folder `site/` inside the temporary folder, so that a test
/// can put files just outside the site (`../x`) without touching anything
/// else; the path is canonical, as the binary would resolve it.
pub struct FixtureSite {
    dir: tempfile::TempDir,
    root: PathBuf,
    label: String,
    /// The build time its runs get as `SOURCE_DATE_EPOCH` ([`NOW`] unless set).
    now: std::cell::Cell<i64>,
}

impl FixtureSite {
    /// Copies `tests/fixtures/<name>/` (e.g. `basic`, `bad/base`, `authoring/site`).
    #[track_caller]
    pub fn copy(name: &str) -> FixtureSite {
        let src = fixtures().join(name);
        assert!(src.is_dir(), "no fixture site {}", src.display());
        let site = FixtureSite::empty(name);
        copy_tree(&src, site.root());
        site
    }

    /// Copies the repository's own example site: `site.toml`, `content/`,
    /// `themes/` (and `static/`, `templates/` should the repository get them).
    pub fn example() -> FixtureSite {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = FixtureSite::empty("example site");
        std::fs::copy(repo.join("site.toml"), site.path("site.toml")).expect("copy site.toml");
        for folder in ["content", "themes", "static", "templates"] {
            if repo.join(folder).is_dir() {
                copy_tree(&repo.join(folder), &site.path(folder));
            }
        }
        site
    }

    /// A new temporary copy of this site's sources as they are now (its
    /// `public/` left out), e.g. to build beside a running `vigie serve`.
    pub fn duplicate(&self) -> FixtureSite {
        let site = FixtureSite::empty(&format!("copy of {}", self.label));
        copy_tree(self.root(), site.root());
        if site.public().exists() {
            std::fs::remove_dir_all(site.public()).expect("remove the copied output");
        }
        site
    }

    fn empty(label: &str) -> FixtureSite {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let root = dir.path().canonicalize().expect("canonical temporary folder").join("site");
        std::fs::create_dir(&root).expect("create the site folder");
        FixtureSite { dir, root, label: label.to_string(), now: std::cell::Cell::new(NOW.parse().expect("NOW")) }
    }

    /// Lays `tests/fixtures/<name>/` over the site, replacing files of the same path.
    #[track_caller]
    pub fn overlay(mut self, name: &str) -> FixtureSite {
        let src = fixtures().join(name);
        assert!(src.is_dir(), "[{}] no fixture folder {}", self.label, src.display());
        copy_tree(&src, &self.root);
        self.label = format!("{} + {name}", self.label);
        self
    }

    /// Names the case in failure messages (for a case written by the test itself).
    pub fn labelled(mut self, case: &str) -> FixtureSite {
        self.label = format!("{} [{case}]", self.label);
        self
    }

    /// What failure messages call this site.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The site root (where `site.toml` is).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path under the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The default output folder, `public/`.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// The temporary folder that holds the site: outside it, removed with it.
    pub fn outside(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `vigie <args> --root <site>`; killed, and the test failed, after 60 s.
    #[track_caller]
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_within(args, RUN_LIMIT)
    }

    /// [`FixtureSite::run`] with another time limit.
    #[track_caller]
    pub fn run_within<I, S>(&self, args: I, limit: Duration) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let shown: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let what = format!("[{}] vigie {}", self.label, self.normalise(&shown.join(" ")));
        let mut child = self
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: cannot start the binary: {e}"));
        let stdout = read_in_background(child.stdout.take().expect("piped stdout"));
        let stderr = read_in_background(child.stderr.take().expect("piped stderr"));
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for vigie") {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: did not finish within {limit:?}: it hangs");
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        let text = |reader: std::thread::JoinHandle<Vec<u8>>| {
            let bytes = reader.join().expect("output reader");
            self.normalise(&String::from_utf8_lossy(&bytes))
        };
        Run::new(what, status.code(), text(stdout), text(stderr))
    }

    /// The command `vigie <args> --root <site>` with the fixed build time,
    /// for a test that drives the process itself.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vigie"));
        command.args(args).arg("--root").arg(&self.root).env("SOURCE_DATE_EPOCH", self.now.get().to_string());
        command
    }

    /// Runs from now on at build time `epoch` (seconds since 1970) instead of [`NOW`].
    pub fn set_time(&self, epoch: i64) {
        self.now.set(epoch);
    }

    /// Replaces the site root by [`super::ROOT`] in text the binary printed.
    pub fn normalise(&self, text: &str) -> String {
        text.replace(self.root.to_string_lossy().as_ref(), super::ROOT)
    }

    /// Runs `vigie build` and fails the test unless it succeeds.
    #[track_caller]
    pub fn build(&self) -> Run {
        self.build_with(Vec::<&str>::new())
    }

    /// Runs `vigie build <args>` and fails the test unless it succeeds.
    #[track_caller]
    pub fn build_with<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all = vec![OsString::from("build")];
        all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        let run = self.run(all);
        if run.code != Some(0) {
            run.fail(&format!("the build must succeed, got exit status {:?}", run.code));
        }
        run
    }

    /// Starts `vigie serve --port 0 <extra>` on the site; stopped when dropped.
    pub fn serve(&self, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--port", "0"];
        args.extend(extra);
        Server::start(self.command(&args), self.label(), self.root().to_string_lossy().into_owned())
    }

    /// Writes a file under the site root, creating its folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create folder");
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Deletes a file under the site root.
    #[track_caller]
    pub fn remove(&self, rel: &str) {
        let path = self.path(rel);
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
    }

    /// A source file of the site (under the root) as text.
    #[track_caller]
    pub fn source(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("[{}] cannot read {}: {e}", self.label, path.display()))
    }

    /// A file of the output folder as bytes.
    #[track_caller]
    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        let path = self.public().join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("[{}] cannot read {}: {e}", self.label, path.display()))
    }

    /// A file of the output folder as text.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        String::from_utf8(self.read_bytes(rel)).unwrap_or_else(|e| panic!("[{}] {rel} is not UTF-8: {e}", self.label))
    }

    /// An HTML page of the output, parsed.
    #[track_caller]
    pub fn page(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }

    /// A feed of the output, parsed (Atom or RSS).
    #[track_caller]
    pub fn feed(&self, rel: &str) -> feed_rs::model::Feed {
        let xml = self.read(rel);
        feed_rs::parser::parse(xml.as_bytes())
            .unwrap_or_else(|e| panic!("[{}] {rel} does not parse: {e}\n{xml}", self.label))
    }

    /// A JSON file of the output, parsed.
    #[track_caller]
    pub fn json(&self, rel: &str) -> serde_json::Value {
        let text = self.read(rel);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("[{}] {rel} does not parse as JSON: {e}\n{text}", self.label))
    }

    /// The output's `sitemap.xml`: each `<url>` of its one `<urlset>`, as its
    /// `<loc>` and its `<lastmod>` if it has one, in order.
    #[track_caller]
    pub fn sitemap(&self) -> Vec<(String, Option<String>)> {
        let doc = scraper::Html::parse_document(&self.read("sitemap.xml"));
        let select = |css: &str| scraper::Selector::parse(css).expect("valid selector");
        assert_eq!(doc.select(&select("urlset")).count(), 1, "[{}] sitemap.xml has one <urlset>", self.label);
        let text = |url: scraper::ElementRef, css: &str| url.select(&select(css)).next().map(|e| e.text().collect());
        doc.select(&select("urlset > url"))
            .map(|url| {
                let loc = text(url, "loc").unwrap_or_else(|| panic!("[{}] a sitemap <url> without <loc>", self.label));
                (loc, text(url, "lastmod"))
            })
            .collect()
    }

    /// Every file of the output folder.
    pub fn output(&self) -> Tree {
        tree(&self.public())
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_in_background(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Every entry under `dir` but folders, symbolic links not followed: a file
/// gives its bytes, a link `<symbolic link to TARGET>`. Empty when `dir` is missing.
pub fn tree(dir: &Path) -> Tree {
    let mut files = Tree::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap_or_else(|e| panic!("cannot walk {}: {e}", dir.display()));
        let rel = entry.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
        if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("read link");
            files.insert(rel, format!("<symbolic link to {}>", target.display()).into_bytes());
        } else if entry.file_type().is_file() {
            let bytes =
                std::fs::read(entry.path()).unwrap_or_else(|e| panic!("cannot read {}: {e}", entry.path().display()));
            files.insert(rel, bytes);
        }
    }
    files
}

/// Copies every file of `src` into `dst` (created), replacing files of the same path.
pub fn copy_tree(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap_or_else(|e| panic!("cannot walk {}: {e}", src.display()));
        if entry.file_type().is_dir() {
            continue;
        }
        let target = dst.join(entry.path().strip_prefix(src).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("a file has a parent")).expect("create folder");
        std::fs::copy(entry.path(), &target)
            .unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", entry.path().display(), target.display()));
    }
}
