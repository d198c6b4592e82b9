//! Stage 4 (render): the built-in `badges.html` (an incident's kind,
//! severity and phase), as the built-in card and incident page include it,
//! written as Tera writes it (see [`super`]).

use super::{shown, Html, Labels};
use crate::render::views::IncidentCard;

/// `badges.html`, as the card and the incident page include it.
pub(super) fn badges(out: &mut Html<'_>, i: &IncidentCard, t: &Labels) {
    out.raw("\n<ul class=\"badges\" aria-label=\"").raw(&t.badges_label).raw("\">\n  <li class=\"badge kind-");
    out.text(i.kind).raw("\">").text(&i.kind_label).raw("</li>");
    if let Some(severity) = shown(&i.severity) {
        out.raw("\n  <li class=\"badge severity-").text(severity).raw("\"><span class=\"visually-hidden\">");
        out.raw(&t.severity).raw("&nbsp;: </span>").text(i.severity_label.as_deref().unwrap_or_default());
        out.raw("</li>");
    }
    out.raw("\n  <li class=\"badge phase-").text(i.phase).raw("\">").text(&i.phase_label).raw("</li>\n</ul>\n");
}
