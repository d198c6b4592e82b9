//! Whole builds of the `basic` fixture site, checked by parsing the HTML.

mod common;

use common::{attrs, texts, FixtureSite};

#[test]
fn builds_every_page_kind() {
    let site = FixtureSite::copy("basic");
    let run = site.build();
    assert!(run.stderr.contains("Built "), "summary line missing:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout must stay clean: {}", run.stdout);
    for file in [
        "index.html",
        "page/2/index.html",
        "2016/index.html",
        "2024/index.html",
        "2016/11/22/panne-de-la-messagerie/index.html",
        "2016/07/01/coupure-de-l-hebergement-web/index.html",
        "services/index.html",
        "services/mail/index.html",
        "services/web/index.html",
        "services/voip/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        "atom.xml",
        "rss.xml",
        "services/voip/atom.xml",
    ] {
        assert!(site.public().join(file).is_file(), "{file} was not built");
    }
    assert!(
        !site.public().join("page/3/index.html").exists(),
        "4 published posts that have started, at 2 per page, make 2 pages (the planned maintenance is not history)"
    );
}

#[test]
fn home_shows_current_events_first_then_history_newest_first() {
    let site = FixtureSite::copy("basic");
    site.build();
    let home = site.page("index.html");
    let current = texts(&home, ".current .card-title");
    assert_eq!(current, ["Téléphonie IP perturbée"], "only what is happening now");
    assert_eq!(texts(&home, ".upcoming h2"), ["Maintenances prévues"]);
    assert_eq!(texts(&home, ".upcoming .card-title"), ["Maintenance des routeurs"], "planned, in its own section");
    assert_eq!(texts(&home, ".board .as-of"), ["État au mercredi 20 novembre 2024 à 13 h 00"]);
    let history = texts(&home, "#history-heading ~ ul .card-title");
    assert_eq!(
        history,
        ["Téléphonie IP perturbée", "Tom & Jerry <script>alert(1)</script> \"quoted\" ]]> 🚨 é"],
        "newest start first, 2 per page, never the future"
    );
    let page2 = site.page("page/2/index.html");
    assert_eq!(texts(&page2, ".card-title"), ["Panne de la messagerie", "Coupure de l'hébergement web"]);
    assert!(texts(&page2, ".current, .upcoming, .as-of").is_empty(), "the present only on the first page");
}

#[test]
fn incident_page_has_facts_timeline_and_neighbours() {
    let site = FixtureSite::copy("basic");
    site.build();
    let page = site.page("2016/11/22/panne-de-la-messagerie/index.html");
    assert_eq!(texts(&page, "h1"), ["Panne de la messagerie"]);
    let badges = texts(&page, ".incident-header .badge");
    assert_eq!(badges, ["Incident", "Gravité : Majeure", "Résolu"], "severity is written, not only coloured");
    let facts = texts(&page, ".facts dd");
    assert_eq!(facts[0], "mardi 22 novembre 2016 à 12 h 16");
    assert_eq!(facts[1], "mardi 22 novembre 2016 à 14 h 31");
    assert_eq!(facts[2], "2 h 15 min");
    assert_eq!(facts[3], "Messagerie, Hébergement web");
    assert_eq!(facts[4], "IG-2016-11-22-001");
    let times = attrs(&page, ".facts time", "datetime");
    assert_eq!(times, ["2016-11-22T12:16:00+01:00", "2016-11-22T14:31:00+01:00"]);
    let statuses = texts(&page, ".timeline .status");
    assert_eq!(statuses, ["Analyse en cours", "Cause identifiée", "Résolu"]);
    assert_eq!(texts(&page, ".prose h2"), ["Cause"]);
    assert_eq!(
        attrs(&page, ".neighbours a[rel=prev]", "href"),
        ["/incidents/2016/07/01/coupure-de-l-hebergement-web/"]
    );
    assert_eq!(
        attrs(&page, ".neighbours a[rel=next]", "href"),
        ["/incidents/2024/03/10/tom-jerry-script-alert-1-script-quoted-e/"]
    );
    let services = attrs(&page, ".facts a", "href");
    assert_eq!(services, ["/incidents/services/mail/", "/incidents/services/web/"]);
}

#[test]
fn a_summary_marked_in_the_body_is_shown_once_and_never_as_text() {
    let site = FixtureSite::copy("basic");
    site.build();
    let page = site.page("2016/07/01/coupure-de-l-hebergement-web/index.html");
    assert_eq!(texts(&page, ".prose p"), ["Un redémarrage a suffi.", "Le serveur frontal ne répondait plus."]);
    assert!(texts(&page, ".lead").is_empty(), "the summary is the body's start: no second copy above the timeline");
    let raw = site.read("2016/07/01/coupure-de-l-hebergement-web/index.html");
    assert!(!raw.contains("more"), "the <!-- more --> marker leaked into the page");
    let year = site.page("2016/index.html");
    assert!(texts(&year, ".summary").contains(&"Un redémarrage a suffi.".to_string()), "lists show the summary");
    let feed = site.read("services/web/atom.xml");
    assert_eq!(feed.matches("Un redémarrage a suffi.").count(), 1, "the feed entry gives the summary once");
    let mail = site.page("2016/11/22/panne-de-la-messagerie/index.html");
    assert_eq!(texts(&mail, ".lead"), ["La messagerie était indisponible."], "a front-matter summary stays the lead");
}

#[test]
fn local_times_use_paris_summer_time() {
    let site = FixtureSite::copy("basic");
    site.build();
    let page = site.page("2016/07/01/coupure-de-l-hebergement-web/index.html");
    assert_eq!(attrs(&page, ".facts time", "datetime")[0], "2016-07-01T09:05:00+02:00");
    assert_eq!(texts(&page, ".facts dd")[0], "vendredi 1er juillet 2016 à 9 h 05");
    assert_eq!(texts(&page, ".facts dd")[2], "45 min");
}

#[test]
fn year_and_service_pages_count_and_sum_downtime() {
    let site = FixtureSite::copy("basic");
    site.build();
    let year = site.page("2016/index.html");
    assert_eq!(texts(&year, "h2"), ["novembre 2016", "juillet 2016"]);
    let stats = texts(&year, ".stats").join("");
    assert!(stats.contains("2 publications") && stats.contains("3 h"), "2 h 15 + 45 min = 3 h: {stats}");
    let web = site.page("services/web/index.html");
    let cells = texts(&web, ".per-year tbody th, .per-year tbody td");
    assert_eq!(cells, ["2016", "2", "2", "3 h"], "the planned 2024 maintenance has not started: not in the figures");
    assert_eq!(texts(&web, ".upcoming .card-title"), ["Maintenance des routeurs"], "but it is announced");
    assert_eq!(texts(&web, "h1"), ["Hébergement web"]);
    let subscribe = attrs(&web, ".subscribe a", "href");
    assert_eq!(
        subscribe,
        [
            "/incidents/services/web/atom.xml",
            "/incidents/services/web/rss.xml",
            "webcal://example.fr/incidents/services/web/maintenance.ics"
        ],
        "visible subscribe links"
    );
    let services = site.page("services/index.html");
    assert_eq!(texts(&services, ".service-summary h2"), ["Hébergement web", "Messagerie", "Téléphonie IP"]);
}

#[test]
fn every_internal_link_stays_under_the_base_path_and_resolves() {
    let site = FixtureSite::copy("basic");
    site.build();
    let files = site.output();
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let mut links = attrs(&html, "a[href]", "href");
        links.extend(attrs(&html, "link[href]", "href"));
        links.extend(attrs(&html, "[src]", "src"));
        for link in links {
            // An empty href is what stays of a dropped `javascript:` link: it goes nowhere.
            if link.starts_with("https://example.fr/incidents/")
                || link.starts_with("webcal://example.fr/incidents/")
                || link.starts_with('#')
                || link.is_empty()
            {
                continue;
            }
            assert!(link.starts_with("/incidents/"), "{rel}: link {link} escapes the base path");
            let target = link.trim_start_matches("/incidents/").split('#').next().unwrap_or_default().to_string();
            let file = if target.is_empty() || target.ends_with('/') { format!("{target}index.html") } else { target };
            assert!(files.contains_key(&file), "{rel}: link {link} points to a missing file {file}");
        }
    }
}

#[test]
fn pages_link_their_feeds_for_discovery() {
    let site = FixtureSite::copy("basic");
    site.build();
    let home = site.page("index.html");
    assert_eq!(attrs(&home, "link[rel=alternate][type='application/atom+xml']", "href"), ["/incidents/atom.xml"]);
    assert_eq!(attrs(&home, "link[rel=alternate][type='application/rss+xml']", "href"), ["/incidents/rss.xml"]);
    let incident = site.page("2016/11/22/panne-de-la-messagerie/index.html");
    let atom = attrs(&incident, "link[rel=alternate][type='application/atom+xml']", "href");
    assert_eq!(atom, ["/incidents/atom.xml", "/incidents/services/mail/atom.xml", "/incidents/services/web/atom.xml"]);
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let site = FixtureSite::copy("basic");
    site.build();
    let path = "2024/03/10/tom-jerry-script-alert-1-script-quoted-e/index.html";
    let page = site.page(path);
    assert_eq!(texts(&page, "h1"), ["Tom & Jerry <script>alert(1)</script> \"quoted\" ]]> 🚨 é"]);
    let scripts = texts(&page, "script");
    assert!(scripts.is_empty(), "no script element may come from content: {scripts:?}");
    assert!(attrs(&page, "a[href^='javascript']", "href").is_empty(), "javascript: links are dropped");
    assert!(texts(&page, ".prose").join(" ").contains("<script>alert(\"x\")</script>"), "raw HTML is shown as text");
    assert_eq!(
        texts(&page, "title"),
        ["Tom & Jerry <script>alert(1)</script> \"quoted\" ]]> 🚨 é – Incidents & <tests>"]
    );
}

#[test]
fn drafts_only_with_the_flag() {
    let site = FixtureSite::copy("basic");
    site.build();
    assert!(!site.public().join("2024/05/05/brouillon/index.html").exists(), "draft built without --drafts");
    assert!(!site.read("atom.xml").contains("Brouillon"), "draft in a feed");
    site.build_with(["--drafts"]);
    assert!(site.public().join("2024/05/05/brouillon/index.html").is_file(), "--drafts must build drafts");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = FixtureSite::copy("basic");
    site.build();
    let first = site.output();
    site.build();
    assert_eq!(first, site.output());
}

#[test]
fn english_site() {
    let site = FixtureSite::copy("basic");
    let toml = site.source("site.toml");
    site.write("site.toml", format!("language = \"en\"\n{toml}"));
    site.build();
    let page = site.page("2016/07/01/coupure-de-l-hebergement-web/index.html");
    assert_eq!(texts(&page, ".facts dd")[0], "Friday 1 July 2016 at 09:05 (UTC+02:00)");
    assert_eq!(attrs(&page, "html", "lang"), ["en"]);
    assert_eq!(texts(&page, ".incident-header .badge")[2], "Resolved");
}

#[test]
fn site_templates_override_the_theme() {
    let site = FixtureSite::copy("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Perdu</h1>{% endblock content %}",
    );
    site.build();
    assert_eq!(texts(&site.page("404.html"), "h1"), ["Perdu"]);
    assert_eq!(texts(&site.page("index.html"), "h1").len(), 1, "other templates still come from the theme");
}

#[test]
fn a_site_robots_txt_in_static_replaces_the_generated_one() {
    let site = FixtureSite::copy("basic");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build();
    assert_eq!(site.read("robots.txt"), "User-agent: *\nDisallow: /\n", "the site's own robots.txt was dropped");
    let locs: Vec<String> = site.sitemap().into_iter().map(|(loc, _)| loc).collect();
    assert!(locs.contains(&"https://example.fr/incidents/".to_string()), "the sitemap is still generated: {locs:?}");
}

#[test]
fn base_url_flag_moves_every_link() {
    let site = FixtureSite::copy("basic");
    site.build_with(["--base-url", "http://127.0.0.1/status"]);
    let home = site.page("index.html");
    let links = attrs(&home, "a[href]:not(.skip-link)", "href");
    let under = |h: &String| h.starts_with("/status/") || h.starts_with("webcal://127.0.0.1/status/");
    assert!(links.iter().all(under), "all links under /status/: {links:?}");
    let locs: Vec<String> = site.sitemap().into_iter().map(|(loc, _)| loc).collect();
    assert!(locs.contains(&"http://127.0.0.1/status/2016/".to_string()), "the 2016 page in the sitemap: {locs:?}");
    assert!(locs.iter().all(|l| l.starts_with("http://127.0.0.1/status/")), "all sitemap URLs moved: {locs:?}");
    assert!(site.read("robots.txt").contains("Sitemap: http://127.0.0.1/status/sitemap.xml"));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let site = FixtureSite::copy("basic");
    site.write("docs/important.txt", "keep me");
    let run = site.run(["build", "--output", "docs"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("not empty and was not created by vigie"), "{}", run.stderr);
    assert_eq!(site.source("docs/important.txt"), "keep me", "the foreign folder is kept");
    for output in [".", "content", "content/x", "themes"] {
        let run = site.run(["build", "--output", output]);
        assert_eq!(run.code, Some(1), "--output {output} must be refused:\n{}", run.stderr);
    }
    assert!(site.path("content/2016/panne-messagerie.md").is_file(), "sources untouched");
}

/// A second build with no source changed renders and writes nothing and
/// leaves every file's modification time; an edit that keeps the file's
/// size is still seen, and only the files whose bytes changed are written.
#[test]
fn a_rebuild_writes_only_what_a_changed_source_changes() {
    let site = FixtureSite::copy("basic");
    site.build();
    let page = "2016/11/22/panne-de-la-messagerie/index.html";
    let modified =
        |rel: &str| std::fs::metadata(site.public().join(rel)).and_then(|m| m.modified()).expect("a built file");
    let (page_time, sitemap_time) = (modified(page), modified("sitemap.xml"));
    std::thread::sleep(std::time::Duration::from_millis(50));

    let run = site.build();
    assert!(run.stderr.contains("nothing written"), "a build with nothing changed rendered again:\n{}", run.stderr);
    assert_eq!(modified(page), page_time, "the no-op build touched the incident page");

    let post = "content/2016/panne-messagerie.md";
    let text = site.source(post);
    let edited = text.replace("Un disque défaillant.", "Un disque défectueux.");
    assert_eq!(edited.len(), text.len(), "the edit must keep the size, so that only the content and time tell");
    site.write(post, &edited);
    let run = site.build();
    assert!(!run.stderr.contains("nothing written"), "an edit of the same size went unseen:\n{}", run.stderr);
    assert!(site.read(page).contains("Un disque défectueux."), "the incident page shows the old text");
    assert_ne!(modified(page), page_time, "the changed page kept its old time");
    assert_eq!(modified("sitemap.xml"), sitemap_time, "an unchanged file was written again");
}

/// The folders under `dir`, site-relative: a rebuild must leave none that a cold build would not make.
fn folders(dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).expect("inside").to_string_lossy().into_owned())
        .collect()
}

/// Each rebuild stages the new site in the site before last (set aside by
/// the build before): after edits that rename, add, move and remove posts,
/// the output is still exactly what a cold build of the same sources makes,
/// file for file and folder for folder.
#[test]
fn rebuilds_in_the_site_before_last_leave_exactly_a_cold_builds_output() {
    let site = FixtureSite::copy("basic");
    let post = "content/2016/panne-messagerie.md";
    let original = site.source(post);
    let added = "content/2019/nouvelle-panne.md";
    let new_post = original
        .replace("Panne de la messagerie", "Coupure du réseau de 2019")
        .replace("2016-11-22T", "2019-03-04T")
        .replace("IG-2016-11-22-001", "IG-2019-03-04-001");
    let steps = [
        "a title changed (the page moves)",
        "a post added in a new year",
        "a post moved to another day",
        "the added post removed",
        "back to the start",
    ];
    let change = |step: usize| match step {
        0 => site.write(post, original.replace("Panne de la messagerie", "Messagerie hors service")),
        1 => site.write(added, &new_post),
        2 => site.write(post, original.replace("2016-11-22T", "2016-11-23T")),
        3 => site.remove(added),
        _ => site.write(post, &original),
    };
    site.build();
    for (i, step) in steps.iter().enumerate() {
        change(i);
        let run = site.build();
        assert_eq!(run.code, Some(0), "{step}: {}", run.stderr);
        let cold = site.outside().join("cold");
        let _ = std::fs::remove_dir_all(&cold);
        assert_same_as_a_cold_build(&site, step);
    }
    let aside: Vec<_> = std::fs::read_dir(site.root())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.vigie-old-") || n.starts_with(".public.vigie-new-"))
        .collect();
    assert_eq!(aside.len(), 1, "one site set aside beside public/: {aside:?}");
}

/// Fails unless `public/` is, file for file and folder for folder, what a
/// cold build of the same sources at the same time makes.
#[track_caller]
fn assert_same_as_a_cold_build(site: &FixtureSite, step: &str) {
    let cold = site.outside().join("cold");
    let _ = std::fs::remove_dir_all(&cold);
    let run = site.run(["build", "--output", cold.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, Some(0), "{step}, cold: {}", run.stderr);
    let (rebuilt, made) = (site.output(), common::tree(&cold));
    let differ: Vec<_> = rebuilt.keys().chain(made.keys()).filter(|p| rebuilt.get(*p) != made.get(*p)).collect();
    assert!(differ.is_empty(), "{step}: files that differ from a cold build: {differ:?}");
    assert_eq!(folders(&site.public()), folders(&cold), "{step}: folders");
}

/// `vigie --verbose build`, and how many files it did not render again.
#[track_caller]
fn build_counting_files_not_rendered(site: &FixtureSite) -> usize {
    let run = site.run(["--verbose", "build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.contains("files not rendered again")).unwrap_or_else(|| {
        panic!("no count of the files not rendered again:\n{}", run.stderr);
    });
    line.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("not a count: {line}"))
}

/// The memo of the build that made `public/`, kept beside it, spares the
/// next build the pages whose data did not change; whatever may have
/// changed otherwise (the configuration, the build time, a deployed file
/// edited by hand, a memo damaged or gone) never shows an old page.
#[test]
fn a_rebuild_renders_only_what_changed_and_still_makes_a_cold_builds_site() {
    let site = FixtureSite::copy("basic");
    let post = "content/2016/panne-messagerie.md";
    let original = site.source(post);
    assert_eq!(build_counting_files_not_rendered(&site), 0, "no memo yet: everything is rendered");
    let pages = site.output().len();

    site.write(post, original.replace("Un disque défaillant.", "Un disque défectueux, remplacé."));
    let spared = build_counting_files_not_rendered(&site);
    assert!(spared > pages / 2 && spared < pages, "an edited body re-renders its pages only: {spared} of {pages}");
    assert_same_as_a_cold_build(&site, "a body edited");

    site.set_time(common::NOW.parse::<i64>().expect("NOW") + 3 * 86_400);
    site.write(post, &original);
    build_counting_files_not_rendered(&site);
    assert_same_as_a_cold_build(&site, "three days later");

    let config = site.source("site.toml");
    site.write("site.toml", config.replace("Incidents & <tests>", "Incidents (renamed)"));
    site.write(post, original.replace("Un disque défaillant.", "Un autre disque."));
    assert_eq!(build_counting_files_not_rendered(&site), 0, "another configuration: the memo is not used");
    assert_same_as_a_cold_build(&site, "the title changed");

    let deployed = site.read("index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(site.public().join("index.html"), format!("{deployed}<!-- edited by hand -->")).expect("edit");
    site.write(post, &original);
    build_counting_files_not_rendered(&site);
    assert_same_as_a_cold_build(&site, "a deployed page edited by hand");

    std::fs::write(site.root().join(".public.vigie-memo"), b"\x01\x02 not a memo").expect("damage");
    site.write(post, original.replace("Un disque défaillant.", "Encore un disque."));
    assert_eq!(build_counting_files_not_rendered(&site), 0, "a damaged memo is not used");
    assert_same_as_a_cold_build(&site, "a damaged memo");
}

/// A source rewritten with the same size and its modification time set
/// back (as `cp -p` or `rsync -t` do) is still read again by the next
/// build: a post, and the configuration that every page is made with.
#[cfg(unix)]
#[test]
fn a_source_rewritten_with_its_size_and_modification_time_is_read_again() {
    let site = FixtureSite::copy("basic");
    let rewrite_keeping_time = |rel: &str, from: &str, to: &str| {
        assert_eq!(from.len(), to.len(), "the same size");
        let path = site.path(rel);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("a modification time");
        let text = site.source(rel);
        assert!(text.contains(from), "{rel} holds {from:?}");
        // The status-change time moves in ticks of the kernel's coarse clock.
        std::thread::sleep(std::time::Duration::from_millis(20));
        site.write(rel, text.replace(from, to));
        std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(modified)).expect("set back");
    };
    let page = "2016/11/22/panne-de-la-messagerie/index.html";
    assert_eq!(build_counting_files_not_rendered(&site), 0, "no memo yet");
    assert!(site.read(page).contains("Un disque défaillant."));

    rewrite_keeping_time("content/2016/panne-messagerie.md", "Un disque défaillant.", "Un câble défaillant.");
    let spared = build_counting_files_not_rendered(&site);
    assert!(spared > 0, "the memo is used: {spared} files spared");
    assert!(site.read(page).contains("Un câble défaillant."), "the post was read again");
    assert_same_as_a_cold_build(&site, "a post rewritten, its time set back");

    rewrite_keeping_time("site.toml", "Incidents & <tests>", "Incidents & [tests]");
    assert_eq!(build_counting_files_not_rendered(&site), 0, "another configuration: the memo is not used");
    assert!(site.read("index.html").contains("Incidents &amp; [tests]"), "the configuration was read again");
    assert_same_as_a_cold_build(&site, "the configuration rewritten, its time set back");
}

/// Cards are not kept in the memo: the next build renders a card only when
/// a list that shows it is rendered again, and what it makes is still what
/// a cold build makes (a card edited, a list whose card did not change).
#[test]
fn cards_are_rendered_again_only_for_the_lists_that_show_a_changed_one() {
    let site = FixtureSite::copy("basic");
    let card = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/card.html"),
    )
    .expect("card.html");
    site.write("templates/card.html", format!("{card}<!-- card of {{{{ i.title }}}} -->"));
    let post = "content/2016/panne-messagerie.md";
    assert_eq!(build_counting_files_not_rendered(&site), 0, "no memo yet");
    assert!(
        site.read("2016/index.html").contains("<!-- card of Panne de la messagerie -->"),
        "the site's card template"
    );
    let memo = || std::fs::read(site.root().join(".public.vigie-memo")).expect("the memo");
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(!holds(&memo(), "<!-- card of "), "no card in the memo");

    site.write(
        post,
        site.source(post).replace("title = \"Panne de la messagerie\"", "title = \"Messagerie hors service\""),
    );
    let spared = build_counting_files_not_rendered(&site);
    assert!(spared > 0, "the memo is used: {spared} files spared");
    for list in ["2016/index.html", "page/2/index.html", "services/web/index.html"] {
        assert!(site.read(list).contains("<!-- card of Messagerie hors service -->"), "the edited card in {list}");
    }
    assert!(!site.read("index.html").contains("Messagerie hors service"), "not on the first page");
    assert_same_as_a_cold_build(&site, "a card's title edited");
    assert!(!holds(&memo(), "<!-- card of "), "still no card in the memo");
}
