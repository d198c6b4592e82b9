//! `vigie init [DIR]`: a new site that builds at once — a commented
//! `site.toml` showing every option with its default, one example post, a
//! `.gitignore` and a README on deploying. Built on the pipeline: the new
//! site is loaded and its post parsed as the build would, in a temporary
//! folder beside DIR, before it takes DIR's place; a folder that holds
//! anything is refused, so that nothing is ever overwritten.

use super::encode::{toml_datetime, toml_string};
use super::fail;
use super::when::now_in;
use crate::config::{is_french, parse_base_url, SiteConfig, CONFIG_FILE};
use crate::content::load::CONTENT_DIR;
use crate::content::markdown::Markdown;
use crate::content::parse::{parse_incident, slugify, ParseContext};
use crate::diagnostics::{Diagnostic, Diagnostics};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// What `vigie init` was asked for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder of the new site (created; must be empty if it exists).
    pub dir: PathBuf,
    /// The site's title; by default « Incidents » or "Incidents".
    pub title: Option<String>,
    /// `fr` or `en`.
    pub language: String,
    /// The public address; by default a placeholder to change before deploying.
    pub base_url: Option<String>,
    /// An IANA time zone name.
    pub timezone: String,
    /// The current time (`SOURCE_DATE_EPOCH` in tests), for the example post.
    pub now: DateTime<Utc>,
}

/// What `vigie init` wrote.
#[derive(Debug, Clone)]
pub struct Initialized {
    /// The new site's folder.
    pub dir: PathBuf,
    /// Each file written, relative to it.
    pub files: Vec<PathBuf>,
}

/// The base URL written when none is given.
const PLACEHOLDER_URL: &str = "https://status.example.com/";

/// Writes a new site for `options`, or says why not (then writes nothing).
pub fn init_site(options: &InitOptions) -> Result<Initialized, Diagnostics> {
    let dir = &options.dir;
    let arg = |name: &str, message: String, hint: &str| {
        fail(Diagnostic::error(Path::new(name), (0, 0), message).with_hint(hint))
    };
    let french = is_french(&options.language);
    if !french && !options.language.eq_ignore_ascii_case("en") {
        return arg(
            "--language",
            format!("the default theme has no translations for \"{}\"", options.language),
            "use --language fr or --language en (a theme of your own may add others later)",
        );
    }
    let timezone: Tz = match options.timezone.parse() {
        Ok(tz) => tz,
        Err(_) => {
            return arg(
                "--timezone",
                format!("unknown time zone \"{}\"", options.timezone),
                "use an IANA time zone name such as \"Europe/Paris\" or \"UTC\"",
            )
        }
    };
    let base_url = options.base_url.as_deref().unwrap_or(PLACEHOLDER_URL);
    if let Err(message) = parse_base_url(base_url) {
        return arg(
            "--base-url",
            message,
            "write the full public address, e.g. --base-url https://example.fr/incidents/",
        );
    }
    if let Some(problem) = not_empty(dir) {
        return fail(Diagnostic::error(dir, (0, 0), problem).with_hint(
            "vigie init never writes into a folder that holds anything: name a new folder, e.g. vigie init status-site",
        ));
    }
    let words = if french { &FRENCH } else { &ENGLISH };
    let title = options.title.clone().unwrap_or_else(|| words.title.to_string());
    let now = now_in(options.now, timezone);
    let config_text = site_toml(&title, base_url, if french { "fr" } else { "en" }, &options.timezone, words);
    let (post_path, post_text) = example_post(now, words);
    let files: Vec<(PathBuf, String)> = vec![
        (PathBuf::from(CONFIG_FILE), config_text),
        (post_path, post_text),
        (
            PathBuf::from(".gitignore"),
            "# What vigie builds, and the previous site it sets aside while it swaps.\n/public/\n/.public.vigie-*\n"
                .to_string(),
        ),
        (PathBuf::from("README.md"), words.readme.to_string()),
    ];
    let staged = stage(dir, &files)?;
    check_staged(staged.path(), &files[1].0)?;
    put_in_place(staged, dir)?;
    Ok(Initialized { dir: dir.clone(), files: files.into_iter().map(|(path, _)| path).collect() })
}

/// Why `dir` cannot become the new site, if it cannot.
fn not_empty(dir: &Path) -> Option<String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().map(|_| format!("{} is not empty", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Some(format!("{} is a file", dir.display())),
        Err(e) => Some(format!("cannot read {}: {e}", dir.display())),
    }
}

/// Writes `files` into a new temporary folder beside `dir`.
fn stage(dir: &Path, files: &[(PathBuf, String)]) -> Result<tempfile::TempDir, Diagnostics> {
    // The parent of the absolute path: `vigie init .` stages beside the current folder, not in it.
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let parent = absolute.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let io = |path: &Path, e: std::io::Error| {
        Diagnostics(vec![Diagnostic::error(path, (0, 0), format!("cannot write: {e}"))
            .with_hint("check that the folder exists and that you may write in it")])
    };
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let staged = tempfile::Builder::new().prefix(".vigie-init-").tempdir_in(&parent).map_err(|e| io(&parent, e))?;
    for (rel, text) in files {
        let path = staged.path().join(rel);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| io(folder, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&dir.join(rel), e))?;
    }
    Ok(staged)
}

/// Loads the staged site's configuration and parses its post as the build would.
fn check_staged(root: &Path, post: &Path) -> Result<(), Diagnostics> {
    let config = SiteConfig::load(root)?;
    let text = std::fs::read_to_string(root.join(post))
        .map_err(|e| Diagnostics(vec![Diagnostic::error(post, (0, 0), format!("cannot read back: {e}"))]))?;
    let markdown = Markdown::new(config.allow_html).for_language(&config.language);
    let cx = ParseContext { config: &config, markdown: &markdown };
    let parsed = parse_incident(post, &text, &cx);
    match parsed.incident {
        Some(_) if parsed.diagnostics.is_empty() => Ok(()),
        _ => Err(Diagnostics(parsed.diagnostics)),
    }
}

/// Moves the staged site to `dir`: the folder itself when `dir` does not
/// exist, else each of its entries into the empty folder `dir` (which stays
/// the same folder: a shell inside it stays in the new site).
fn put_in_place(staged: tempfile::TempDir, dir: &Path) -> Result<(), Diagnostics> {
    let failed = |e: std::io::Error| {
        Diagnostics(vec![Diagnostic::error(dir, (0, 0), format!("cannot create the site here: {e}"))
            .with_hint("check that you may write in the folder and its parent")])
    };
    if !dir.exists() {
        let staged = staged.keep();
        return std::fs::rename(&staged, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            failed(e)
        });
    }
    let entries = std::fs::read_dir(staged.path()).map_err(failed)?;
    for entry in entries {
        let entry = entry.map_err(failed)?;
        std::fs::rename(entry.path(), dir.join(entry.file_name())).map_err(failed)?;
    }
    Ok(())
}

/// The words of a new site, in one language.
struct Words {
    title: &'static str,
    description: &'static str,
    web: (&'static str, &'static str),
    mail: (&'static str, &'static str),
    post_title: &'static str,
    summary: &'static str,
    investigating: &'static str,
    resolved: &'static str,
    body: &'static str,
    readme: &'static str,
}

const FRENCH: Words = Words {
    title: "Incidents",
    description: "Incidents, maintenances et informations sur nos services.",
    web: ("Hébergement web", "Sites hébergés sur nos serveurs."),
    mail: ("Messagerie", "Boîtes aux lettres, envoi et réception des courriels."),
    post_title: "Exemple : lenteurs du webmail",
    summary: "Un exemple de publication, à remplacer par vos propres incidents.",
    investigating: "Les pages du webmail s’affichent lentement. Nous cherchons la cause.",
    resolved: "Un serveur saturé a été redémarré ; tout est rentré dans l’ordre.",
    body: "## Cause\n\nDécrivez ici ce qui s’est passé, puis ce qui a été fait pour que cela ne se reproduise pas.\n\nSupprimez ce fichier quand vous publiez votre premier incident (`vigie new`).\n",
    readme: include_str!("init_readme_fr.md"),
};

const ENGLISH: Words = Words {
    title: "Incidents",
    description: "Incidents, maintenance and news about our services.",
    web: ("Web hosting", "Websites hosted on our servers."),
    mail: ("Email", "Mailboxes, sending and receiving email."),
    post_title: "Example: slow webmail",
    summary: "An example post, to replace with your own incidents.",
    investigating: "Webmail pages load slowly. We are looking for the cause.",
    resolved: "An overloaded server was restarted; everything is back to normal.",
    body: "## Cause\n\nSay here what happened, then what was done so that it does not happen again.\n\nDelete this file when you publish your first incident (`vigie new`).\n",
    readme: include_str!("init_readme_en.md"),
};

/// The new site's `site.toml`: what it sets, then every other option with its default, commented.
fn site_toml(title: &str, base_url: &str, language: &str, timezone: &str, words: &Words) -> String {
    format!(
        r#"# The configuration of this vigie site. Every option is shown; a line
# starting with # is the default, as if it were not there.

title = {title}
description = {description}
# The public address, sub-path included (https://example.fr/incidents/):
# every link, feed and calendar is built from it.
base_url = {base_url}
language = {language}                 # fr or en: the words of the pages
timezone = {timezone}      # the time zone of dates written without an offset, and of every date shown
# theme = "default"               # a folder of themes/; "default" is built in
# paginate_by = 20                # posts per list page
# feed_limit = 50                 # entries per feed
# calendar_keep_months = 12       # months a past maintenance stays in the calendars
# allow_html = false              # keep raw HTML in Markdown (otherwise it is escaped)

# The services incidents can affect: the key (web, mail) is used in front
# matter (services = ["web"]) and in URLs (/services/web/).
[services.web]
name = {web_name}
description = {web_description}
# since = 2020-01-01              # first day its availability is known (default: the day of its first post)

[services.mail]
name = {mail_name}
description = {mail_description}

# How incidents count against availability: the share of an incident's
# duration counted as downtime, by severity.
# [availability]
# critical = 1.0
# major = 0.3
# minor = 0.0                     # also an incident without a severity
# count_maintenance = false       # true: maintenance windows count in full
"#,
        title = toml_string(title),
        description = toml_string(words.description),
        base_url = toml_string(base_url),
        language = toml_string(language),
        timezone = toml_string(timezone),
        web_name = toml_string(words.web.0),
        web_description = toml_string(words.web.1),
        mail_name = toml_string(words.mail.0),
        mail_description = toml_string(words.mail.1),
    )
}

/// The example post: a minor incident on both services, over an hour before `now`.
fn example_post(now: DateTime<Tz>, words: &Words) -> (PathBuf, String) {
    let start = now - Duration::hours(3);
    let end = now - Duration::hours(2);
    let path = Path::new(CONTENT_DIR).join(start.format("%Y").to_string()).join(format!(
        "{}-{}.md",
        start.format("%Y-%m-%d"),
        slugify(words.post_title)
    ));
    let text = format!(
        "+++\ntitle = {title}\nstart = {start}\nend = {end}\nservices = [\"web\", \"mail\"]\nkind = \"incident\"\nseverity = \"minor\"\nsummary = {summary}\n\n[[updates]]\nat = {first}\nstatus = \"investigating\"\ntext = {investigating}\n\n[[updates]]\nat = {end}\nstatus = \"resolved\"\ntext = {resolved}\n+++\n\n{body}",
        title = toml_string(words.post_title),
        start = toml_datetime(&start),
        end = toml_datetime(&end),
        first = toml_datetime(&(start + Duration::minutes(10))),
        summary = toml_string(words.summary),
        investigating = toml_string(words.investigating),
        resolved = toml_string(words.resolved),
        body = words.body,
    );
    (path, text)
}
