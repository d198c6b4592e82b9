//! The static status API (`api/v2/*.json`, in the shape of Statuspage's
//! public API v2) of the repository's example site, built at
//! 2024-11-20 13:00 Paris (two maintenances in progress, one of them
//! overrunning; one cancelled, one planned; no incident) and on
//! 2024-11-26 at 13:00, while an incident is ongoing. Each file is parsed
//! with serde_json.

mod common;

use common::{FixtureSite, NOW};
use serde_json::Value;

const FILES: [&str; 8] = [
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
];

const SWITCH: &str = "Remplacement d'un commutateur de cœur de réseau";
const MIGRATION: &str = "Migration des bases de données mutualisées vers de nouveaux serveurs";
const MOVE: &str = "Déménagement de nos baies vers une nouvelle salle";
const CANCELLED: &str = "Mise à jour de la plateforme de téléphonie";
const MAIL_INCIDENT: &str = "Distribution différée des courriels vers certains destinataires";

/// 2024-11-26 13:00 Paris: the mail incident is ongoing (identified), its resolution still ahead.
const DURING_INCIDENT: i64 = 1_732_622_400;

fn api(site: &FixtureSite, file: &str) -> Value {
    site.json(&format!("api/v2/{file}"))
}

#[track_caller]
fn list(value: &Value) -> &Vec<Value> {
    value.as_array().unwrap_or_else(|| panic!("not a list: {value}"))
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|p| p["name"].as_str().expect("a name")).collect()
}

#[track_caller]
fn find<'v>(list: &'v Value, name: &str) -> &'v Value {
    let list = list.as_array().expect("a list");
    list.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no {name:?} in {list:#?}"))
}

fn component_statuses(doc: &Value) -> Vec<(String, String)> {
    list(&doc["components"]).iter().map(|c| (c["id"].to_string(), c["status"].to_string())).collect()
}

#[test]
fn every_file_has_the_page_and_the_summary_says_what_is_going_on() {
    let site = FixtureSite::example();
    site.build();
    for file in FILES {
        let doc = api(&site, file);
        let page = &doc["page"];
        assert_eq!(page["url"], "https://status.example.fr/", "{file}: page.url");
        assert_eq!(page["time_zone"], "Europe/Paris", "{file}");
        assert_eq!(page["name"], "Incidents réseau", "{file}");
        // The latest change at or before the build: the switch's overrun note was 08:10, the migration's 12:40.
        assert_eq!(page["updated_at"], "2024-11-20T12:40:00+01:00", "{file}: page.updated_at");
    }
    let summary = api(&site, "summary.json");
    assert_eq!(summary["status"]["indicator"], "maintenance");
    let under = |id: &str| (format!("{id:?}"), "\"under_maintenance\"".to_string());
    let ok = |id: &str| (format!("{id:?}"), "\"operational\"".to_string());
    assert_eq!(
        component_statuses(&summary),
        [under("databases"), ok("dedicated"), ok("dns"), ok("mail"), under("network"), ok("voip"), under("web")],
        "components in key order, the two maintenances' services under maintenance"
    );
    assert_eq!(summary["components"], api(&site, "components.json")["components"]);
    assert_eq!(names(&summary["incidents"]), Vec::<&str>::new(), "no incident is ongoing");
    assert_eq!(names(&summary["scheduled_maintenances"]), [SWITCH, MIGRATION, MOVE], "active then upcoming");
    assert_eq!(api(&site, "status.json")["status"], summary["status"]);
}

#[test]
fn maintenances_are_active_upcoming_or_completed_and_a_cancelled_one_is_completed() {
    let site = FixtureSite::example();
    site.build();
    let active = &api(&site, "scheduled-maintenances/active.json")["scheduled_maintenances"];
    assert_eq!(names(active), [SWITCH, MIGRATION], "in progress, the overrunning one too");
    let switch = find(active, SWITCH);
    assert_eq!(switch["status"], "in_progress");
    assert_eq!(switch["impact"], "maintenance");
    assert_eq!(switch["scheduled_for"], "2024-11-20T06:00:00+01:00");
    assert_eq!(switch["scheduled_until"], "2024-11-20T08:00:00+01:00");
    assert_eq!(
        switch["shortlink"],
        "https://status.example.fr/2024/11/20/remplacement-d-un-commutateur-de-coeur-de-reseau/"
    );
    let components: Vec<&Value> = list(&switch["components"]).iter().map(|c| &c["id"]).collect();
    assert_eq!(components, ["network", "web"]);
    // Its update "completed" is dated 14:30: not public yet.
    let statuses: Vec<&Value> = list(&switch["incident_updates"]).iter().map(|u| &u["status"]).collect();
    assert!(!statuses.contains(&&Value::from("completed")), "a future update is shown: {statuses:?}");
    let upcoming = &api(&site, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"];
    assert_eq!(names(upcoming), [MOVE], "the cancelled one is not upcoming");
    assert_eq!(find(upcoming, MOVE)["status"], "scheduled");
    let all = &api(&site, "scheduled-maintenances.json")["scheduled_maintenances"];
    let cancelled = find(all, CANCELLED);
    assert_eq!(cancelled["status"], "completed", "Statuspage has no cancelled status");
    let last = &cancelled["incident_updates"][0];
    assert_eq!(last["status"], "completed");
    assert_eq!(cancelled["resolved_at"], last["created_at"], "resolved when it was called off");
    assert!(names(all).len() <= 50);
}

#[test]
fn an_ongoing_incident_is_unresolved_and_degrades_its_service() {
    let site = FixtureSite::example();
    site.set_time(DURING_INCIDENT);
    site.build();
    let summary = api(&site, "summary.json");
    assert_eq!(summary["status"]["indicator"], "minor");
    let mail = list(&summary["components"]).iter().find(|c| c["id"] == "mail").expect("mail");
    assert_eq!(mail["status"], "degraded_performance");
    let unresolved = api(&site, "incidents/unresolved.json");
    assert_eq!(names(&unresolved["incidents"]), [MAIL_INCIDENT]);
    assert_eq!(unresolved["incidents"], summary["incidents"]);
    let incident = find(&unresolved["incidents"], MAIL_INCIDENT);
    assert_eq!(incident["status"], "identified", "its latest published update");
    assert_eq!(incident["impact"], "minor");
    assert_eq!(incident["resolved_at"], Value::Null);
    let updates = list(&incident["incident_updates"]);
    assert_eq!(updates.iter().map(|u| &u["status"]).collect::<Vec<_>>(), ["identified", "investigating"]);
    assert!(updates.iter().all(|u| u["incident_id"] == incident["id"]));
    let all = api(&site, "incidents.json");
    assert_eq!(find(&all["incidents"], MAIL_INCIDENT)["id"], incident["id"]);
    assert!(names(&all["incidents"]).len() <= 50);
    assert!(list(&all["incidents"]).iter().all(|i| i["impact"] != "maintenance"), "incidents only");
}

#[test]
fn ids_survive_an_edit_of_the_title() {
    let site = FixtureSite::example();
    site.build();
    let before = api(&site, "scheduled-maintenances.json");
    let id = find(&before["scheduled_maintenances"], SWITCH)["id"].clone();
    let update_ids = find(&before["scheduled_maintenances"], SWITCH)["incident_updates"].clone();
    let file = "content/2024/remplacement-commutateur-coeur.md";
    let source = site.source(file);
    site.write(file, source.replacen(&format!("title = \"{SWITCH}\""), "title = \"Nouveau titre\"", 1));
    site.build();
    let after = api(&site, "scheduled-maintenances.json");
    let renamed = find(&after["scheduled_maintenances"], "Nouveau titre");
    assert_eq!(renamed["id"], id, "the id comes from the source file, not the title");
    let ids = |updates: &Value| list(updates).iter().map(|u| u["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&renamed["incident_updates"]), ids(&update_ids));
    let all_ids: Vec<&Value> = list(&after["scheduled_maintenances"]).iter().map(|m| &m["id"]).collect();
    let unique: std::collections::BTreeSet<String> = all_ids.iter().map(|v| v.to_string()).collect();
    assert_eq!(unique.len(), all_ids.len(), "ids are unique");
}

#[test]
fn two_builds_an_hour_apart_give_the_same_bytes() {
    let read_all = |epoch: i64| {
        let site = FixtureSite::example();
        site.set_time(epoch);
        site.build();
        FILES.map(|f| (f, site.read(&format!("api/v2/{f}"))))
    };
    let now: i64 = NOW.parse().expect("NOW is seconds");
    // Nothing changes between 13:00 and 14:00 (the switch's completion is dated 14:30).
    let (first, second) = (read_all(now), read_all(now + 3600));
    for ((file, a), (_, b)) in first.iter().zip(&second) {
        assert_eq!(a, b, "{file} changed between two builds an hour apart");
    }
    // At 14:30 the switch's maintenance completes: the files say so.
    let later = read_all(now + 5400);
    assert_ne!(first[0].1, later[0].1, "summary.json did not change when a maintenance completed");
}
