//! Stage 4 (render): the built-in theme's two templates rendered once per
//! post, written straight from their values instead of through the
//! template engine: the card ([`card`], `card.html` with `badges.html`) and
//! the incident page ([`incident_page`], `incident.html` in `base.html`).
//! Each is used only while the templates it stands for are the ones it
//! reproduces byte for byte ([`REPRODUCED`], [`Templates::are_built_in`])
//! and `t` has every label they show; otherwise Tera renders the theme's.
//! Each writes what Tera writes from those templates, byte for byte:
//! whitespace control, escaping (Tera's own function) and truthiness
//! included. `tests/built_in.rs` builds sites both ways and compares every
//! file.

mod badges;
pub(crate) mod card;
pub(crate) mod incident_page;

use super::engine::{escape_html_into, Templates};
use super::format::TimeView;
use super::views::{FeedLinks, ServiceLink};
use super::Constants;
use std::collections::BTreeMap;

/// The templates the writers reproduce, with the XXH3 hash of the text they
/// reproduce: the built-in theme's. A template with any other text (the
/// built-in one edited, or checked out with CRLF line ends) is Tera's to
/// render; editing the built-in one means editing its writer too, and
/// `the_writers_reproduce_the_built_in_templates` says so.
const REPRODUCED: [(&str, u64); 5] = [
    ("badges.html", 9916883262201134999),
    ("base.html", 16292718709295251370),
    ("card.html", 695583584654529209),
    ("components.html", 12239957162725928579),
    ("incident.html", 9357558288382472495),
];

/// Whether the writers reproduce template `name` of text `text`.
pub(crate) fn reproduces(name: &str, text: &str) -> bool {
    REPRODUCED.iter().any(|&(n, hash)| n == name && xxhash_rust::xxh3::xxh3_64(text.as_bytes()) == hash)
}

/// What the built-in writers take from the build, escaped once, and which
/// of them the theme lets vigie use.
pub(crate) struct BuiltIn {
    /// Whether the theme's card is the built-in one.
    pub card: bool,
    /// Whether the theme's incident page is the built-in one.
    pub incident_page: bool,
    labels: Labels,
    site: SiteValues,
}

impl BuiltIn {
    /// What the theme of `templates` lets vigie write itself; `None` when
    /// nothing, or when `t` lacks a label the built-in templates show (Tera
    /// then renders them, and says which).
    pub(crate) fn of(templates: &Templates, c: &Constants<'_>, site_feeds: &FeedLinks) -> Option<BuiltIn> {
        let card = templates.are_built_in(&card::TEMPLATES);
        let incident_page = templates.are_built_in(&incident_page::TEMPLATES);
        if !card && !incident_page {
            return None;
        }
        let labels = Labels::from(&c.t.labels)?;
        let config = c.config;
        let site = SiteValues {
            language: escaped(&config.language),
            title: escaped(&config.title),
            description: escaped(&config.description),
            base_path: c.urls.base_path().to_string(),
            base_path_escaped: escaped(c.urls.base_path()),
            feeds: FeedValues::of(site_feeds),
        };
        Some(BuiltIn { card, incident_page, labels, site })
    }
}

/// Declares [`Labels`]: one field per label of `t` that the built-in
/// templates show, named as the label.
macro_rules! labels {
    ($($key:ident),* $(,)?) => {
        /// The labels of `t` that the built-in templates show, escaped.
        struct Labels {
            $($key: Vec<u8>,)*
        }

        impl Labels {
            /// The labels from `t`, or `None` when one is missing.
            fn from(t: &BTreeMap<String, String>) -> Option<Labels> {
                Some(Labels { $($key: escaped(t.get(stringify!($key))?),)* })
            }
        }
    };
}

labels!(
    actual_end,
    badges_label,
    calendar,
    duration,
    end,
    ended_at,
    ended_on,
    feed_atom,
    feed_calendar,
    feed_rss,
    feeds_label,
    nav_home,
    nav_label,
    nav_services,
    nav_subscribe,
    neighbours_label,
    next_incident,
    planned_end,
    previous_incident,
    reference,
    services,
    severity,
    skip_to_content,
    start,
    state_as_of,
    subscribe_to,
    timeline,
);

/// The site's values that `base.html` shows, escaped.
struct SiteValues {
    language: Vec<u8>,
    title: Vec<u8>,
    description: Vec<u8>,
    /// As compared with the page's address.
    base_path: String,
    base_path_escaped: Vec<u8>,
    feeds: FeedValues,
}

/// A [`FeedLinks`], escaped.
struct FeedValues {
    title: Vec<u8>,
    atom: Vec<u8>,
    rss: Vec<u8>,
    calendar: Vec<u8>,
    webcal: Vec<u8>,
}

impl FeedValues {
    fn of(feeds: &FeedLinks) -> FeedValues {
        FeedValues {
            title: escaped(&feeds.title),
            atom: escaped(&feeds.atom),
            rss: escaped(&feeds.rss),
            calendar: escaped(&feeds.calendar),
            webcal: escaped(&feeds.webcal),
        }
    }
}

fn escaped(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    escape_html_into(text, &mut out);
    out
}

/// What a value shows in a template's `{% if %}`: a string is false when empty.
fn shown<T: AsRef<str>>(text: &Option<T>) -> Option<&str> {
    text.as_ref().map(AsRef::as_ref).filter(|s| !s.is_empty())
}

/// HTML being written: text as it is, or escaped as `{{ }}` escapes it.
struct Html<'o>(&'o mut Vec<u8>);

impl Html<'_> {
    /// Template text, a value printed with `| safe`, or one escaped beforehand.
    fn raw(&mut self, text: impl AsRef<[u8]>) -> &mut Self {
        self.0.extend_from_slice(text.as_ref());
        self
    }

    /// A value printed with `{{ }}`.
    fn text(&mut self, text: &str) -> &mut Self {
        escape_html_into(text, self.0);
        self
    }

    /// A link to each of `services`, comma-separated, each opened with
    /// `opening` (`<a href="` and the attributes before it).
    fn service_links(&mut self, services: &[ServiceLink], opening: &str) -> &mut Self {
        for (n, s) in services.iter().enumerate() {
            if n > 0 {
                self.raw(", ");
            }
            self.raw(opening).text(&s.url).raw("\">").text(&s.name).raw("</a>");
        }
        self
    }

    /// `<time datetime="…">shown</time>`.
    fn time(&mut self, at: &TimeView, shown: &str) -> &mut Self {
        self.raw("<time datetime=\"").text(&at.iso).raw("\">").text(shown).raw("</time>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme, with each template of `changed` made to differ
    /// from the built-in one by a comment.
    fn default_theme_with(changed: &[&str]) -> Templates {
        let root = tempfile::tempdir().expect("a temporary folder");
        let built_in = crate::theme::load(root.path(), "default").expect("the built-in theme");
        for name in changed {
            let path = root.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create templates/");
            std::fs::write(path, format!("{}{{# the site's #}}", built_in.templates[*name].text)).expect("write");
        }
        let theme = crate::theme::load(root.path(), "default").expect("the built-in theme");
        Templates::compile(&theme, &[]).expect("compiles")
    }

    #[test]
    fn the_writers_reproduce_the_built_in_templates() {
        let root = tempfile::tempdir().expect("a temporary folder");
        let theme = crate::theme::load(root.path(), "default").expect("the built-in theme");
        for (name, hash) in REPRODUCED {
            let now = xxhash_rust::xxh3::xxh3_64(theme.templates[name].text.as_bytes());
            assert_eq!(
                now, hash,
                "the built-in {name} changed: make its writer in src/render/built_in/ write what it renders \
                 (tests/built_in.rs compares them), then set its hash in REPRODUCED to {now}"
            );
        }
    }

    #[test]
    fn the_built_in_theme_has_the_built_in_card_and_page() {
        let templates = default_theme_with(&[]);
        assert!(templates.are_built_in(&card::TEMPLATES));
        assert!(templates.are_built_in(&incident_page::TEMPLATES));
    }

    #[test]
    fn a_template_of_the_site_is_rendered_by_the_theme() {
        for name in card::TEMPLATES.iter().chain(&incident_page::TEMPLATES) {
            let templates = default_theme_with(&[name]);
            let (card, page) =
                (templates.are_built_in(&card::TEMPLATES), templates.are_built_in(&incident_page::TEMPLATES));
            assert_eq!(card, !card::TEMPLATES.contains(name), "{name}: the card");
            assert_eq!(page, !incident_page::TEMPLATES.contains(name), "{name}: the incident page");
        }
    }

    #[test]
    fn a_missing_label_leaves_the_templates_to_the_template_engine() {
        let root = tempfile::tempdir().expect("a temporary folder");
        let theme = crate::theme::load(root.path(), "default").expect("the built-in theme");
        let fr = crate::theme::i18n::Translations::load(&theme, "fr").expect("the French labels");
        let mut t = fr.labels;
        assert!(Labels::from(&t).is_some());
        t.remove("ended_on");
        assert!(Labels::from(&t).is_none());
    }
}
