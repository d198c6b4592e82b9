//! `vigie import legacy`: a single-page history written for the tests
//! (`tests/fixtures/import/legacy/historique.html`, and its text copy
//! `historique.txt`) with every date form the issue lists, timeline lines,
//! « SUITE » follow-ups, a date without a year, a range « de 13h06 à
//! 15h16 », a night across the spring DST change and a preamble, becomes
//! posts that build; no paragraph is lost; bad input writes nothing.

mod common;

use common::{tree, FixtureSite};
use std::path::{Path, PathBuf};

const MAP: &str =
    "mail=mail,smtp,messagerie;web=site,mutualisé;reseau=réseau,routeur,transit,datacenter;dns=dns,serveur de noms";

fn page(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/legacy").join(name)
}

fn imported(name: &str, extra: &[&str]) -> FixtureSite {
    let site = FixtureSite::copy("import/site");
    site.remove("content/.keep");
    let page = page(name);
    let mut args = vec!["import", "legacy", page.to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    let run = site.run(args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    site
}

/// The posts written: file name → text.
fn posts(site: &FixtureSite) -> Vec<(String, String)> {
    tree(&site.path("content"))
        .into_iter()
        .map(|(file, bytes)| (file, String::from_utf8(bytes).expect("UTF-8")))
        .collect()
}

fn field<'a>(post: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name} = ");
    post.lines().find_map(|l| l.strip_prefix(prefix.as_str())).unwrap_or("")
}

#[test]
fn every_date_form_becomes_a_post_with_its_timeline() {
    let site = imported("historique.html", &["--service-map", MAP, "--add-services"]);
    let seen: Vec<(String, String, String, String, usize)> = posts(&site)
        .into_iter()
        .map(|(file, post)| {
            let name = file.rsplit('/').next().unwrap_or("").chars().take(24).collect();
            let updates = post.matches("[[updates]]").count();
            (name, field(&post, "start").into(), field(&post, "end").into(), field(&post, "services").into(), updates)
        })
        .collect();
    let expected: Vec<(&str, &str, &str, &str, usize)> = vec![
        // « Incident réseau du vendredi 19 décembre 2008 : », its « 13h40 : » lines as a timeline.
        ("2008-12-19-incident-rese", "2008-12-19T13:40:00+01:00", "2008-12-19T16:40:00+01:00", "[\"reseau\"]", 3),
        // « Le 15/16 février 2009 : » then « Nuit du 15/16 février 2009 : … »: one night.
        ("2009-02-16-une-attaque-p", "2009-02-16T00:00:00+01:00", "2009-02-16T00:00:00+01:00", "[\"reseau\"]", 1),
        // « Le 03 juin 2009 : » … « vers midi ».
        ("2009-06-03-une-erreur-de", "2009-06-03T12:00:00+02:00", "2009-06-03T12:00:00+02:00", "[\"reseau\"]", 0),
        // « Dernier incident réseau - le 19 aout 2009 : », « 19/08/2009 : 20h25 » …, « 20/08/2009 : 6h00 TOUT EST RENTRE… ».
        ("2009-08-19-dernier-incid", "2009-08-19T20:25:00+02:00", "2009-08-20T06:00:00+02:00", "[\"reseau\"]", 3),
        // « 21/12/2009 13h30 : Tous les services sont rétablis depuis 12h00. »
        ("2009-12-20-coupure-elect", "2009-12-20T19:20:00+01:00", "2009-12-21T12:00:00+01:00", "[\"reseau\"]", 1),
        // « 5 janvier : », the year of the entry above.
        ("2010-01-05-lenteurs-dns.", "2010-01-05T08:00:00+01:00", "2010-01-05T08:00:00+01:00", "[\"dns\"]", 0),
        // « 18/02/2010 09h50 ».
        ("2010-02-18-l-antivirus-d", "2010-02-18T09:50:00+01:00", "2010-02-18T09:50:00+01:00", "[\"mail\"]", 0),
        // « 03 mars 2010. » … « de 13h06 à 15h16 ».
        ("2010-03-03-la-plateforme", "2010-03-03T13:06:00+01:00", "2010-03-03T15:16:00+01:00", "[\"web\"]", 0),
        // « 17h20 le 15/08/2010 », and « 15h30 le 16/08/2010 » « Suite à l'incident d'hier… » merged.
        ("2010-08-15-le-serveur-mu", "2010-08-15T17:20:00+02:00", "2010-08-16T15:30:00+02:00", "[\"web\"]", 1),
        // « Nuit du 26/27 mars 2011 : » across the change to summer time.
        ("2011-03-27-le-lien-de-tr", "2011-03-27T01:30:00+01:00", "2011-03-27T03:15:00+02:00", "[\"reseau\"]", 2),
        // « 26/10/2011, 14h07 » … « 17h06 : incident terminé ».
        (
            "2011-10-26-une-microcoup",
            "2011-10-26T14:07:00+02:00",
            "2011-10-26T17:06:00+02:00",
            "[\"mail\", \"reseau\"]",
            0,
        ),
        // « 2 juillet 2012 : INCIDENT MESSAGERIE », its « SUITE » and « SUITE 2 » merged.
        ("2012-07-02-incident-mess", "2012-07-02T00:00:00+02:00", "2012-07-04T10:30:00+02:00", "[\"mail\"]", 2),
        // « 17 février 2013 : TITRE ».
        ("2013-02-17-changement-de", "2013-02-17T00:00:00+01:00", "2013-02-17T00:00:00+01:00", "[\"dns\"]", 0),
    ];
    let expected: Vec<(String, String, String, String, usize)> = expected
        .into_iter()
        .map(|(a, b, c, d, e)| (a.to_string(), b.to_string(), c.to_string(), d.to_string(), e))
        .collect();
    assert_eq!(seen, expected);

    let merged = site.source("content/2012/2012-07-02-incident-messagerie.md");
    for line in [
        "title = \"Incident messagerie\"",
        "at = 2012-07-03T17:00:00+02:00\nstatus = \"investigating\"\ntext = \"**INCIDENT MESSAGERIE - SUITE**\\n\\nLa file",
        "at = 2012-07-04T10:30:00+02:00\nstatus = \"resolved\"\ntext = \"**INCIDENT MESSAGERIE - SUITE 2**\\n\\nLe relais",
    ] {
        assert!(merged.contains(line), "lacks {line:?}:\n{merged}");
    }
    let timeline = site.source("content/2008/2008-12-19-incident-reseau.md");
    assert!(timeline
        .contains("at = 2008-12-19T14:38:00+01:00\nstatus = \"investigating\"\ntext = \"Arrivée au datacenter\""));
    assert!(timeline.ends_with("+++\n\nUne attaque a visé un de nos réseaux cet après-midi.\n"), "{timeline}");
    let config = site.source("site.toml");
    assert!(config.contains("[services.dns]\nname = \"DNS\"\n"), "{config}");

    site.build();
    let page = site.read("2011/03/27/le-lien-de-transit-principal-ne-repond-plus/index.html");
    assert!(page.contains("datetime=\"2011-03-27T00:30:00Z\"") || page.contains("2011-03-27T01:30:00+01:00"), "{page}");
    let check = site.run(["check"]);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(said.contains("Check found 0 errors") && !said.contains("no service is listed"), "{said}");
}

#[test]
fn a_page_and_its_text_give_the_same_posts() {
    let html = imported("historique.html", &["--service-map", MAP]);
    let text = imported("historique.txt", &["--service-map", MAP]);
    assert_eq!(posts(&html), posts(&text));
}

/// Words that a post may not keep as written: dates and times (made front
/// matter), the words that join them, a list item's dash.
fn own_words(text: &str) -> String {
    const DATE_WORDS: [&str; 23] = [
        "le",
        "du",
        "nuit",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()) && !DATE_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_paragraph_is_in_exactly_one_post_or_reported_as_the_preamble() {
    let site = FixtureSite::copy("import/site");
    site.remove("content/.keep");
    let page = page("historique.txt");
    let run = site.run(["import", "legacy", page.to_str().expect("UTF-8 path"), "--service-map", MAP]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Each post's title, and the rest of it (body and updates), in own words.
    let written: Vec<(String, String)> = posts(&site)
        .into_iter()
        .map(|(_, post)| {
            let title = own_words(field(&post, "title"));
            let rest: Vec<&str> = post.lines().filter(|l| !l.starts_with("title = ")).collect();
            (title, own_words(&rest.join("\n").replace("\\n", " ")))
        })
        .collect();
    let source = std::fs::read_to_string(&page).expect("the page");
    let paragraphs: Vec<&str> = source.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    // The fixture's headings with words of their own: each one post's title (the « SUITE »
    // headings are merged, so their words are in an update's text).
    const TITLES: [&str; 6] = [
        "17 février 2013 : CHANGEMENT DE SERVEUR DNS",
        "2 juillet 2012 : INCIDENT MESSAGERIE",
        "5 janvier : LENTEURS DNS",
        "20 décembre 2009 : COUPURE ELECTRIQUE",
        "Dernier incident réseau - le 19 aout 2009 :",
        "Incident réseau du vendredi 19 décembre 2008 :",
    ];
    let (mut in_texts, mut as_titles, mut headings_only, mut preamble) = (0, 0, 0, 0);
    for paragraph in &paragraphs {
        let words = own_words(paragraph);
        let times_in = |text: &str| format!(" {text} ").matches(&format!(" {words} ")).count();
        // « incident messagerie » is also in « INCIDENT MESSAGERIE - SUITE »: the posts hold the
        // words as many times as the other paragraphs do, plus once for this one.
        let others: usize =
            paragraphs.iter().filter(|p| *p != paragraph && !TITLES.contains(p)).map(|p| times_in(&own_words(p))).sum();
        let in_posts: usize = written.iter().map(|(_, rest)| times_in(rest)).sum();
        let titled = written.iter().filter(|(title, _)| *title == words).count();
        if *paragraph == "Incidents réseau" || paragraph.starts_with("Pour toute demande") {
            assert_eq!((in_posts, titled), (0, 0), "the preamble {paragraph:?} is not imported");
            assert!(run.stderr.contains(&format!("« {paragraph} »")), "the preamble is reported: {}", run.stderr);
            preamble += 1;
        } else if words.is_empty() {
            // « 26/10/2011, 14h07 », « Le 15/16 février 2009 : »: a date, made a post's start or an update's time.
            headings_only += 1;
        } else if TITLES.contains(paragraph) {
            assert_eq!(titled, 1, "{paragraph:?} ({words:?}) is the title of {titled} posts");
            as_titles += 1;
        } else {
            assert_eq!(
                in_posts,
                others + 1,
                "{paragraph:?} ({words:?}) is in the posts {in_posts} times, not {}",
                others + 1
            );
            in_texts += 1;
        }
    }
    assert_eq!((in_texts, as_titles, headings_only, preamble), (26, 6, 10, 2), "every paragraph was checked");
}

#[test]
fn a_dry_run_lists_the_plan_and_its_guesses_and_writes_nothing() {
    let site = FixtureSite::copy("import/site");
    let before = tree(site.root());
    let page = page("historique.html");
    let run = site.run(["import", "legacy", page.to_str().expect("UTF-8 path"), "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(tree(site.root()), before, "nothing written");
    assert_eq!(run.stdout.lines().count(), 13, "{}", run.stdout);
    for guess in [
        "2012-07-02 00:00 incident \"Incident messagerie\" (2 updates) → content/2012/2012-07-02-incident-messagerie.md",
        "the entry of 2012-07-03 17:00 (line 18) merged as a follow-up: its title says « INCIDENT MESSAGERIE - SUITE »",
        "« 5 janvier » has no year: 2010",
        "start and end from « de 13h06 à 15h16 »",
        "end at 17:06, from the text that says it is over",
        "« 26/27 mars 2011 » is a night: from midnight",
        "no service recognised: left for the author (`vigie check` warns)",
    ] {
        assert!(run.stdout.contains(guess), "the plan lacks {guess:?}:\n{}", run.stdout);
    }
    assert!(run
        .stderr
        .contains("the 2 paragraphs before the first dated entry (the page's preamble) were not imported"));
    assert!(run.stderr.contains("Dry run: 13 posts would be written"), "{}", run.stderr);
}

#[test]
fn follow_ups_can_be_kept_apart() {
    let site = imported("historique.html", &["--keep-follow-ups"]);
    let files: Vec<String> = posts(&site).into_iter().map(|(file, _)| file).collect();
    // The two « SUITE » of July 2012 and « Suite à l'incident d'hier » of August 2010: three more posts.
    assert_eq!(files.len(), 16, "{files:?}");
    for file in [
        "2012/2012-07-04-incident-messagerie.md",
        "2010/2010-08-16-suite-a-l-incident-d-hier-les-sites-du-serveur-mutualise-sont-tous-restaures.md",
    ] {
        assert!(files.iter().any(|f| f == file), "{file}: {files:?}");
    }
}

#[test]
fn posts_without_a_service_build_and_are_left_for_the_author() {
    let site = imported("historique.html", &[]);
    assert!(posts(&site).iter().all(|(_, post)| field(post, "services") == "[]"));
    let build = site.build();
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    let check = site.run(["check", "--deny-warnings"]);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert_eq!(check.code, Some(2), "{said}");
    assert_eq!(said.matches("warning: no service is listed").count(), 13, "{said}");
}

#[test]
fn bad_input_is_located_and_nothing_is_written() {
    let site = FixtureSite::copy("import/site");
    let before = tree(site.root());
    let outside = site.outside().to_path_buf();
    let write = |name: &str, bytes: &[u8]| {
        let path = outside.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write(
                "fevrier.txt",
                "Historique\n\n3 mars 2010 : PANNE\n\nTexte.\n\n31 février 2010 : AUTRE PANNE\n\nTexte.\n".as_bytes(),
            ),
            "fevrier.txt:7:1: error: « 31 février 2010 » is not a date: February 2010 has 28 days",
        ),
        (
            write("incidents.json", b"{\"page\": {}, \"incidents\": []}"),
            "incidents.json: error: is JSON, not a page of incidents",
        ),
        (write("vide.html", b"<html><body><p>Rien ici.</p></body></html>"), "vide.html: error: has no dated entry"),
        (write("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image.png: error: is not a text or HTML file"),
        (outside.clone(), "error: is a folder, not a page"),
    ];
    for (path, start) in cases {
        let run = site.run(["import", "legacy", path.to_str().expect("UTF-8 path")]);
        assert_eq!(run.code, Some(1), "{start}: {}", run.stderr);
        let shown = run.stderr.replace(&format!("{}/", outside.display()), "");
        assert!(shown.contains(start), "{start}: {shown}");
        assert!(!shown.contains("panicked") && shown.ends_with("Nothing was imported.\n"), "{shown}");
        assert_eq!(tree(site.root()), before, "{start}: nothing written");
    }
    let run = site.run(["import", "legacy", "x.html", "--service-map", "mail"]);
    assert!(run.code == Some(2) && run.stderr.contains("has no `=`"), "{}", run.stderr);
}

#[test]
fn a_latin1_page_is_read() {
    let site = FixtureSite::copy("import/site");
    site.remove("content/.keep");
    let path = site.outside().join("latin1.txt");
    std::fs::write(&path, b"17 f\xe9vrier 2013 : PANNE\n\nLe r\xe9seau est r\xe9tabli vers 10h00.\n").expect("write");
    let run = site.run(["import", "legacy", path.to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("not UTF-8: read as Windows-1252"), "{}", run.stderr);
    let post = site.source("content/2013/2013-02-17-panne.md");
    assert!(
        post.contains("Le réseau est rétabli vers 10h00.") && post.contains("end = 2013-02-17T10:00:00+01:00"),
        "{post}"
    );
}
