//! Status badges: `badge.svg` for the site and `services/<key>/badge.svg`
//! for each service, read back as XML: the two-part shape, the words as
//! text, a `<title>` for screen readers, the state of the build time.

mod common;

use common::FixtureSite;

/// 2024-11-20 13:00 in Paris (`common::NOW`).
const NOW: i64 = 1_732_104_000;

/// A badge as read back: its title, its two words, and its boxes' widths and colours.
#[derive(Debug)]
struct Badge {
    title: String,
    words: Vec<String>,
    width: f64,
    boxes: Vec<(f64, String)>,
}

fn badge(site: &FixtureSite, rel: &str) -> Badge {
    let text = site.read(rel);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
    let svg = doc.root_element();
    assert_eq!(svg.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{rel}");
    assert_eq!(svg.attribute("role"), Some("img"), "{rel}");
    let number = |v: Option<&str>| v.and_then(|v| v.parse::<f64>().ok()).unwrap_or_else(|| panic!("{rel}: a number"));
    let title = svg.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap_or_default();
    assert_eq!(svg.attribute("aria-label"), Some(title), "{rel}: the same words for every reader");
    let words =
        doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").to_string()).collect();
    let boxes = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill").is_some_and(|f| f.starts_with('#')))
        .filter(|n| n.ancestors().any(|a| a.has_tag_name("g")))
        .map(|n| (number(n.attribute("width")), n.attribute("fill").unwrap_or("").to_string()))
        .collect();
    Badge { title: title.to_string(), words, width: number(svg.attribute("width")), boxes }
}

#[test]
fn every_badge_is_two_boxes_that_fit_its_words() {
    let site = FixtureSite::example();
    site.build();
    let mut seen = 0;
    for rel in site.output().keys().filter(|rel| rel.ends_with("badge.svg")) {
        let b = badge(&site, rel);
        assert_eq!(b.words.len(), 2, "{rel}: label and state");
        assert_eq!(b.title, format!("{}\u{a0}: {}", b.words[0], b.words[1]), "{rel}");
        assert_eq!(b.boxes.len(), 2, "{rel}: {b:?}");
        assert_eq!(b.boxes[0].0 + b.boxes[1].0, b.width, "{rel}: the boxes fill the badge");
        for (word, (width, _)) in b.words.iter().zip(&b.boxes) {
            assert!(*width >= 5.5 * word.chars().count() as f64, "{rel}: {word:?} in {width} px");
        }
        seen += 1;
    }
    assert_eq!(seen, 8, "the site's badge and one per service");
    let site_badge = badge(&site, "badge.svg");
    assert_eq!(site_badge.words, ["Incidents réseau", "Maintenance en cours"]);
    assert_eq!(badge(&site, "services/mail/badge.svg").words, ["Messagerie", "Opérationnel"]);
    assert_eq!(badge(&site, "services/databases/badge.svg").words, ["Bases de données", "Maintenance en cours"]);
}

#[test]
fn a_badge_shows_the_state_of_the_build_time_and_speaks_the_site_s_language() {
    let site = FixtureSite::example();
    // 2024-11-26 10:00: the minor mail incident is the only thing going on.
    site.set_time(NOW + 6 * 86_400 - 3 * 3600);
    site.build();
    let mail = badge(&site, "services/mail/badge.svg");
    assert_eq!(mail.words, ["Messagerie", "Perturbation mineure"]);
    let operational = badge(&site, "services/dns/badge.svg");
    assert_ne!(mail.boxes[1].1, operational.boxes[1].1, "another state, another colour");
    assert_eq!(badge(&site, "badge.svg").words[1], "Perturbation mineure");
    let text = site.source("site.toml").replace("language = \"fr\"", "language = \"en\"");
    site.write("site.toml", text);
    site.build();
    let mail = badge(&site, "services/mail/badge.svg");
    assert_eq!(mail.words, ["Messagerie", "Degraded performance"]);
    assert_eq!(mail.title, "Messagerie: Degraded performance");
}
