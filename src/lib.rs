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
    use render::theme::{Source, ThemeFiles};

    /// The required templates, all plain but `index.html`.
    fn theme_with_index(index: &str) -> ThemeFiles {
        let mut theme = ThemeFiles { shown_dir: "themes/t".into(), ..ThemeFiles::default() };
        for name in render::templates::REQUIRED {
            let text = if name == "index.html" { index } else { "x" };
            let shown = format!("templates/{name}").into();
            theme.templates.insert(name.to_string(), Source { shown, text: text.to_string() });
        }
        theme
    }

    fn compile_error(theme: &ThemeFiles) -> Diagnostic {
        Diagnostic::from(render::templates::compile(theme).err().expect("a template error"))
    }

    #[test]
    fn template_errors_keep_their_location_hint_and_causes() {
        let d = compile_error(&theme_with_index("<p>\n{{ x y }}"));
        assert_eq!((d.path.as_deref(), d.line, d.col), (Some(std::path::Path::new("templates/index.html")), 2, 6));
        assert!(d.message.starts_with("invalid template: expected"), "{d}");
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("template syntax")), "{d}");
        assert_eq!(d.causes.first().map(String::as_str), Some("Failed to parse 'index.html'"), "{d}");
        let d = compile_error(&ThemeFiles { shown_dir: "themes/t".into(), ..ThemeFiles::default() });
        assert_eq!(d.to_string(), "themes/t/templates/index.html: error: the theme has no template \"index.html\"\n  help: add it to the theme, or add templates/index.html at the site root");
    }

    #[test]
    fn a_message_taken_from_the_engine_is_not_repeated_as_a_cause() {
        let d = compile_error(&theme_with_index("{% extends \"nope.html\" %}"));
        // Tera's only error is the message itself (no location to take apart).
        assert!(d.message.starts_with("invalid template: Template 'index.html' is inheriting from 'nope.html'"), "{d}");
        assert!(d.causes.is_empty(), "{d}");
    }
}
