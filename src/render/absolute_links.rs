//! Stage 4 (render): the links of a feed entry's content made absolute. A
//! feed reader resolves a relative URL against the feed's address, not the
//! incident page's, so footnote links (`#fn-1`) and the links an author
//! writes (`../autre/`, `/2016/…`, `images/x.png`) would lead astray. Takes
//! the entry's HTML and its page's full URL; gives the same HTML with every
//! URL-carrying attribute resolved against that URL. Absolute URLs
//! (`https:`, `mailto:`…) and everything outside tags stay as they are.
//!
//! lol_html finds the attributes, so text, `<code>`, comments and raw text
//! elements that merely look like `href="…"` are never touched.

use crate::diagnostics::Diagnostic;
use html_escape::{decode_html_entities, encode_double_quoted_attribute};
use lol_html::html_content::Element;
use lol_html::{element, rewrite_str, RewriteStrSettings};
use std::path::Path;
use url::Url;

/// The attributes whose value is one URL, and the elements that carry them.
const URL_ATTRIBUTES: [(&str, &str); 7] = [
    ("[href]", "href"),
    ("[src]", "src"),
    ("[cite]", "cite"),
    ("[poster]", "poster"),
    ("[action]", "action"),
    ("[formaction]", "formaction"),
    ("object[data]", "data"),
];

/// The attributes whose value is a list of image candidates (`url 2x, url 640w`).
const SRCSET_ATTRIBUTES: [&str; 2] = ["srcset", "imagesrcset"];

/// `html` with every URL in its tags' attributes resolved against `page`;
/// `source` is the post's file, named when lol_html fails.
pub(crate) fn absolute_links(html: &str, page: &Url, source: &Path) -> Result<String, Diagnostic> {
    let one = |name: &'static str| move |el: &mut Element<'_, '_>| rewrite(el, name, |value| resolve(value, page));
    let list =
        |name: &'static str| move |el: &mut Element<'_, '_>| rewrite(el, name, |value| resolve_srcset(value, page));
    // The content is a fragment, not a document: no tree-building context to guess.
    let mut settings = RewriteStrSettings::new().with_strict(false);
    for (selector, name) in URL_ATTRIBUTES {
        settings = settings.append_element_content_handler(element!(selector, one(name)));
    }
    for name in SRCSET_ATTRIBUTES {
        settings = settings.append_element_content_handler(element!(format!("[{name}]"), list(name)));
    }
    rewrite_str(html, settings).map_err(|e| {
        Diagnostic::error(source, (0, 0), format!("cannot make the links of its feed entry absolute: {e}"))
            .with_hint("this is a bug of vigie: please report it with this post")
    })
}

/// Replaces attribute `name` of `el` by what `change` makes of its decoded
/// value (every character reference of HTML decoded), when it makes
/// something else.
fn rewrite(
    el: &mut Element<'_, '_>,
    name: &str,
    change: impl Fn(&str) -> Option<String>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let Some(raw) = el.get_attribute(name) else { return Ok(()) };
    if let Some(new) = change(&decode_html_entities(&raw)) {
        el.set_attribute(name, &encode_double_quoted_attribute(&new))?;
    }
    Ok(())
}

/// `value` resolved against `page`, unless it is already absolute (or not a URL at all).
fn resolve(value: &str, page: &Url) -> Option<String> {
    match Url::parse(value) {
        Err(url::ParseError::RelativeUrlWithoutBase) => page.join(value).ok().map(String::from),
        // Absolute (`https:`, `mailto:`…), or so broken that a reader could not use it either.
        _ => None,
    }
}

/// Each candidate URL of a `srcset` resolved against `page`, its descriptor kept.
fn resolve_srcset(value: &str, page: &Url) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = candidates(value)
        .into_iter()
        .map(|(url, descriptor)| {
            let url = resolve(url, page).inspect(|_| changed = true).unwrap_or_else(|| url.to_string());
            if descriptor.is_empty() {
                url
            } else {
                format!("{url} {descriptor}")
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// The candidates of a `srcset` (HTML's « parse a srcset attribute »): a URL
/// runs to the next white space (a comma ending it ends the candidate),
/// then its descriptor to the next comma outside parentheses.
fn candidates(value: &str) -> Vec<(&str, &str)> {
    let space = |c: char| c.is_ascii_whitespace();
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| space(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(space).unwrap_or(rest.len());
        let url = &rest[..end];
        if url.ends_with(',') {
            out.push((url.trim_end_matches(','), ""));
            rest = &rest[end..];
            continue;
        }
        let (mut depth, mut stop) = (0usize, rest.len());
        for (i, c) in rest[end..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    stop = end + i;
                    break;
                }
                _ => {}
            }
        }
        out.push((url, rest[end..stop].trim_matches(space)));
        rest = &rest[stop..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://example.fr/incidents/2016/11/22/panne/";

    fn absolute(html: &str) -> String {
        let page = Url::parse(PAGE).expect("page url");
        absolute_links(html, &page, Path::new("content/x.md")).expect("rewritten")
    }

    #[test]
    fn a_fragment_points_into_the_incident_page() {
        assert_eq!(
            absolute(r##"<sup><a href="#fn-1" id="fnref-1">1</a></sup>"##),
            r##"<sup><a href="https://example.fr/incidents/2016/11/22/panne/#fn-1" id="fnref-1">1</a></sup>"##
        );
    }

    #[test]
    fn relative_and_root_relative_paths_resolve_against_the_page() {
        assert_eq!(
            absolute(r#"<a href="../autre/">voir</a><img src="images/x.png" alt="x">"#),
            r#"<a href="https://example.fr/incidents/2016/11/22/autre/">voir</a><img src="https://example.fr/incidents/2016/11/22/panne/images/x.png" alt="x">"#
        );
        assert_eq!(
            absolute(r#"<a href="/2016/">2016</a>"#),
            r#"<a href="https://example.fr/2016/">2016</a>"#,
            "a root-relative path is the host's root, as on the page"
        );
    }

    #[test]
    fn absolute_urls_stay_as_written() {
        let html = r#"<a href="HTTPS://Example.org/a/../b">x</a> <a href="mailto:noc@example.fr?subject=Panne">y</a>"#;
        assert_eq!(absolute(html), html);
    }

    #[test]
    fn a_protocol_relative_url_takes_the_page_scheme() {
        assert_eq!(absolute(r#"<img src="//cdn.example.net/x.png">"#), r#"<img src="https://cdn.example.net/x.png">"#);
    }

    #[test]
    fn text_and_code_that_look_like_attributes_are_untouched() {
        let html = "<p>Écrire <code>&lt;a href=\"#fn-1\"&gt;</code> ou href=\"x/\" src='y'</p>\n\
                    <pre><code>&lt;img src=&quot;a.png&quot;&gt;</code></pre><!-- <a href=\"c/\"> -->";
        assert_eq!(absolute(html), html);
    }

    #[test]
    fn single_quotes_and_upper_case_names_are_attributes_too() {
        assert_eq!(
            absolute("<A HREF='../autre/'>x</A><blockquote cite='source/'></blockquote>"),
            "<A HREF=\"https://example.fr/incidents/2016/11/22/autre/\">x</A>\
             <blockquote cite=\"https://example.fr/incidents/2016/11/22/panne/source/\"></blockquote>"
        );
    }

    #[test]
    fn every_candidate_of_a_srcset_is_resolved_and_keeps_its_descriptor() {
        assert_eq!(
            absolute(r#"<img srcset="a.png, b.png 2x,/c.png 640w, https://cdn.example.net/d,1.png 3x">"#),
            r#"<img srcset="https://example.fr/incidents/2016/11/22/panne/a.png, https://example.fr/incidents/2016/11/22/panne/b.png 2x, https://example.fr/c.png 640w, https://cdn.example.net/d,1.png 3x">"#
        );
        assert_eq!(candidates("x.png, y.png 1x,z.png,"), [("x.png", ""), ("y.png", "1x"), ("z.png", "")]);
        assert_eq!(candidates("x.png,y.png 1x"), [("x.png,y.png", "1x")], "a comma inside a URL is the URL's");
    }

    #[test]
    fn entities_in_a_query_are_decoded_then_written_back_escaped() {
        assert_eq!(
            absolute(r#"<a href="graphe?from=1&amp;to=2&#x27;">x</a>"#),
            r#"<a href="https://example.fr/incidents/2016/11/22/panne/graphe?from=1&amp;to=2%27">x</a>"#
        );
        let html = r#"<a href="https://example.fr/?a=1&amp;b=2">x</a>"#;
        assert_eq!(absolute(html), html, "absolute: not even re-escaped");
    }

    #[test]
    fn every_named_reference_is_decoded_and_a_bare_ampersand_kept() {
        assert_eq!(
            absolute(r#"<a href="caf&eacute;/&hellip;?a&b">x</a>"#),
            r#"<a href="https://example.fr/incidents/2016/11/22/panne/caf%C3%A9/%E2%80%A6?a&amp;b">x</a>"#
        );
        assert_eq!(
            absolute(r#"<img src="a&#233;&#xE9;.png">"#),
            r#"<img src="https://example.fr/incidents/2016/11/22/panne/a%C3%A9%C3%A9.png">"#
        );
    }

    #[test]
    fn other_url_attributes_are_resolved() {
        assert_eq!(
            absolute(r#"<video src="v.mp4" poster="p.png"></video><object data="o.svg"></object><div data="x"></div>"#),
            r#"<video src="https://example.fr/incidents/2016/11/22/panne/v.mp4" poster="https://example.fr/incidents/2016/11/22/panne/p.png"></video><object data="https://example.fr/incidents/2016/11/22/panne/o.svg"></object><div data="x"></div>"#
        );
    }
}
