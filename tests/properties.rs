//! Property tests: no panic, whatever the input, in every function that
//! reads what an author or a browser sends, and the safety properties of
//! what comes out (see `tests/invariants/mod.rs`, shared with the fuzz
//! targets under `fuzz/`). Inputs mix arbitrary text with the pieces that
//! matter to each parser (fences, TOML keys, dates, HTML, dot segments), so
//! that a few hundred cases per property reach deep.
//!
//! Inputs worth pinning (and any crash a fuzzer finds) go at the end as plain
//! tests; the runs so far found none.

mod invariants;

use proptest::prelude::*;

/// Pieces of incident files: fences, keys, values, line ends.
fn file_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++".to_string()),
        Just("+++ ".to_string()),
        Just("++++".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("title = \"Panne\"".to_string()),
        Just("title = \"\"".to_string()),
        Just("title = \"<script>alert(1)</script> \\u0000 ]]>\"".to_string()),
        Just("start = 2024-05-14T09:10:00+02:00".to_string()),
        Just("start = 2024-03-31T02:30:00".to_string()),
        Just("start = 2024-10-27T02:30:00".to_string()),
        Just("start = 1900-01-01".to_string()),
        Just("start = 9999-12-31T23:59:59-23:59".to_string()),
        Just("start = 0000-01-01T00:00:00+23:59".to_string()),
        Just("end = 2024-05-14T11:40:00+02:00".to_string()),
        Just("end = 2024-02-30".to_string()),
        Just("services = [\"mail\"]".to_string()),
        Just("services = [\"mail\", \"mail\", \"mial\"]".to_string()),
        Just("services = []".to_string()),
        Just("severity = \"major\"".to_string()),
        Just("severity = \"huge\"".to_string()),
        Just("kind = \"maintenance\"".to_string()),
        Just("kind = \"notice\"".to_string()),
        Just("slug = \"a-b\"".to_string()),
        Just("slug = \"../../etc\"".to_string()),
        Just("summary = \"[x](javascript:alert(1))\"".to_string()),
        Just("reference = \"\\\"><img src=x onerror=alert(1)>\"".to_string()),
        Just("draft = true".to_string()),
        Just("[[updates]]".to_string()),
        Just("at = 2024-05-14T09:20:00+02:00".to_string()),
        Just("at = 2024-05-14".to_string()),
        Just("status = \"resolved\"".to_string()),
        Just("status = \"scheduled\"".to_string()),
        Just("text = \"<b>x</b>\"".to_string()),
        Just("<!-- more -->".to_string()),
        Just("= ".to_string()),
        Just("\"".to_string()),
        Just("é".to_string()),
        "[ -~]{0,12}",
        ".{0,8}",
    ]
}

fn file_text() -> impl Strategy<Value = String> {
    prop::collection::vec(file_piece(), 0..24).prop_map(|pieces| pieces.concat())
}

/// A whole front matter with every field drawn from valid and invalid values,
/// so that many cases pass the TOML parse and reach the checks after it.
fn incident_file() -> impl Strategy<Value = String> {
    let date = prop_oneof![
        Just("2024-05-14T09:10:00+02:00"),
        Just("2024-05-14T09:10:00Z"),
        Just("2024-05-14T09:10:00"),
        Just("2024-05-14"),
        Just("2024-03-31T02:30:00"),
        Just("2024-10-27T02:30:00"),
        Just("1969-12-31T23:59:59"),
        Just("1850-06-01T12:00:00+00:09"),
        Just("2150-01-01T00:00:00+14:00"),
        Just("9999-12-31T23:59:59"),
        Just("0000-01-01T00:00:00"),
        Just("12:00:00"),
    ];
    let text = prop_oneof![
        Just("Panne".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("\"><img src=x onerror=alert(1)>".to_string()),
        Just("[clic](javascript:alert(1)) ]]> \u{0}".to_string()),
        any::<String>(),
    ];
    (
        text.clone(),
        date.clone(),
        prop::option::of(date.clone()),
        prop::collection::vec(prop_oneof![Just("mail"), Just("web"), Just("dns"), Just("mial")], 0..3),
        prop_oneof![Just("incident"), Just("maintenance"), Just("notice")],
        prop::option::of(prop_oneof![Just("minor"), Just("major"), Just("critical")]),
        prop::collection::vec(
            (
                date,
                prop_oneof![Just("investigating"), Just("resolved"), Just("scheduled"), Just("completed")],
                text.clone(),
            ),
            0..4,
        ),
        text,
    )
        .prop_map(|(title, start, end, services, kind, severity, updates, body)| {
            let mut s = format!("+++\ntitle = {}\nstart = {start}\n", toml_string(&title));
            if let Some(end) = end {
                s.push_str(&format!("end = {end}\n"));
            }
            let list: Vec<String> = services.iter().map(|k| format!("\"{k}\"")).collect();
            s.push_str(&format!("services = [{}]\nkind = \"{kind}\"\n", list.join(", ")));
            if let Some(severity) = severity {
                s.push_str(&format!("severity = \"{severity}\"\n"));
            }
            s.push_str(&format!("summary = {}\nreference = {}\n", toml_string(&body), toml_string(&title)));
            for (at, status, text) in updates {
                s.push_str(&format!(
                    "\n[[updates]]\nat = {at}\nstatus = \"{status}\"\ntext = {}\n",
                    toml_string(&text)
                ));
            }
            s.push_str(&format!("+++\n{body}\n"));
            s
        })
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Markdown and HTML pieces that have been ways around sanitizers.
fn markdown_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<script>alert(1)</script>"),
        Just("<SCRIPT SRC=//x.example/x.js>"),
        Just("\"><img src=x onerror=alert(1)>"),
        Just("<svg/onload=alert(1)>"),
        Just("<a href=\"javascript:alert(1)\">x</a>"),
        Just("[x](javascript:alert(1))"),
        Just("[x](JaVaScRiPt:alert(1))"),
        Just("[x](java\tscript:alert(1))"),
        Just("[x]( javascript:alert(1))"),
        Just("[x](&#106;avascript:alert(1))"),
        Just("[x](&#x6A;avascript&colon;alert(1))"),
        Just("[x](%6Aavascript:alert(1))"),
        Just("[x](vbscript:msgbox)"),
        Just("[x](data:text/html;base64,PHNjcmlwdD4=)"),
        Just("![x](javascript:alert(1))"),
        Just("![x](data:image/svg+xml,<svg onload=alert(1)>)"),
        Just("<javascript:alert(1)>"),
        Just("[ref]\n\n[ref]: javascript:alert(1)\n"),
        Just("[x][1]\n\n[1]: <javascript:alert(1)> \"t\"\n"),
        Just("<!-- x --><script>"),
        Just("<![CDATA[<script>]]>"),
        Just("]]>"),
        Just("\u{0}"),
        Just("```\n<script>\n```\n"),
        Just("| a | b |\n|---|---|\n| <script> | x |\n"),
        Just("- [ ] <b onclick=x>\n"),
        Just("[^1]\n\n[^1]: <script>\n"),
        Just("www.example.org/javascript:alert(1)"),
        Just("https://example.org/\"onmouseover=\"alert(1)"),
        Just("\n"),
        Just(" "),
        Just("*"),
        Just("`"),
        Just("\\"),
        Just("<"),
        Just(">"),
        Just("&"),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just(":"),
    ]
    .prop_map(str::to_string);
    prop::collection::vec(prop_oneof![4 => piece, 1 => any::<String>()], 0..24).prop_map(|p| p.concat())
}

fn base_url() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("incidents".to_string()),
        Just("..".to_string()),
        Just(".".to_string()),
        Just("%2e%2e".to_string()),
        Just("a b".to_string()),
        Just("é".to_string()),
        Just("".to_string()),
        "[^/?#]{0,6}",
    ];
    (
        prop_oneof![Just("https://"), Just("http://"), Just("ftp://"), Just("javascript:"), Just("")],
        prop_oneof![
            Just("status.example.fr".to_string()),
            Just("127.0.0.1:8080".to_string()),
            Just("[::1]".to_string()),
            Just("xn--caf-dma.fr".to_string()),
            "[a-zé.]{0,8}",
        ],
        prop::collection::vec(segment, 0..4),
        prop_oneof![Just(""), Just("/"), Just("?q=1"), Just("#f")],
    )
        .prop_map(|(scheme, host, segments, end)| format!("{scheme}{host}/{}{end}", segments.join("/")))
}

fn request_target() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just(".."),
        Just("."),
        Just("%2e%2e"),
        Just("%2E."),
        Just(".%2e"),
        Just("%2f"),
        Just("%5C"),
        Just("\\"),
        Just("%00"),
        Just("%0a"),
        Just("%ff"),
        Just("%c0%ae%c0%ae"),
        Just("C:"),
        Just("file:"),
        Just(""),
        Just("2016"),
        Just("11"),
        Just("22"),
        Just("panne"),
        Just("services"),
        Just("mail"),
        Just("index.html"),
        Just("atom.xml"),
        Just("style.css"),
        Just("caf%C3%A9.html"),
        Just("café.html"),
        Just("a%20b"),
        Just("a b"),
        Just("?x=1"),
        Just("#top"),
        Just("%"),
        Just("etc"),
        Just("passwd"),
    ]
    .prop_map(str::to_string);
    prop_oneof![
        4 => prop::collection::vec(prop_oneof![8 => segment, 1 => "[^/]{0,4}"], 0..8)
            .prop_map(|s| format!("/{}", s.join("/"))),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_split_never_panics(text in file_text()) {
        invariants::check_split(&text);
    }

    #[test]
    fn front_matter_split_any_text(text in any::<String>()) {
        invariants::check_split(&text);
    }

    #[test]
    fn parse_incident_never_panics_on_pieces(text in file_text()) {
        invariants::check_incident(&text);
    }

    #[test]
    fn parse_incident_never_panics_on_front_matter(text in incident_file()) {
        invariants::check_incident(&text);
    }

    #[test]
    fn markdown_is_safe(text in markdown_text()) {
        invariants::check_markdown(&text);
    }

    #[test]
    fn slugs_and_urls_stay_clean(base in base_url(), title in any::<String>()) {
        invariants::check_slug_and_urls(&base, &title);
    }

    #[test]
    fn slugs_of_hostile_titles(title in markdown_text()) {
        invariants::check_slug_and_urls("https://status.example.fr/incidents/", &title);
    }

    #[test]
    fn request_paths_stay_in_the_site(
        method in prop_oneof![Just("GET"), Just("HEAD"), Just("POST"), Just("get")],
        url in request_target(),
    ) {
        invariants::check_request(method, &url);
    }
}

// ---------------------------------------------------------------------------
// Inputs pinned by hand (and crashes found by the fuzzers: none so far)
// ---------------------------------------------------------------------------

#[test]
fn hostile_markdown_samples() {
    for text in [
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](\u{0}javascript:alert(1))",
        "<javascript:alert(1)>",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "[a](<javascript:alert(1)>)",
    ] {
        invariants::check_markdown(text);
    }
}

#[test]
fn traversal_samples() {
    for url in
        ["/..", "/%2e%2e/", "/2016/..%2f..%2fetc", "/%c0%ae%c0%ae/", "//", "/services//mail/", "/2016?/..", "/2016#/.."]
    {
        invariants::check_request("GET", url);
        assert!(
            !matches!(
                vigie::serve::http::route("GET", url, invariants::test_site()),
                vigie::serve::http::Answer::File(ref f) if f.contains("..")
            ),
            "{url}"
        );
    }
}

#[test]
fn incident_strategy_reaches_valid_and_invalid_incidents() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use vigie::content::parse::{parse_incident, ParseContext};
    let mut runner = TestRunner::deterministic();
    let cx = ParseContext { config: invariants::config(), markdown: invariants::markdown(false) };
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..200 {
        let text = incident_file().new_tree(&mut runner).expect("a value").current();
        match parse_incident(std::path::Path::new("content/x.md"), &text, &cx).incident {
            Some(_) => valid += 1,
            None => invalid += 1,
        }
    }
    assert!(valid >= 10 && invalid >= 10, "the strategy must reach both outcomes: {valid} valid, {invalid} invalid");
}
