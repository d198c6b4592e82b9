//! Stage 4 (render): status badges, the two-part « label | state » SVG
//! that a README or an intranet page embeds: `badge.svg` for the site (its
//! title and worst state) and `services/<key>/badge.svg` for each service.
//! Drawn by the theme's `badge.svg` template (built in, which a theme may
//! replace), escaped like every template; vigie measures the words.

use super::board::state_view;
use super::jobs::{Job, RenderError};
use super::urls::service_path;
use super::Renderer;
use crate::archive::status::ServiceState;
use serde::Serialize;

/// The built-in badge template, used unless the theme has its own `badge.svg`.
pub(crate) const TEMPLATE: (&str, &str) = ("badge.svg", include_str!("../../themes/default/templates/badge.svg"));

/// Room on each side of a word, in pixels.
const PADDING: u32 = 6;

/// What a badge is made of.
#[derive(Debug, Clone, Hash)]
struct Badge<'a> {
    /// The site's title or the service's name.
    label: &'a str,
    state: ServiceState,
}

/// A badge as its template gets it: the words and where they go.
#[derive(Debug, Clone, Serialize)]
struct BadgeView {
    label: String,
    /// The state's identifier (its colour).
    state: &'static str,
    /// The state in the site's language.
    state_label: String,
    /// Both, for `<title>` and `aria-label`.
    title: String,
    width: u32,
    label_width: u32,
    state_width: u32,
    /// The centre of each word.
    label_x: f64,
    state_x: f64,
    /// The measured width of each word.
    label_text: u32,
    state_text: u32,
}

#[derive(Serialize)]
struct BadgeValues {
    badge: BadgeView,
}

/// Renders the site's badge and each service's; returns how many.
pub(crate) fn render_badges(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let archive = r.archive;
    let site = Badge { label: &r.c.config.title, state: archive.site_state() };
    let mut jobs = vec![Job { file: "badge.svg".to_string(), page: "badge.svg".into(), data: site }];
    for (key, service) in &r.c.config.services {
        let file = format!("{}badge.svg", service_path(key));
        let data = Badge { label: &service.name, state: archive.service_state(key) };
        jobs.push(Job { page: file.clone().into(), file, data });
    }
    r.executor.run("badge.svg", &jobs, |job, out| {
        let values = BadgeValues { badge: view(&job.data, r) };
        r.render("badge.svg", &job.page, &values, out)
    })
}

fn view(badge: &Badge<'_>, r: &Renderer<'_>) -> BadgeView {
    let state_label = state_view(badge.state, &r.c).label;
    let (label_text, state_text) = (text_width(badge.label), text_width(&state_label));
    let (label_width, state_width) = (label_text + 2 * PADDING, state_text + 2 * PADDING);
    let title = r.c.t.label("badge_title").replace("{label}", badge.label).replace("{state}", &state_label);
    BadgeView {
        label: badge.label.to_string(),
        state: badge.state.as_str(),
        title,
        width: label_width + state_width,
        label_width,
        state_width,
        label_x: f64::from(label_width) / 2.0,
        state_x: f64::from(label_width) + f64::from(state_width) / 2.0,
        label_text,
        state_text,
        state_label,
    }
}

/// The width of `text` in Verdana 11 px, rounded up to the pixel, from
/// the advance of each kind of character (close enough for a box that
/// `textLength` then fits the words into exactly).
fn text_width(text: &str) -> u32 {
    let tenths: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '!' | '\'' | '|' | '’' => 31,
            ' ' | '\u{a0}' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 43,
            'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' | '–' => 99,
            // CJK and the scripts after it: square, wider than a capital.
            c if u32::from(c) >= 0x2e80 => 110,
            c if c.is_uppercase() => 76,
            c if c.is_ascii_digit() => 70,
            c if c.is_alphabetic() => 66,
            c if c.is_whitespace() || c.is_control() => 0,
            _ => 76,
        })
        .sum();
    tenths.div_ceil(10)
}

#[cfg(test)]
mod tests {
    use super::text_width;

    #[test]
    fn wider_words_get_wider_boxes() {
        assert_eq!(text_width(""), 0);
        assert!(text_width("Messagerie") > text_width("DNS"));
        assert!(text_width("MMMM") > text_width("iiii") * 2);
        assert_eq!(text_width("Opérationnel"), text_width("Operationnel"), "accents do not change the width");
        assert!(text_width("障害") >= 22, "a wide script is not squeezed");
    }
}
