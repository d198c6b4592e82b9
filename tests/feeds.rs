//! The feeds of the `basic` fixture site, parsed with feed-rs.

mod common;

use common::FixtureSite;
use feed_rs::model::Feed;

fn titles(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.title.as_ref().map(|t| t.content.clone()).unwrap_or_default()).collect()
}

#[test]
fn global_feeds_list_entries_by_last_change_within_the_limit() {
    let site = FixtureSite::copy("basic");
    site.build();
    for rel in ["atom.xml", "rss.xml"] {
        let feed = site.feed(rel);
        assert_eq!(
            titles(&feed),
            [
                "[En cours] Téléphonie IP perturbée",
                "[Maintenance prévue] Maintenance des routeurs",
                "[Résolu] Tom & Jerry <script>alert(1)</script> \"quoted\" ]]> 🚨 é",
            ],
            "{rel}: latest change first, capped by feed_limit = 3"
        );
        assert_eq!(feed.title.as_ref().map(|t| t.content.as_str()), Some("Incidents & <tests>"), "{rel}");
        let link = &feed.entries[0].links[0].href;
        assert_eq!(
            link, "https://example.fr/incidents/2024/11/19/telephonie-ip-perturbee/",
            "{rel}: absolute link under the sub-path"
        );
        let ids: std::collections::HashSet<_> = feed.entries.iter().map(|e| e.id.clone()).collect();
        assert_eq!(ids.len(), feed.entries.len(), "{rel}: ids are unique");
    }
    for (rel, kind) in [("atom.xml", "application/atom+xml"), ("rss.xml", "application/rss+xml")] {
        let feed = site.feed(rel);
        let own: Vec<_> = feed
            .links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("self"))
            .map(|l| (l.href.as_str(), l.media_type.as_deref()))
            .collect();
        let url = format!("https://example.fr/incidents/{rel}");
        assert_eq!(own, [(url.as_str(), Some(kind))], "{rel}: one self link, to itself, with its type");
    }
}

#[test]
fn service_feeds_hold_only_their_service() {
    let site = FixtureSite::copy("basic");
    site.build();
    let voip = site.feed("services/voip/atom.xml");
    assert_eq!(titles(&voip), ["[En cours] Téléphonie IP perturbée"]);
    assert_eq!(voip.title.map(|t| t.content), Some("Incidents & <tests> – Téléphonie IP".to_string()));
    let web = site.feed("services/web/rss.xml");
    assert_eq!(web.entries.len(), 3, "web has 3 published posts");
    let categories: Vec<_> = web.entries[2].categories.iter().map(|c| c.term.clone()).collect();
    assert!(categories.contains(&"Hébergement web".to_string()), "categories name services: {categories:?}");
}

#[test]
fn a_service_without_incidents_gets_valid_empty_feeds() {
    let site = FixtureSite::copy("basic");
    let toml = site.source("site.toml");
    site.write("site.toml", format!("{toml}\n[services.dns]\nname = \"DNS\"\n"));
    site.build();
    for rel in ["services/dns/atom.xml", "services/dns/rss.xml"] {
        assert!(site.feed(rel).entries.is_empty(), "{rel}");
    }
}

#[test]
fn special_characters_survive_in_titles_and_content() {
    let site = FixtureSite::copy("basic");
    site.build();
    for rel in ["atom.xml", "rss.xml"] {
        let feed = site.feed(rel);
        let entry = feed.entries.iter().find(|e| e.links[0].href.contains("/2024/03/10/")).expect("special entry");
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .expect("full content");
        let fragment = scraper::Html::parse_fragment(&body);
        let text: String = fragment.root_element().text().collect();
        assert!(text.contains("Résumé avec & et < et > et ]]> et 🚨."), "{rel}: summary intact: {text}");
        assert!(text.contains("Fini : a < b & c > d ]]> 🚨"), "{rel}: update text intact: {text}");
        assert!(text.contains("<script>alert(\"x\")</script>"), "{rel}: raw HTML shown as text: {text}");
        let scripts = scraper::Selector::parse("script").expect("selector");
        assert_eq!(fragment.select(&scripts).count(), 0, "{rel}: no executable markup in content");
    }
}

#[test]
fn an_update_moves_updated_and_keeps_the_id() {
    let site = FixtureSite::copy("basic");
    site.build();
    let before = site.feed("services/voip/atom.xml");
    let post = "content/2024/ongoing.md";
    let text = site.source(post);
    let body_start = text.rfind("+++").expect("closing fence");
    let new_text = format!(
        "{}[[updates]]\nat = 2024-11-19T09:10:00+01:00\nstatus = \"identified\"\ntext = \"Cause trouvée.\"\n{}",
        &text[..body_start],
        &text[body_start..]
    );
    site.write(post, new_text);
    site.build();
    let after = site.feed("services/voip/atom.xml");
    assert_eq!(before.entries[0].id, after.entries[0].id, "the id must not change");
    let (b, a) = (before.entries[0].updated.expect("updated"), after.entries[0].updated.expect("updated"));
    assert_eq!(b.to_rfc3339(), "2024-11-19T06:40:00+00:00");
    assert_eq!(a.to_rfc3339(), "2024-11-19T08:10:00+00:00", "updated is the latest update");
    assert_eq!(
        after.entries[0].published.map(|p| p.to_rfc3339()),
        Some("2024-11-19T06:40:00+00:00".into()),
        "published is the start"
    );
    let rss = site.feed("services/voip/rss.xml");
    assert_eq!(rss.entries[0].id, after.entries[0].id, "RSS guid and Atom id agree");
}

#[test]
fn title_edits_keep_the_id() {
    let site = FixtureSite::copy("basic");
    site.build();
    let before = site.feed("services/voip/atom.xml").entries[0].id.clone();
    let post = "content/2024/ongoing.md";
    site.write(post, site.source(post).replace("Téléphonie IP perturbée", "Téléphonie IP très perturbée"));
    site.build();
    let after = site.feed("services/voip/atom.xml");
    assert_eq!(after.entries[0].id, before, "renaming an incident keeps its feed id");
    assert_eq!(before, "tag:example.fr,2024:2024/ongoing");
}

/// The URLs of an HTML fragment's elements selected by `scope` (the
/// element itself or its descendants): every `href`, `src`, and each
/// candidate of a `srcset`, as written.
fn urls_in(html: &scraper::Html, scope: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href", "src", "srcset"] {
        let selector = format!("{scope} [{attr}], {scope}[{attr}]");
        for value in common::attrs(html, &selector, attr) {
            if attr == "srcset" {
                let candidates = value.split(',').filter_map(|c| c.split_whitespace().next());
                out.extend(candidates.map(str::to_string));
            } else {
                out.push(value);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_link_in_feed_content_is_absolute_and_leads_where_the_page_link_leads() {
    for (args, base) in [
        (vec![], "https://example.fr/"),
        (vec!["--base-url", "http://127.0.0.1/incidents/"], "http://127.0.0.1/incidents/"),
    ] {
        let site = FixtureSite::copy("feed_links");
        site.build_with(&args);
        let path = "2016/11/22/panne-de-la-messagerie/";
        let page_url = url::Url::parse(base).and_then(|b| b.join(path)).expect("page url");
        // What the page links to, resolved as a browser does against the page's own URL.
        let page = site.page(&format!("{path}index.html"));
        let mut on_page: Vec<String> = urls_in(&page, ":is(.summary, .update-text, .prose)")
            .iter()
            .map(|u| page_url.join(u).expect("the page's link resolves").to_string())
            .collect();
        on_page.sort();
        let page = page_url.as_str();
        for wanted in [
            format!("{page}#fn-1"),
            format!("{page}#fnref-1"),
            format!("{page}rapport.pdf"),
            format!("{page}images/grand.png"),
            format!("{page}graphe?de=1&a=2"),
            "mailto:noc@example.fr".into(),
            "https://fournisseur.example.net/statut?id=4&lang=fr".into(),
            format!("{base}2016/11/01/autre-panne/"),
            format!("{}/2016/", page_url.origin().ascii_serialization()),
            format!("{}://cdn.example.net/x.js", page_url.scheme()),
        ] {
            assert!(on_page.contains(&wanted), "[{base}] the page links to {wanted}: {on_page:#?}");
        }
        for rel in ["atom.xml", "rss.xml", "services/mail/atom.xml", "services/mail/rss.xml"] {
            let feed = site.feed(rel);
            let entry = feed.entries.iter().find(|e| e.links[0].href == page).expect("the entry of the post");
            let body = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
                .expect("full content");
            let content = scraper::Html::parse_fragment(&body);
            let in_feed = urls_in(&content, "html");
            for url in &in_feed {
                assert!(url::Url::parse(url).is_ok(), "[{base}] {rel}: relative URL {url:?} in the content:\n{body}");
            }
            assert_eq!(in_feed, on_page, "[{base}] {rel}: the content links where the page does");
            let code = common::texts(&content, "code");
            assert!(code.contains(&"<a href=\"x/\">".to_string()), "[{base}] {rel}: code text untouched: {code:?}");
        }
    }
}
