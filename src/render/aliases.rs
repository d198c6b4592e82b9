//! Stage 4 (render): a redirect page at each old address of a post
//! (`aliases` in its front matter), as Zola and Hugo write them: a meta
//! refresh, a canonical link and a plain link to the post, under the base
//! path. An alias that would replace a page vigie builds is an error at the
//! alias (one that would replace a post's page, or another alias, is found
//! when the content is assembled).

use super::jobs::{Job, RenderError};
use super::pages::list_page_paths;
use super::urls::{index_file, service_path};
use super::Renderer;
use crate::diagnostics::Diagnostic;
use serde::Serialize;
use std::collections::HashSet;

/// The built-in redirect template, used unless the theme has its own `alias.html`.
pub(crate) const TEMPLATE: (&str, &str) = ("alias.html", include_str!("../../themes/default/templates/alias.html"));

/// What a redirect page is made of: the post it leads to.
#[derive(Hash)]
struct Redirect<'a> {
    /// The post's site-relative address.
    target: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct RedirectValues<'a> {
    alias: RedirectView<'a>,
}

#[derive(Serialize)]
struct RedirectView<'a> {
    title: &'a str,
    /// The post's link (`/incidents/2016/11/22/panne/`).
    url: String,
    /// Its full URL.
    permalink: String,
}

/// Renders every alias's redirect page; returns how many.
pub(crate) fn render_aliases(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let incidents = r.archive.incidents;
    if incidents.iter().all(|i| i.aliases.is_empty()) {
        return Ok(0);
    }
    let built = built_files(r);
    let mut jobs = Vec::new();
    for incident in incidents {
        for alias in &incident.aliases {
            if built.contains(alias.file.as_str()) {
                let shown = alias.file.strip_suffix("index.html").unwrap_or(&alias.file);
                return Err(Diagnostic::error(
                    &incident.source,
                    alias.at,
                    format!("alias /{shown} is the address of a page vigie builds (a list, a feed or a service page)"),
                )
                .with_hint("remove the alias, or give the old address its real path")
                .into());
            }
            let page = alias.file.strip_suffix("index.html").unwrap_or(&alias.file).to_string();
            jobs.push(Job {
                file: alias.file.clone(),
                page: page.into(),
                data: Redirect { target: &incident.path, title: &incident.title },
            });
        }
    }
    r.executor.run("alias.html", &jobs, |job, out| {
        let target = job.data.target;
        let alias =
            RedirectView { title: job.data.title, url: r.c.urls.path(target), permalink: r.c.urls.absolute(target) };
        r.render("alias.html", &job.page, &RedirectValues { alias }, out)
    })
}

/// Every file vigie builds besides the posts' pages.
fn built_files(r: &Renderer<'_>) -> HashSet<String> {
    let mut files: HashSet<String> = list_page_paths(r).iter().map(|p| index_file(p)).collect();
    let fixed = ["404.html", "atom.xml", "rss.xml", "maintenance.ics", "badge.svg", "sitemap.xml", "robots.txt"];
    files.extend(fixed.iter().map(|f| f.to_string()));
    for key in r.c.config.services.keys() {
        let dir = service_path(key);
        files.extend(["atom.xml", "rss.xml", "maintenance.ics", "badge.svg"].iter().map(|f| format!("{dir}{f}")));
    }
    files
}
