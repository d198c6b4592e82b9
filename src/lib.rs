//! vigie: a static site generator for incident archives.
//!
//! The pipeline, in the order data flows: [`config`] (site.toml) →
//! [`content`] (load, parse, model) → [`archive`] (the chronological
//! index) → [`render`] (Tera pages) and [`feeds`] → [`output`] (the site in
//! memory, written to disk safely). [`site`] runs the steps in order.
//!
//! Whatever the stage, a failure is an [`Error`]: the [`diagnostics`] that
//! stopped it, rendered once, by [`Error::report`]. This file also turns the
//! template engine's errors ([`render::templates::TemplateError`],
//! [`render::RenderError`]) into diagnostics, outside `render/`.

pub mod archive;
pub mod authoring;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
mod toml_errors;

pub use diagnostics::Error;
pub use site::{build, BuildOptions, BuildReport, Site};

use diagnostics::Diagnostic;
use render::templates::TemplateError;
use render::RenderError;

impl From<TemplateError> for Diagnostic {
    fn from(error: TemplateError) -> Self {
        match error {
            TemplateError::Missing { name, theme } => {
                let path = theme.join("templates").join(&name);
                Diagnostic::error(&path, (0, 0), format!("the theme has no template \"{name}\""))
                    .with_hint(format!("add it to the theme, or add templates/{name} at the site root"))
            }
            TemplateError::Recursion { path, message, hint } => {
                Diagnostic::error(&path, (0, 0), message).with_hint(hint)
            }
            TemplateError::Syntax { path, location, message, source } => {
                let mut d = Diagnostic::error(&path, line_col(&location), format!("invalid template: {message}"))
                    .with_hint("fix the template syntax (Tera, like Jinja2: https://keats.github.io/tera/docs/)");
                // `message` is one of Tera's causes (the one the location came with): said once.
                let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&*source);
                while let Some(cause) = next {
                    let text = cause.to_string();
                    if text != message {
                        d = d.with_cause(text);
                    }
                    next = cause.source();
                }
                d
            }
        }
    }
}

/// `:line:col` (as [`TemplateError::Syntax`] gives it) → (line, col); (0, 0) when empty.
fn line_col(location: &str) -> (usize, usize) {
    let mut numbers = location.split(':').filter_map(|n| n.parse().ok());
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0))
}

impl From<RenderError> for Diagnostic {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Template { page, template, source } => {
                Diagnostic::error(&template, (0, 0), format!("cannot render {page}"))
                    .with_hint("check this template against the values it gets (see the causes below)")
                    .caused_by(&*source)
            }
            RenderError::Write(e) => Diagnostic::from(e),
        }
    }
}

impl From<TemplateError> for Error {
    fn from(error: TemplateError) -> Self {
        Diagnostic::from(error).into()
    }
}

impl From<RenderError> for Error {
    fn from(error: RenderError) -> Self {
        Diagnostic::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_errors_keep_their_location_hint_and_causes() {
        let source = tera::Tera::default().add_raw_template("a.html", "<p>\n{{ x y }}").expect_err("bad syntax");
        let error = TemplateError::Syntax {
            path: "templates/a.html".into(),
            location: ":2:6".into(),
            message: "expected a filter".into(),
            source: Box::new(source),
        };
        let d = Diagnostic::from(error);
        assert_eq!((d.line, d.col, d.message.as_str()), (2, 6, "invalid template: expected a filter"));
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("template syntax")), "{d}");
        assert_eq!(d.causes.first().map(String::as_str), Some("Failed to parse 'a.html'"), "{d}");
        let unlocated = TemplateError::Syntax {
            path: "templates".into(),
            location: String::new(),
            message: "Template 'a.html' is inheriting from 'b.html'".into(),
            source: Box::new(tera::Error::msg("Template 'a.html' is inheriting from 'b.html'")),
        };
        let d = Diagnostic::from(unlocated);
        assert_eq!((d.line, d.col, d.causes.len()), (0, 0, 0), "the message is not repeated as a cause: {d}");
    }
}
