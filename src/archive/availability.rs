//! Stage 3 (model): how available each service was, from its incidents'
//! durations weighted by severity (`[availability]` in site.toml): a
//! strip of the last 90 days, and the share of time up over the last 30,
//! 90 and 365 days and in each of the last twelve months.
//!
//! At each instant, a service counts the heaviest of its outages going on
//! then, so that overlapping incidents are counted once. An ongoing
//! incident counts up to the build time; days before the service's data
//! starts (its `since` date, else the day of its first post) are not
//! measured at all, rather than shown as fully available.

use super::status::ServiceState;
use super::Archive;
use crate::config::AvailabilityConfig;
use crate::content::model::{Kind, Phase, Severity, Status};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// Days in the strip.
pub(crate) const STRIP_DAYS: u64 = 90;
/// The rolling windows of the figures, in days (today included).
pub(crate) const WINDOWS: [u64; 3] = [30, 90, 365];
/// Calendar months in the monthly figures (the current one included).
pub(crate) const MONTHS: u32 = 12;

/// Time measured and downtime counted in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Measure {
    /// Time of the period within the service's data, up to the build time.
    pub measured: Duration,
    /// Downtime counted in it: each outage's duration times its weight.
    pub downtime: Duration,
}

impl Measure {
    /// The share of time up, in hundredths of a percent rounded down (so
    /// that any downtime shows below 100 %); `None` when nothing was measured.
    pub(crate) fn basis_points(&self) -> Option<u32> {
        let measured = i128::from(self.measured.num_milliseconds());
        if measured <= 0 {
            return None;
        }
        let up = (measured - i128::from(self.downtime.num_milliseconds())).max(0);
        u32::try_from(up * 10_000 / measured).ok()
    }
}

/// One day of the strip.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Day {
    /// The local date.
    pub date: NaiveDate,
    /// The worst state of the day; `None` before the service's data starts.
    pub state: Option<ServiceState>,
    pub measure: Measure,
    /// How long something was going on that day (any outage, weighted or not).
    pub disrupted: Duration,
    /// The posts going on that day (archive order), the worst first.
    pub incidents: Vec<usize>,
}

/// One calendar month of the figures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    pub measure: Measure,
}

/// A service's availability at build time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Availability {
    /// The first day measured; `None` when nothing says when (no `since`, no post).
    pub since: Option<NaiveDate>,
    /// The last [`STRIP_DAYS`] days, oldest first, today last.
    pub days: Vec<Day>,
    /// For each of [`WINDOWS`], its length in days and its measure.
    pub windows: Vec<(u64, Measure)>,
    /// The last [`MONTHS`] calendar months, newest first.
    pub months: Vec<Month>,
}

/// One post's effect on its services over a span of time.
#[derive(Debug, Clone, Copy)]
struct Outage {
    from: DateTime<Tz>,
    to: DateTime<Tz>,
    weight: f64,
    state: ServiceState,
    incident: usize,
}

impl Archive<'_> {
    /// The availability of service `key`, its data starting on `since`
    /// (from site.toml) when given, counted with `weights`.
    pub(crate) fn availability(
        &self,
        key: &str,
        since: Option<NaiveDate>,
        weights: &AvailabilityConfig,
    ) -> Availability {
        let tz = self.now.timezone();
        let first_post = self.history_of_service(key).last().map(|&i| self.incidents[i].start.date_naive());
        let since = since.or(first_post);
        let data_from = since.map(|date| start_of_day(tz, date));
        let outages = self.outages(key, weights);
        let today = self.now.date_naive();
        let measure = |from: DateTime<Tz>, to: DateTime<Tz>| measure(&outages, data_from, from, to.min(self.now));
        let days = (0..STRIP_DAYS)
            .rev()
            .map(|back| {
                let date = today - Days::new(back);
                let (from, to) = (start_of_day(tz, date), start_of_day(tz, date + Days::new(1)).min(self.now));
                let measured = measure(from, to);
                let mut going_on: Vec<&Outage> = outages.iter().filter(|o| o.from < to && o.to > from).collect();
                going_on.sort_by_key(|o| (std::cmp::Reverse(o.state), o.from, o.incident));
                let mut incidents: Vec<usize> = Vec::with_capacity(going_on.len());
                for o in &going_on {
                    if !incidents.contains(&o.incident) {
                        incidents.push(o.incident);
                    }
                }
                let in_data = data_from.is_some_and(|start| start < to);
                Day {
                    date,
                    state: in_data.then(|| going_on.first().map_or(ServiceState::Operational, |o| o.state)),
                    measure: measured,
                    disrupted: covered(&outages, from.max(data_from.unwrap_or(to)), to, |_| 1.0),
                    incidents: if in_data { incidents } else { Vec::new() },
                }
            })
            .collect();
        let windows =
            WINDOWS.iter().map(|&n| (n, measure(start_of_day(tz, today - Days::new(n - 1)), self.now))).collect();
        let months = (0..MONTHS)
            .map(|back| {
                let first = today.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(back)));
                let first = first.unwrap_or(today);
                let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
                Month {
                    year: first.year(),
                    month: first.month(),
                    measure: measure(start_of_day(tz, first), start_of_day(tz, next)),
                }
            })
            .collect();
        Availability { since, days, windows, months }
    }

    /// What each post of service `key` that has started did to it, up to the build time.
    fn outages(&self, key: &str, weights: &AvailabilityConfig) -> Vec<Outage> {
        let now = self.now;
        // Nothing that ended before the oldest period shown counts.
        let oldest = now - Duration::days(WINDOWS[2] as i64 + 31);
        self.of_service(key)
            .iter()
            // Read from the index first: most posts were over long before
            // (their phase final, all they name before `oldest`).
            .filter(|&&i| !(self.phases[i].is_final() && self.over_by[i].is_some_and(|t| t <= oldest)))
            .filter_map(|&i| {
                let incident = &self.incidents[i];
                let phase = self.phases[i];
                let (from, to, weight) = match incident.kind {
                    Kind::Notice => return None,
                    Kind::Incident => {
                        let weight = match incident.severity {
                            Some(Severity::Critical) => weights.critical,
                            Some(Severity::Major) => weights.major,
                            Some(Severity::Minor) | None => weights.minor,
                        };
                        (incident.start, incident.end.unwrap_or(now), weight)
                    }
                    Kind::Maintenance => {
                        let published = incident.published_updates(now);
                        let to = match phase {
                            Phase::Upcoming | Phase::Cancelled => return None,
                            Phase::Ongoing | Phase::Overrunning => now,
                            Phase::Resolved => incident.actual_end(phase, published)?,
                        };
                        let early =
                            incident.updates[..published].iter().find(|u| u.status == Status::InProgress).map(|u| u.at);
                        let from = early.map_or(incident.start, |at| at.min(incident.start));
                        (from, to, if weights.count_maintenance { 1.0 } else { 0.0 })
                    }
                };
                let to = to.min(now);
                (from < to && to > oldest).then(|| Outage {
                    from,
                    to,
                    weight,
                    state: ServiceState::of_post(incident.kind, incident.severity),
                    incident: i,
                })
            })
            .collect()
    }
}

/// The time and downtime of `[from, to)` within the data (from `data_from`).
fn measure(outages: &[Outage], data_from: Option<DateTime<Tz>>, from: DateTime<Tz>, to: DateTime<Tz>) -> Measure {
    let Some(data_from) = data_from else { return Measure::default() };
    let from = from.max(data_from);
    if from >= to {
        return Measure::default();
    }
    Measure { measured: to - from, downtime: covered(outages, from, to, |o| o.weight) }
}

/// The integral over `[from, to)` of the heaviest `weight` of the outages
/// going on at each instant (0 when none is): overlapping outages count once.
fn covered(outages: &[Outage], from: DateTime<Tz>, to: DateTime<Tz>, weight: impl Fn(&Outage) -> f64) -> Duration {
    // Each outage starts and ends once within the period: sweep over its
    // instants in order, with the weights of the outages going on.
    let mut turns: Vec<(DateTime<Tz>, bool, f64)> = outages
        .iter()
        .filter(|o| o.from < to && o.to > from)
        .flat_map(|o| {
            let w = weight(o);
            [(o.from.max(from), true, w), (o.to.min(to), false, w)]
        })
        .collect();
    turns.sort_unstable_by_key(|&(t, _, _)| t);
    let mut going_on: Vec<f64> = Vec::new();
    let mut milliseconds = 0.0;
    let mut next = 0;
    while next < turns.len() {
        let at = turns[next].0;
        for &(_, starts, w) in turns[next..].iter().take_while(|&&(t, _, _)| t == at) {
            if starts {
                going_on.push(w);
            } else if let Some(n) = going_on.iter().position(|&g| g == w) {
                going_on.swap_remove(n);
            }
            next += 1;
        }
        if let Some(&(until, _, _)) = turns.get(next) {
            let heaviest = going_on.iter().copied().fold(0.0, f64::max);
            milliseconds += heaviest * (until - at).num_milliseconds() as f64;
        }
    }
    Duration::milliseconds(milliseconds.round() as i64)
}

/// The first instant of local day `date` in `tz` (midnight, or the first
/// time after it that exists, on a day whose clocks jump at midnight).
pub(crate) fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Tz> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..48 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t;
        }
        local += Duration::minutes(30);
    }
    tz.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn at(day: u32, hour: u32) -> DateTime<Tz> {
        Paris.with_ymd_and_hms(2024, 3, day, hour, 0, 0).single().expect("a time")
    }

    fn outage(from: DateTime<Tz>, to: DateTime<Tz>, weight: f64) -> Outage {
        Outage { from, to, weight, state: ServiceState::Degraded, incident: 0 }
    }

    /// A maintenance of the web service planned on 10 January 2022 at
    /// 22–23 h, in progress from its start, with `more` updates after that.
    fn old_maintenance(n: usize, more: &[(DateTime<Tz>, Status)]) -> std::sync::Arc<crate::content::model::Incident> {
        let start = Paris.with_ymd_and_hms(2022, 1, 10, 22, 0, 0).single().expect("a time");
        let updates: Vec<_> = [(start, Status::InProgress)].into_iter().chain(more.iter().copied()).collect();
        let window = (start, Some(start + Duration::hours(1)));
        std::sync::Arc::new(crate::content::model::test_post(n, Kind::Maintenance, window, &updates))
    }

    #[test]
    fn a_maintenance_still_overrunning_years_after_its_window_counts_up_to_now() {
        let now = at(20, 12);
        let weights = AvailabilityConfig { count_maintenance: true, ..AvailabilityConfig::default() };
        let down_30_days = |incidents: &[std::sync::Arc<crate::content::model::Incident>]| {
            let archive = Archive::new(incidents, now, 12);
            let since = Some(NaiveDate::from_ymd_opt(2022, 1, 1).expect("a date"));
            archive.availability("web", since, &weights).windows[0].1.downtime
        };
        // Never said completed: everything it names is two years old, but it goes on.
        let overrunning = [old_maintenance(0, &[])];
        assert_eq!(Archive::new(&overrunning, now, 12).phases[0], Phase::Overrunning);
        assert!(down_30_days(&overrunning) > Duration::days(29), "{:?}", down_30_days(&overrunning));
        // Completed the same night: nothing of it counts now.
        let completed = [old_maintenance(1, &[(overrunning[0].start + Duration::hours(1), Status::Completed)])];
        assert_eq!(down_30_days(&completed), Duration::zero());
    }

    #[test]
    fn the_sweep_counts_what_the_heaviest_outage_of_each_instant_counts() {
        // The definition: between two consecutive instants where something
        // starts or ends, the heaviest of the outages covering that span.
        let plain = |outages: &[Outage], from: DateTime<Tz>, to: DateTime<Tz>| {
            let within: Vec<_> = outages
                .iter()
                .filter(|o| o.from < to && o.to > from)
                .map(|o| (o.from.max(from), o.to.min(to), o.weight))
                .collect();
            let mut edges: Vec<DateTime<Tz>> = within.iter().flat_map(|&(a, b, _)| [a, b]).collect();
            edges.sort_unstable();
            edges.dedup();
            let ms: f64 = edges
                .windows(2)
                .map(|pair| {
                    let covering = within.iter().filter(|&&(a, b, _)| a <= pair[0] && b >= pair[1]);
                    covering.map(|&(_, _, w)| w).fold(0.0, f64::max) * (pair[1] - pair[0]).num_milliseconds() as f64
                })
                .sum();
            Duration::milliseconds(ms.round() as i64)
        };
        // Outages on a few days of March, on the hour or the half hour, with
        // shared edges, nested and overlapping, at four weights.
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..400 {
            let outages: Vec<Outage> = (0..next(12))
                .map(|_| {
                    let from = at(10, 0) + Duration::minutes(30 * next(96) as i64);
                    let weight = [0.0, 0.1, 0.3, 1.0][next(4) as usize];
                    outage(from, from + Duration::minutes(30 * (1 + next(16)) as i64), weight)
                })
                .collect();
            let from = at(10, 0) + Duration::minutes(30 * next(60) as i64);
            let to = from + Duration::minutes(30 * next(60) as i64);
            assert_eq!(covered(&outages, from, to, |o| o.weight), plain(&outages, from, to), "case {case}");
        }
    }

    #[test]
    fn overlapping_outages_count_once_at_the_heaviest_weight() {
        // 10:00–14:00 at 0.3 and 12:00–13:00 at 1.0: 3 h × 0.3 + 1 h × 1.0 = 1 h 54 min.
        let outages = [outage(at(5, 10), at(5, 14), 0.3), outage(at(5, 12), at(5, 13), 1.0)];
        assert_eq!(covered(&outages, at(5, 0), at(6, 0), |o| o.weight), Duration::minutes(114));
        assert_eq!(covered(&outages, at(5, 0), at(6, 0), |_| 1.0), Duration::hours(4), "one span of 4 h");
        assert_eq!(covered(&outages, at(5, 11), at(5, 12), |o| o.weight), Duration::minutes(18), "clipped");
        let m = measure(&outages, Some(at(5, 0)), at(4, 0), at(6, 0));
        assert_eq!(m.measured, Duration::hours(24), "the day before the data is not measured");
        assert_eq!(m.basis_points(), Some(9208), "1 - 114 / 1440 = 92.083 %");
    }

    #[test]
    fn a_day_of_a_dst_change_has_its_own_length_and_any_downtime_shows_below_100() {
        // 31 March 2024: Paris goes from +01:00 to +02:00 at 02:00, a day of 23 hours.
        let date = NaiveDate::from_ymd_opt(2024, 3, 31).expect("a date");
        let next = date.succ_opt().expect("a date");
        assert_eq!(start_of_day(Paris, next) - start_of_day(Paris, date), Duration::hours(23));
        let one_second = [outage(at(31, 10), at(31, 10) + Duration::seconds(1), 1.0)];
        let m = measure(&one_second, Some(at(1, 0)), start_of_day(Paris, date), start_of_day(Paris, next));
        assert_eq!(m.basis_points(), Some(9999));
        assert_eq!(Measure::default().basis_points(), None);
        // America/Santiago skips midnight on the first Sunday of September 2024: the day starts at 01:00.
        let santiago: Tz = "America/Santiago".parse().expect("a zone");
        let day = NaiveDate::from_ymd_opt(2024, 9, 8).expect("a date");
        assert_eq!(start_of_day(santiago, day).to_rfc3339(), "2024-09-08T01:00:00-03:00");
    }
}
