//! Stage 4 (render): the HTML pages — home and its pages, years,
//! incidents, services, 404. For each kind of page, one struct says what
//! the page is made of (its render job's data, which is also hashed into
//! its reuse key) and one function builds the template's values from that
//! data and the build's constants alone.

use super::availability::{AvailabilityData, AvailabilityView};
use super::board::{service_order, state_view, Board, BoardView, StateView};
use super::built_in::incident_page::{self, IncidentPageValues};
use super::format::{self, TimeView};
use super::jobs::{Job, RenderError};
use super::urls::{index_file, page_path, service_path, year_path};
use super::views::{
    IncidentDetail, IncidentInput, IncidentLink, MonthGroup, PageLink, Pagination, ServiceSummary, YearLink, YearStats,
};
use super::{service_feeds, Card, Constants, Renderer};
use crate::archive::status::ServiceState;
use crate::archive::{paginate, PageSlice};
use crate::content::model::Kind;
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::Hash;

/// How many page numbers are linked on each side of the current page.
const PAGINATION_WINDOW: usize = 2;

/// Where a page stands in its paginated list.
#[derive(Debug, Clone, Hash)]
struct Position<'a> {
    /// The list's first page (`` or `services/mail/`).
    first: &'a str,
    number: usize,
    total: usize,
}

/// What the first page of a list shows of the present: the state, what is
/// happening now and what is planned, as of the build time, which its page
/// says (« État au … ») and which is part of its key.
#[derive(Hash)]
struct Present<'r> {
    /// The build time.
    at: DateTime<Tz>,
    /// The state of the site (home) or of the service.
    state: ServiceState,
    /// Ongoing incidents and maintenance in progress.
    current: Vec<&'r Card>,
    /// Planned maintenance (and what was called off before its window), soonest first.
    upcoming: Vec<&'r Card>,
}

impl<'r> Present<'r> {
    fn of(r: &'r Renderer<'_>, state: ServiceState, current: &[usize], upcoming: &[usize]) -> Self {
        Present { at: r.archive.now, state, current: cards(r, current), upcoming: cards(r, upcoming) }
    }
}

/// What templates get of a page's [`Present`] (nothing on a list's later pages).
#[derive(Serialize)]
struct PresentValues<'r> {
    /// Whether the page shows the present (a list's first page).
    present: bool,
    /// « État au … ».
    as_of: Option<TimeView>,
    /// The state of the site or the service.
    state: Option<StateView>,
    current: Vec<&'r str>,
    upcoming: Vec<&'r str>,
}

impl<'r> PresentValues<'r> {
    fn of(present: Option<&'r Present<'r>>, r: &'r Renderer<'_>) -> Result<Self, Diagnostic> {
        let c = &r.c;
        Ok(PresentValues {
            present: present.is_some(),
            as_of: present.map(|p| format::time_view(&p.at, &c.t.dates)),
            state: present.map(|p| state_view(p.state, c)),
            current: present.map_or_else(|| Ok(Vec::new()), |p| html_of(r, &p.current))?,
            upcoming: present.map_or_else(|| Ok(Vec::new()), |p| html_of(r, &p.upcoming))?,
        })
    }
}

/// A page of the home list.
#[derive(Hash)]
struct HomePage<'r> {
    position: Position<'static>,
    /// On the first page only.
    present: Option<Present<'r>>,
    /// On the first page only.
    board: Option<&'r Board<'r>>,
    cards: Vec<&'r Card>,
    years: &'r [YearLink],
    posts: usize,
}

#[derive(Serialize)]
struct HomeValues<'r> {
    #[serde(flatten)]
    present: PresentValues<'r>,
    board: Option<BoardView>,
    cards: Vec<&'r str>,
    pagination: Pagination,
    years: &'r [YearLink],
    total: usize,
}

/// Renders the home page and its pages; returns how many.
pub(crate) fn render_home(r: &Renderer<'_>, years: &[YearLink]) -> Result<usize, RenderError> {
    let history = &r.archive.history;
    let board = Board::of(r, &service_order(&r.c));
    let board = &board;
    let slices = paginate(history, r.c.config.paginate_by);
    let listed = listed_pages(r, "index.html", &slices);
    let jobs: Vec<Job<'_, HomePage<'_>>> = listed
        .into_iter()
        .map(|slice| {
            let first = slice.number == 1;
            let present =
                first.then(|| Present::of(r, r.archive.site_state(), &r.archive.current, &r.archive.upcoming));
            let page = page_path("", slice.number);
            let position = Position { first: "", number: slice.number, total: slice.total };
            let board = first.then_some(board);
            let data = HomePage { position, present, board, cards: cards(r, slice.items), years, posts: history.len() };
            Job { file: index_file(&page), page: page.into(), data }
        })
        .collect();
    r.executor.run("index.html", &jobs, |job, out| {
        let d = &job.data;
        let values = HomeValues {
            present: PresentValues::of(d.present.as_ref(), r)?,
            board: d.board.map(|b| b.view(&r.c)),
            cards: html_of(r, &d.cards)?,
            pagination: pagination(&d.position, &r.c),
            years: d.years,
            total: d.posts,
        };
        r.render("index.html", &job.page, &values, out)
    })
}

/// The pages of a paginated list to make: all of them, or after an edit in
/// place (see [`Renderer::patched`]) the first (which shows the present)
/// and those that show an edited post, the others kept (`kind` carried).
fn listed_pages<'s>(r: &Renderer<'_>, kind: &'static str, slices: &'s [PageSlice<'s>]) -> Vec<&'s PageSlice<'s>> {
    let Some(places) = r.edited() else { return slices.iter().collect() };
    r.executor.carry(kind);
    let shows_edited = |slice: &PageSlice<'_>| places.iter().any(|n| slice.items.binary_search(n).is_ok());
    slices.iter().filter(|slice| slice.number == 1 || shows_edited(slice)).collect()
}

/// A year's figures, for a year page or a service page.
#[derive(Debug, Clone, Hash)]
pub(crate) struct YearFigures {
    year: i32,
    count: usize,
    /// Unplanned incidents.
    incidents: usize,
    downtime: Duration,
}

impl YearFigures {
    fn of(r: &Renderer<'_>, year: i32, items: &[usize]) -> Self {
        let incidents = items.iter().filter(|&&i| r.archive.kinds[i] == Kind::Incident).count();
        YearFigures { year, count: items.len(), incidents, downtime: r.archive.downtime(items) }
    }

    fn view(&self, c: &Constants<'_>) -> YearStats {
        YearStats {
            year: self.year,
            url: c.urls.path(&year_path(self.year)),
            count: self.count,
            incidents: self.incidents,
            downtime: format::duration(self.downtime, &c.t.durations),
        }
    }
}

/// A year page.
#[derive(Hash)]
struct YearPage<'r> {
    figures: YearFigures,
    /// Each post's month and card, newest first.
    cards: Vec<(u32, &'r Card)>,
    years: &'r [YearLink],
}

#[derive(Serialize)]
struct YearValues<'r> {
    year: YearStats,
    months: Vec<MonthGroup<'r>>,
    years: &'r [YearLink],
}

/// Renders one page per year; returns how many.
pub(crate) fn render_years(r: &Renderer<'_>, years: &[YearLink]) -> Result<usize, RenderError> {
    // After an edit in place, only the years of the edited posts.
    let edited_years: Option<Vec<i32>> = r.edited().map(|places| {
        r.executor.carry("year.html");
        places.iter().map(|&n| r.archive.start_months[n].0).collect()
    });
    let jobs: Vec<Job<'_, YearPage<'_>>> = r
        .archive
        .years
        .iter()
        .filter(|(year, _)| edited_years.as_ref().is_none_or(|years| years.contains(year)))
        .map(|(&year, items)| {
            let cards = items.iter().map(|&i| (r.archive.start_months[i].1, &r.records[i].card)).collect();
            let data = YearPage { figures: YearFigures::of(r, year, items), cards, years };
            Job { file: index_file(&year_path(year)), page: year_path(year).into(), data }
        })
        .collect();
    r.executor.run("year.html", &jobs, |job, out| {
        let d = &job.data;
        let mut months: Vec<MonthGroup<'_>> = Vec::new();
        for &(month, card) in &d.cards {
            let anchor = format!("m{month:02}");
            if months.last().is_none_or(|m| m.anchor != anchor) {
                let title = format::month_year(d.figures.year, month, &r.c.t.dates);
                months.push(MonthGroup { title, anchor, cards: Vec::new() });
            }
            if let Some(group) = months.last_mut() {
                group.cards.push(r.card_html(card)?);
            }
        }
        let values = YearValues { year: d.figures.view(&r.c), months, years: d.years };
        r.render("year.html", &job.page, &values, out)
    })
}

/// An incident's page; also what its feed entries are made of.
#[derive(Hash)]
pub(crate) struct IncidentPage<'a> {
    pub incident: IncidentInput<'a>,
    pub older: Option<IncidentLink<'a>>,
    pub newer: Option<IncidentLink<'a>>,
}

impl<'a> IncidentPage<'a> {
    /// The page of incident `n` (archive order).
    pub(crate) fn of(r: &Renderer<'a>, n: usize) -> Self {
        let (older, newer) = r.archive.neighbours(n);
        IncidentPage { incident: r.input(n), older: older.map(IncidentLink::to), newer: newer.map(IncidentLink::to) }
    }

    /// What the page and the feed entries show of it.
    pub(crate) fn detail(&self, c: &Constants<'_>) -> Result<IncidentDetail, crate::diagnostics::Diagnostic> {
        IncidentDetail::new(self.incident, self.older, self.newer, c)
    }
}

/// An incident's page job: the page, and the build time while the
/// incident is not settled (its page then says « État au … »).
struct IncidentPageJob<'a> {
    page: IncidentPage<'a>,
    as_of: Option<DateTime<Tz>>,
    /// Where the incident is in the archive (to share its card's values);
    /// not part of the key: a page does not change when its incident moves.
    place: usize,
}

impl Hash for IncidentPageJob<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // The fields `derive(Hash)` would hash, in its order, but the place.
        self.page.hash(state);
        self.as_of.hash(state);
    }
}

#[derive(Serialize)]
struct IncidentValues<'f> {
    incident: IncidentDetail,
    as_of: Option<TimeView>,
    service_feeds: Vec<&'f super::views::FeedLinks>,
}

/// Renders one page per incident (after an edit in place, only those that
/// may have changed, see [`crate::archive::Archive::pages_showing`]); returns how many.
pub(crate) fn render_incidents(r: &Renderer<'_>) -> Result<usize, RenderError> {
    const KIND: &str = "incident.html";
    let listed: Vec<usize> = match r.edited() {
        Some(places) => {
            r.executor.carry(KIND);
            r.archive.pages_showing(places)
        }
        None => (0..r.archive.incidents.len()).collect(),
    };
    let jobs: Vec<Job<'_, IncidentPageJob<'_>>> = listed
        .into_par_iter()
        .map(|n| {
            let path = &r.archive.incidents[n].path;
            let as_of = (!r.archive.phases[n].is_final()).then_some(r.archive.now);
            Job {
                file: index_file(path),
                page: path.as_str().into(),
                data: IncidentPageJob { page: IncidentPage::of(r, n), as_of, place: n },
            }
        })
        .collect();
    // Each service's feed links, made once for every page that shows them.
    let feeds: BTreeMap<&str, super::views::FeedLinks> =
        r.c.config.services.keys().map(|k| (k.as_str(), service_feeds(r.c.config, &r.c.urls, k))).collect();
    r.executor.run(KIND, &jobs, |job, out| {
        let incident = job.data.page.incident.incident;
        let made;
        let service_feeds = match incident.services.iter().map(|k| feeds.get(k.as_str())).collect::<Option<Vec<_>>>() {
            Some(shown) => shown,
            None => {
                made = incident.services.iter().map(|k| service_feeds(r.c.config, &r.c.urls, k)).collect::<Vec<_>>();
                made.iter().collect()
            }
        };
        let as_of = job.data.as_of.map(|t| format::time_view(&t, &r.c.t.dates));
        let detail = job.data.page.detail(&r.c)?;
        r.share_card(job.data.place, &detail.card)?;
        let values = IncidentValues { incident: detail, as_of, service_feeds };
        match r.built_in_incident_page() {
            Some(b) => {
                let IncidentValues { incident, as_of, service_feeds } = &values;
                let page = IncidentPageValues { incident, as_of: as_of.as_ref(), service_feeds };
                r.at(&job.page, |address| incident_page::write(out, b, address, &page));
                Ok(())
            }
            None => r.render("incident.html", &job.page, &values, out),
        }
    })
}

/// One service's figures, as the services page and its own pages show them.
#[derive(Hash)]
struct ServiceData<'a> {
    key: &'a str,
    count: usize,
    downtime_last_year: Duration,
    latest: Option<IncidentInput<'a>>,
}

impl ServiceData<'_> {
    fn summary(&self, c: &Constants<'_>) -> ServiceSummary {
        let service = &c.config.services[self.key];
        ServiceSummary {
            key: self.key.to_string(),
            name: service.name.clone(),
            description: service.description.clone(),
            url: c.urls.path(&service_path(self.key)),
            count: self.count,
            downtime_last_year: format::duration(self.downtime_last_year, &c.t.durations),
            latest: self.latest.map(|input| super::views::IncidentCard::new(input, c)),
            feeds: service_feeds(c.config, &c.urls, self.key),
        }
    }
}

/// The services page.
#[derive(Hash)]
struct ServicesPage<'r> {
    services: &'r [ServiceData<'r>],
}

#[derive(Serialize)]
struct ServicesValues {
    services: Vec<ServiceSummary>,
}

/// A page of a service's list.
#[derive(Hash)]
struct ServicePage<'r> {
    service: &'r ServiceData<'r>,
    per_year: &'r [YearFigures],
    position: Position<'r>,
    /// On the first page only.
    present: Option<Present<'r>>,
    /// On the first page only.
    availability: Option<&'r AvailabilityData<'r>>,
    cards: Vec<&'r Card>,
}

#[derive(Serialize)]
struct ServiceValues<'r> {
    service: &'r ServiceSummary,
    #[serde(flatten)]
    present: PresentValues<'r>,
    availability: Option<AvailabilityView>,
    cards: Vec<&'r str>,
    pagination: Pagination,
    per_year: Vec<YearStats>,
    service_feeds: [&'r super::views::FeedLinks; 1],
}

/// Renders the services page and each service's pages; returns how many.
pub(crate) fn render_services(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let order = service_order(&r.c);
    let services: Vec<ServiceData<'_>> = order
        .iter()
        .map(|&key| {
            let items = r.archive.history_of_service(key);
            ServiceData {
                key,
                count: items.len(),
                downtime_last_year: r.archive.downtime_last_year(items),
                latest: items.first().map(|&i| r.input(i)),
            }
        })
        .collect();
    let page = "services/".to_string();
    let listing = [Job { file: index_file(&page), page: page.into(), data: ServicesPage { services: &services } }];
    r.executor.run("services.html", &listing, |job, out| {
        let values = ServicesValues { services: job.data.services.iter().map(|s| s.summary(&r.c)).collect() };
        r.render("services.html", &job.page, &values, out)
    })?;
    let per_year: Vec<Vec<YearFigures>> =
        order.iter().map(|&key| service_years(r, r.archive.history_of_service(key))).collect();
    let presents: Vec<(Vec<usize>, Vec<usize>)> =
        order.iter().map(|&key| (r.archive.current_of_service(key), r.archive.upcoming_of_service(key))).collect();
    let availability: Vec<&AvailabilityData<'_>> = order.iter().map(|&key| r.availability_of(key)).collect();
    let firsts: Vec<String> = order.iter().map(|&key| service_path(key)).collect();
    let jobs: Vec<Job<'_, ServicePage<'_>>> = services
        .iter()
        .zip(&per_year)
        .zip(&firsts)
        .zip(&presents)
        .zip(&availability)
        .flat_map(|((((service, per_year), first), (current, upcoming)), availability)| {
            let history = r.archive.history_of_service(service.key);
            // Every page shows the service's figures: all of them when an edited post is the service's.
            let edited =
                r.edited().is_none_or(|places| places.iter().any(|&n| r.archive.incidents[n].concerns(service.key)));
            let slices = paginate(history, r.c.config.paginate_by);
            let listed: Vec<_> = if edited { slices } else { slices.into_iter().take(1).collect() };
            listed.into_iter().map(move |slice| {
                let page = page_path(first, slice.number);
                let position = Position { first, number: slice.number, total: slice.total };
                let state = r.archive.service_state(service.key);
                let first_page = slice.number == 1;
                let present = first_page.then(|| Present::of(r, state, current, upcoming));
                let availability = first_page.then_some(*availability);
                let data =
                    ServicePage { service, per_year, position, present, availability, cards: cards(r, slice.items) };
                Job { file: index_file(&page), page: page.into(), data }
            })
        })
        .collect();
    if r.patched.is_some() {
        r.executor.carry("service.html");
    }
    r.executor.run("service.html", &jobs, |job, out| {
        let d = &job.data;
        let summary = d.service.summary(&r.c);
        let values = ServiceValues {
            service: &summary,
            present: PresentValues::of(d.present.as_ref(), r)?,
            availability: d.availability.map(|a| a.view(&r.c)),
            cards: html_of(r, &d.cards)?,
            pagination: pagination(&d.position, &r.c),
            per_year: d.per_year.iter().map(|y| y.view(&r.c)).collect(),
            service_feeds: [&summary.feeds],
        };
        r.render("service.html", &job.page, &values, out)
    })?;
    Ok(jobs.len() + 1)
}

/// The 404 page's values: none of its own.
#[derive(Serialize, Hash)]
struct NoValues {}

/// Renders the 404 page.
pub(crate) fn render_not_found(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let jobs = [Job { file: "404.html".to_string(), page: "404.html".into(), data: NoValues {} }];
    r.executor.run("404.html", &jobs, |job, out| r.render("404.html", &job.page, &job.data, out))
}

/// The years of the archive, newest first, as the home and year pages link them.
pub(crate) fn year_links(r: &Renderer<'_>) -> Vec<YearLink> {
    r.archive
        .years
        .iter()
        .rev()
        .map(|(&year, items)| YearLink { year, url: r.c.urls.path(&year_path(year)), count: items.len() })
        .collect()
}

/// The site-relative folders of every list page (home and its pages, years,
/// services and their pages), for the sitemap.
pub(crate) fn list_page_paths(r: &Renderer<'_>) -> Vec<String> {
    let pages = |count: usize| count.div_ceil(r.c.config.paginate_by.max(1)).max(1);
    let mut paths: Vec<String> = (1..=pages(r.archive.history.len())).map(|n| page_path("", n)).collect();
    paths.extend(r.archive.years.keys().map(|&y| year_path(y)));
    paths.push("services/".into());
    for key in r.c.config.services.keys() {
        let first = service_path(key);
        paths.extend((1..=pages(r.archive.history_of_service(key).len())).map(|n| page_path(&first, n)));
    }
    paths.sort();
    paths
}

fn cards<'r>(r: &'r Renderer<'_>, items: &[usize]) -> Vec<&'r Card> {
    items.iter().map(|&i| &r.records[i].card).collect()
}

/// The HTML of `cards`, each rendered the first time a page asks for it.
fn html_of<'f>(r: &'f Renderer<'_>, cards: &[&'f Card]) -> Result<Vec<&'f str>, Diagnostic> {
    cards.iter().map(|card| r.card_html(card)).collect()
}

/// Links to the first and last pages and the pages around this one, with gaps.
fn pagination(position: &Position<'_>, c: &Constants<'_>) -> Pagination {
    let Position { first, number, total } = *position;
    let link = |n: usize| c.urls.path(&page_path(first, n));
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

/// Per-year figures of a service's incidents (`items`, newest first), newest year first.
fn service_years(r: &Renderer<'_>, items: &[usize]) -> Vec<YearFigures> {
    let mut per_year = Vec::new();
    let mut start = 0;
    let year_of = |i: usize| r.archive.start_months[i].0;
    while start < items.len() {
        let year = year_of(items[start]);
        let end = start + items[start..].iter().take_while(|&&i| year_of(i) == year).count();
        per_year.push(YearFigures::of(r, year, &items[start..end]));
        start = end;
    }
    per_year
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
