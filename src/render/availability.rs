//! Stage 4 (render): each service's availability as pages show it — the
//! strip of the last 90 days (one cell per day, its state in colour and in
//! words, a link to the day's worst post) and the figures over 30, 90 and
//! 365 days and per month — with the weights it was counted with.

use super::board::state_view;
use super::format;
use super::{Constants, Renderer};
use crate::archive::availability::{Availability, Measure};
use crate::config::AvailabilityConfig;
use serde::Serialize;

/// What a service's availability is made of: the figures, and the post each
/// day of the strip links to (its address and title, which the day's text
/// names).
#[derive(Debug, Clone, Hash)]
pub(crate) struct AvailabilityData<'a> {
    figures: Availability,
    /// For each day of the strip, its worst post, and how many others there were.
    links: Vec<Option<(&'a str, &'a str, usize)>>,
}

impl<'a> AvailabilityData<'a> {
    /// The availability of service `key` at build time.
    pub(crate) fn of(r: &Renderer<'a>, key: &str) -> Self {
        let config = r.c.config;
        let since = config.services.get(key).and_then(|s| s.since);
        let figures = r.archive.availability(key, since, &config.availability);
        let links = figures
            .days
            .iter()
            .map(|day| {
                day.incidents.first().map(|&i| {
                    let incident: &'a crate::content::model::Incident = &r.archive.incidents[i];
                    (incident.path.as_str(), incident.title.as_str(), day.incidents.len() - 1)
                })
            })
            .collect();
        AvailabilityData { figures, links }
    }

    /// What templates get.
    pub(crate) fn view(&self, c: &Constants<'_>) -> AvailabilityView {
        let t = c.t;
        let tz = c.config.timezone;
        let date_of = |date: chrono::NaiveDate| {
            format::time_view(&crate::archive::availability::start_of_day(tz, date), &t.dates).date
        };
        let days = self
            .figures
            .days
            .iter()
            .zip(&self.links)
            .map(|(day, link)| {
                let date = date_of(day.date);
                let (state, label) = match day.state {
                    None => ("no_data", t.label("day_no_data").replace("{date}", &date)),
                    Some(state) if day.incidents.is_empty() => {
                        (state.as_str(), t.label("day_operational").replace("{date}", &date))
                    }
                    Some(state) => {
                        let mut label = t
                            .label("day_disrupted")
                            .replace("{date}", &date)
                            .replace("{state}", &state_view(state, c).label)
                            .replace("{disrupted}", &format::duration(day.disrupted, &t.durations))
                            .replace("{downtime}", &downtime(day.measure, c));
                        if let Some((_, title, others)) = link {
                            label.push_str(&t.label("day_worst").replace("{title}", title));
                            if *others > 0 {
                                label.push_str(&t.label("day_others").replace("{count}", &others.to_string()));
                            }
                        }
                        (state.as_str(), label)
                    }
                };
                DayView {
                    date: day.date.format("%Y-%m-%d").to_string(),
                    state,
                    label,
                    url: link.map(|(path, _, _)| c.urls.path(path)),
                }
            })
            .collect();
        let windows = self
            .figures
            .windows
            .iter()
            .map(|&(days, measure)| FigureView {
                label: t.label("availability_window").replace("{days}", &days.to_string()),
                percent: percent(measure, c),
                downtime: downtime(measure, c),
            })
            .collect();
        let months = self
            .figures
            .months
            .iter()
            .map(|m| FigureView {
                label: format::month_year(m.year, m.month, &t.dates),
                percent: percent(m.measure, c),
                downtime: downtime(m.measure, c),
            })
            .collect();
        let strip_percent = self.figures.windows.iter().find(|(days, _)| *days == 90).map(|&(_, m)| percent(m, c));
        AvailabilityView {
            days,
            strip_percent: strip_percent.unwrap_or_else(|| t.label("no_data").to_string()),
            windows,
            months,
            since: self.figures.since.map(date_of),
            method: method(&c.config.availability, c),
        }
    }
}

/// A service's availability as templates get it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AvailabilityView {
    /// The strip, oldest day first.
    pub days: Vec<DayView>,
    /// The share of time up over the strip's 90 days (or « pas de données »).
    pub strip_percent: String,
    /// Over 30, 90 and 365 days.
    pub windows: Vec<FigureView>,
    /// Each of the last twelve months, newest first.
    pub months: Vec<FigureView>,
    /// The first day measured, when known.
    pub since: Option<String>,
    /// How it is counted, in words, with this site's weights.
    pub method: String,
}

/// One day of the strip.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Its state's identifier, or `no_data`.
    pub state: &'static str,
    /// The date, the state and the downtime, in words (the cell's text).
    pub label: String,
    /// The day's worst post, if any.
    pub url: Option<String>,
}

/// One figure: a period and its share of time up.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FigureView {
    /// « 30 derniers jours », « novembre 2026 ».
    pub label: String,
    /// « 99,95 % », or « pas de données ».
    pub percent: String,
    /// The downtime counted in it.
    pub downtime: String,
}

/// The share of time up in the site's language, or « pas de données ».
fn percent(measure: Measure, c: &Constants<'_>) -> String {
    match measure.basis_points() {
        None => c.t.label("no_data").to_string(),
        Some(points) => {
            let number = format!("{}{}{:02}", points / 100, c.t.label("decimal_mark"), points % 100);
            c.t.label("percent").replace("{value}", &number)
        }
    }
}

/// The downtime counted, in the site's language (« aucune » when none).
fn downtime(measure: Measure, c: &Constants<'_>) -> String {
    if measure.downtime.is_zero() {
        c.t.label("no_downtime").to_string()
    } else {
        format::duration(measure.downtime, &c.t.durations)
    }
}

/// « Panne majeure comptée à 100 %, … » with the site's weights.
fn method(weights: &AvailabilityConfig, c: &Constants<'_>) -> String {
    let share = |w: f64| {
        let number = format!("{}", (w * 100.0 * 100.0).round() / 100.0).replace('.', c.t.label("decimal_mark"));
        c.t.label("percent").replace("{value}", &number)
    };
    let maintenance = if weights.count_maintenance {
        c.t.label("availability_maintenance_counted")
    } else {
        c.t.label("availability_maintenance_not_counted")
    };
    c.t.label("availability_method")
        .replace("{critical}", &share(weights.critical))
        .replace("{major}", &share(weights.major))
        .replace("{minor}", &share(weights.minor))
        .replace("{maintenance}", maintenance)
}
