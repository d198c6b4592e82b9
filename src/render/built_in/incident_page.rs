//! Stage 4 (render): the built-in incident page (`incident.html` in
//! `base.html`, with the `badges.html` and the `as_of` component of
//! `components.html` it uses), written from its values as Tera writes it
//! (see [`super`]).

use super::badges::badges;
use super::{shown, BuiltIn, FeedValues, Html};
use crate::render::engine::PageAddress;
use crate::render::format::TimeView;
use crate::render::views::{FeedLinks, IncidentDetail};

/// The templates the page stands for.
pub(crate) const TEMPLATES: [&str; 4] = ["incident.html", "base.html", "badges.html", "components.html"];

/// What the page of one incident shows besides the build's values.
pub(crate) struct IncidentPageValues<'v> {
    /// The incident.
    pub incident: &'v IncidentDetail,
    /// The build time, while the incident is not settled.
    pub as_of: Option<&'v TimeView>,
    /// The feeds of each of its services, in its services' order.
    pub service_feeds: &'v [&'v FeedLinks],
}

/// Writes the page at `address` into `out`, as `incident.html` renders it.
pub(crate) fn write(out: &mut Vec<u8>, b: &BuiltIn, address: &PageAddress<'_>, v: &IncidentPageValues<'_>) {
    let (t, site, i) = (&b.labels, &b.site, &v.incident.card);
    let mut out = Html(out);
    out.raw("<!DOCTYPE html>\n<html lang=\"").raw(&site.language).raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    out.text(&i.title).raw(" – ").raw(&site.title).raw("</title>\n<meta name=\"description\" content=\"");
    out.text(&i.title).raw(" – ").text(&i.start.long).raw("\">\n<meta name=\"generator\" content=\"vigie\">\n");
    out.raw("<link rel=\"canonical\" href=\"").text(address.permalink).raw("\">\n");
    out.raw("<link rel=\"stylesheet\" href=\"").raw(&site.base_path_escaped).raw("style.css\">\n");
    out.raw("<link rel=\"icon\" href=\"").raw(&site.base_path_escaped).raw("favicon.svg\" type=\"image/svg+xml\">");
    feed_links(&mut out, &site.feeds, &t.calendar);
    for feed in v.service_feeds {
        feed_links(&mut out, &FeedValues::of(feed), &t.calendar);
    }
    out.raw("\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">").raw(&t.skip_to_content);
    out.raw("</a>\n<header class=\"site-header\">\n  <div class=\"wrap header-inner\">\n    <a class=\"site-title\" href=\"");
    out.raw(&site.base_path_escaped).raw("\">").raw(&site.title).raw("</a>\n    <nav aria-label=\"").raw(&t.nav_label);
    out.raw("\">\n      <ul>\n        <li><a href=\"").raw(&site.base_path_escaped).raw("\"");
    current_if(&mut out, address.url == site.base_path);
    out.raw(">").raw(&t.nav_home).raw("</a></li>\n        <li><a href=\"").raw(&site.base_path_escaped);
    out.raw("services/\"");
    current_if(&mut out, address.url.strip_prefix(site.base_path.as_str()) == Some("services/"));
    out.raw(">").raw(&t.nav_services).raw("</a></li>\n        <li><a href=\"").raw(&site.feeds.atom);
    out.raw("\" type=\"application/atom+xml\">").raw(&t.nav_subscribe).raw("</a></li>\n      </ul>\n    </nav>\n");
    out.raw("  </div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
    content(&mut out, b, v);
    out.raw("\n</main>\n<footer class=\"site-footer\">\n  <div class=\"wrap\">\n    <p>").raw(&site.description);
    out.raw("</p>\n    <p>").raw(&t.feeds_label).raw(" <a href=\"").raw(&site.feeds.atom);
    out.raw("\" type=\"application/atom+xml\">Atom</a> · <a href=\"").raw(&site.feeds.rss);
    out.raw("\" type=\"application/rss+xml\">RSS</a> · <a href=\"").raw(&site.feeds.webcal);
    out.raw("\" type=\"text/calendar\">").raw(&t.calendar).raw("</a> (<a href=\"").raw(&site.feeds.calendar);
    out.raw("\" type=\"text/calendar\">.ics</a>)</p>\n  </div>\n</footer>\n</body>\n</html>\n");
}

/// The three `<link rel="alternate">` of a site's or a service's feeds.
fn feed_links(out: &mut Html<'_>, feeds: &FeedValues, calendar: &[u8]) {
    out.raw("\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"").raw(&feeds.title);
    out.raw(" (Atom)\" href=\"").raw(&feeds.atom).raw("\">\n");
    out.raw("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"").raw(&feeds.title);
    out.raw(" (RSS)\" href=\"").raw(&feeds.rss).raw("\">\n");
    out.raw("<link rel=\"alternate\" type=\"text/calendar\" title=\"").raw(&feeds.title).raw(" (").raw(calendar);
    out.raw(")\" href=\"").raw(&feeds.calendar).raw("\">");
}

fn current_if(out: &mut Html<'_>, current: bool) {
    if current {
        out.raw(" aria-current=\"page\"");
    }
}

/// `incident.html`'s `content` block.
fn content(out: &mut Html<'_>, b: &BuiltIn, v: &IncidentPageValues<'_>) {
    let (t, detail) = (&b.labels, v.incident);
    let i = &detail.card;
    out.raw("\n<article class=\"incident kind-").text(i.kind);
    if let Some(severity) = shown(&i.severity) {
        out.raw(" severity-").text(severity);
    }
    out.raw(" phase-").text(i.phase).raw("\">\n  <header class=\"incident-header\">\n    <h1>").text(&i.title);
    out.raw("</h1>\n    ");
    badges(out, i, &b.labels);
    if let Some(at) = v.as_of {
        out.raw("\n    <p class=\"as-of\">").raw(&t.state_as_of).raw(" ").time(at, &at.long).raw("</p>");
    }
    out.raw("\n  </header>\n  <dl class=\"facts\">\n    <div><dt>").raw(&t.start).raw("</dt><dd>");
    out.time(&i.start, &i.start.long).raw("</dd></div>\n    <div><dt>");
    out.raw(if i.kind == "maintenance" { &t.planned_end } else { &t.end }).raw("</dt><dd>");
    match &i.end {
        Some(end) => out.time(end, &end.long),
        None => out.text(&i.phase_label),
    };
    out.raw("</dd></div>");
    if let Some(actual) = &i.actual_end {
        out.raw("\n    <div><dt>").raw(&t.actual_end).raw("</dt><dd>").time(actual, &actual.long).raw("</dd></div>");
    }
    if let Some(duration) = shown(&i.duration) {
        out.raw("\n    <div><dt>").raw(&t.duration).raw("</dt><dd>").text(duration).raw("</dd></div>");
    }
    out.raw("\n    <div><dt>").raw(&t.services).raw("</dt><dd>");
    out.service_links(&i.services, "<a href=\"");
    out.raw("</dd></div>");
    if let Some(reference) = shown(&i.reference) {
        out.raw("\n    <div><dt>").raw(&t.reference).raw("</dt><dd>").text(reference).raw("</dd></div>");
    }
    out.raw("\n  </dl>");
    if let Some(lead) = shown(&detail.lead_html) {
        out.raw("\n  <div class=\"summary lead\">").raw(lead).raw("</div>");
    }
    if !detail.updates.is_empty() {
        out.raw("\n  <section class=\"timeline\" aria-labelledby=\"timeline-heading\">\n");
        out.raw("    <h2 id=\"timeline-heading\">").raw(&t.timeline).raw("</h2>\n    <ol>");
        for u in &detail.updates {
            out.raw("\n      <li class=\"update status-").text(u.status).raw("\">\n");
            out.raw("        <p class=\"update-meta\"><strong class=\"status\">").text(&u.status_label);
            out.raw("</strong> ").time(&u.at, &u.at.long).raw("</p>\n        <div class=\"update-text\">");
            out.raw(&*u.html).raw("</div>\n      </li>");
        }
        out.raw("\n    </ol>\n  </section>");
    }
    if !detail.body_html.is_empty() {
        out.raw("\n  <div class=\"prose\">\n    ").raw(&*detail.body_html).raw("\n  </div>");
    }
    out.raw("\n  <footer class=\"incident-footer\">");
    for (n, feed) in v.service_feeds.iter().enumerate() {
        out.raw("\n    <p class=\"subscribe\"><span class=\"subscribe-label\">").raw(&t.subscribe_to).raw(" ");
        out.text(i.services.get(n).map_or("", |s| s.name.as_str())).raw("&nbsp;:</span>\n      <a href=\"");
        out.text(&feed.atom).raw("\" type=\"application/atom+xml\">").raw(&t.feed_atom).raw("</a>\n      <a href=\"");
        out.text(&feed.rss).raw("\" type=\"application/rss+xml\">").raw(&t.feed_rss).raw("</a>\n      <a href=\"");
        out.text(&feed.webcal).raw("\" type=\"text/calendar\">").raw(&t.feed_calendar).raw("</a></p>");
    }
    out.raw("\n  </footer>\n</article>");
    if detail.previous.is_some() || detail.next.is_some() {
        out.raw("\n<nav class=\"neighbours\" aria-label=\"").raw(&t.neighbours_label).raw("\">\n  <ul>");
        if let Some(previous) = &detail.previous {
            out.raw("<li class=\"previous\"><span class=\"neighbour-label\">").raw(&t.previous_incident);
            out.raw("</span> <a href=\"").text(&previous.url).raw("\" rel=\"prev\">").text(&previous.title);
            out.raw("</a></li>");
        }
        if let Some(next) = &detail.next {
            out.raw("<li class=\"next\"><span class=\"neighbour-label\">").raw(&t.next_incident);
            out.raw("</span> <a href=\"").text(&next.url).raw("\" rel=\"next\">").text(&next.title).raw("</a></li>");
        }
        out.raw("\n  </ul>\n</nav>");
    }
    out.raw("\n");
}
