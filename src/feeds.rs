//! Stage 4b: the Atom and RSS feeds, for the whole archive and for each
//! service. An entry's id is fixed for the incident's whole life (it comes
//! from the source file, not the title), its `updated` is the incident's
//! latest change, and its content is the full text rendered by the theme's
//! `feed_entry.html`. What stops a feed is a [`FeedError`], which becomes a
//! [`Diagnostic`].

use crate::content::model::Incident;
use crate::diagnostics::{Diagnostic, Error};
use crate::render::memo::key_of;
use crate::render::urls::Urls;
use crate::render::{service_path, RenderError, Renderer};
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rayon::prelude::*;
use std::sync::Arc;

/// Why a feed could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The entry template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The XML writer failed.
    #[error("cannot write feed {path}: {message}")]
    Write {
        /// The feed's site-relative path.
        path: String,
        /// The writer's message.
        message: String,
    },
}

impl From<FeedError> for Diagnostic {
    fn from(error: FeedError) -> Self {
        match error {
            FeedError::Render(e) => Diagnostic::from(e),
            // The feed is vigie's output, not a file of the user's: no path.
            FeedError::Write { path, message } => Diagnostic::general(format!("cannot write feed {path}: {message}")),
        }
    }
}

impl From<FeedError> for Error {
    fn from(error: FeedError) -> Self {
        Diagnostic::from(error).into()
    }
}

/// A rendered feed file: site-relative path and bytes.
pub type FeedFile = (String, Vec<u8>);

struct FeedSpec<'a> {
    /// Site-relative folder of the feed (`` or `services/mail/`).
    dir: String,
    title: String,
    /// Site-relative path of the page the feed is about.
    page: String,
    items: &'a [usize],
}

/// Renders the global feeds and two feeds per declared service into the
/// renderer's sink; returns how many.
pub fn render_feeds(r: &Renderer<'_>) -> Result<usize, FeedError> {
    let archive = r.archive;
    let all: Vec<usize> = (0..archive.incidents.len()).collect();
    let mut specs =
        vec![FeedSpec { dir: String::new(), title: r.config.title.clone(), page: String::new(), items: &all }];
    for (key, service) in &r.config.services {
        specs.push(FeedSpec {
            dir: service_path(key),
            title: format!("{} – {}", r.config.title, service.name),
            page: service_path(key),
            items: archive.of_service(key),
        });
    }
    let latest: Vec<Vec<usize>> = specs.iter().map(|s| archive.latest_changed(s.items, r.config.feed_limit)).collect();
    // Every entry's content is rendered once, then shared by the feeds that carry it.
    let mut needed: Vec<usize> = latest.iter().flatten().copied().collect();
    needed.sort_unstable();
    needed.dedup();
    let contents: Vec<(usize, Arc<str>)> =
        needed.par_iter().map(|&i| entry_html(r, i).map(|html| (i, html))).collect::<Result<_, RenderError>>()?;
    let content_of = |i: usize| contents.binary_search_by_key(&i, |(j, _)| *j).map_or("", |k| &*contents[k].1);
    specs.par_iter().zip(&latest).try_for_each(|(spec, latest)| -> Result<(), FeedError> {
        let entries: Vec<Entry<'_>> = latest
            .iter()
            .map(|&i| Entry {
                index: i,
                incident: &archive.incidents[i],
                content: content_of(i),
                title: entry_title(r, &archive.incidents[i]),
            })
            .collect();
        // In `vigie serve`, a feed whose entries did not change is kept as it is.
        let key = || key_of((&spec.dir, entries.iter().map(|e| (r.page_keys[e.index], &e.title)).collect::<Vec<_>>()));
        let atom_path = format!("{}atom.xml", spec.dir);
        let rss_path = format!("{}rss.xml", spec.dir);
        if r.memo.is_some_and(|m| {
            let key = key();
            m.reuse(&atom_path, key) & m.reuse(&rss_path, key)
        }) {
            return Ok(());
        }
        for (path, bytes) in [atom_feed(r, spec, &entries)?, rss_feed(r, spec, &entries)?] {
            r.sink.put(&path, bytes).map_err(RenderError::from)?;
        }
        Ok(())
    })?;
    Ok(specs.len() * 2)
}

struct Entry<'a> {
    index: usize,
    incident: &'a Incident,
    title: String,
    content: &'a str,
}

/// « [Résolu] Panne de la messagerie »: the state in the site's language, then the title.
fn entry_title(r: &Renderer<'_>, incident: &Incident) -> String {
    let key = format!("feed_state_{}_{}", incident.kind.as_str(), incident.phase(r.archive.now).as_str());
    format!("[{}] {}", r.t.label(&key), incident.title)
}

fn entry_html(r: &Renderer<'_>, i: usize) -> Result<Arc<str>, RenderError> {
    let incident = &r.archive.incidents[i];
    let render = || {
        let mut cx = tera::Context::new();
        cx.insert("incident", &r.detail(i));
        r.render_string("feed_entry.html", &incident.path, cx).map(Arc::from)
    };
    match r.memo {
        Some(memo) => memo.fragment("entry", r.page_keys[i], render).map(|(html, _)| html),
        None => render(),
    }
}

/// The entry's permanent id: a tag URI from the host, the start year and the
/// source file, so that it survives title edits and new updates.
pub fn entry_id(urls: &Urls, incident: &Incident) -> String {
    const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');
    let source = incident.source.with_extension("");
    let source = source.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let source = source.strip_prefix("content/").unwrap_or(&source);
    format!("tag:{},{}:{}", urls.host(), incident.start.format("%Y"), utf8_percent_encode(source, PATH))
}

fn fixed(t: DateTime<Tz>) -> DateTime<FixedOffset> {
    crate::render::format::exact_offset(&t)
}

fn feed_updated(r: &Renderer<'_>, entries: &[Entry<'_>]) -> DateTime<FixedOffset> {
    entries.iter().map(|e| r.archive.last_changes[e.index]).max().map_or_else(|| fixed(r.archive.now), fixed)
}

fn categories(r: &Renderer<'_>, incident: &Incident) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = incident
        .services
        .iter()
        .map(|k| (k.clone(), r.config.services.get(k).map_or_else(|| k.clone(), |s| s.name.clone())))
        .collect();
    if let Some(severity) = incident.severity {
        out.push((severity.as_str().to_string(), r.t.label(&format!("severity_{}", severity.as_str())).to_string()));
    }
    out.push((incident.kind.as_str().to_string(), r.t.label(&format!("kind_{}", incident.kind.as_str())).to_string()));
    out
}

fn atom_feed(r: &Renderer<'_>, spec: &FeedSpec<'_>, entries: &[Entry<'_>]) -> Result<FeedFile, FeedError> {
    let path = format!("{}atom.xml", spec.dir);
    let link = |href: String, rel: &str, mime: Option<&str>| atom::Link {
        href,
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..atom::Link::default()
    };
    let feed = atom::Feed {
        title: spec.title.as_str().into(),
        id: r.urls.absolute(&spec.page),
        updated: feed_updated(r, entries),
        authors: vec![atom::Person { name: r.config.title.clone(), ..atom::Person::default() }],
        links: vec![
            link(r.urls.absolute(&path), "self", Some("application/atom+xml")),
            link(r.urls.absolute(&spec.page), "alternate", Some("text/html")),
        ],
        subtitle: (!r.config.description.is_empty()).then(|| r.config.description.as_str().into()),
        lang: Some(r.config.language.clone()),
        generator: Some(atom::Generator {
            value: "vigie".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        entries: entries
            .iter()
            .map(|e| atom::Entry {
                title: e.title.as_str().into(),
                id: entry_id(&r.urls, e.incident),
                updated: fixed(r.archive.last_changes[e.index]),
                published: Some(fixed(e.incident.start)),
                links: vec![link(r.urls.absolute(&e.incident.path), "alternate", Some("text/html"))],
                categories: categories(r, e.incident)
                    .into_iter()
                    .map(|(term, label)| atom::Category { term, label: Some(label), scheme: None })
                    .collect(),
                content: Some(atom::Content {
                    value: Some(e.content.to_string()),
                    content_type: Some("html".into()),
                    ..atom::Content::default()
                }),
                ..atom::Entry::default()
            })
            .collect(),
        ..atom::Feed::default()
    };
    let mut bytes =
        feed.write_to(Vec::new()).map_err(|e| FeedError::Write { path: path.clone(), message: e.to_string() })?;
    bytes.push(b'\n');
    Ok((path, bytes))
}

fn rss_feed(r: &Renderer<'_>, spec: &FeedSpec<'_>, entries: &[Entry<'_>]) -> Result<FeedFile, FeedError> {
    let path = format!("{}rss.xml", spec.dir);
    let self_link = atom::Link {
        href: r.urls.absolute(&path),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..atom::Link::default()
    };
    let channel = rss::Channel {
        title: spec.title.clone(),
        link: r.urls.absolute(&spec.page),
        description: if r.config.description.is_empty() { spec.title.clone() } else { r.config.description.clone() },
        language: Some(r.config.language.clone()),
        last_build_date: Some(feed_updated(r, entries).to_rfc2822()),
        generator: Some(format!("vigie {}", env!("CARGO_PKG_VERSION"))),
        atom_ext: Some(rss::extension::atom::AtomExtension { links: vec![self_link] }),
        items: entries
            .iter()
            .map(|e| rss::Item {
                title: Some(e.title.clone()),
                link: Some(r.urls.absolute(&e.incident.path)),
                guid: Some(rss::Guid { value: entry_id(&r.urls, e.incident), permalink: false }),
                pub_date: Some(fixed(r.archive.last_changes[e.index]).to_rfc2822()),
                categories: categories(r, e.incident)
                    .into_iter()
                    .map(|(_, label)| rss::Category { name: label, domain: None })
                    .collect(),
                description: Some(e.content.to_string()),
                ..rss::Item::default()
            })
            .collect(),
        ..rss::Channel::default()
    };
    let mut bytes =
        channel.write_to(Vec::new()).map_err(|e| FeedError::Write { path: path.clone(), message: e.to_string() })?;
    bytes.push(b'\n');
    Ok((path, bytes))
}
