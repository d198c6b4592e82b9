//! Compiles the theme's Tera templates (site overrides already applied by
//! [`super::theme`]), checking that every page template is there and
//! naming the file of any syntax error.

use super::theme::ThemeFiles;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::ast::{ExprVal, Node};
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
    #[error("{}/templates/{name}: error: the theme has no template \"{name}\"", .theme.display())]
    Missing {
        /// Template name.
        name: String,
        /// The theme folder as shown.
        theme: PathBuf,
    },
    /// Rendering would recurse without end (Tera would overflow the stack).
    #[error("{}: error: {message}", .path.display())]
    Recursion {
        /// The file where the loop starts.
        path: PathBuf,
        /// The loop, step by step.
        message: String,
        /// What to do.
        hint: &'static str,
    },
    /// Tera refused a template.
    #[error("{}{location}: error: invalid template: {message}", .path.display())]
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
    check_recursion(&tera, &origins)?;
    Ok(Templates { tera, origins })
}

/// Refuses what Tera would render by recursing until the stack overflows,
/// aborting the whole process: an include loop (through `{% include %}` and
/// `{% extends %}`, wherever the include is), or a macro that calls itself,
/// directly or through other macros, outside any `if` or `for`.
fn check_recursion(tera: &Tera, origins: &BTreeMap<String, PathBuf>) -> Result<(), TemplateError> {
    let shown = |name: &str| origins.get(name).cloned().unwrap_or_else(|| PathBuf::from(name));
    let mut includes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut calls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else { continue };
        let mut next: Vec<String> = template.parent.iter().cloned().collect();
        visit(&template.ast, false, &mut |node, _| {
            if let Node::Include(_, names, _) = node {
                // Tera renders the first of the names that exists.
                next.extend(names.iter().find(|n| tera.get_template(n).is_ok()).cloned());
            }
        });
        includes.insert(name.to_string(), next);
        for (macro_name, definition) in &template.macros {
            let mut called = Vec::new();
            visit(&definition.body, false, &mut |node, conditional| {
                let expr = match node {
                    Node::VariableBlock(_, expr) => expr,
                    Node::Set(_, set) => &set.value,
                    _ => return,
                };
                if let (ExprVal::MacroCall(call), false) = (&expr.val, conditional) {
                    let file = if call.namespace == "self" {
                        Some(name)
                    } else {
                        template
                            .imported_macro_files
                            .iter()
                            .find(|(_, ns)| *ns == call.namespace)
                            .map(|(f, _)| f.as_str())
                    };
                    called.extend(file.map(|f| format!("{f}: macro {}", call.name)));
                }
            });
            calls.insert(format!("{name}: macro {macro_name}"), called);
        }
    }
    let hint = "remove the include (or the macro call) that closes the loop; a macro may call itself only inside an `if` that ends the recursion";
    if let Some(cycle) = find_cycle(&includes) {
        let message = format!("the templates include each other without end: {}", cycle.join(" → "));
        return Err(TemplateError::Recursion { path: shown(&cycle[0]), message, hint });
    }
    if let Some(cycle) = find_cycle(&calls) {
        let message = format!("a macro calls itself without condition, without end: {}", cycle.join(" → "));
        let file = cycle[0].split(": macro ").next().unwrap_or_default().to_string();
        return Err(TemplateError::Recursion { path: shown(&file), message, hint });
    }
    Ok(())
}

/// Calls `f(node, conditional)` on every node, nested ones included;
/// `conditional` is true inside an `if` or a `for`.
fn visit(nodes: &[Node], conditional: bool, f: &mut dyn FnMut(&Node, bool)) {
    for node in nodes {
        f(node, conditional);
        match node {
            Node::Block(_, block, _) => visit(&block.body, conditional, f),
            Node::FilterSection(_, section, _) => visit(&section.body, conditional, f),
            Node::MacroDefinition(_, definition, _) => visit(&definition.body, conditional, f),
            Node::Forloop(_, for_loop, _) => {
                visit(&for_loop.body, true, f);
                visit(for_loop.empty_body.as_deref().unwrap_or_default(), true, f);
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    visit(body, true, f);
                }
                visit(branches.otherwise.as_ref().map_or(&[], |(_, body)| body.as_slice()), true, f);
            }
            _ => {}
        }
    }
}

/// A cycle of `graph` (node → the nodes it leads to), as the list of its nodes
/// with the first one repeated at the end, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    // 0: not seen, 1: on the current path, 2: done.
    fn dfs<'g>(
        node: &'g str,
        graph: &'g BTreeMap<String, Vec<String>>,
        state: &mut BTreeMap<&'g str, u8>,
        path: &mut Vec<&'g str>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|n| *n == next.as_str()).unwrap_or(0);
                    let mut cycle: Vec<String> = path[start..].iter().map(|n| n.to_string()).collect();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = dfs(next, graph, state, path) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = dfs(node, graph, &mut state, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
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
