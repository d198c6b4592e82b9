//! Stage 4 (render): the Atom and RSS feeds, for the whole archive and for
//! each service. An entry's id is fixed for the incident's whole life (it
//! comes from the source file, not the title), its `updated` is the
//! incident's latest change, and its content is the full text rendered by
//! the theme's `feed_entry.html`, its links made absolute
//! ([`absolute_links`](super::absolute_links)).

use super::absolute_links::absolute_links;
use super::jobs::{Fragment, Job, RenderError};
use super::pages::IncidentPage;
use super::urls::{service_path, Urls};
use super::views::{IncidentDetail, IncidentInput};
use super::{Constants, Renderer};
use crate::content::model::Incident;
use crate::diagnostics::Diagnostic;
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rayon::prelude::*;
use serde::Serialize;

/// A feed (its Atom and its RSS file are made of the same).
#[derive(Hash)]
struct Feed<'r> {
    /// Site-relative folder of the feed (`` or `services/mail/`).
    dir: String,
    title: String,
    /// Site-relative path of the page the feed is about.
    page: String,
    /// Its latest change: the latest of its entries', or the site's when it has none.
    updated: DateTime<Tz>,
    entries: Vec<Entry<'r>>,
}

/// One entry of a feed.
#[derive(Hash)]
struct Entry<'r> {
    incident: IncidentInput<'r>,
    /// « [Résolu] Panne de la messagerie »: the state, then the title.
    title: String,
    last_change: DateTime<Tz>,
    content: &'r Fragment,
}

#[derive(Serialize)]
struct EntryValues {
    incident: IncidentDetail,
}

/// Renders the global feeds and two feeds per declared service into the
/// sink; returns how many.
pub(crate) fn render_feeds(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let archive = r.archive;
    // A post is in the feeds once it is announced.
    let announced = |i: &usize| archive.is_announced(*i);
    let mut specs: Vec<(String, String, Option<&str>)> = vec![(String::new(), r.c.config.title.clone(), None)];
    for (key, service) in &r.c.config.services {
        specs.push((service_path(key), format!("{} – {}", r.c.config.title, service.name), Some(key.as_str())));
    }
    // An empty feed is as old as the site's latest change, so that it too
    // does not change between builds (the epoch on a site with nothing announced).
    let site_updated = archive
        .last_changes
        .iter()
        .flatten()
        .max()
        .copied()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.with_timezone(&Tz::UTC));
    let limit = r.c.config.feed_limit;
    let latest: Vec<Vec<usize>> = specs
        .par_iter()
        .map(|(_, _, service)| match service {
            None => archive.latest_changed((0..archive.incidents.len()).filter(announced), limit),
            Some(key) => archive.latest_changed(archive.of_service(key).iter().copied().filter(announced), limit),
        })
        .collect();
    // Every entry's content is rendered once, then shared by the feeds that carry it.
    let mut needed: Vec<usize> = latest.iter().flatten().copied().collect();
    needed.sort_unstable();
    needed.dedup();
    let contents: Vec<(usize, Fragment)> =
        needed.par_iter().map(|&i| entry_html(r, i).map(|html| (i, html))).collect::<Result<_, Diagnostic>>()?;
    let content_of = |i: usize| contents.binary_search_by_key(&i, |(j, _)| *j).map(|k| &contents[k].1);
    let feeds: Vec<Feed<'_>> = specs
        .into_iter()
        .zip(&latest)
        .map(|((dir, title, _), latest)| {
            let entries: Vec<Entry<'_>> = latest
                .iter()
                .filter_map(|&i| {
                    let content = content_of(i).ok()?;
                    let incident = r.input(i);
                    Some(Entry {
                        incident,
                        title: entry_title(r, incident),
                        last_change: archive.last_changes[i]?,
                        content,
                    })
                })
                .collect();
            let updated = entries.iter().map(|e| e.last_change).max().unwrap_or(site_updated);
            Feed { page: dir.clone(), dir, title, updated, entries }
        })
        .collect();
    let jobs = |file: &str| -> Vec<Job<'_, &Feed<'_>>> {
        feeds
            .iter()
            .map(|feed| Job { file: format!("{}{file}", feed.dir), page: feed.page.as_str().into(), data: feed })
            .collect()
    };
    let atom = r.executor.run("atom.xml", &jobs("atom.xml"), |job, out| atom_feed(&r.c, job, out))?;
    let rss = r.executor.run("rss.xml", &jobs("rss.xml"), |job, out| rss_feed(&r.c, job, out))?;
    Ok(atom + rss)
}

/// « [Résolu] Panne de la messagerie »: the state in the site's language, then the title.
fn entry_title(r: &Renderer<'_>, input: IncidentInput<'_>) -> String {
    let incident = input.incident;
    let key = format!("feed_state_{}_{}", incident.kind.as_str(), input.phase.as_str());
    format!("[{}] {}", r.c.t.label(&key), incident.title)
}

/// The content of incident `i`'s entries, made of what its page is made of,
/// every link in it absolute: a feed reader would resolve a relative one
/// against the feed's address.
fn entry_html(r: &Renderer<'_>, i: usize) -> Result<Fragment, Diagnostic> {
    r.executor.fragment("feed_entry.html", &IncidentPage::of(r, i), |page| {
        let path = &page.incident.incident.path;
        let html = r.render_text("feed_entry.html", path, &EntryValues { incident: page.detail(&r.c)? })?;
        absolute_links(&html, &r.c.urls.absolute_url(path), &page.incident.incident.source)
    })
}

/// The entry's permanent id: a tag URI from the host, the start year and the
/// source file, so that it survives title edits and new updates.
pub(crate) fn entry_id(urls: &Urls, incident: &Incident) -> String {
    const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');
    let source = incident.source.with_extension("");
    let source = crate::paths::slash_path(&source);
    let source = source.strip_prefix("content/").unwrap_or(&source);
    format!("tag:{},{}:{}", urls.host(), incident.start.format("%Y"), utf8_percent_encode(source, PATH))
}

fn fixed(t: DateTime<Tz>) -> DateTime<FixedOffset> {
    super::format::exact_offset(&t)
}

fn categories(c: &Constants<'_>, incident: &Incident) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = incident
        .services
        .iter()
        .map(|k| (k.clone(), c.config.services.get(k).map_or_else(|| k.clone(), |s| s.name.clone())))
        .collect();
    if let Some(severity) = incident.severity {
        out.push((severity.as_str().to_string(), c.t.label(&format!("severity_{}", severity.as_str())).to_string()));
    }
    out.push((incident.kind.as_str().to_string(), c.t.label(&format!("kind_{}", incident.kind.as_str())).to_string()));
    out
}

/// The XML writer's failure as a diagnostic on the feed file.
fn write_error(file: &str, error: impl std::fmt::Display) -> Diagnostic {
    // The feed is vigie's output, not a file of the user's: no path.
    Diagnostic::general(format!("cannot write feed {file}: {error}"))
        .with_hint("this is a bug of vigie: please report it with the posts that the feed carries")
}

fn atom_feed(c: &Constants<'_>, job: &Job<'_, &Feed<'_>>, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    let feed = job.data;
    let link = |href: String, rel: &str, mime: Option<&str>| atom::Link {
        href,
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..atom::Link::default()
    };
    let atom_feed = atom::Feed {
        title: feed.title.as_str().into(),
        id: c.urls.absolute(&feed.page),
        updated: fixed(feed.updated),
        authors: vec![atom::Person { name: c.config.title.clone(), ..atom::Person::default() }],
        links: vec![
            link(c.urls.absolute(&job.file), "self", Some("application/atom+xml")),
            link(c.urls.absolute(&feed.page), "alternate", Some("text/html")),
        ],
        subtitle: (!c.config.description.is_empty()).then(|| c.config.description.as_str().into()),
        lang: Some(c.config.language.clone()),
        generator: Some(atom::Generator {
            value: "vigie".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        entries: feed
            .entries
            .iter()
            .map(|e| {
                let incident = e.incident.incident;
                atom::Entry {
                    title: e.title.as_str().into(),
                    id: entry_id(&c.urls, incident),
                    updated: fixed(e.last_change),
                    published: Some(fixed(incident.announced())),
                    links: vec![link(c.urls.absolute(&incident.path), "alternate", Some("text/html"))],
                    categories: categories(c, incident)
                        .into_iter()
                        .map(|(term, label)| atom::Category { term, label: Some(label), scheme: None })
                        .collect(),
                    content: Some(atom::Content {
                        value: Some(e.content.html.to_string()),
                        content_type: Some("html".into()),
                        ..atom::Content::default()
                    }),
                    ..atom::Entry::default()
                }
            })
            .collect(),
        ..atom::Feed::default()
    };
    atom_feed.write_to(&mut *out).map_err(|e| write_error(&job.file, e))?;
    out.push(b'\n');
    Ok(())
}

fn rss_feed(c: &Constants<'_>, job: &Job<'_, &Feed<'_>>, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    let feed = job.data;
    let self_link = atom::Link {
        href: c.urls.absolute(&job.file),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..atom::Link::default()
    };
    let channel = rss::Channel {
        title: feed.title.clone(),
        link: c.urls.absolute(&feed.page),
        description: if c.config.description.is_empty() { feed.title.clone() } else { c.config.description.clone() },
        language: Some(c.config.language.clone()),
        last_build_date: Some(fixed(feed.updated).to_rfc2822()),
        generator: Some(format!("vigie {}", env!("CARGO_PKG_VERSION"))),
        atom_ext: Some(rss::extension::atom::AtomExtension { links: vec![self_link] }),
        items: feed
            .entries
            .iter()
            .map(|e| {
                let incident = e.incident.incident;
                rss::Item {
                    title: Some(e.title.clone()),
                    link: Some(c.urls.absolute(&incident.path)),
                    guid: Some(rss::Guid { value: entry_id(&c.urls, incident), permalink: false }),
                    pub_date: Some(fixed(incident.announced()).to_rfc2822()),
                    categories: categories(c, incident)
                        .into_iter()
                        .map(|(_, label)| rss::Category { name: label, domain: None })
                        .collect(),
                    description: Some(e.content.html.to_string()),
                    ..rss::Item::default()
                }
            })
            .collect(),
        ..rss::Channel::default()
    };
    channel.write_to(&mut *out).map_err(|e| write_error(&job.file, e))?;
    out.push(b'\n');
    Ok(())
}
