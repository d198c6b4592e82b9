//! Stage 4 (render): the service board that heads the home page — one line
//! per service with its state in words, a banner with the site's worst
//! state, and a note on planned maintenance (a note, never a state) — and
//! the state that heads each service page.

use super::availability::{AvailabilityData, AvailabilityView};
use super::format::{self, TimeView};
use super::urls::service_path;
use super::{Constants, Renderer};
use crate::archive::status::ServiceState;
use crate::content::model::Phase;
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;

/// What the board is made of (hashed into the home page's reuse key).
#[derive(Debug, Clone, Hash)]
pub(crate) struct Board<'a> {
    /// The worst state of the site.
    state: ServiceState,
    /// One line per service, in the services page's order.
    lines: Vec<BoardLine<'a>>,
}

#[derive(Debug, Clone, Hash)]
struct BoardLine<'a> {
    key: &'a str,
    state: ServiceState,
    /// The start of its next planned maintenance (not cancelled).
    planned: Option<DateTime<Tz>>,
    availability: AvailabilityData<'a>,
}

/// The board as templates get it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BoardView {
    /// `operational`, `maintenance`, `degraded`, `partial_outage` or `major_outage`.
    pub state: &'static str,
    /// « Tous les services fonctionnent normalement », or the worst state in words.
    pub banner: String,
    /// One line per service.
    pub services: Vec<BoardLineView>,
}

/// One service on the board.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BoardLineView {
    /// Key from site.toml.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Link to its page.
    pub url: String,
    /// Its state's identifier.
    pub state: &'static str,
    /// Its state in the site's language.
    pub state_label: String,
    /// When its next planned maintenance starts.
    pub planned: Option<TimeView>,
    /// Its strip of the last 90 days and figures.
    pub availability: AvailabilityView,
}

/// A service's state as a service page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StateView {
    /// Its identifier.
    pub state: &'static str,
    /// In the site's language.
    pub label: String,
}

impl<'a> Board<'a> {
    /// The board at build time, services in `order`.
    pub(crate) fn of(r: &Renderer<'a>, order: &[&'a str]) -> Self {
        let archive = r.archive;
        let lines = order
            .iter()
            .map(|&key| BoardLine {
                key,
                state: archive.service_state(key),
                planned: archive
                    .upcoming_of_service(key)
                    .into_iter()
                    .find(|&i| archive.phases[i] != Phase::Cancelled)
                    .map(|i| archive.incidents[i].start),
                availability: r.availability_of(key).clone(),
            })
            .collect();
        Board { state: archive.site_state(), lines }
    }

    /// What templates get.
    pub(crate) fn view(&self, c: &Constants<'_>) -> BoardView {
        let banner = match self.state {
            ServiceState::Operational => c.t.label("banner_operational").to_string(),
            worst => c.t.label(&format!("banner_{}", worst.as_str())).to_string(),
        };
        BoardView {
            state: self.state.as_str(),
            banner,
            services: self
                .lines
                .iter()
                .map(|line| BoardLineView {
                    key: line.key.to_string(),
                    name: c.config.services.get(line.key).map_or_else(|| line.key.to_string(), |s| s.name.clone()),
                    url: c.urls.path(&service_path(line.key)),
                    state: line.state.as_str(),
                    state_label: state_view(line.state, c).label,
                    planned: line.planned.map(|t| format::time_view(&t, &c.t.dates)),
                    availability: line.availability.view(c),
                })
                .collect(),
        }
    }
}

/// `state` in the site's language.
pub(crate) fn state_view(state: ServiceState, c: &Constants<'_>) -> StateView {
    StateView { state: state.as_str(), label: c.t.label(&format!("state_{}", state.as_str())).to_string() }
}

/// The declared services, by display name (case-insensitive), then key: the
/// order of the board and of the services page.
pub(crate) fn service_order<'c>(c: &Constants<'c>) -> Vec<&'c str> {
    let mut order: Vec<&str> = c.config.services.keys().map(String::as_str).collect();
    let name = |key: &str| c.config.services[key].name.to_lowercase();
    order.sort_by_cached_key(|&key| (name(key), key));
    order
}
