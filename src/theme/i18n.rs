//! Stage 1 (load): the theme's translations
//! (`themes/<theme>/i18n/<language>.toml`): the labels handed to templates as
//! `t`, and the words dates and durations are written with.

use super::ThemeFiles;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::toml_errors::toml_diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How dates are written in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateWords {
    /// Day names, Monday first.
    pub weekdays: [String; 7],
    /// Month names, January first.
    pub months: [String; 12],
    /// How the first day of a month is written (« 1er »), if not as a number.
    #[serde(default)]
    pub first_day: Option<String>,
    /// Pattern for a date with its time; placeholders: `{weekday}`, `{day}`,
    /// `{month}`, `{year}`, `{hour}`, `{hour2}`, `{minute}`, `{offset}`.
    pub datetime: String,
    /// Pattern for a date alone.
    pub date: String,
    /// Pattern for a time alone.
    pub time: String,
    /// Pattern for a month heading (`{month}`, `{year}`).
    pub month_year: String,
}

/// Units of a duration (« 2 h 15 min »).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DurationWords {
    /// Unit after a number of days.
    pub days: String,
    /// Unit after a number of hours.
    pub hours: String,
    /// Unit after a number of minutes.
    pub minutes: String,
    /// Written for a duration under a minute.
    pub under_a_minute: String,
}

/// All translations of one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Translations {
    /// Date words and patterns.
    pub dates: DateWords,
    /// Duration units.
    pub durations: DurationWords,
    /// Labels for templates, by key.
    pub labels: BTreeMap<String, String>,
}

impl Translations {
    /// The translations for `language` among the theme's files.
    pub(crate) fn load(theme: &ThemeFiles, language: &str) -> Result<Translations, Diagnostics> {
        let Some(source) = theme.translations.get(language) else {
            let shown = theme.shown_dir.join("i18n").join(format!("{language}.toml"));
            let known = theme.translations.keys().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
            return Err(Diagnostics(vec![Diagnostic::error(
                &shown,
                (0, 0),
                format!("the theme has no translations for language \"{language}\""),
            )
            .with_hint(format!("set language in site.toml to one of {known}, or add this file to the theme"))]));
        };
        toml::from_str(&source.text).map_err(|e| Diagnostics(vec![toml_diagnostic(&source.shown, &source.text, 0, &e)]))
    }

    /// A label by key, or the key itself when missing.
    pub(crate) fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }
}
