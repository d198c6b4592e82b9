//! Reading parsed HTML (and XML parsed as HTML): texts and attributes by CSS selector.

/// The texts of the elements matching a CSS selector, whitespace folded.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// The values of an attribute on the elements matching a selector.
pub fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}
