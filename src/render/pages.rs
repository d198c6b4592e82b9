//! Each kind of page: home and its pages, years, incidents, services, 404.

use super::urls::{index_file, page_path};
use super::views::{MonthGroup, PageLink, Pagination, ServiceSummary, YearLink, YearStats};
use super::{format, service_feeds, service_path, RenderError, Renderer};
use crate::archive::paginate;
use chrono::Datelike;
use rayon::prelude::*;

/// A rendered file: its site-relative path and its bytes.
pub type Page = (String, Vec<u8>);

/// Renders every HTML page of the site.
pub fn render_pages(r: &Renderer<'_>) -> Result<Vec<Page>, RenderError> {
    let mut pages = Vec::new();
    pages.extend(render_home(r)?);
    pages.extend(render_years(r)?);
    pages.extend(render_incidents(r)?);
    pages.extend(render_services(r)?);
    pages.push(("404.html".into(), r.render("404.html", "404.html", tera::Context::new())?));
    Ok(pages)
}

fn pagination(first: &str, number: usize, total: usize, r: &Renderer<'_>) -> Pagination {
    let link = |n: usize| r.urls.path(&page_path(first, n));
    Pagination {
        number,
        total,
        previous: (number > 1).then(|| link(number - 1)),
        next: (number < total).then(|| link(number + 1)),
        pages: (1..=total).map(|n| PageLink { number: n, url: link(n), current: n == number }).collect(),
    }
}

fn year_links(r: &Renderer<'_>) -> Vec<YearLink> {
    r.archive
        .years
        .iter()
        .rev()
        .map(|(&year, items)| YearLink { year, url: r.urls.path(&format!("{year}/")), count: items.len() })
        .collect()
}

fn render_home(r: &Renderer<'_>) -> Result<Vec<super::pages::Page>, RenderError> {
    let all: Vec<usize> = (0..r.cards.len()).collect();
    let current: Vec<_> = r.archive.current.iter().map(|&i| &r.cards[i]).collect();
    let years = year_links(r);
    paginate(&all, r.config.paginate_by)
        .par_iter()
        .map(|slice| {
            let path = page_path("", slice.number);
            let mut cx = tera::Context::new();
            cx.insert("current", if slice.number == 1 { &current[..] } else { &[] });
            cx.insert("incidents", &slice.items.iter().map(|&i| &r.cards[i]).collect::<Vec<_>>());
            cx.insert("pagination", &pagination("", slice.number, slice.total, r));
            cx.insert("years", &years);
            cx.insert("total", &r.cards.len());
            Ok((index_file(&path), r.render("index.html", &path, cx)?))
        })
        .collect()
}

fn year_stats(r: &Renderer<'_>, year: i32, items: &[usize]) -> YearStats {
    let incidents =
        items.iter().filter(|&&i| r.archive.incidents[i].kind == crate::content::model::Kind::Incident).count();
    YearStats {
        year,
        url: r.urls.path(&format!("{year}/")),
        count: items.len(),
        incidents,
        downtime: r.duration(r.archive.downtime(items)),
    }
}

fn render_years(r: &Renderer<'_>) -> Result<Vec<Page>, RenderError> {
    let years = year_links(r);
    r.archive
        .years
        .par_iter()
        .map(|(&year, items)| {
            let mut months: Vec<MonthGroup<'_>> = Vec::new();
            for &i in items {
                let month = r.archive.incidents[i].start.month();
                let anchor = format!("m{month:02}");
                if months.last().is_none_or(|m| m.anchor != anchor) {
                    months.push(MonthGroup {
                        title: format::month_year(year, month, &r.t.dates),
                        anchor,
                        incidents: Vec::new(),
                    });
                }
                if let Some(group) = months.last_mut() {
                    group.incidents.push(&r.cards[i]);
                }
            }
            let path = format!("{year}/");
            let mut cx = tera::Context::new();
            cx.insert("year", &year_stats(r, year, items));
            cx.insert("months", &months);
            cx.insert("years", &years);
            Ok((index_file(&path), r.render("year.html", &path, cx)?))
        })
        .collect()
}

fn render_incidents(r: &Renderer<'_>) -> Result<Vec<Page>, RenderError> {
    r.archive
        .incidents
        .par_iter()
        .enumerate()
        .map(|(n, incident)| {
            let feeds: Vec<_> = incident.services.iter().map(|k| service_feeds(r.config, &r.urls, k)).collect();
            let mut cx = tera::Context::new();
            cx.insert("incident", &r.detail(n));
            cx.insert("service_feeds", &feeds);
            Ok((index_file(&incident.path), r.render("incident.html", &incident.path, cx)?))
        })
        .collect()
}

fn service_summary<'r>(r: &'r Renderer<'_>, key: &str) -> ServiceSummary<'r> {
    let service = &r.config.services[key];
    let items = r.archive.of_service(key);
    ServiceSummary {
        key: key.to_string(),
        name: service.name.clone(),
        description: service.description.clone(),
        url: r.urls.path(&service_path(key)),
        count: items.len(),
        downtime_last_year: r.duration(r.archive.downtime_last_year(items)),
        latest: items.first().map(|&i| &r.cards[i]),
        feeds: service_feeds(r.config, &r.urls, key),
    }
}

fn render_services(r: &Renderer<'_>) -> Result<Vec<Page>, RenderError> {
    let mut summaries: Vec<_> = r.config.services.keys().map(|k| service_summary(r, k)).collect();
    summaries.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.key.cmp(&b.key)));
    let mut cx = tera::Context::new();
    cx.insert("services", &summaries);
    let mut pages = vec![(index_file("services/"), r.render("services.html", "services/", cx)?)];
    let jobs: Vec<_> = summaries
        .iter()
        .flat_map(|summary| {
            let items = r.archive.of_service(&summary.key);
            paginate(items, r.config.paginate_by).into_iter().map(move |slice| (summary, items, slice))
        })
        .collect();
    let rendered: Result<Vec<Page>, RenderError> = jobs
        .par_iter()
        .map(|(summary, items, slice)| {
            let first = service_path(&summary.key);
            let path = page_path(&first, slice.number);
            let mut per_year: Vec<YearStats> = Vec::new();
            for (&year, in_year) in r.archive.years.iter().rev() {
                let mine: Vec<usize> = in_year.iter().copied().filter(|i| items.binary_search(i).is_ok()).collect();
                if !mine.is_empty() {
                    per_year.push(year_stats(r, year, &mine));
                }
            }
            let mut cx = tera::Context::new();
            cx.insert("service", summary);
            cx.insert("incidents", &slice.items.iter().map(|&i| &r.cards[i]).collect::<Vec<_>>());
            cx.insert("pagination", &pagination(&first, slice.number, slice.total, r));
            cx.insert("per_year", &per_year);
            cx.insert("service_feeds", &[&summary.feeds]);
            Ok((index_file(&path), r.render("service.html", &path, cx)?))
        })
        .collect();
    pages.extend(rendered?);
    Ok(pages)
}
