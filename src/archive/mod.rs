//! Stage 3 (model): the chronological index of the incidents: what is going on now,
//! the years, the services, and each incident's neighbours. Holds indices
//! into the incident list (newest first), never copies.

pub(crate) mod availability;
pub(crate) mod status;

use crate::content::model::{Change, Incident, Kind, Phase};
use crate::content::Content;
use chrono::{DateTime, Datelike, Duration};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The indexes every page is rendered from: the incidents, the build
/// time, and what is known of them at that time ([`Index`], which the
/// archive reads through).
pub(crate) struct Archive<'a> {
    /// All incidents, newest start first.
    pub incidents: &'a [Arc<Incident>],
    /// Build time, which decides what is ongoing or upcoming.
    pub now: DateTime<Tz>,
    index: Arc<Index>,
}

impl std::ops::Deref for Archive<'_> {
    type Target = Index;

    fn deref(&self) -> &Index {
        &self.index
    }
}

/// The lists and per-incident facts of an archive at its build time, in
/// archive order. Owned, so that `vigie serve` can keep it from one build
/// to the next ([`KeptArchive`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Index {
    /// Each incident's phase at `now`, in archive order.
    pub phases: Vec<Phase>,
    /// What is happening now: ongoing incidents and maintenance in
    /// progress, oldest start first.
    pub current: Vec<usize>,
    /// What has not started yet (planned maintenance, those called off
    /// before their window, notices), soonest first.
    pub upcoming: Vec<usize>,
    /// What has started (the history), newest first.
    pub history: Vec<usize>,
    /// The history by year of start, each newest first; years ascending.
    pub years: BTreeMap<i32, Vec<usize>>,
    /// Every post of each service (feeds, calendars), by service key, each newest first.
    pub services: BTreeMap<String, Vec<usize>>,
    /// The history of each service, by service key, each newest first.
    pub service_histories: BTreeMap<String, Vec<usize>>,
    /// The year and month (1–12) each incident started in, in the site's
    /// time zone, in archive order: computed once, read by every page that
    /// groups incidents by year or month.
    pub start_months: Vec<(i32, u32)>,
    /// Each incident's latest change at `now` (see [`Incident::last_change`]);
    /// `None` for a post not announced yet.
    pub last_changes: Vec<Option<DateTime<Tz>>>,
    /// Whether each incident is announced at `now` (see [`Incident::is_announced`]).
    announced: Vec<bool>,
    /// When each incident is announced (see [`Incident::announced`]).
    pub announced_at: Vec<DateTime<Tz>>,
    /// Each incident's kind, in archive order.
    pub kinds: Vec<Kind>,
    /// How many of each incident's updates are published at `now` (see [`Incident::published_updates`]).
    pub published: Vec<usize>,
    /// Each incident's downtime: its duration when it counts as downtime
    /// (see [`Incident::counts_as_downtime`]), else zero.
    pub downtimes: Vec<Duration>,
    /// For each incident with an end, the latest instant it names (its
    /// start, its end, its updates): once its phase is final, nothing of
    /// it is counted after that. `None` without an end.
    pub over_by: Vec<Option<DateTime<Tz>>>,
    /// Each incident's next change after `now` (see [`next_change_of`]).
    next_changes: Vec<Option<(DateTime<Tz>, Change)>>,
    /// The soonest of the next changes: until then, nothing above changes
    /// by itself, nor does anything a page shows of the posts but the
    /// build time itself.
    settled_until: Option<DateTime<Tz>>,
    /// The calendar retention the next changes were computed with.
    calendar_keep_months: u32,
}

/// What the archive reads of one incident at `now`, computed for all of
/// them in one pass on every core: the passes of every page over the whole
/// archive then read the index's arrays, not each incident's own memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AtNow {
    phase: Phase,
    started: bool,
    announced: bool,
    announced_at: DateTime<Tz>,
    start_month: (i32, u32),
    last_change: Option<DateTime<Tz>>,
    published: usize,
    downtime: Duration,
    over_by: Option<DateTime<Tz>>,
    next_change: Option<(DateTime<Tz>, Change)>,
}

impl AtNow {
    fn of(incident: &Incident, now: DateTime<Tz>, calendar_keep_months: u32) -> Self {
        let local = incident.start.naive_local();
        let latest = incident.updates.iter().map(|u| u.at).chain(incident.end).fold(incident.start, DateTime::max);
        AtNow {
            phase: incident.phase(now),
            started: incident.has_started(now),
            announced: incident.is_announced(now),
            announced_at: incident.announced(),
            start_month: (local.year(), local.month()),
            last_change: incident.last_change(now),
            published: incident.published_updates(now),
            downtime: incident.duration().filter(|_| incident.counts_as_downtime()).unwrap_or_else(Duration::zero),
            over_by: incident.end.map(|_| latest),
            next_change: next_change_of(incident, now, calendar_keep_months),
        }
    }

    /// Whether an incident with these facts has the same place in every
    /// list of the index as one with `other`'s.
    fn same_place(&self, other: &AtNow) -> bool {
        (self.phase, self.started, self.announced, self.start_month)
            == (other.phase, other.started, other.announced, other.start_month)
    }
}

/// What patching the last good build's archive did ([`Archive::reusing`]).
#[derive(Debug, Clone)]
pub(crate) struct Patched {
    /// The places of the posts replaced, in archive order.
    pub places: Vec<usize>,
    /// Whether one of them changed last at another time than before.
    pub last_changes_moved: bool,
}

/// An archive's index, kept by `vigie serve` after a good build, so that
/// the next build, after an edit that moves no post in any list, patches
/// the index instead of making it again.
#[derive(Clone)]
pub(crate) struct KeptArchive {
    /// The load of the content it indexes (see [`crate::content::Content::generation`]).
    generation: u64,
    now: DateTime<Tz>,
    index: Arc<Index>,
}

impl<'a> Archive<'a> {
    /// Indexes `incidents` (already sorted newest first) at time `now`,
    /// maintenance leaving the calendars `calendar_keep_months` after its end.
    pub(crate) fn new(incidents: &'a [Arc<Incident>], now: DateTime<Tz>, calendar_keep_months: u32) -> Self {
        let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        let mut services: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut service_histories: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let (mut current, mut upcoming, mut history) = (Vec::new(), Vec::new(), Vec::with_capacity(incidents.len()));
        let at_now: Vec<AtNow> = incidents.par_iter().map(|i| AtNow::of(i, now, calendar_keep_months)).collect();
        for (i, (incident, at)) in incidents.iter().zip(&at_now).enumerate() {
            if at.started {
                history.push(i);
                years.entry(at.start_month.0).or_default().push(i);
            } else if incident.kind != Kind::Incident && at.announced {
                // An incident dated in the future is listed once it starts,
                // anything else once it is announced.
                upcoming.push(i);
            }
            if at.phase.is_current() {
                current.push(i);
            }
            for key in &incident.services {
                push_to(&mut services, key, i);
                if at.started {
                    push_to(&mut service_histories, key, i);
                }
            }
        }
        current.reverse();
        upcoming.reverse();
        let index = Index {
            phases: at_now.iter().map(|a| a.phase).collect(),
            current,
            upcoming,
            history,
            years,
            services,
            service_histories,
            start_months: at_now.iter().map(|a| a.start_month).collect(),
            last_changes: at_now.iter().map(|a| a.last_change).collect(),
            announced: at_now.iter().map(|a| a.announced).collect(),
            announced_at: at_now.iter().map(|a| a.announced_at).collect(),
            kinds: incidents.iter().map(|i| i.kind).collect(),
            published: at_now.iter().map(|a| a.published).collect(),
            downtimes: at_now.iter().map(|a| a.downtime).collect(),
            over_by: at_now.iter().map(|a| a.over_by).collect(),
            next_changes: at_now.iter().map(|a| a.next_change).collect(),
            settled_until: at_now.iter().filter_map(|a| a.next_change).map(|(t, _)| t).min(),
            calendar_keep_months,
        };
        Archive { incidents, now, index: Arc::new(index) }
    }

    /// [`Archive::new`] for `content`, patching `kept` (the archive of the
    /// last good build) when that gives the same index: `content` is the
    /// content `kept` indexed with some posts replaced in place
    /// ([`crate::content::ContentPatch`]), no post changes by itself between the two build
    /// times, and each replaced post has the same place in every list, the
    /// same kind and the same services. Otherwise made anew. Also says
    /// whether it was patched, and where.
    pub(crate) fn reusing(
        content: &'a Content,
        now: DateTime<Tz>,
        calendar_keep_months: u32,
        kept: Option<KeptArchive>,
    ) -> (Self, Option<Patched>) {
        match Archive::patched(content, now, calendar_keep_months, kept) {
            Some((archive, patched)) => (archive, Some(patched)),
            None => (Archive::new(&content.incidents, now, calendar_keep_months), None),
        }
    }

    fn patched(
        content: &'a Content,
        now: DateTime<Tz>,
        calendar_keep_months: u32,
        kept: Option<KeptArchive>,
    ) -> Option<(Self, Patched)> {
        let (kept, patch) = (kept?, content.patch.as_ref()?);
        let settled = kept.index.settled_until.is_none_or(|until| now < until);
        let same_retention = kept.index.calendar_keep_months == calendar_keep_months;
        if patch.from != kept.generation || !settled || now < kept.now || !same_retention {
            return None;
        }
        // The last build's archive is gone: its index is this one's to
        // patch, without a copy (a copy when something still holds it).
        let mut index = Arc::try_unwrap(kept.index).unwrap_or_else(|shared| (*shared).clone());
        let mut last_changes_moved = false;
        for (i, old) in &patch.replaced {
            let new = &content.incidents[*i];
            let at = AtNow::of(new, now, calendar_keep_months);
            let was = AtNow::of(old, kept.now, calendar_keep_months);
            if !at.same_place(&was) || new.kind != old.kind || new.services != old.services {
                return None;
            }
            last_changes_moved |= index.last_changes[*i] != at.last_change;
            index.last_changes[*i] = at.last_change;
            index.announced_at[*i] = at.announced_at;
            index.published[*i] = at.published;
            index.downtimes[*i] = at.downtime;
            index.over_by[*i] = at.over_by;
            index.next_changes[*i] = at.next_change;
            index.settled_until = index.settled_until.into_iter().chain(at.next_change.map(|(t, _)| t)).min();
        }
        let places = patch.replaced.iter().map(|(i, _)| *i).collect();
        let patched = Patched { places, last_changes_moved };
        Some((Archive { incidents: &content.incidents, now, index: Arc::new(index) }, patched))
    }

    /// This archive's index, to be kept for [`Archive::reusing`] (it indexes `content`).
    pub(crate) fn keep(&self, content: &Content) -> KeptArchive {
        KeptArchive { generation: content.generation, now: self.now, index: self.index.clone() }
    }

    /// The soonest change after `now` over the whole archive: when, which
    /// incident, and what changes (see [`next_change_of`]).
    pub(crate) fn next_change(&self) -> Option<(DateTime<Tz>, usize, Change)> {
        let changes = self.next_changes.iter().enumerate();
        changes.filter_map(|(i, change)| change.map(|(t, what)| (t, i, what))).min_by_key(|&(t, i, _)| (t, i))
    }

    /// Whether incident `i` is announced at `now` (see
    /// [`Incident::is_announced`]): the one test of every list, feed,
    /// calendar, API file and sitemap entry.
    pub(crate) fn is_announced(&self, i: usize) -> bool {
        self.announced[i]
    }

    /// The older neighbour (previous) and newer neighbour (next) of incident
    /// `i`, among the announced ones.
    pub(crate) fn neighbours(&self, i: usize) -> (Option<&'a Incident>, Option<&'a Incident>) {
        let (older, newer) = self.neighbour_places(i);
        (older.map(|j| &*self.incidents[j]), newer.map(|j| &*self.incidents[j]))
    }

    /// The incidents whose own page may show something else than in the
    /// archive this one was patched from ([`Archive::reusing`]), where only
    /// the posts at `places` changed: those posts, their neighbours (which
    /// link to them by title), and those not settled (whose page says
    /// « État au » the build time). In archive order.
    pub(crate) fn pages_showing(&self, places: &[usize]) -> Vec<usize> {
        let unsettled = (0..self.incidents.len()).filter(|&n| !self.phases[n].is_final());
        let neighbours = places.iter().flat_map(|&n| {
            let (older, newer) = self.neighbour_places(n);
            older.into_iter().chain(newer)
        });
        let mut shown: Vec<usize> = places.iter().copied().chain(neighbours).chain(unsettled).collect();
        shown.sort_unstable();
        shown.dedup();
        shown
    }

    /// [`Archive::neighbours`], as places in the archive.
    pub(crate) fn neighbour_places(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let older = (i + 1..self.incidents.len()).find(|&j| self.is_announced(j));
        let newer = (0..i).rev().find(|&j| self.is_announced(j));
        (older, newer)
    }

    /// The `limit` incidents of `items` changed last, latest change first
    /// (ties by URL, so that the order is stable). One pass that keeps the
    /// `limit` best seen so far: no copy of `items` (a feed's list is the
    /// whole archive, made again on each edit in `vigie serve`).
    pub(crate) fn latest_changed(&self, items: impl Iterator<Item = usize>, limit: usize) -> Vec<usize> {
        let order = |a: &usize, b: &usize| {
            self.last_changes[*b]
                .cmp(&self.last_changes[*a])
                .then_with(|| self.incidents[*a].path.cmp(&self.incidents[*b].path))
        };
        let mut latest: Vec<usize> = Vec::with_capacity(limit.min(1024) + 1);
        for item in items {
            if latest.len() == limit && latest.last().is_none_or(|last| order(&item, last).is_ge()) {
                continue;
            }
            // URLs are unique: the order is total, no two items are equal.
            let at = latest.partition_point(|kept| order(kept, &item).is_lt());
            latest.insert(at, item);
            latest.truncate(limit);
        }
        latest
    }

    /// Every post of one service, newest first (empty for an unused service).
    pub(crate) fn of_service(&self, key: &str) -> &[usize] {
        self.services.get(key).map_or(&[], Vec::as_slice)
    }

    /// The history of one service (what has started), newest first.
    pub(crate) fn history_of_service(&self, key: &str) -> &[usize] {
        self.service_histories.get(key).map_or(&[], Vec::as_slice)
    }

    /// What has not started yet for one service, soonest first.
    pub(crate) fn upcoming_of_service(&self, key: &str) -> Vec<usize> {
        self.upcoming.iter().copied().filter(|&i| self.incidents[i].concerns(key)).collect()
    }

    /// What is happening now for one service, oldest start first.
    pub(crate) fn current_of_service(&self, key: &str) -> Vec<usize> {
        self.current.iter().copied().filter(|&i| self.incidents[i].concerns(key)).collect()
    }

    /// Total downtime of the given incidents (ended, unplanned incidents only).
    pub(crate) fn downtime(&self, indices: &[usize]) -> Duration {
        indices.iter().map(|&i| self.downtimes[i]).fold(Duration::zero(), |a, b| a + b)
    }

    /// Downtime of the given incidents (newest first) that started in the twelve months before now.
    pub(crate) fn downtime_last_year(&self, indices: &[usize]) -> Duration {
        self.downtime(&indices[self.last_year(indices)])
    }

    /// Where, in `indices` (newest first), the incidents that started in
    /// the twelve months before now are (up to [`leaves_last_year_at`]).
    pub(crate) fn last_year(&self, indices: &[usize]) -> std::ops::Range<usize> {
        let since = self.now - last_year_length();
        let start = indices.partition_point(|&i| self.incidents[i].start > self.now);
        let end = indices.partition_point(|&i| self.incidents[i].start >= since);
        start..end.max(start)
    }
}

/// The length of « the last twelve months » of the downtime figures.
fn last_year_length() -> Duration {
    Duration::days(365)
}

/// The next change of `incident` after `now`: when, and what changes.
/// Besides its own changes (see [`Incident::next_change`]), a post leaving
/// a rolling window changes what is shown: an incident leaving the last
/// twelve months of downtime, a maintenance leaving the calendars
/// `calendar_keep_months` after its end.
fn next_change_of(incident: &Incident, now: DateTime<Tz>, calendar_keep_months: u32) -> Option<(DateTime<Tz>, Change)> {
    // Cheap tests first (most of an archive left both windows long ago):
    // what started after `left_last_year` is still in the last twelve
    // months; what ended before `left_calendars` (a month is at most 31
    // days, a day at most 25 hours) has left the calendars.
    let left_last_year = now - last_year_length();
    let left_calendars = now - Duration::days(31 * i64::from(calendar_keep_months) + 2);
    // A post that has not started changes first by starting, except a
    // maintenance done early, which then still leaves the calendars: the
    // windows are the same tests whatever `now`, so that a post's next
    // change stays its next change until it comes (see [`Archive::reusing`]).
    let own = incident.next_change(now);
    let last_year = (incident.start > left_last_year && incident.counts_as_downtime())
        .then(|| (leaves_last_year_at(incident), Change::LeavesLastYear));
    let calendar = (incident.kind == Kind::Maintenance && incident.end.unwrap_or(incident.start) > left_calendars)
        .then(|| calendar_until(incident, calendar_keep_months).map(|t| (t, Change::LeavesCalendar)))
        .flatten();
    let windows = last_year.into_iter().chain(calendar).filter(|&(t, _)| t > now);
    own.into_iter().chain(windows).min_by_key(|&(t, _)| t)
}

/// The last moment at which `incident` counts in « the last twelve months ».
pub(crate) fn leaves_last_year_at(incident: &Incident) -> DateTime<Tz> {
    incident.start + last_year_length()
}

/// The last moment at which maintenance `incident` stays in the calendars:
/// `keep_months` after its end (its start when it has none); `None` when
/// that is beyond the calendar (kept for ever).
pub(crate) fn calendar_until(incident: &Incident, keep_months: u32) -> Option<DateTime<Tz>> {
    incident.end.unwrap_or(incident.start).checked_add_months(chrono::Months::new(keep_months))
}

fn push_to(map: &mut BTreeMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(items) => items.push(i),
        None => drop(map.insert(key.to_string(), vec![i])),
    }
}

/// One page of a paginated list: which items, and where the others are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageSlice<'s> {
    /// 1-based page number.
    pub number: usize,
    /// Number of pages (at least 1, even for an empty list).
    pub total: usize,
    /// The items of this page.
    pub items: &'s [usize],
}

/// Cuts `items` into pages of `per_page` (an empty list gives one empty page).
pub(crate) fn paginate(items: &[usize], per_page: usize) -> Vec<PageSlice<'_>> {
    let per_page = per_page.max(1);
    let total = items.len().div_ceil(per_page).max(1);
    (0..total)
        .map(|n| PageSlice {
            number: n + 1,
            total,
            items: &items[(n * per_page).min(items.len())..((n + 1) * per_page).min(items.len())],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginates_with_a_short_last_page() {
        let items: Vec<usize> = (0..45).collect();
        let pages = paginate(&items, 20);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[2].items, &items[40..]);
        assert!(pages.iter().all(|p| p.total == 3));
    }

    fn incident_starting(start: DateTime<Tz>, n: usize) -> Arc<Incident> {
        let window = (start, Some(start + Duration::hours(1)));
        Arc::new(crate::content::model::test_post(n, Kind::Incident, window, &[]))
    }

    #[test]
    fn last_year_holds_the_incidents_that_started_in_the_twelve_months_before_now() {
        use chrono::TimeZone;
        let now = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 11, 20, 12, 0, 0).single().expect("a time");
        // Newest first, with ties on both edges of the window and some in the future.
        let starts = [30, 2, 1, 0, 0, -1, -200, -365, -365, -366, -800]
            .map(|days| now + Duration::days(days) - Duration::minutes(if days == -365 { 0 } else { 1 }));
        let incidents: Vec<Arc<Incident>> =
            starts.iter().enumerate().map(|(n, &start)| incident_starting(start, n)).collect();
        let archive = Archive::new(&incidents, now, 12);
        let all: Vec<usize> = (0..incidents.len()).collect();
        let since = now - Duration::days(365);
        for from in 0..all.len() {
            for to in from..=all.len() {
                let items = &all[from..to];
                let expected: Vec<usize> = items
                    .iter()
                    .copied()
                    .filter(|&i| incidents[i].start >= since && incidents[i].start <= now)
                    .collect();
                assert_eq!(items[archive.last_year(items)], expected[..], "items {from}..{to}");
            }
        }
    }

    #[test]
    fn the_latest_changed_are_those_a_full_sort_puts_first() {
        use chrono::TimeZone;
        let now = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 11, 20, 12, 0, 0).single().expect("a time");
        // Starts with many ties (the same last change: the order falls back on the URL).
        let incidents: Vec<Arc<Incident>> =
            (0..40).map(|n| incident_starting(now - Duration::hours(((n * 7) % 9) as i64), n)).collect();
        let archive = Archive::new(&incidents, now, 12);
        let by_change = |a: &usize, b: &usize| {
            archive.last_changes[*b]
                .cmp(&archive.last_changes[*a])
                .then_with(|| archive.incidents[*a].path.cmp(&archive.incidents[*b].path))
        };
        // The items in a scrambled order, all of them or some.
        let scrambled: Vec<usize> = (0..40).map(|n| (n * 17 + 5) % 40).collect();
        for items in [&scrambled[..], &scrambled[..1], &scrambled[3..29], &[][..]] {
            let mut sorted = items.to_vec();
            sorted.sort_by(by_change);
            for limit in [0, 1, 2, 5, 25, 40, 60] {
                let expected: Vec<usize> = sorted.iter().copied().take(limit).collect();
                assert_eq!(
                    archive.latest_changed(items.iter().copied(), limit),
                    expected,
                    "{} items, limit {limit}",
                    items.len()
                );
            }
        }
    }

    #[test]
    fn the_next_change_counts_posts_leaving_a_rolling_window() {
        use chrono::TimeZone;
        let now = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 11, 20, 12, 0, 0).single().expect("a time");
        // An incident of 2023-11-21 11:00–12:00: it leaves the last twelve
        // months at 2024-11-20 11:00 + 1 day = 365 days after its start.
        let old = incident_starting(now - Duration::days(365) + Duration::hours(23), 0);
        let incidents = vec![old.clone()];
        let archive = Archive::new(&incidents, now, 12);
        let leaves = old.start + Duration::days(365);
        assert_eq!(archive.next_change(), Some((leaves, 0, Change::LeavesLastYear)));
        assert_eq!(archive.last_year(&[0]), 0..1);
        let after = Archive::new(&incidents, leaves + Duration::seconds(1), 12);
        assert_eq!(after.last_year(&[0]), 0..0, "gone when the build says so");
        assert_eq!(after.next_change(), None);
        // A maintenance that ended on 2024-01-01 10:00 leaves a 12-month calendar on 2025-01-01 10:00.
        let mut maintenance = (*incident_starting(now, 1)).clone();
        maintenance.kind = Kind::Maintenance;
        maintenance.start = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).single().expect("a time");
        maintenance.end = Some(maintenance.start + Duration::hours(1));
        let until = calendar_until(&maintenance, 12).expect("a time");
        assert_eq!(until.to_rfc3339(), "2025-01-01T10:00:00+01:00");
        let incidents = vec![Arc::new(maintenance)];
        assert_eq!(Archive::new(&incidents, now, 12).next_change(), Some((until, 0, Change::LeavesCalendar)));
        assert_eq!(Archive::new(&incidents, now, 0).next_change(), None, "already out of a calendar kept 0 months");
    }

    #[test]
    fn the_next_change_skips_only_posts_that_left_both_windows() {
        use chrono::TimeZone;
        // The definition, every window computed for every post.
        let plain = |archive: &Archive<'_>, keep: u32| {
            let now = archive.now;
            (0..archive.incidents.len())
                .filter_map(|i| {
                    let incident = &archive.incidents[i];
                    let last_year =
                        incident.counts_as_downtime().then(|| (leaves_last_year_at(incident), Change::LeavesLastYear));
                    let calendar = (incident.kind == Kind::Maintenance)
                        .then(|| calendar_until(incident, keep).map(|t| (t, Change::LeavesCalendar)))
                        .flatten();
                    let windows = last_year.into_iter().chain(calendar).filter(|&(t, _)| t > now);
                    incident.next_change(now).into_iter().chain(windows).min_by_key(|&(t, _)| t).map(|(t, c)| (t, i, c))
                })
                .min_by_key(|&(t, i, _)| (t, i))
        };
        let paris = chrono_tz::Europe::Paris;
        // Posts ending on month ends, around the DST changes, a year and a few months before the build times.
        let ends = [(2023, 1, 31, 23), (2023, 3, 26, 1), (2023, 10, 29, 2), (2023, 12, 31, 23), (2024, 2, 29, 12)];
        let mut checked = 0;
        for (n, &(y, m, d, h)) in ends.iter().enumerate() {
            let end = paris.with_ymd_and_hms(y, m, d, h, 30, 0).earliest().expect("a time");
            for kind in [Kind::Incident, Kind::Maintenance] {
                let mut post = (*incident_starting(end - Duration::hours(2), n)).clone();
                post.kind = kind;
                post.end = Some(end);
                let incidents = vec![Arc::new(post)];
                for keep in [0, 1, 2, 12] {
                    // Build times from just before the end to 14 months after, every 5 days and 7 hours.
                    let mut now = end - Duration::hours(1);
                    while now < end + Duration::days(430) {
                        let archive = Archive::new(&incidents, now, keep);
                        assert_eq!(archive.next_change(), plain(&archive, keep), "{kind:?} ending {end}, at {now}");
                        checked += 1;
                        now += Duration::days(5) + Duration::hours(7);
                    }
                }
            }
        }
        assert!(checked > 3000, "{checked}");
    }

    /// A content numbered `generation`, with the post at place 1 replaced
    /// (`old` was there) in the content of load `from`, when given.
    fn content(incidents: Vec<Arc<Incident>>, generation: u64, patch: Option<(u64, &Arc<Incident>)>) -> Content {
        let patch = patch.map(|(from, old)| crate::content::ContentPatch { from, replaced: vec![(1, old.clone())] });
        Content { incidents, warnings: Vec::new(), generation, patch }
    }

    #[test]
    fn a_kept_index_is_patched_only_when_that_gives_the_index_made_anew() {
        use crate::content::model::{Status, Update};
        use chrono::TimeZone;
        let now = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 11, 20, 12, 0, 0).single().expect("a time");
        let days = [-1, -40, -400, -800];
        let incidents: Vec<Arc<Incident>> =
            days.iter().enumerate().map(|(n, &d)| incident_starting(now + Duration::days(d), n)).collect();
        let first = content(incidents.clone(), 1, None);
        let kept = Archive::new(&first.incidents, now, 12).keep(&first);
        let later = now + Duration::minutes(5);
        // The post at place 1 edited: a new title and an update (its last change moves).
        let edit = |change: &dyn Fn(&mut Incident)| {
            let mut edited = (*incidents[1]).clone();
            edited.title = "Autre titre".into();
            edited.updates.push(Update {
                at: now - Duration::minutes(30),
                status: Status::Resolved,
                html: Arc::from(""),
                text: Arc::from(""),
            });
            change(&mut edited);
            let mut list = incidents.clone();
            list[1] = Arc::new(edited);
            list
        };
        let check = |list: Vec<Arc<Incident>>, from: u64, at: DateTime<Tz>, patched: bool, case: &str| {
            let edited = content(list, 2, Some((from, &incidents[1])));
            let (archive, patch) = Archive::reusing(&edited, at, 12, Some(kept.clone()));
            assert_eq!(patch.is_some(), patched, "{case}: patched");
            let anew = Archive::new(&edited.incidents, at, 12);
            assert_eq!(*archive.index, *anew.index, "{case}: the index made anew");
        };
        check(edit(&|_| {}), 1, later, true, "an edit in place");
        assert_ne!(
            Archive::new(&edit(&|_| {}), later, 12).last_changes[1],
            Archive::new(&incidents, later, 12).last_changes[1],
            "the edit moves the post's last change: the patch has something to do"
        );
        let told_earlier = |i: &mut Incident| {
            let at = i.start - Duration::hours(3);
            i.updates.insert(0, Update { at, status: Status::Investigating, html: Arc::from(""), text: Arc::from("") });
        };
        check(edit(&told_earlier), 1, later, true, "an edit in place that tells it earlier");
        assert_ne!(
            Archive::new(&edit(&told_earlier), later, 12).announced_at[1],
            Archive::new(&incidents, later, 12).announced_at[1],
            "the edit moves the post's announcement: the patch has something to do"
        );
        check(edit(&|i| i.services = vec!["mail".into()]), 1, later, false, "another service");
        check(edit(&|i| i.end = None), 1, later, false, "ongoing again: another phase");
        check(edit(&|i| i.kind = Kind::Notice), 1, later, false, "another kind");
        check(edit(&|_| {}), 7, later, false, "patched from a content the kept index is not of");
        check(edit(&|_| {}), 1, now - Duration::minutes(1), false, "a build time before the kept one");
        // A post changes by itself between the two builds: an update written ahead of time comes out.
        let mut ahead = (*incidents[0]).clone();
        ahead.updates.push(Update {
            at: now + Duration::minutes(2),
            status: Status::Resolved,
            html: Arc::from(""),
            text: Arc::from(""),
        });
        let mut with_ahead = incidents.clone();
        with_ahead[0] = Arc::new(ahead);
        let first = content(with_ahead.clone(), 1, None);
        let kept = Archive::new(&first.incidents, now, 12).keep(&first);
        let edited = content(with_ahead, 2, Some((1, &incidents[1])));
        assert!(Archive::reusing(&edited, later, 12, Some(kept.clone())).1.is_none(), "an update came out meanwhile");
        assert!(Archive::reusing(&edited, now + Duration::minutes(1), 12, Some(kept.clone())).1.is_some(), "not yet");
        // A maintenance done before its planned start, which comes meanwhile:
        // nothing changes then, and it still leaves the calendars later.
        let mut early = (*incident_starting(now + Duration::minutes(3), 0)).clone();
        early.kind = Kind::Maintenance;
        early.updates = [(Status::InProgress, 2), (Status::Completed, 1)]
            .map(|(status, hours)| Update {
                at: now - Duration::hours(hours),
                status,
                html: "".into(),
                text: "".into(),
            })
            .to_vec();
        let mut with_early = incidents.clone();
        with_early[0] = Arc::new(early);
        let first = content(with_early.clone(), 1, None);
        let kept = Archive::new(&first.incidents, now, 12).keep(&first);
        let mut edited = with_early.clone();
        edited[1] = edit(&|_| {})[1].clone();
        let edited = content(edited, 2, Some((1, &incidents[1])));
        let (archive, patch) = Archive::reusing(&edited, later, 12, Some(kept));
        assert!(patch.is_some(), "its planned start changes nothing");
        assert_eq!(*archive.index, *Archive::new(&edited.incidents, later, 12).index, "done early: made anew");
        assert_eq!(archive.next_changes[0].map(|(_, change)| change), Some(Change::LeavesCalendar));
        // A post leaves the last twelve months meanwhile: the services' downtime figures move.
        let mut leaving = incidents.clone();
        leaving[3] = incident_starting(now - Duration::days(365) + Duration::minutes(2), 3);
        let first = content(leaving.clone(), 1, None);
        let kept = Archive::new(&first.incidents, now, 12).keep(&first);
        let edited = content(leaving, 2, Some((1, &incidents[1])));
        assert!(
            Archive::reusing(&edited, later, 12, Some(kept.clone())).1.is_none(),
            "a post left the last twelve months"
        );
        assert!(Archive::reusing(&edited, now + Duration::minutes(1), 12, Some(kept.clone())).1.is_some(), "not yet");
    }

    #[test]
    fn an_edited_post_is_shown_by_its_page_its_neighbours_and_the_pages_that_show_the_time() {
        use chrono::TimeZone;
        let now = chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 11, 20, 12, 0, 0).single().expect("a time");
        let mut incidents: Vec<Arc<Incident>> =
            (0..8).map(|n| incident_starting(now - Duration::days(n as i64 + 1), n)).collect();
        let mut ongoing = (*incidents[6]).clone();
        ongoing.end = None;
        incidents[6] = Arc::new(ongoing);
        let archive = Archive::new(&incidents, now, 12);
        assert_eq!(archive.pages_showing(&[2]), vec![1, 2, 3, 6], "its neighbours, and the ongoing one");
        assert_eq!(archive.pages_showing(&[0, 7]), vec![0, 1, 6, 7]);
        assert_eq!(archive.pages_showing(&[]), vec![6], "only what shows the build time");
    }

    #[test]
    fn empty_list_has_one_page() {
        let pages = paginate(&[], 20);
        assert_eq!(pages.len(), 1);
        assert!(pages[0].items.is_empty());
    }
}
