//! Stage 4 (render): the built-in theme's card (`card.html` with the
//! `badges.html` it includes), written straight from its values
//! ([`IncidentCard`]) instead of through the template engine. Every list
//! shows one card per incident, so it is the one fragment made for every
//! post. It is used only while the theme's `card.html` and `badges.html`
//! are the built-in ones byte for byte ([`Templates::are_built_in`]) and
//! `t` has every label they show; otherwise Tera renders the theme's. It
//! writes what Tera writes from those templates, byte for byte: whitespace
//! control, escaping (Tera's own function) and truthiness included.
//! `tests/built_in_card.rs` builds sites both ways and compares every file.
//!
//! [`Templates::are_built_in`]: super::engine::Templates::are_built_in

use super::engine::escape_html_into;
use super::format::TimeView;
use super::views::IncidentCard;
use std::collections::BTreeMap;

/// The templates the card is written from.
pub(crate) const TEMPLATES: [&str; 2] = ["card.html", "badges.html"];

/// The labels of `t` that the card shows, escaped.
pub(crate) struct CardLabels {
    badges: Vec<u8>,
    severity: Vec<u8>,
    ended_at: Vec<u8>,
    ended_on: Vec<u8>,
    services: Vec<u8>,
}

impl CardLabels {
    /// The card's labels from `t`, or `None` when one is missing (Tera then
    /// renders the card, and says which).
    pub(crate) fn from(t: &BTreeMap<String, String>) -> Option<CardLabels> {
        let label = |key: &str| t.get(key).map(|text| escaped(text));
        Some(CardLabels {
            badges: label("badges_label")?,
            severity: label("severity")?,
            ended_at: label("ended_at")?,
            ended_on: label("ended_on")?,
            services: label("services")?,
        })
    }
}

fn escaped(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    escape_html_into(text, &mut out);
    out
}

/// What a value shows in a template's `{% if %}`: a string is false when empty.
fn shown(text: &Option<impl AsRef<str>>) -> Option<&str> {
    text.as_ref().map(AsRef::as_ref).filter(|s| !s.is_empty())
}

/// The card of `i`, as `card.html` renders it.
pub(crate) fn card_html(i: &IncidentCard, t: &CardLabels) -> String {
    let mut out = Vec::with_capacity(1024);
    let text = |out: &mut Vec<u8>, s: &str| escape_html_into(s, out);
    let raw = |out: &mut Vec<u8>, s: &[u8]| out.extend_from_slice(s);
    raw(&mut out, b"\n<article class=\"card kind-");
    text(&mut out, i.kind);
    if let Some(severity) = shown(&i.severity) {
        raw(&mut out, b" severity-");
        text(&mut out, severity);
    }
    raw(&mut out, b" phase-");
    text(&mut out, i.phase);
    raw(&mut out, b"\">\n  <h3 class=\"card-title\"><a href=\"");
    text(&mut out, &i.url);
    raw(&mut out, b"\">");
    text(&mut out, &i.title);
    raw(&mut out, b"</a></h3>\n  ");
    badges(&mut out, i, t);
    raw(&mut out, b"\n  <p class=\"when\">\n    ");
    time(&mut out, &i.start, &i.start.long);
    if let Some(end) = &i.end {
        raw(&mut out, " – ".as_bytes());
        time(&mut out, end, if end.date == i.start.date { &end.time } else { &end.long });
    }
    if let Some(actual) = &i.actual_end {
        raw(&mut out, b" <span class=\"actual-end\">(");
        let (label, shown) =
            if actual.date == i.start.date { (&t.ended_at, &actual.time) } else { (&t.ended_on, &actual.long) };
        raw(&mut out, label);
        raw(&mut out, b" ");
        time(&mut out, actual, shown);
        raw(&mut out, b")</span>");
    }
    if let Some(duration) = shown(&i.duration) {
        raw(&mut out, b" <span class=\"duration\">(");
        text(&mut out, duration);
        raw(&mut out, b")</span>");
    }
    raw(&mut out, b"\n  </p>\n  <p class=\"services\"><span class=\"visually-hidden\">");
    raw(&mut out, &t.services);
    raw(&mut out, b"&nbsp;: </span>");
    for (n, s) in i.services.iter().enumerate() {
        raw(&mut out, b"<a class=\"service\" href=\"");
        text(&mut out, &s.url);
        raw(&mut out, b"\">");
        text(&mut out, &s.name);
        raw(&mut out, b"</a>");
        if n + 1 < i.services.len() {
            raw(&mut out, b", ");
        }
    }
    raw(&mut out, b"\n  </p>");
    if let Some(summary) = shown(&i.summary_html) {
        raw(&mut out, b"\n  <div class=\"summary\">");
        raw(&mut out, summary.as_bytes());
        raw(&mut out, b"</div>");
    }
    raw(&mut out, b"\n</article>\n");
    // Only text and escaped text went in.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `badges.html`, as the card includes it.
fn badges(out: &mut Vec<u8>, i: &IncidentCard, t: &CardLabels) {
    out.extend_from_slice(b"\n<ul class=\"badges\" aria-label=\"");
    out.extend_from_slice(&t.badges);
    out.extend_from_slice(b"\">\n  <li class=\"badge kind-");
    escape_html_into(i.kind, out);
    out.extend_from_slice(b"\">");
    escape_html_into(&i.kind_label, out);
    out.extend_from_slice(b"</li>");
    if let Some(severity) = shown(&i.severity) {
        out.extend_from_slice(b"\n  <li class=\"badge severity-");
        escape_html_into(severity, out);
        out.extend_from_slice(b"\"><span class=\"visually-hidden\">");
        out.extend_from_slice(&t.severity);
        out.extend_from_slice(b"&nbsp;: </span>");
        escape_html_into(i.severity_label.as_deref().unwrap_or_default(), out);
        out.extend_from_slice(b"</li>");
    }
    out.extend_from_slice(b"\n  <li class=\"badge phase-");
    escape_html_into(i.phase, out);
    out.extend_from_slice(b"\">");
    escape_html_into(&i.phase_label, out);
    out.extend_from_slice(b"</li>\n</ul>\n");
}

/// `<time datetime="…">shown</time>`.
fn time(out: &mut Vec<u8>, at: &TimeView, shown: &str) {
    out.extend_from_slice(b"<time datetime=\"");
    escape_html_into(&at.iso, out);
    out.extend_from_slice(b"\">");
    escape_html_into(shown, out);
    out.extend_from_slice(b"</time>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::engine::Templates;

    fn default_theme_with(overrides: &[(&str, &str)]) -> Templates {
        let root = tempfile::tempdir().expect("a temporary folder");
        for (name, text) in overrides {
            let path = root.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create templates/");
            std::fs::write(path, text).expect("write a template");
        }
        let theme = crate::theme::load(root.path(), "default").expect("the built-in theme");
        Templates::compile(&theme, &[]).expect("compiles")
    }

    #[test]
    fn the_built_in_theme_has_the_built_in_card() {
        assert!(default_theme_with(&[]).are_built_in(&TEMPLATES));
    }

    #[test]
    fn a_card_or_badges_of_the_site_is_rendered_by_the_theme() {
        for name in TEMPLATES {
            let templates = default_theme_with(&[(name, "<p>{{ i.title }}</p>")]);
            assert!(!templates.are_built_in(&TEMPLATES), "{name} of the site taken for the built-in one");
        }
    }

    #[test]
    fn a_missing_label_leaves_the_card_to_the_template_engine() {
        let mut t: BTreeMap<String, String> =
            ["badges_label", "severity", "ended_at", "ended_on", "services"].map(|k| (k.into(), k.into())).into();
        assert!(CardLabels::from(&t).is_some());
        t.remove("ended_on");
        assert!(CardLabels::from(&t).is_none());
    }
}
