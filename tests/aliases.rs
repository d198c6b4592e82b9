//! Old URLs keep working: `aliases` in front matter writes a redirect page
//! at each old address (meta refresh, canonical link, a plain link, under
//! the base path); an alias that would replace a post, another alias or a
//! page vigie builds is an error at the alias naming both.

mod common;

use common::{attrs, texts, FixtureSite};

const POST: &str = "content/2016/panne-messagerie.md";

/// The basic fixture (base_url https://example.fr/incidents/) with `aliases` set on one post.
fn with_aliases(aliases: &str) -> FixtureSite {
    let site = FixtureSite::copy("basic");
    let text = site.source(POST).replacen("severity = ", &format!("aliases = {aliases}\nseverity = "), 1);
    site.write(POST, text);
    site
}

#[test]
fn each_old_address_redirects_to_the_post_under_the_base_path() {
    let site = with_aliases(r#"["/issues/2016-11-22-panne/", "old/panne.html", "/archives/2016/panne"]"#);
    site.build();
    let target = "https://example.fr/incidents/2016/11/22/panne-de-la-messagerie/";
    for file in ["issues/2016-11-22-panne/index.html", "old/panne.html", "archives/2016/panne/index.html"] {
        let page = site.page(file);
        assert_eq!(attrs(&page, "link[rel=canonical]", "href"), [target], "{file}");
        assert_eq!(attrs(&page, "meta[http-equiv=refresh]", "content"), [format!("0; url={target}")], "{file}");
        assert_eq!(attrs(&page, "main a", "href"), ["/incidents/2016/11/22/panne-de-la-messagerie/"], "{file}");
        assert_eq!(texts(&page, "main a"), ["Panne de la messagerie"], "{file}");
        assert_eq!(attrs(&page, "meta[name=robots]", "content"), ["noindex"], "{file}");
    }
    let sitemap = site.read("sitemap.xml");
    assert!(!sitemap.contains("issues/") && !sitemap.contains("old/"), "redirects are not in the sitemap");
}

#[test]
fn an_alias_that_is_already_taken_names_both_files_and_nothing_is_written() {
    // Another post's page.
    let site = with_aliases(r#"["/2016/11/22/panne-de-la-messagerie/"]"#);
    site.run(["build"]).failed().has_finding(&format!(
        "{POST}:6:12: error: alias /2016/11/22/panne-de-la-messagerie/ is the address of the post {POST}"
    ));
    assert!(!site.public().exists(), "nothing written");

    // Another post's alias.
    let site = with_aliases(r#"["/issues/panne/"]"#);
    let other = "content/2016/nested/coupure-web.md";
    let text = site.source(other).replacen("services = ", "aliases = [\"issues/panne\"]\nservices = ", 1);
    site.write(other, text);
    let run = site.run(["build"]);
    let line =
        run.finding_starting_with(&format!("{POST}:6:12: error: alias /issues/panne/ is also an alias of {other}"));
    assert!(line.contains("remove it from one of the two files"), "{line}");

    // A page vigie builds: the year page.
    let site = with_aliases(r#"["/2016/"]"#);
    site.run(["build"]).failed().has_finding(&format!(
        "{POST}:6:12: error: alias /2016/ is the address of a page vigie builds (a list, a feed or a service page)"
    ));
    let check = site.run(["check"]);
    assert_eq!(check.code, Some(1), "vigie check finds it too: {}", check.stdout);
}

#[test]
fn an_alias_that_is_not_a_path_is_refused_at_its_place() {
    for (alias, problem) in [
        ("../../etc/passwd", "has an empty, . or .. segment"),
        ("/a//b/", "has an empty, . or .. segment"),
        ("/", "is the home page"),
        ("/panne?id=3", "has characters a path cannot have here"),
        ("https://old.example.fr/panne/", "has characters a path cannot have here"),
    ] {
        let site = with_aliases(&format!("[{alias:?}]"));
        let run = site.run(["build"]);
        let line = run.failed().finding_starting_with(&format!("{POST}:6:12: error: alias \"{alias}\" {problem}"));
        assert!(line.contains("aliases = [\"/issues/2019-03-01-panne/\"]"), "{line}");
    }
}
