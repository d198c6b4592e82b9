//! Each kind of page: home and its pages, years, incidents, services, 404.
//! Every page goes to the renderer's sink as soon as it is rendered.

use super::memo::{key_of, RenderMemo};
use super::urls::{index_file, page_path};
use super::views::{MonthGroup, PageLink, Pagination, ServiceSummary, YearLink, YearStats};
use super::{format, service_feeds, service_path, RenderError, Renderer};
use crate::archive::paginate;
use crate::content::model::Kind;
use chrono::Datelike;
use rayon::prelude::*;

/// How many page numbers are linked on each side of the current page.
const PAGINATION_WINDOW: usize = 2;

/// Renders the home page and its pages; returns how many.
pub fn render_home(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let all: Vec<usize> = (0..r.archive.incidents.len()).collect();
    let current: Vec<&str> = r.archive.current.iter().map(|&i| &*r.card_html[i]).collect();
    let years = year_links(r);
    let current_keys = || keys(r, &r.archive.current);
    let years_key = key_of(years.iter().map(|y| (y.year, y.count)).collect::<Vec<_>>());
    let pages = paginate(&all, r.config.paginate_by);
    pages.par_iter().try_for_each(|slice| {
        let path = page_path("", slice.number);
        let key = || key_of(("index", slice.number, slice.total, keys(r, slice.items), years_key, current_keys()));
        r.emit_keyed(&index_file(&path), key, "index.html", &path, || {
            let mut cx = tera::Context::new();
            cx.insert("current", if slice.number == 1 { &current[..] } else { &[] });
            cx.insert("cards", &cards(r, slice.items));
            cx.insert("pagination", &pagination("", slice.number, slice.total, r));
            cx.insert("years", &years);
            cx.insert("total", &r.archive.incidents.len());
            cx
        })
    })?;
    Ok(pages.len())
}

/// Renders one page per year; returns how many.
pub fn render_years(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let years = year_links(r);
    let years_key = key_of(years.iter().map(|y| (y.year, y.count)).collect::<Vec<_>>());
    r.archive.years.par_iter().try_for_each(|(&year, items)| {
        let path = format!("{year}/");
        if r.reuse(&index_file(&path), || key_of(("year", year, keys(r, items), years_key))) {
            return Ok(());
        }
        let mut months: Vec<MonthGroup<'_>> = Vec::new();
        for &i in items {
            let month = r.archive.incidents[i].start.month();
            let anchor = format!("m{month:02}");
            if months.last().is_none_or(|m| m.anchor != anchor) {
                months.push(MonthGroup {
                    title: format::month_year(year, month, &r.t.dates),
                    anchor,
                    cards: Vec::new(),
                });
            }
            if let Some(group) = months.last_mut() {
                group.cards.push(&r.card_html[i]);
            }
        }
        let mut cx = tera::Context::new();
        cx.insert("year", &year_stats(r, year, items));
        cx.insert("months", &months);
        cx.insert("years", &years);
        r.emit(&index_file(&path), "year.html", &path, cx)
    })?;
    Ok(r.archive.years.len())
}

/// Renders one page per incident; returns how many.
pub fn render_incidents(r: &Renderer<'_>) -> Result<usize, RenderError> {
    (0..r.archive.incidents.len()).into_par_iter().try_for_each(|n| render_incident(r, n))?;
    Ok(r.archive.incidents.len())
}

/// Renders the page of incident `n` (archive order).
pub fn render_incident(r: &Renderer<'_>, n: usize) -> Result<(), RenderError> {
    let incident = &r.archive.incidents[n];
    r.emit_keyed(
        &index_file(&incident.path),
        || r.page_keys[n],
        "incident.html",
        &incident.path,
        || {
            let feeds: Vec<_> = incident.services.iter().map(|k| service_feeds(r.config, &r.urls, k)).collect();
            let mut cx = tera::Context::new();
            cx.insert("incident", &r.detail(n));
            cx.insert("service_feeds", &feeds);
            cx
        },
    )
}

/// Renders the services page and each service's pages; returns how many.
pub fn render_services(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let mut order: Vec<&str> = r.config.services.keys().map(String::as_str).collect();
    let name = |key: &str| r.config.services[key].name.to_lowercase();
    order.sort_by_cached_key(|&key| (name(key), key));
    let services: Vec<ServiceFigures<'_>> = order.into_iter().map(|key| ServiceFigures::new(r, key)).collect();
    let services_key = || key_of(("services", services.iter().map(|s| s.inputs).collect::<Vec<_>>()));
    r.emit_keyed(&index_file("services/"), services_key, "services.html", "services/", || {
        let summaries: Vec<&ServiceSummary> = services.iter().map(ServiceFigures::summary).collect();
        let mut cx = tera::Context::new();
        cx.insert("services", &summaries);
        cx
    })?;
    let jobs: Vec<_> = services
        .iter()
        .flat_map(|service| {
            paginate(service.items, r.config.paginate_by).into_iter().map(move |slice| (service, slice))
        })
        .collect();
    jobs.par_iter().try_for_each(|(service, slice)| {
        let first = service_path(service.key);
        let path = page_path(&first, slice.number);
        let key = || key_of(("service", slice.number, slice.total, service.inputs, keys(r, slice.items)));
        r.emit_keyed(&index_file(&path), key, "service.html", &path, || {
            let summary = service.summary();
            let mut cx = tera::Context::new();
            cx.insert("service", summary);
            cx.insert("cards", &cards(r, slice.items));
            cx.insert("pagination", &pagination(&first, slice.number, slice.total, r));
            cx.insert("per_year", service.per_year());
            cx.insert("service_feeds", &[&summary.feeds]);
            cx
        })
    })?;
    Ok(jobs.len() + 1)
}

/// One service's incidents and the figures its pages show, computed when
/// a page needs them: in `vigie serve`, the pages of a service whose
/// incidents did not change are reused without them.
struct ServiceFigures<'r> {
    /// Its key in site.toml.
    key: &'r str,
    /// Its incidents, newest first.
    items: &'r [usize],
    /// A hash of what the figures are made of (in `vigie serve` only): when
    /// each incident started and ended and its kind, which of them started
    /// in the last twelve months, and the card of the latest one.
    inputs: u64,
    renderer: &'r Renderer<'r>,
    summary: std::sync::OnceLock<ServiceSummary>,
    per_year: std::sync::OnceLock<Vec<YearStats>>,
}

impl<'r> ServiceFigures<'r> {
    fn new(r: &'r Renderer<'r>, key: &'r str) -> Self {
        let items = r.archive.of_service(key);
        let inputs = match r.memo {
            Some(_) => {
                let incident = |i: usize| &r.archive.incidents[i];
                let times: Vec<_> = items
                    .iter()
                    .map(|&i| (incident(i).start.timestamp(), incident(i).end.map(|e| e.timestamp()), incident(i).kind))
                    .collect();
                let last_year = r.archive.last_year(items);
                let latest = items.first().map(|&i| RenderMemo::view_key(&r.card(i)));
                key_of((key, times, last_year.start, last_year.end, latest))
            }
            None => 0,
        };
        ServiceFigures { key, items, inputs, renderer: r, summary: Default::default(), per_year: Default::default() }
    }

    fn summary(&self) -> &ServiceSummary {
        self.summary.get_or_init(|| service_summary(self.renderer, self.key))
    }

    fn per_year(&self) -> &[YearStats] {
        self.per_year.get_or_init(|| service_years(self.renderer, self.items))
    }
}

/// Renders the 404 page.
pub fn render_not_found(r: &Renderer<'_>) -> Result<usize, RenderError> {
    r.emit("404.html", "404.html", "404.html", tera::Context::new())?;
    Ok(1)
}

/// The site-relative folders of every list page (home and its pages, years,
/// services and their pages), for the sitemap.
pub fn list_page_paths(r: &Renderer<'_>) -> Vec<String> {
    let mut paths: Vec<String> =
        (1..=paginate(&(0..r.archive.incidents.len()).collect::<Vec<_>>(), r.config.paginate_by).len())
            .map(|n| page_path("", n))
            .collect();
    paths.extend(r.archive.years.keys().map(|y| format!("{y}/")));
    paths.push("services/".into());
    for key in r.config.services.keys() {
        let first = service_path(key);
        let count = r.archive.of_service(key).len().div_ceil(r.config.paginate_by.max(1)).max(1);
        paths.extend((1..=count).map(|n| page_path(&first, n)));
    }
    paths.sort();
    paths
}

fn keys(r: &Renderer<'_>, items: &[usize]) -> Vec<u64> {
    items.iter().map(|&i| r.card_hashes[i]).collect()
}

fn cards<'r>(r: &'r Renderer<'_>, items: &[usize]) -> Vec<&'r str> {
    items.iter().map(|&i| &*r.card_html[i]).collect()
}

/// Links to the first and last pages and the pages around `number`, with gaps.
fn pagination(first: &str, number: usize, total: usize, r: &Renderer<'_>) -> Pagination {
    let link = |n: usize| r.urls.path(&page_path(first, n));
    let pages = page_window(number, total)
        .into_iter()
        .map(|n| match n {
            Some(n) => PageLink { number: n, url: link(n), current: n == number, gap: false },
            None => PageLink { number: 0, url: String::new(), current: false, gap: true },
        })
        .collect();
    Pagination {
        number,
        total,
        previous: (number > 1).then(|| link(number - 1)),
        next: (number < total).then(|| link(number + 1)),
        pages,
    }
}

/// The page numbers linked from page `number` of `total`: the first, the
/// last and those within [`PAGINATION_WINDOW`] of it; `None` marks a gap.
fn page_window(number: usize, total: usize) -> Vec<Option<usize>> {
    let mut shown = vec![1, total.max(1)];
    shown.extend(number.saturating_sub(PAGINATION_WINDOW).max(1)..=(number + PAGINATION_WINDOW).min(total));
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (k, &n) in shown.iter().enumerate() {
        if k > 0 && shown[k - 1] + 1 < n {
            out.push(None);
        }
        out.push(Some(n));
    }
    out
}

fn year_links(r: &Renderer<'_>) -> Vec<YearLink> {
    r.archive
        .years
        .iter()
        .rev()
        .map(|(&year, items)| YearLink { year, url: r.urls.path(&format!("{year}/")), count: items.len() })
        .collect()
}

fn year_stats(r: &Renderer<'_>, year: i32, items: &[usize]) -> YearStats {
    let incidents = items.iter().filter(|&&i| r.archive.incidents[i].kind == Kind::Incident).count();
    YearStats {
        year,
        url: r.urls.path(&format!("{year}/")),
        count: items.len(),
        incidents,
        downtime: r.duration(r.archive.downtime(items)),
    }
}

/// Per-year counts and downtime of a service's incidents (`items`, newest first), newest year first.
fn service_years(r: &Renderer<'_>, items: &[usize]) -> Vec<YearStats> {
    let mut per_year: Vec<YearStats> = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let year = r.archive.incidents[items[start]].start.year();
        let end = start + items[start..].iter().take_while(|&&i| r.archive.incidents[i].start.year() == year).count();
        per_year.push(year_stats(r, year, &items[start..end]));
        start = end;
    }
    per_year
}

fn service_summary(r: &Renderer<'_>, key: &str) -> ServiceSummary {
    let service = &r.config.services[key];
    let items = r.archive.of_service(key);
    ServiceSummary {
        key: key.to_string(),
        name: service.name.clone(),
        description: service.description.clone(),
        url: r.urls.path(&service_path(key)),
        count: items.len(),
        downtime_last_year: r.duration(r.archive.downtime_last_year(items)),
        latest: items.first().map(|&i| r.card(i)),
        feeds: service_feeds(r.config, &r.urls, key),
    }
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn pagination_links_a_bounded_window() {
        assert_eq!(
            page_window(250, 500),
            [Some(1), None, Some(248), Some(249), Some(250), Some(251), Some(252), None, Some(500)]
        );
        assert_eq!(page_window(1, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(page_window(1, 1), [Some(1)]);
        assert_eq!(page_window(5, 6), [Some(1), None, Some(3), Some(4), Some(5), Some(6)]);
    }
}
