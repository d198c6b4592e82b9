//! Stage 3 (model): the state of each service at build time, from what is
//! happening now: the worst ongoing incident's severity, or a maintenance in
//! progress. What is only planned is never a state.

use super::Archive;
use crate::content::model::{Kind, Severity};

/// A service's state at build time, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ServiceState {
    /// Nothing is going on.
    Operational,
    /// A maintenance is in progress (and no incident).
    Maintenance,
    /// An ongoing incident of severity minor.
    Degraded,
    /// An ongoing incident of severity major.
    PartialOutage,
    /// An ongoing incident of severity critical.
    MajorOutage,
}

impl ServiceState {
    /// The identifier used in templates and CSS classes (`operational`, `maintenance`, …).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ServiceState::Operational => "operational",
            ServiceState::Maintenance => "maintenance",
            ServiceState::Degraded => "degraded",
            ServiceState::PartialOutage => "partial_outage",
            ServiceState::MajorOutage => "major_outage",
        }
    }

    /// The state an ongoing post of `kind` and `severity` puts its services in.
    pub(crate) fn of_post(kind: Kind, severity: Option<Severity>) -> ServiceState {
        match (kind, severity) {
            (Kind::Maintenance, _) => ServiceState::Maintenance,
            (Kind::Incident, Some(Severity::Critical)) => ServiceState::MajorOutage,
            (Kind::Incident, Some(Severity::Major)) => ServiceState::PartialOutage,
            (Kind::Incident, _) => ServiceState::Degraded,
            (Kind::Notice, _) => ServiceState::Operational,
        }
    }
}

impl Archive<'_> {
    /// The state of service `key`: the worst that its current posts put it in.
    pub(crate) fn service_state(&self, key: &str) -> ServiceState {
        self.current
            .iter()
            .map(|&i| &self.incidents[i])
            .filter(|incident| incident.concerns(key))
            .map(|incident| ServiceState::of_post(incident.kind, incident.severity))
            .max()
            .unwrap_or(ServiceState::Operational)
    }

    /// The state of the whole site: the worst of its current posts.
    pub(crate) fn site_state(&self) -> ServiceState {
        self.current
            .iter()
            .map(|&i| ServiceState::of_post(self.incidents[i].kind, self.incidents[i].severity))
            .max()
            .unwrap_or(ServiceState::Operational)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_current_post_decides_and_a_notice_changes_nothing() {
        assert!(ServiceState::MajorOutage > ServiceState::PartialOutage);
        assert!(ServiceState::Degraded > ServiceState::Maintenance);
        assert_eq!(ServiceState::of_post(Kind::Incident, Some(Severity::Major)), ServiceState::PartialOutage);
        assert_eq!(ServiceState::of_post(Kind::Maintenance, None), ServiceState::Maintenance);
        assert_eq!(ServiceState::of_post(Kind::Notice, None), ServiceState::Operational);
    }
}
