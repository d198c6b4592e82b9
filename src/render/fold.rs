//! Build constants folded into the compiled templates. `{{ t.start }}` or
//! `{{ site.base_path }}` print the same text on every page of a build, yet
//! Tera would look them up again on each of them: they become plain text once
//! per build. Conditions on a bare variable (`{% if incident.body_html %}`)
//! are marked safe, so that Tera tests them without escaping them first. The
//! rendered pages are the same, byte for byte.

use std::collections::BTreeSet;
use tera::ast::{Expr, ExprVal, FunctionCall, LogicOperator, Node};
use tera::{Tera, Value};

/// Replaces, in every template of `tera`, each `{{ root.path }}` whose root
/// is a key of `constants` (and is never reassigned by a template) with its
/// value's text, escaped with `escape` unless the expression ends in `| safe`.
/// Only strings are folded; everything else is left to Tera.
///
/// Every template vigie renders ends in `.html`, so Tera escapes its output:
/// folding escapes the same way.
pub fn fold_constants(tera: &mut Tera, constants: &tera::Map<String, Value>, escape: fn(&str) -> String) {
    let mut roots: BTreeSet<&str> = constants.keys().map(String::as_str).collect();
    for template in tera.templates.values() {
        let macro_bodies = template.macros.values().map(|m| &m.body);
        for nodes in std::iter::once(&template.ast).chain(macro_bodies) {
            visit(nodes, &mut |node| {
                let assigned: Vec<&str> = match node {
                    Node::Set(_, set) => vec![&set.key],
                    Node::Forloop(_, for_loop, _) => {
                        for_loop.key.iter().map(String::as_str).chain([for_loop.value.as_str()]).collect()
                    }
                    _ => Vec::new(),
                };
                for name in assigned {
                    roots.remove(name);
                }
            });
        }
    }
    let folder = Folder { constants, roots, escape };
    for template in tera.templates.values_mut() {
        folder.fold(&mut template.ast);
        for block in template.blocks.values_mut() {
            folder.fold(&mut block.body);
        }
        for definitions in template.blocks_definitions.values_mut() {
            for (_, block) in definitions {
                folder.fold(&mut block.body);
            }
        }
    }
}

struct Folder<'a> {
    constants: &'a tera::Map<String, Value>,
    roots: BTreeSet<&'a str>,
    escape: fn(&str) -> String,
}

impl Folder<'_> {
    /// Folds `nodes` and what they nest, except macro bodies: a macro sees
    /// only its arguments, never the page's values.
    fn fold(&self, nodes: &mut [Node]) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, expr) => {
                    if let Some(text) = self.constant_text(expr) {
                        *node = Node::Text(text);
                    }
                }
                Node::Block(_, block, _) => self.fold(&mut block.body),
                Node::FilterSection(_, section, _) => self.fold(&mut section.body),
                Node::Forloop(_, for_loop, _) => {
                    self.fold(&mut for_loop.body);
                    if let Some(body) = &mut for_loop.empty_body {
                        self.fold(body);
                    }
                }
                Node::If(branches, _) => {
                    for (_, condition, body) in &mut branches.conditions {
                        test_without_escaping(condition);
                        self.fold(body);
                    }
                    if let Some((_, body)) = &mut branches.otherwise {
                        self.fold(body);
                    }
                }
                _ => {}
            }
        }
    }

    /// The text `expr` prints on every page, when it is a constant string.
    fn constant_text(&self, expr: &Expr) -> Option<String> {
        let ExprVal::Ident(path) = &expr.val else { return None };
        if expr.negated || path.contains('[') || expr.filters.iter().any(|f| f.name != "safe") {
            return None;
        }
        let (root, rest) = path.split_once('.').unwrap_or((path, ""));
        if !self.roots.contains(root) {
            return None;
        }
        let value = tera::dotted_pointer(self.constants.get(root)?, rest)?;
        let text = value.as_str()?;
        Some(if expr.is_marked_safe() { text.to_string() } else { (self.escape)(text) })
    }
}

/// Marks the bare variables that `condition` tests for truth (alone or
/// joined by `and`/`or`) as safe: escaping cannot change whether a string is
/// empty, and Tera would otherwise escape a whole page body to test it.
/// Comparisons are left alone: both of their sides are escaped alike.
fn test_without_escaping(condition: &mut Expr) {
    match &mut condition.val {
        ExprVal::Ident(_) if condition.filters.is_empty() && !condition.negated => {
            condition.filters.push(FunctionCall { name: "safe".into(), args: Default::default() });
        }
        ExprVal::Logic(logic) if matches!(logic.operator, LogicOperator::And | LogicOperator::Or) => {
            test_without_escaping(&mut logic.lhs);
            test_without_escaping(&mut logic.rhs);
        }
        _ => {}
    }
}

/// Calls `f` on every node of `nodes`, nested ones included.
fn visit(nodes: &[Node], f: &mut dyn FnMut(&Node)) {
    for node in nodes {
        f(node);
        match node {
            Node::Block(_, block, _) => visit(&block.body, f),
            Node::FilterSection(_, section, _) => visit(&section.body, f),
            Node::MacroDefinition(_, definition, _) => visit(&definition.body, f),
            Node::Forloop(_, for_loop, _) => {
                visit(&for_loop.body, f);
                visit(for_loop.empty_body.as_deref().unwrap_or_default(), f);
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    visit(body, f);
                }
                visit(branches.otherwise.as_ref().map_or(&[], |(_, body)| body.as_slice()), f);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::templates::escape_html;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().copied()).expect("templates compile");
        tera
    }

    fn context() -> tera::Context {
        let mut cx = tera::Context::new();
        cx.insert("t", &serde_json::json!({ "start": "Début & <fin>", "n": 3 }));
        cx.insert("site", &serde_json::json!({ "title": "Incidents \"réseau\"", "feeds": { "atom": "/a.xml" } }));
        cx.insert("body", "<p>corps</p>");
        cx.insert("empty", "");
        cx.insert("other", &serde_json::json!({ "title": "autre" }));
        cx
    }

    /// Renders `name` before and after folding; both must agree.
    fn both(templates: &[(&str, &str)], name: &str) -> (String, String, Tera) {
        let cx = context();
        let plain = tera(templates);
        let mut folded = tera(templates);
        let constants = match cx.clone().into_json() {
            Value::Object(map) => map.into_iter().filter(|(k, _)| k == "t" || k == "site").collect(),
            _ => unreachable!("a context is an object"),
        };
        fold_constants(&mut folded, &constants, escape_html);
        let before = plain.render(name, &cx).expect("renders before folding");
        let after = folded.render(name, &cx).expect("renders after folding");
        (before, after, folded)
    }

    #[test]
    fn folding_keeps_the_output_and_removes_the_lookups() {
        let base = "<title>{% block title %}{{ site.title }}{% endblock %}</title>\
                    <a href=\"{{ site.feeds.atom }}\">{{ t.start }}|{{ t.start | safe }}|{{ t.n }}</a>\
                    {% block content %}{% endblock %}";
        let page = "{% extends \"base.html\" %}{% block title %}{{ t.start }} – {{ super() }}{% endblock %}\
                    {% block content %}{% if body %}[{{ body | safe }}]{% endif %}\
                    {% if empty or body and empty %}no{% else %}{{ t.start | upper }}{% endif %}\
                    {% for x in [1, 2] %}{{ t.start }}{{ x }}{% endfor %}{% endblock %}";
        let (before, after, folded) = both(&[("base.html", base), ("page.html", page)], "page.html");
        assert_eq!(before, after);
        assert!(before.contains("Début &amp; &lt;fin&gt;|Début & <fin>|3"), "{before}");
        let page = format!("{:?}", folded.get_template("page.html").expect("page").blocks_definitions);
        assert_eq!(page.matches("Ident(\"t.start\")").count(), 1, "only `t.start | upper` is left to Tera: {page}");
        assert!(!format!("{:?}", folded.get_template("base.html").expect("base").ast).contains("site.feeds.atom"));
    }

    #[test]
    fn reassigned_names_are_not_folded() {
        let page = "{% set t = 'x' %}{{ t }}{% for site in [1] %}{{ site }}{% endfor %}";
        let (before, after, _) = both(&[("page.html", page)], "page.html");
        assert_eq!((before.as_str(), after.as_str()), ("x1", "x1"));
        let macros = "{% macro m(site) %}{{ site.title }}{% endmacro m %}";
        let page = "{% import \"macros.html\" as m %}{{ m::m(site=other) }}|{{ site.title }}";
        let (before, after, _) = both(&[("macros.html", macros), ("page.html", page)], "page.html");
        assert_eq!(before, after);
        assert_eq!(after, "autre|Incidents &quot;réseau&quot;", "a macro's arguments are not the page's values");
    }
}
