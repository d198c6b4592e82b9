//! Compiles the theme's Tera templates (site overrides already applied by
//! [`super::theme`]), checking that every page template is there and
//! naming the file of any syntax error.

use super::theme::ThemeFiles;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::Tera;

/// The templates every theme must have.
pub const REQUIRED: [&str; 8] = [
    "index.html",
    "year.html",
    "incident.html",
    "services.html",
    "service.html",
    "404.html",
    "feed_entry.html",
    "card.html",
];

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
    #[error("{}{location}: error: invalid template: {message}\n  help: fix the template syntax (Tera, like Jinja2: https://keats.github.io/tera/docs/)", .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `:line:col` when Tera gave it, else empty.
        location: String,
        /// What Tera expected.
        message: String,
        /// Tera's error.
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
    tera.set_escape_fn(escape_html);
    let origins: BTreeMap<String, PathBuf> =
        theme.templates.iter().map(|(n, s)| (n.clone(), s.shown.clone())).collect();
    tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.text.as_str()))).map_err(|e| {
        // Tera names the template at fault in quotes: point at its file.
        let message = e.to_string();
        let path = origins
            .iter()
            .find(|(name, _)| message.contains(&format!("'{name}'")))
            .map_or_else(|| theme.shown_dir.join("templates"), |(_, p)| p.clone());
        let (location, message) = locate(&e);
        TemplateError::Syntax { path, location, message, source: Box::new(e) }
    })?;
    Ok(Templates { tera, origins })
}

/// Escapes text for HTML text and attribute values. Unlike Tera's default it
/// leaves `/` alone, so that URLs stay readable (`/incidents/2016/`).
pub fn escape_html(text: &str) -> String {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let Some(first) = text.as_bytes().iter().position(special) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut start = first;
    for (i, b) in text.as_bytes().iter().enumerate().skip(first) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// The `:line:col` and the message of a Tera parse error, found in its
/// cause chain (`--> 5:22` … `= expected …`).
fn locate(error: &tera::Error) -> (String, String) {
    let mut location = String::new();
    let mut message = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = cause {
        for line in e.to_string().lines() {
            let line = line.trim();
            if let Some(at) = line.strip_prefix("--> ") {
                location = format!(":{at}");
            } else if let Some(text) = line.strip_prefix("= ") {
                message = text.to_string();
            }
        }
        cause = e.source();
    }
    if message.is_empty() {
        message = error.to_string();
    }
    (location, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(escape_html("/a/<b> & \"c\" 'd'"), "/a/&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
    }

    #[test]
    fn parse_errors_are_located() {
        let e = Tera::default().add_raw_template("a.html", "<p>\n{{ x y }}").expect_err("bad syntax");
        let (location, message) = locate(&e);
        assert_eq!(location, ":2:6");
        assert!(message.starts_with("expected"), "{message}");
    }
}
