//! Properties that must hold whatever the input, shared by the property
//! tests (`tests/properties.rs`, run by `cargo test`) and the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`, run by `scripts/run_fuzz.sh`). Each `check_*`
//! function panics with a message naming the broken property; a fuzzer
//! reports that panic as a crash.

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;
use vigie::config::SiteConfig;
use vigie::content::front_matter::split;
use vigie::content::markdown::Markdown;
use vigie::content::parse::{parse_incident, slugify, ParseContext};
use vigie::output::Output;
use vigie::render::urls::Urls;
use vigie::serve::http::{route, site_path, Answer};

/// The site every parsed incident is checked against.
pub const SITE_TOML: &str = "title = \"Incidents\"\nbase_url = \"https://status.example.fr/incidents/\"\n\
    timezone = \"Europe/Paris\"\n[services.mail]\nname = \"Messagerie\"\n[services.web]\nname = \"Web\"\n\
    [services.dns]\nname = \"DNS\"\n";

/// The parsed [`SITE_TOML`].
pub fn config() -> &'static SiteConfig {
    static CONFIG: OnceLock<SiteConfig> = OnceLock::new();
    CONFIG.get_or_init(|| SiteConfig::parse(Path::new("site.toml"), SITE_TOML).expect("the test site.toml is valid"))
}

/// The Markdown renderer of a site with `allow_html = false` (or true).
pub fn markdown(allow_html: bool) -> &'static Markdown {
    static SAFE: OnceLock<Markdown> = OnceLock::new();
    static RAW: OnceLock<Markdown> = OnceLock::new();
    if allow_html {
        RAW.get_or_init(|| Markdown::new(true))
    } else {
        SAFE.get_or_init(|| Markdown::new(false))
    }
}

/// `split` never panics, and what it returns are slices of the text at the offsets it gives.
pub fn check_split(text: &str) {
    let Ok(parts) = split(text) else { return };
    let fm_end = parts.front_matter_offset + parts.front_matter.len();
    assert_eq!(text.get(parts.front_matter_offset..fm_end), Some(parts.front_matter), "front matter offset is wrong");
    assert_eq!(text.get(parts.body_offset..), Some(parts.body), "body offset is wrong");
    assert!(fm_end <= parts.body_offset, "the body starts inside the front matter");
    let first = text.strip_prefix('\u{feff}').unwrap_or(text);
    assert!(first.starts_with("+++"), "split accepted a file that does not start with +++");
}

/// Parsing any text never panics; every finding points inside the file; a
/// valid incident has a usable URL and its HTML carries no executable markup.
pub fn check_incident(text: &str) {
    let cx = ParseContext { config: config(), markdown: markdown(false) };
    let parsed = parse_incident(Path::new("content/2024/x.md"), text, &cx);
    let lines: Vec<&str> = text.split('\n').collect();
    for d in &parsed.diagnostics {
        assert!(!d.message.is_empty(), "a finding without a message");
        assert!(d.line <= lines.len(), "line {} is past the end of the file ({} lines): {d}", d.line, lines.len());
        if d.line > 0 && d.col > 0 {
            let width = lines[d.line - 1].chars().count();
            assert!(d.col <= width + 1, "column {} is past the end of line {} ({width} chars): {d}", d.col, d.line);
        }
    }
    let errors = parsed.diagnostics.iter().filter(|d| d.is_error()).count();
    match &parsed.incident {
        None => assert!(errors > 0, "an invalid file must come with an error"),
        Some(incident) => {
            assert_eq!(errors, 0, "a valid incident came with errors");
            assert!(
                !incident.title.is_empty() && incident.title.trim() == incident.title,
                "title {:?}",
                incident.title
            );
            check_slug_shape(&incident.slug);
            let date = incident.start.format("%Y/%m/%d").to_string();
            assert_eq!(incident.path, format!("{date}/{}/", incident.slug), "incident path");
            // A post that lists no service builds (an import leaves it for the author) with a warning.
            assert!(
                !incident.services.is_empty()
                    || parsed
                        .diagnostics
                        .iter()
                        .any(|d| !d.is_error() && d.message.starts_with("no service is listed")),
                "an incident without services and without a warning"
            );
            let vigie::content::model::Body::Rendered { html: body, .. } = &incident.body else {
                panic!("a post parsed from text has its body rendered")
            };
            let mut html = vec![&**body];
            html.extend(incident.summary_html.as_deref());
            html.extend(incident.updates.iter().map(|u| &*u.html));
            for part in html {
                check_no_executable_markup(part);
            }
        }
    }
}

/// A slug is non-empty lowercase ASCII letters, digits and single inner dashes.
pub fn check_slug_shape(slug: &str) {
    assert!(!slug.is_empty(), "empty slug");
    assert!(
        slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
        "slug {slug:?} has characters that are not URL-safe"
    );
}

/// `slugify` gives a clean slug for any title, and URLs built from it stay
/// under the base URL, whatever base URL site.toml gives.
pub fn check_slug_and_urls(base_url: &str, title: &str) {
    let slug = slugify(title);
    check_slug_shape(&slug);
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "slug {slug:?} of {title:?}");
    let Ok(base) = vigie::config::parse_base_url(base_url) else { return };
    let urls = Urls::new(&base);
    let rel = format!("2024/05/14/{slug}/");
    let path = urls.path(&rel);
    assert!(path.starts_with(urls.base_path()) && path.ends_with(&rel), "path {path:?} for {rel:?} under {base}");
    assert!(urls.base_path().starts_with('/') && urls.base_path().ends_with('/'), "base path {:?}", urls.base_path());
    let absolute = urls.absolute(&rel);
    assert!(absolute.starts_with(base.as_str()), "absolute URL {absolute:?} leaves {base}");
    let parsed = url::Url::parse(&absolute).unwrap_or_else(|e| panic!("absolute URL {absolute:?} does not parse: {e}"));
    assert_eq!(parsed.path(), path, "the page link and the full URL disagree");
    assert_eq!(parsed.host_str(), base.host_str(), "host changed");
    for page in ["", "atom.xml", "services/mail/rss.xml"] {
        assert!(urls.absolute(page).starts_with(base.as_str()), "{page} leaves the base URL");
    }
}

/// The small in-memory site requests are routed against.
pub fn test_site() -> &'static Output {
    static SITE: OnceLock<Output> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut o = Output::default();
        for p in [
            "index.html",
            "404.html",
            "2016/index.html",
            "2016/11/22/panne/index.html",
            "services/mail/index.html",
            "services/mail/atom.xml",
            "style.css",
            "café.html",
            "a b/index.html",
        ] {
            o.insert(p, b"x".to_vec());
        }
        o
    })
}

/// Whatever the URL, a site path is relative, clean and inside the site, and
/// routing only ever answers a file of the in-memory site or a redirect to one.
pub fn check_request(method: &str, url: &str) {
    if let Some(path) = site_path(url) {
        assert!(!path.starts_with('/'), "site_path({url:?}) = {path:?} is absolute");
        assert!(!path.contains('\\') && !path.contains('\0'), "site_path({url:?}) = {path:?}");
        assert!(!path.chars().any(char::is_control), "site_path({url:?}) = {path:?} has control characters");
        for segment in path.split('/') {
            assert!(segment != ".." && segment != ".", "site_path({url:?}) = {path:?} has a dot segment");
        }
        assert!(!path.contains("//"), "site_path({url:?}) = {path:?} has an empty segment");
    }
    let site = test_site();
    match route(method, url, site) {
        Answer::File(file) => assert!(site.get(&file).is_some(), "route({url:?}) answered {file:?}, not in the site"),
        Answer::Redirect(location) => {
            assert!(
                location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
                "route({url:?}) redirects off the site to {location:?}"
            );
            let target = site_path(&location).unwrap_or_else(|| panic!("redirect {location:?} is not a site path"));
            assert!(
                site.get(&format!("{target}index.html")).is_some(),
                "route({url:?}) redirects to {location:?}, which is not a page"
            );
        }
        Answer::NotFound => {}
        Answer::MethodNotAllowed => assert!(method != "GET" && method != "HEAD", "{method} refused"),
    }
}

/// Markdown rendered for a site without `allow_html`: no executable markup.
pub fn check_markdown(text: &str) {
    let html = markdown(false).render(text);
    check_no_executable_markup(&html);
    // Opting in to raw HTML must still never panic.
    let _ = markdown(true).render(text);
}

/// Elements that run code, or change where the page's links and scripts come from.
const FORBIDDEN_IN_PAGES: &[&str] = &["script", "iframe", "object", "embed", "frame", "frameset", "base"];

/// Besides those, elements that Markdown must never produce from text (the theme may use them in `<head>`).
const FORBIDDEN_IN_MARKDOWN: &[&str] = &["meta", "link", "style", "form", "svg", "math"];

/// Attributes holding a URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"];

/// A URL a browser would run or that could carry a page: `javascript:`,
/// `vbscript:`, `data:` other than a raster image. Browsers drop tabs and
/// newlines anywhere in a URL and trim spaces and control characters.
pub fn is_dangerous_url(value: &str) -> bool {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_matches(|c: char| c <= ' ')
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || (cleaned.starts_with("data:") && (!cleaned.starts_with("data:image/") || cleaned.contains("svg")))
}

/// Parses an HTML fragment as a browser would and panics on any element or
/// attribute that could run code.
pub fn check_no_executable_markup(html: &str) {
    if let Some(problem) = executable_markup(&scraper::Html::parse_fragment(html), FORBIDDEN_IN_MARKDOWN) {
        panic!("{problem} in HTML: {html:?}");
    }
}

/// The first executable element or attribute of a parsed document, if any
/// (`also_forbidden`: more element names to refuse).
pub fn executable_markup(doc: &scraper::Html, also_forbidden: &[&str]) -> Option<String> {
    let all = scraper::Selector::parse("*").expect("valid selector");
    for element in doc.select(&all) {
        let el = element.value();
        if FORBIDDEN_IN_PAGES.contains(&el.name()) || also_forbidden.contains(&el.name()) {
            return Some(format!("a <{}> element", el.name()));
        }
        for (name, value) in el.attrs() {
            if name.to_ascii_lowercase().starts_with("on") {
                return Some(format!("an event handler attribute {name}={value:?} on <{}>", el.name()));
            }
            if URL_ATTRIBUTES.contains(&name) && is_dangerous_url(value) {
                return Some(format!("a dangerous URL {name}={value:?} on <{}>", el.name()));
            }
        }
    }
    None
}
