//! Compiles the theme's Tera templates (site overrides already applied by
//! [`super::theme`]), checking that every page template is there and
//! naming the file of any syntax error.

use super::theme::ThemeFiles;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::Tera;

/// The templates every theme must have.
pub const REQUIRED: [&str; 7] =
    ["index.html", "year.html", "incident.html", "services.html", "service.html", "404.html", "feed_entry.html"];

/// Why the templates could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A page template is missing.
    #[error("{}/templates/{name}: the theme has no template \"{name}\"\n  help: add it to the theme, or add templates/{name} at the site root", .theme.display())]
    Missing {
        /// Template name.
        name: String,
        /// The theme folder as shown.
        theme: PathBuf,
    },
    /// Tera refused a template.
    #[error("{}: invalid template", .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Tera's error, with its location.
        source: Box<tera::Error>,
    },
}

/// The compiled templates and where each came from.
pub struct Templates {
    /// The compiled templates.
    pub tera: Tera,
    /// Template name → file, for error messages.
    pub origins: BTreeMap<String, PathBuf>,
}

/// Compiles the templates of `theme`.
pub fn compile(theme: &ThemeFiles) -> Result<Templates, TemplateError> {
    for name in REQUIRED {
        if !theme.templates.contains_key(name) {
            return Err(TemplateError::Missing { name: name.to_string(), theme: theme.shown_dir.clone() });
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    let origins: BTreeMap<String, PathBuf> =
        theme.templates.iter().map(|(n, s)| (n.clone(), s.shown.clone())).collect();
    tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.text.as_str()))).map_err(|e| {
        // Tera names the template at fault in quotes: point at its file.
        let message = e.to_string();
        let path = origins
            .iter()
            .find(|(name, _)| message.contains(&format!("'{name}'")))
            .map_or_else(|| theme.shown_dir.join("templates"), |(_, p)| p.clone());
        TemplateError::Syntax { path, source: Box::new(e) }
    })?;
    Ok(Templates { tera, origins })
}
