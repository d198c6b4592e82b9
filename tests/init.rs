//! `vigie init`: a new site that builds and checks clean at once, whose
//! commented options are their defaults, in French or English; a folder
//! that holds anything, or a bad flag, gets an error and nothing written.

mod common;

use common::{tree, NOW};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn vigie(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", NOW)
        .stdin(Stdio::null())
        .output()
        .expect("run vigie")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_new_site_builds_and_checks_clean_at_once() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("status");
    let init = vigie(dir.path(), &["init", "status"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stderr(&init);
    for file in ["site.toml", ".gitignore", "README.md", "content/2024/2024-11-20-exemple-lenteurs-du-webmail.md"] {
        assert!(site.join(file).is_file(), "{file} written");
        assert!(said.contains(&format!("  {file}\n")), "it says it wrote {file}: {said}");
    }
    assert!(said.contains("Next: cd status && vigie serve"), "{said}");
    let gitignore = std::fs::read_to_string(site.join(".gitignore")).expect("read");
    assert!(gitignore.contains("/public/\n") && gitignore.contains("/.public.vigie-*\n"), "{gitignore}");
    let build = vigie(&site, &["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let home = std::fs::read_to_string(site.join("public/index.html")).expect("home page");
    assert!(home.contains("<html lang=\"fr\">") && home.contains("Exemple : lenteurs du webmail"), "{home}");
    let check = vigie(&site, &["check", "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&check.stdout), stderr(&check));
}

#[test]
fn every_commented_option_is_its_default() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("s");
    assert_eq!(vigie(dir.path(), &["init", "s"]).status.code(), Some(0));
    // 55 posts, so that the list and feed sizes (20, 50) show.
    let example = site.join("content/2024/2024-11-20-exemple-lenteurs-du-webmail.md");
    let post = std::fs::read_to_string(&example).expect("read the example post");
    for n in 1..55 {
        let copy = post.replacen("title = \"", &format!("title = \"{n} "), 1);
        std::fs::write(site.join(format!("content/2024/copy-{n}.md")), copy).expect("write a copy");
    }
    assert_eq!(vigie(&site, &["build", "--output", "../as-written"]).status.code(), Some(0));
    let text = std::fs::read_to_string(site.join("site.toml")).expect("read");
    let mut uncommented = 0;
    let open: Vec<String> = text
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            // `since` shows an example date: its default is the day of the first post.
            Some(rest) if rest.starts_with("since") => line.to_string(),
            Some(rest) if rest.starts_with('[') || rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => {
                uncommented += 1;
                rest.to_string()
            }
            _ => line.to_string(),
        })
        .collect();
    assert_eq!(
        uncommented, 10,
        "theme, paginate_by, feed_limit, calendar_keep_months, allow_html, [availability] and its 4"
    );
    std::fs::write(site.join("site.toml"), open.join("\n")).expect("write");
    let build = vigie(&site, &["build", "--output", "../uncommented"]);
    assert_eq!(build.status.code(), Some(0), "{}\n{}", stderr(&build), open.join("\n"));
    let (written, uncommented) = (tree(&dir.path().join("as-written")), tree(&dir.path().join("uncommented")));
    let differ: Vec<&String> = written.keys().filter(|k| written.get(*k) != uncommented.get(*k)).collect();
    assert_eq!(differ, [".vigie-output"], "only the build's fingerprint of its sources differs");
}

#[test]
fn flags_make_an_english_site_under_a_sub_path() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let init = vigie(
        dir.path(),
        &["init", "en", "--title", "ACME \"status\"", "--language", "en", "--base-url", "https://acme.example/status"],
    );
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let site = dir.path().join("en");
    assert_eq!(vigie(&site, &["build"]).status.code(), Some(0));
    let home = std::fs::read_to_string(site.join("public/index.html")).expect("home page");
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(home.contains("<title>ACME &quot;status&quot;</title>"), "{home}");
    assert!(home.contains("href=\"/status/services/web/\""), "links under the sub-path");
    assert!(home.contains("Example: slow webmail"));
    assert_eq!(vigie(&site, &["check", "--deny-warnings"]).status.code(), Some(0));
}

#[test]
fn a_folder_that_holds_anything_or_a_bad_flag_gets_nothing_written() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("busy");
    std::fs::create_dir(&site).expect("mkdir");
    std::fs::write(site.join("notes.txt"), "mine").expect("write");
    let run = vigie(dir.path(), &["init", "busy"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).starts_with("busy: error: busy is not empty\n"), "{}", stderr(&run));
    assert!(stderr(&run).ends_with("Nothing was written.\n"), "{}", stderr(&run));
    assert_eq!(tree(&site).keys().collect::<Vec<_>>(), ["notes.txt"], "the folder is as it was");
    for (args, start) in [
        (
            vec!["init", "new", "--language", "de"],
            "--language: error: the default theme has no translations for \"de\"",
        ),
        (
            vec!["init", "new", "--base-url", "ftp://x/"],
            "--base-url: error: base_url \"ftp://x/\" must start with http:// or https://",
        ),
        (vec!["init", "new", "--timezone", "Europe/Pariss"], "--timezone: error: unknown time zone \"Europe/Pariss\""),
        (vec!["init", "busy/notes.txt"], "busy/notes.txt: error: busy/notes.txt is a file"),
    ] {
        let run = vigie(dir.path(), &args);
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        assert!(stderr(&run).starts_with(start), "{args:?}: {}", stderr(&run));
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["busy"], "no new folder, no staging folder left behind");
}
