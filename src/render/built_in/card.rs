//! Stage 4 (render): the built-in card (`card.html` with the `badges.html`
//! it includes), written from its values ([`IncidentCard`]) as Tera writes
//! it (see [`super`]). Every list shows one card per incident, so it is
//! the one fragment made for every post.

use super::badges::badges;
use super::{shown, BuiltIn, Html};
use crate::render::views::IncidentCard;

/// The templates the card stands for.
pub(crate) const TEMPLATES: [&str; 2] = ["card.html", "badges.html"];

/// The card of `i`, as `card.html` renders it.
pub(crate) fn card_html(i: &IncidentCard, b: &BuiltIn) -> String {
    let t = &b.labels;
    let mut bytes = Vec::with_capacity(1024);
    let mut out = Html(&mut bytes);
    out.raw("\n<article class=\"card kind-").text(i.kind);
    if let Some(severity) = shown(&i.severity) {
        out.raw(" severity-").text(severity);
    }
    out.raw(" phase-").text(i.phase).raw("\">\n  <h3 class=\"card-title\"><a href=\"");
    out.text(&i.url).raw("\">").text(&i.title).raw("</a></h3>\n  ");
    badges(&mut out, i, t);
    out.raw("\n  <p class=\"when\">\n    ").time(&i.start, &i.start.long);
    if let Some(end) = &i.end {
        out.raw(" – ").time(end, if end.date == i.start.date { &end.time } else { &end.long });
    }
    if let Some(actual) = &i.actual_end {
        let (label, written) =
            if actual.date == i.start.date { (&t.ended_at, &actual.time) } else { (&t.ended_on, &actual.long) };
        out.raw(" <span class=\"actual-end\">(").raw(label).raw(" ").time(actual, written).raw(")</span>");
    }
    if let Some(duration) = shown(&i.duration) {
        out.raw(" <span class=\"duration\">(").text(duration).raw(")</span>");
    }
    out.raw("\n  </p>\n  <p class=\"services\"><span class=\"visually-hidden\">").raw(&t.services);
    out.raw("&nbsp;: </span>");
    out.service_links(&i.services, "<a class=\"service\" href=\"");
    out.raw("\n  </p>");
    if let Some(summary) = shown(&i.summary_html) {
        out.raw("\n  <div class=\"summary\">").raw(summary).raw("</div>");
    }
    out.raw("\n</article>\n");
    // Only text and escaped text went in.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
