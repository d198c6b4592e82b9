//! The built-in theme's card and incident page are written by vigie
//! without the template engine (`src/render/built_in/`) while the theme's
//! templates they stand for are the built-in ones. Each site here is built
//! that way, then again with each of those templates differing from the
//! built-in one only by a trailing Tera comment (which renders nothing, and
//! makes Tera render what uses it): every file must be the same.

mod common;

use common::{FixtureSite, Tree};

/// The built-in template `name` with a comment added, so that it is no longer
/// the built-in one byte for byte but renders the same.
fn rendered_by_tera(name: &str) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = repo.join("themes/default/templates").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    format!("{text}{{# rendered by Tera #}}")
}

/// The site's output without the build's fingerprint of its sources (which
/// counts the templates).
fn output_without_fingerprint(site: &FixtureSite) -> Tree {
    let mut files = site.output();
    files.remove(".vigie-output");
    files
}

#[track_caller]
fn assert_same_with_tera(site: &FixtureSite) {
    site.build();
    let written = output_without_fingerprint(site);
    assert!(written.len() > 10, "[{}] the site has {} files", site.label(), written.len());
    for template in ["card.html", "badges.html", "incident.html", "base.html", "components.html"] {
        site.write(&format!("templates/{template}"), rendered_by_tera(template));
        site.build();
        let rendered = output_without_fingerprint(site);
        let differ: Vec<_> =
            written.keys().chain(rendered.keys()).filter(|p| written.get(*p) != rendered.get(*p)).collect();
        assert!(differ.is_empty(), "[{}] with {template} rendered by Tera, files differ: {differ:?}", site.label());
        site.remove(&format!("templates/{template}"));
    }
}

#[test]
fn the_cards_fixture_every_branch_of_the_card_and_page() {
    assert_same_with_tera(&FixtureSite::copy("cards"));
}

#[test]
fn the_example_site() {
    assert_same_with_tera(&FixtureSite::example());
}

#[test]
fn hostile_text() {
    assert_same_with_tera(&FixtureSite::copy("hostile"));
}

#[test]
fn an_english_site() {
    let site = FixtureSite::copy("cards").labelled("en");
    let toml = site.source("site.toml");
    site.write("site.toml", format!("language = \"en\"\n{toml}"));
    assert_same_with_tera(&site);
}
