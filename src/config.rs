//! Stage 1 (load): `site.toml` → [`SiteConfig`], validated. Unknown keys are errors
//! with a "did you mean" hint, so that a typo never goes unnoticed.

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};
use crate::toml_errors::toml_diagnostic;
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Name of the configuration file at the site root.
pub(crate) const CONFIG_FILE: &str = "site.toml";

/// One service of the provider, declared under `[services.<key>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Display name, e.g. « Messagerie ».
    pub name: String,
    /// One sentence shown on the service page.
    pub description: String,
    /// The first day its availability is known (`since = 2008-01-01`);
    /// without it, the day of its first post.
    pub since: Option<chrono::NaiveDate>,
}

/// How incidents count against availability, from `[availability]`: the
/// share of an incident's duration that counts as downtime, by severity
/// (an incident without a severity counts as minor), and whether
/// maintenance counts (then in full).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AvailabilityConfig {
    /// Severity critical (a major outage); default 1.0.
    pub critical: f64,
    /// Severity major (a partial outage); default 0.3.
    pub major: f64,
    /// Severity minor (degraded performance); default 0.0.
    pub minor: f64,
    /// Whether maintenance windows count as downtime; default false.
    pub count_maintenance: bool,
}

impl Default for AvailabilityConfig {
    fn default() -> Self {
        AvailabilityConfig { critical: 1.0, major: 0.3, minor: 0.0, count_maintenance: false }
    }
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Site title, e.g. « Incidents réseau ».
    pub title: String,
    /// One-line description, used in the header and feeds.
    pub description: String,
    /// Absolute base URL, always ending with `/`.
    pub base_url: url::Url,
    /// Language code of the theme translations to use (`fr`, `en`).
    pub language: String,
    /// Time zone of local datetimes in front matter, and of every displayed date.
    pub timezone: Tz,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Incidents per list page.
    pub paginate_by: usize,
    /// Entries per feed.
    pub feed_limit: usize,
    /// How many months a maintenance stays in the calendars after its end
    /// (or its start, when it has no end), counted back from the build time.
    pub calendar_keep_months: u32,
    /// Whether raw HTML in Markdown is kept (otherwise it is escaped).
    pub allow_html: bool,
    /// Declared services by key, sorted by key.
    pub services: BTreeMap<String, ServiceConfig>,
    /// How incidents count against availability.
    pub availability: AvailabilityConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Spanned<String>,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    #[serde(default)]
    paginate_by: Option<Spanned<i64>>,
    #[serde(default)]
    feed_limit: Option<Spanned<i64>>,
    #[serde(default)]
    calendar_keep_months: Option<Spanned<i64>>,
    #[serde(default)]
    allow_html: bool,
    #[serde(default)]
    services: BTreeMap<Spanned<String>, RawService>,
    #[serde(default)]
    availability: RawAvailability,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    since: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAvailability {
    critical: Option<Spanned<f64>>,
    major: Option<Spanned<f64>>,
    minor: Option<Spanned<f64>>,
    #[serde(default)]
    count_maintenance: Option<bool>,
}

impl SiteConfig {
    /// Reads and validates `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    return Err(Diagnostics(vec![Diagnostic::error(&shown, (0, 0), "site.toml is not valid UTF-8")
                        .with_hint("save the file as UTF-8")]))
                }
            },
            Err(e) => {
                return Err(Diagnostics(vec![Diagnostic::error(
                    &shown,
                    (0, 0),
                    format!("cannot read {}: {e}", path.display()),
                )
                .with_hint("run vigie at the root of a site (the folder holding site.toml), or pass --root DIR")]))
            }
        };
        SiteConfig::parse(&shown, &text)
    }

    /// Parses and validates the text of a `site.toml` shown to the user as `path`.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| Diagnostics(vec![toml_diagnostic(path, text, 0, &e)]))?;
        let index = LineIndex::new(text);
        let at = |span: std::ops::Range<usize>| index.position(span.start);
        let mut errors = Vec::new();

        let base_url = parse_base_url(raw.base_url.get_ref()).unwrap_or_else(|message| {
            errors.push(
                Diagnostic::error(path, at(raw.base_url.span()), message)
                    .with_hint("write the full public address, e.g. base_url = \"https://example.fr/incidents/\""),
            );
            url::Url::parse("http://invalid.invalid/").expect("constant URL is valid")
        });
        let timezone = match &raw.timezone {
            None => chrono_tz::Europe::Paris,
            Some(tz) => tz.get_ref().parse::<Tz>().unwrap_or_else(|_| {
                errors.push(
                    Diagnostic::error(path, at(tz.span()), format!("unknown time zone \"{}\"", tz.get_ref()))
                        .with_hint("use an IANA time zone name such as \"Europe/Paris\" or \"UTC\""),
                );
                chrono_tz::UTC
            }),
        };
        let language = raw.language.as_ref().map_or("fr".to_string(), |l| l.get_ref().clone());
        let theme = match &raw.theme {
            None => "default".to_string(),
            Some(t) if is_folder_name(t.get_ref()) => t.get_ref().clone(),
            Some(t) => {
                errors.push(
                    Diagnostic::error(path, at(t.span()), format!("theme \"{}\" is not a folder name", t.get_ref()))
                        .with_hint("name a folder of themes/ (e.g. theme = \"default\"), without '/' or '..'; the theme lives inside the site"),
                );
                "default".to_string()
            }
        };
        let mut positive = |value: &Option<Spanned<i64>>, name: &str, default: usize| match value {
            None => default,
            Some(v) if *v.get_ref() >= 1 => usize::try_from(*v.get_ref()).unwrap_or(usize::MAX),
            Some(v) => {
                errors.push(
                    Diagnostic::error(path, at(v.span()), format!("{name} must be at least 1"))
                        .with_hint(format!("write {name} = {default}, or remove the line for the default")),
                );
                default
            }
        };
        let paginate_by = positive(&raw.paginate_by, "paginate_by", 20);
        let feed_limit = positive(&raw.feed_limit, "feed_limit", 50);
        let calendar_keep_months =
            u32::try_from(positive(&raw.calendar_keep_months, "calendar_keep_months", 12)).unwrap_or(u32::MAX);

        let mut services = BTreeMap::new();
        for (key, service) in raw.services {
            if !is_service_key(key.get_ref()) {
                errors.push(
                    Diagnostic::error(path, at(key.span()), format!("service key \"{}\" cannot be used in URLs", key.get_ref()))
                        .with_hint("use lowercase ASCII letters, digits, '-' and '_' only, e.g. [services.web-hosting]; the display name goes in `name`"),
                );
            }
            let since = service.since.as_ref().and_then(|since| {
                let date = since.get_ref();
                match (date.date, date.time) {
                    (Some(d), None) => chrono::NaiveDate::from_ymd_opt(i32::from(d.year), d.month.into(), d.day.into()),
                    _ => {
                        errors.push(
                            Diagnostic::error(path, at(since.span()), format!("since = {date} is not a date alone"))
                                .with_hint("write the first day the service's availability is known, without a time, e.g. since = 2008-01-01"),
                        );
                        None
                    }
                }
            });
            let service = ServiceConfig {
                name: without_controls(&service.name).into_owned(),
                description: without_controls(&service.description).into_owned(),
                since,
            };
            services.insert(key.into_inner(), service);
        }
        let defaults = AvailabilityConfig::default();
        let mut weight = |value: &Option<Spanned<f64>>, name: &str, default: f64| match value {
            None => default,
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                errors.push(
                    Diagnostic::error(path, at(v.span()), format!("availability {name} = {} is not between 0 and 1", v.get_ref()))
                        .with_hint(format!("write the share of an incident's duration that counts as downtime, e.g. {name} = {default} (the default)")),
                );
                default
            }
        };
        let availability = AvailabilityConfig {
            critical: weight(&raw.availability.critical, "critical", defaults.critical),
            major: weight(&raw.availability.major, "major", defaults.major),
            minor: weight(&raw.availability.minor, "minor", defaults.minor),
            count_maintenance: raw.availability.count_maintenance.unwrap_or(defaults.count_maintenance),
        };
        if services.is_empty() {
            errors.push(Diagnostic::error(path, (1, 1), "no service is declared").with_hint(
                "declare each service incidents can affect, e.g.\n  [services.mail]\n  name = \"Messagerie\"",
            ));
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        Ok(SiteConfig {
            title: without_controls(&raw.title).into_owned(),
            description: without_controls(&raw.description).into_owned(),
            base_url,
            language,
            timezone,
            theme,
            paginate_by,
            feed_limit,
            calendar_keep_months,
            allow_html: raw.allow_html,
            services,
            availability,
        })
    }

    /// The path part of the base URL, always starting and ending with `/`
    /// (`/` or `/incidents/`).
    pub(crate) fn base_path(&self) -> &str {
        self.base_url.path()
    }

    /// Replaces the base URL (from `--base-url`), with the same validation as site.toml.
    pub(crate) fn set_base_url(&mut self, value: &str) -> Result<(), String> {
        self.base_url = parse_base_url(value)?;
        Ok(())
    }
}

/// `text` with the characters XML 1.0 forbids (control characters other
/// than tab and line ends, U+FFFE, U+FFFF) replaced by U+FFFD, as CommonMark
/// does for NUL: they mean nothing in an incident archive, and one of them
/// in a title would make every feed invalid XML.
pub(crate) fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}';
    if has_suspect_bytes(text.as_bytes()) && text.contains(forbidden) {
        text.replace(forbidden, "\u{fffd}").into()
    } else {
        text.into()
    }
}

/// Whether `bytes` hold a control character other than tab and line ends, or
/// 0xEF (the first byte of U+FFFE and U+FFFF): nearly every text has none.
/// Blocks of 64 bytes without early exit inside one, so that the compiler
/// can test many bytes at once.
fn has_suspect_bytes(bytes: &[u8]) -> bool {
    let suspect = |b: u8| ((b < b' ') & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xef);
    bytes.chunks(64).any(|block| block.iter().fold(false, |found, &b| found | suspect(b)))
}

/// Parses an absolute http(s) URL and makes sure its path ends with `/`.
pub fn parse_base_url(value: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(value).map_err(|e| format!("invalid base_url \"{value}\": {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("base_url \"{value}\" must start with http:// or https://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("base_url \"{value}\" must not carry a query or a fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl SiteConfig {
    /// The declared service keys, quoted and comma-separated, for hints.
    pub(crate) fn known_services(&self) -> String {
        self.services.keys().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
    }

    /// The hint for an unknown service `key`: the closest declared key, if
    /// one is close, and where services are declared.
    pub(crate) fn unknown_service_hint(&self, key: &str) -> String {
        let known = self.known_services();
        match crate::diagnostics::did_you_mean(key, self.services.keys().map(String::as_str)) {
            Some(close) => {
                format!("did you mean \"{close}\"? Known services are defined in site.toml [services]: {known}")
            }
            None => format!(
                "known services are defined in site.toml [services]: {known}; declare [services.{key}] there to add one"
            ),
        }
    }
}

/// Whether a site `language` code is French (`fr`, `fr-CA`, `fr_BE`…, in any case).
pub(crate) fn is_french(language: &str) -> bool {
    let lower = language.to_ascii_lowercase();
    lower == "fr" || lower.starts_with("fr-") || lower.starts_with("fr_")
}

/// Whether `name` is one plain folder name (no separator, not `.` or `..`).
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

fn is_service_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str =
        "title = \"T\"\nbase_url = \"https://example.fr/incidents\"\n[services.mail]\nname = \"Messagerie\"\n";

    #[test]
    fn suspect_bytes_are_found_wherever_they_are() {
        let naive =
            |bytes: &[u8]| bytes.iter().any(|&b| (b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xef);
        for byte in 0..=255u8 {
            for (len, at) in [(1, 0), (63, 62), (64, 63), (65, 64), (200, 128), (200, 199)] {
                let mut text = vec![b'a'; len];
                text[at] = byte;
                assert_eq!(has_suspect_bytes(&text), naive(&text), "byte {byte:#04x} at {at} of {len}");
            }
        }
        assert!(!has_suspect_bytes(b""));
        let text = format!("{}\u{7}{}\u{fffe}\tfin\n", "é".repeat(40), "x".repeat(70));
        assert_eq!(without_controls(&text), format!("{}\u{fffd}{}\u{fffd}\tfin\n", "é".repeat(40), "x".repeat(70)));
        assert!(matches!(without_controls("é ’ « » \u{feff}\r\n"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn defaults_and_base_path() {
        let config = SiteConfig::parse(Path::new("site.toml"), MINIMAL).expect("valid config");
        assert_eq!(config.base_path(), "/incidents/");
        assert_eq!(config.language, "fr");
        assert_eq!(config.timezone, chrono_tz::Europe::Paris);
        assert_eq!(config.paginate_by, 20);
        assert_eq!(config.feed_limit, 50);
        assert_eq!(config.calendar_keep_months, 12);
    }

    #[test]
    fn calendar_retention_is_at_least_one_month_and_a_bad_value_points_at_its_line() {
        let text = MINIMAL.replacen("base_url", "calendar_keep_months = 3\nbase_url", 1);
        assert_eq!(SiteConfig::parse(Path::new("site.toml"), &text).expect("valid").calendar_keep_months, 3);
        let text = MINIMAL.replacen("base_url", "calendar_keep_months = 0\nbase_url", 1);
        let err = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("0 months");
        let shown = err.to_string();
        assert!(shown.starts_with("site.toml:2:24: error: calendar_keep_months must be at least 1"), "{shown}");
        assert!(shown.contains("calendar_keep_months = 12"), "{shown}");
    }

    #[test]
    fn availability_weights_default_to_statuspage_s_and_a_bad_one_points_at_its_line() {
        let config = SiteConfig::parse(Path::new("site.toml"), MINIMAL).expect("valid");
        assert_eq!(config.availability, AvailabilityConfig::default());
        assert_eq!((config.availability.critical, config.availability.major), (1.0, 0.3));
        let text =
            format!("{MINIMAL}since = 2008-01-01\n[availability]\nmajor = 1\nminor = 0.1\ncount_maintenance = true\n");
        let config = SiteConfig::parse(Path::new("site.toml"), &text).expect("valid");
        assert_eq!(
            config.availability,
            AvailabilityConfig { critical: 1.0, major: 1.0, minor: 0.1, count_maintenance: true }
        );
        assert_eq!(config.services["mail"].since, chrono::NaiveDate::from_ymd_opt(2008, 1, 1));
        let text = format!("{MINIMAL}[availability]\nmajor = 30\n");
        let shown = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("30 is not a share").to_string();
        assert!(shown.starts_with("site.toml:6:9: error: availability major = 30 is not between 0 and 1"), "{shown}");
        assert!(shown.contains("major = 0.3 (the default)"), "{shown}");
        let text = format!("{MINIMAL}since = 2008-01-01T10:00:00\n");
        let shown = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("a time").to_string();
        assert!(shown.starts_with("site.toml:5:9: error: since = 2008-01-01T10:00:00 is not a date alone"), "{shown}");
    }

    #[test]
    fn unknown_key_is_named_with_hint() {
        let text = format!("{MINIMAL}\n");
        let text = text.replacen("title", "titel = \"x\"\ntitle", 1);
        let err = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("typo must fail");
        let shown = err.to_string();
        assert!(shown.starts_with("site.toml:1:1: error: unknown field `titel`"), "{shown}");
        assert!(shown.contains("did you mean `title`?"), "{shown}");
    }

    #[test]
    fn bad_timezone_points_at_its_line() {
        let text = MINIMAL.replacen("base_url", "timezone = \"Europe/Pariss\"\nbase_url", 1);
        let err = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("bad zone");
        assert!(err.to_string().starts_with("site.toml:2:12: error: unknown time zone"), "{err}");
    }

    #[test]
    fn french_is_fr_with_or_without_a_region() {
        for code in ["fr", "FR", "fr-CA", "fr_BE"] {
            assert!(is_french(code), "{code}");
        }
        for code in ["en", "fry", "frr", ""] {
            assert!(!is_french(code), "{code}");
        }
    }

    #[test]
    fn a_theme_outside_themes_is_refused_at_its_line() {
        for theme in ["../../shared", "/etc", "a/b", "..", ""] {
            let text = MINIMAL.replacen("base_url", &format!("theme = {theme:?}\nbase_url"), 1);
            let err = SiteConfig::parse(Path::new("site.toml"), &text).expect_err("theme outside themes/");
            let shown = err.to_string();
            assert!(shown.starts_with("site.toml:2:9: error: theme "), "{theme}: {shown}");
            assert!(shown.contains("is not a folder name"), "{theme}: {shown}");
        }
        let text = MINIMAL.replacen("base_url", "theme = \"sombre\"\nbase_url", 1);
        assert_eq!(SiteConfig::parse(Path::new("site.toml"), &text).expect("a folder name").theme, "sombre");
    }
}
