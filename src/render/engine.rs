//! Stage 4 (render): the one door to the template engine, Tera 2. Nothing
//! else in vigie names `tera`: this module compiles the theme's templates,
//! renders a page from any serializable value, and turns Tera's errors
//! (with their spans) into located [`Diagnostic`]s.

use crate::diagnostics::Diagnostic;
use crate::theme::ThemeFiles;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tera::{Context, ErrorKind, Tera};

/// The templates every theme must have.
pub(crate) const REQUIRED: [&str; 8] = [
    "index.html",
    "year.html",
    "incident.html",
    "services.html",
    "service.html",
    "404.html",
    "feed_entry.html",
    "card.html",
];

/// How many nested component calls Tera renders before it stops (its own limit).
const COMPONENT_DEPTH_LIMIT: usize = 20;

/// The theme's templates, compiled once and kept while the theme does not
/// change (`vigie serve` keeps them between rebuilds).
pub(crate) struct Templates {
    tera: Tera,
    /// Template name → the file it came from, as shown to the user.
    origins: Arc<BTreeMap<String, PathBuf>>,
    /// The theme's templates folder, for errors without a template.
    folder: PathBuf,
    /// The templates whose text vigie's own writers reproduce
    /// ([`super::built_in::reproduces`]).
    reproduced: std::collections::BTreeSet<String>,
}

/// The templates with one build's shared values (`site`, `t`, `generated`…)
/// set as Tera's global context: ready to render that build's pages.
pub(crate) struct Engine<'t> {
    templates: &'t Templates,
}

/// Where a page is: the two values every page gets besides its own, and
/// how error messages name it.
pub(crate) struct PageAddress<'a> {
    /// Its site-relative address (`2016/`), as messages name it (`/2016/`)
    /// whatever the base URL.
    pub page: &'a str,
    /// Its link, as pages write it (`/incidents/2016/`).
    pub url: &'a str,
    /// Its full URL (`https://example.fr/incidents/2016/`).
    pub permalink: &'a str,
}

impl Templates {
    /// Compiles the templates of `theme`, checking that every page template
    /// is there, with `built_in` templates (name, text) for those it lacks.
    pub(crate) fn compile(theme: &ThemeFiles, built_in: &[(&str, &str)]) -> Result<Templates, Diagnostic> {
        let folder = theme.shown_dir.join("templates");
        for name in REQUIRED {
            if !theme.templates.contains_key(name) {
                return Err(Diagnostic::error(
                    &folder.join(name),
                    (0, 0),
                    format!("the theme has no template \"{name}\""),
                )
                .with_hint(format!("add it to the theme, or add templates/{name} at the site root")));
            }
        }
        let origins: BTreeMap<String, PathBuf> =
            theme.templates.iter().map(|(name, source)| (name.clone(), source.shown.clone())).collect();
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        let missing = built_in.iter().filter(|(name, _)| !theme.templates.contains_key(*name)).copied();
        let sources = theme.templates.iter().map(|(name, source)| (name.as_str(), source.text.as_str())).chain(missing);
        let reproduced = theme
            .templates
            .iter()
            .filter(|(name, source)| super::built_in::reproduces(name, &source.text))
            .map(|(name, _)| name.clone())
            .collect();
        let templates = Templates { tera: Tera::new(), origins: Arc::new(origins), folder, reproduced };
        tera.add_raw_templates(sources).map_err(|e| templates.compile_error(&e))?;
        Ok(Templates { tera, ..templates })
    }

    /// The templates ready to render the pages of one build, with `globals`
    /// (a struct or map: each of its fields becomes a name every template sees).
    /// (Set in place: the compiled templates are not copied for each build.)
    pub(crate) fn with_globals(&mut self, globals: &impl Serialize) -> Result<Engine<'_>, Diagnostic> {
        *self.tera.global_context() = Context::from_serialize(globals).map_err(|e| {
            Diagnostic::error(&self.folder, (0, 0), format!("cannot hand the site's values to the templates: {e}"))
        })?;
        Ok(Engine { templates: self })
    }

    /// Whether vigie's own writers reproduce every template of `names`
    /// (each is the built-in theme's, byte for byte).
    pub(crate) fn are_built_in(&self, names: &[&str]) -> bool {
        names.iter().all(|name| self.reproduced.contains(*name))
    }

    fn shown(&self, template: &str) -> PathBuf {
        self.origins.get(template).cloned().unwrap_or_else(|| self.folder.join(template))
    }

    /// A compile error of Tera as a located diagnostic.
    fn compile_error(&self, error: &tera::Error) -> Diagnostic {
        const SYNTAX_HINT: &str =
            "fix the template syntax (Tera 2, like Jinja2: https://keats.github.io/tera/); a template written for vigie 0.1 may need porting: see the README, \"A template written for vigie 0.1\"";
        const LOOP_HINT: &str = "remove the include (or the extends) that closes the loop";
        match error.kind() {
            ErrorKind::SyntaxError(report) => self
                .located(report, format!("invalid template: {}", trim_period(report.message())))
                .with_hint(SYNTAX_HINT)
                .with_cause(excerpt(error)),
            ErrorKind::CircularInclude { tpl, include_chain } => {
                // Tera gives the chain from the template it started at: the loop is its tail.
                let last = include_chain.last().unwrap_or(tpl);
                let start = include_chain.iter().position(|name| name == last).unwrap_or(0);
                Diagnostic::error(
                    &self.shown(last),
                    (0, 0),
                    format!("the templates include each other without end: {}", include_chain[start..].join(" → ")),
                )
                .with_hint(LOOP_HINT)
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain } => {
                let mut chain = inheritance_chain.clone();
                chain.push(tpl.clone());
                Diagnostic::error(
                    &self.shown(tpl),
                    (0, 0),
                    format!("the templates extend each other without end: {}", chain.join(" → ")),
                )
                .with_hint(LOOP_HINT)
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                &self.shown(current),
                (0, 0),
                format!("extends \"{parent}\", which neither the theme nor the site's templates/ has"),
            )
            .with_hint(format!("add templates/{parent}, or extend one of the theme's templates")),
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                &self.folder,
                (0, 0),
                format!("a template includes \"{name}\", which neither the theme nor the site's templates/ has"),
            )
            .with_hint(format!("add templates/{name}, or remove the include")),
            // Tera gives these (an unknown filter, function or component, a
            // missing include, a block the parent lacks) as text only: the
            // template and its line are in the excerpt, shown as the cause.
            _ => Diagnostic::general(format!("invalid template: {}", first_line(error)))
                .with_hint(SYNTAX_HINT)
                .with_cause(excerpt(error)),
        }
    }

    /// A diagnostic at the place Tera's report points to (its columns count from 0).
    fn located(&self, report: &tera::ReportError, message: String) -> Diagnostic {
        let span = report.span();
        let at = if span.start_line > 0 { (span.start_line, span.start_col + 1) } else { (0, 0) };
        Diagnostic::error(&self.shown(report.filename()), at, message)
    }
}

impl Engine<'_> {
    /// Renders `template` into `out` for the page at `address`, with the
    /// fields of `values` (a struct) as the page's own names, beside the
    /// build's global ones.
    pub(crate) fn render(
        &self,
        template: &str,
        address: &PageAddress<'_>,
        values: &impl Serialize,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let templates = self.templates;
        let page = &format!("/{}", address.page);
        let mut context = Context::from_serialize(values)
            .map_err(|e| Diagnostic::error(&templates.shown(template), (0, 0), format!("cannot render {page}: {e}")))?;
        context.insert("page_url", address.url);
        context.insert("permalink", address.permalink);
        templates.tera.render_to(template, &context, &mut *out).map_err(|e| self.render_error(template, page, &e))
    }

    /// A rendering error of Tera as a located diagnostic naming the page.
    fn render_error(&self, template: &str, page: &str, error: &tera::Error) -> Diagnostic {
        let templates = self.templates;
        match error.kind() {
            ErrorKind::RenderingError(report) => templates
                .located(report, format!("cannot render {page}: {}", trim_period(report.message())))
                .with_hint("check this template against the values it gets (README, \"What each template gets\")")
                .with_cause(excerpt(error)),
            ErrorKind::Msg(message) if message.contains("recursion depth") => Diagnostic::error(
                &templates.shown(template),
                (0, 0),
                format!(
                    "cannot render {page}: a component calls itself more than {COMPONENT_DEPTH_LIMIT} levels deep: \
                     does it call itself without end?"
                ),
            )
            .with_hint("make the condition that stops the recursion turn false sooner, or remove the call"),
            _ => Diagnostic::error(
                &templates.shown(template),
                (0, 0),
                format!("cannot render {page}: {}", first_line(error)),
            )
            .with_hint("check this template against the values it gets (README, \"What each template gets\")"),
        }
    }
}

/// `text` escaped for HTML as templates escape it (`&`, `<`, `>`, `"`, `'`;
/// `/` is left alone): for HTML that vigie writes outside templates.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 16);
    // Writing to a Vec cannot fail, and escaping keeps the text UTF-8.
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// `text` escaped as [`escape_html`] does, added to `out`.
pub(crate) fn escape_html_into(text: &str, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(text, out);
}

fn trim_period(message: &str) -> &str {
    message.strip_suffix('.').unwrap_or(message)
}

/// What Tera shows of an error beyond its first line: where it is, with the
/// template's lines around it and where it was called from (shown as a cause).
fn excerpt(error: &tera::Error) -> String {
    let text = error.to_string();
    let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
    rest.trim_end().to_string()
}

fn first_line(error: &tera::Error) -> String {
    let text = error.to_string();
    let line = text.lines().next().unwrap_or_default();
    trim_period(line.strip_prefix("error: ").unwrap_or(line)).to_string()
}

/// A theme with empty page templates and `templates`, for tests.
#[cfg(test)]
fn theme_with(templates: &[(&str, &str)]) -> ThemeFiles {
    use crate::theme::Source;
    let mut theme = ThemeFiles { shown_dir: std::path::Path::new("themes/t").to_path_buf(), ..ThemeFiles::default() };
    for name in REQUIRED {
        theme
            .templates
            .insert(name.into(), Source { shown: format!("themes/t/templates/{name}").into(), text: String::new() });
    }
    for (name, text) in templates {
        theme
            .templates
            .insert((*name).into(), Source { shown: format!("templates/{name}").into(), text: (*text).into() });
    }
    theme
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(Serialize)]
    struct Values<'a> {
        x: &'a str,
        deep: bool,
    }

    fn render(templates: &[(&str, &str)], name: &str, values: &Values<'_>) -> Result<String, Diagnostic> {
        let mut compiled = Templates::compile(&theme_with(templates), &[])?;
        let engine = compiled.with_globals(&serde_json::json!({ "g": "/a/b'\"" }))?;
        let mut out = Vec::new();
        let address = PageAddress { page: "p/", url: "/x/p/", permalink: "https://e.fr/x/p/" };
        engine.render(name, &address, values, &mut out)?;
        Ok(String::from_utf8(out).expect("UTF-8"))
    }

    #[test]
    fn pages_get_their_values_the_globals_and_their_address_escaped_but_slashes() {
        let page = "{{ x }}|{{ g }}|{{ page_url }}|{{ permalink }}";
        let out = render(&[("p.html", page)], "p.html", &Values { x: "<b>&", deep: false });
        assert_eq!(out.expect("renders"), "&lt;b&gt;&amp;|/a/b&#39;&quot;|/x/p/|https://e.fr/x/p/");
    }

    #[test]
    fn syntax_errors_are_located_in_their_file() {
        let error = Templates::compile(&theme_with(&[("a.html", "<p>\n{{ x y }}")]), &[]).err().expect("bad syntax");
        assert_eq!((error.path.as_deref(), error.line, error.col), (Some(Path::new("templates/a.html")), 2, 6));
        assert!(error.message.starts_with("invalid template: "), "{}", error.message);
    }

    #[test]
    fn include_loops_name_the_loop() {
        let error = Templates::compile(
            &theme_with(&[("a.html", "{% include \"b.html\" %}"), ("b.html", "{% include \"a.html\" %}")]),
            &[],
        )
        .err()
        .expect("a loop");
        assert!(error.message.starts_with("the templates include each other without end: "), "{}", error.message);
        assert!(
            error.message.contains("a.html → b.html → a.html") || error.message.contains("b.html → a.html → b.html")
        );
    }

    #[test]
    fn endless_component_recursion_is_an_error_naming_the_template() {
        let components =
            "{% component up(n) %}{{ n }}{% if n > 0 %}{{<up n={n + 1} />}}{% endif %}{% endcomponent up %}";
        let page = "{% if deep %}{{<up n={1} />}}{% endif %}ok";
        let templates = [("components.html", components), ("p.html", page)];
        assert_eq!(render(&templates, "p.html", &Values { x: "", deep: false }).expect("renders"), "ok");
        let error = render(&templates, "p.html", &Values { x: "", deep: true }).expect_err("too deep");
        assert_eq!(error.path.as_deref(), Some(Path::new("templates/p.html")));
        assert!(error.message.contains("calls itself more than 20 levels deep"), "{}", error.message);
    }

    #[test]
    fn rendering_errors_point_at_the_expression() {
        let error = render(&[("p.html", "<p>\n  {{ missing }}</p>")], "p.html", &Values { x: "", deep: false })
            .expect_err("undefined");
        assert_eq!((error.line, error.col), (2, 6));
        assert!(error.message.starts_with("cannot render /p/: "), "{}", error.message);
    }

    #[test]
    fn maps_are_iterated_in_the_order_vigie_gives_them() {
        // Without Tera's `preserve_order`, its maps iterate in a random order
        // chosen anew by each instance: themes would render differently from
        // build to build.
        #[derive(Serialize)]
        struct Labels {
            t: std::collections::BTreeMap<&'static str, &'static str>,
        }
        let t: std::collections::BTreeMap<_, _> =
            [("c", "3"), ("a", "1"), ("d", "4"), ("b", "2")].into_iter().collect();
        let page = [("p.html", "{% for k, v in t %}{{ k }}{{ v }} {% endfor %}")];
        for _ in 0..5 {
            let mut compiled = Templates::compile(&theme_with(&page), &[]).expect("compiles");
            let engine = compiled.with_globals(&serde_json::json!({})).expect("globals");
            let mut out = Vec::new();
            let address = PageAddress { page: "p/", url: "/p/", permalink: "https://e.fr/p/" };
            engine.render("p.html", &address, &Labels { t: t.clone() }, &mut out).expect("renders");
            assert_eq!(String::from_utf8_lossy(&out), "a1 b2 c3 d4 ");
        }
    }

    #[test]
    fn an_unknown_filter_is_named_once_with_its_template_in_the_cause() {
        let error =
            Templates::compile(&theme_with(&[("a.html", "<p>\n{{ x | date }}</p>")]), &[]).err().expect("unknown");
        assert_eq!(error.message, "invalid template: Unknown filter `date`");
        assert!(error.causes.first().is_some_and(|c| c.contains("a.html:2:")), "{:?}", error.causes);
    }

    #[test]
    fn a_missing_page_template_is_named() {
        let mut theme = theme_with(&[]);
        theme.templates.remove("year.html");
        let error = Templates::compile(&theme, &[]).err().expect("missing");
        assert_eq!(error.path.as_deref(), Some(Path::new("themes/t/templates/year.html")));
        assert_eq!(error.message, "the theme has no template \"year.html\"");
    }
}
