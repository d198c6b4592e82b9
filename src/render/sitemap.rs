//! Stage 4 (render): `sitemap.xml` and `robots.txt`, with full URLs from
//! the base URL. The sitemap is a template (`sitemap.xml`, built in, which
//! a theme or a site may replace); a site's own static `sitemap.xml` or
//! `robots.txt` replaces the generated file.

use super::format::exact_offset;
use super::jobs::{Job, RenderError};
use super::Renderer;
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// The built-in sitemap template, used unless the theme or the site has a `sitemap.xml` template.
pub(crate) const TEMPLATE: (&str, &str) = ("sitemap.xml", include_str!("sitemap.xml"));

/// What the sitemap is made of: the list pages and each announced incident's
/// page with its last change (a post not announced yet is left out).
#[derive(Hash)]
struct Sitemap<'r> {
    lists: Vec<String>,
    incidents: Vec<(&'r str, DateTime<Tz>)>,
}

#[derive(Serialize)]
struct SitemapValues {
    lists: Vec<String>,
    incidents: Vec<IncidentEntry>,
}

#[derive(Serialize)]
struct IncidentEntry {
    loc: String,
    lastmod: String,
}

/// What `robots.txt` is made of: nothing but the base URL, a constant.
#[derive(Hash)]
struct Robots;

/// Renders `sitemap.xml` and `robots.txt`, unless `statics` (the site's and
/// the theme's static files) has its own, which is copied instead.
pub(crate) fn render_sitemap(r: &Renderer<'_>, statics: &BTreeMap<String, Vec<u8>>) -> Result<usize, RenderError> {
    let mut made = 0;
    // After an edit in place, the lists and the addresses are as in the last
    // good build: unless an edited post changed last at another time, so is
    // the sitemap.
    let unchanged = r.patched.as_ref().is_some_and(|patched| !patched.last_changes_moved);
    if unchanged && !statics.contains_key("sitemap.xml") {
        r.executor.carry("sitemap.xml");
        made += 1;
    } else if !statics.contains_key("sitemap.xml") {
        let incidents = r.archive.incidents.iter().zip(&r.archive.last_changes);
        let data = Sitemap {
            lists: super::pages::list_page_paths(r),
            incidents: incidents.filter_map(|(i, &t)| Some((i.path.as_str(), t?))).collect(),
        };
        let jobs = [Job { file: "sitemap.xml".to_string(), page: "sitemap.xml".into(), data }];
        made += r.executor.run("sitemap.xml", &jobs, |job, out| {
            let values = SitemapValues {
                lists: job.data.lists.iter().map(|page| r.c.urls.absolute(page)).collect(),
                incidents: job
                    .data
                    .incidents
                    .iter()
                    .map(|(path, changed)| IncidentEntry {
                        loc: r.c.urls.absolute(path),
                        lastmod: exact_offset(changed).to_rfc3339(),
                    })
                    .collect(),
            };
            r.render("sitemap.xml", &job.page, &values, out)
        })?;
    }
    if !statics.contains_key("robots.txt") {
        let jobs = [Job { file: "robots.txt".to_string(), page: "robots.txt".into(), data: Robots }];
        made += r.executor.run("robots.txt", &jobs, |_, out| {
            let sitemap = r.c.urls.absolute("sitemap.xml");
            out.extend_from_slice(format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n").as_bytes());
            Ok(())
        })?;
    }
    Ok(made)
}
