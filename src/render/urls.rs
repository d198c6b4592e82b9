//! Stage 4 (render): site-relative paths → URLs, in one place. Pages link with absolute paths
//! under the base path (`/incidents/2016/…`), so that links work from any
//! page, the 404 page included, under any sub-path; feeds and the sitemap
//! use full URLs.

use url::Url;

/// Builds links from site-relative paths such as `2016/11/22/panne/`.
#[derive(Debug, Clone)]
pub struct Urls {
    base: Url,
    base_url: String,
    base_path: String,
    host: String,
}

impl Urls {
    /// Links under `base_url` (which ends with `/`).
    pub fn new(base_url: &Url) -> Self {
        Urls {
            base: base_url.clone(),
            base_url: base_url.as_str().to_string(),
            base_path: base_url.path().to_string(),
            host: base_url.host_str().unwrap_or("localhost").to_string(),
        }
    }

    /// The link used in pages: `/incidents/2016/11/22/panne/`.
    pub fn path(&self, relative: &str) -> String {
        format!("{}{}", self.base_path, relative.trim_start_matches('/'))
    }

    /// The full URL, for feeds and the sitemap.
    pub fn absolute(&self, relative: &str) -> String {
        format!("{}{}", self.base_url, relative.trim_start_matches('/'))
    }

    /// The full URL with the `webcal:` scheme, which calendar programs open
    /// as a subscription (`https://host/x.ics` → `webcal://host/x.ics`).
    pub fn webcal(&self, relative: &str) -> String {
        let absolute = self.absolute(relative);
        match absolute.split_once("://") {
            Some((_, rest)) => format!("webcal://{rest}"),
            None => absolute,
        }
    }

    /// [`absolute`](Self::absolute) as a parsed URL, to resolve links against.
    pub(crate) fn absolute_url(&self, relative: &str) -> Url {
        // The base URL followed by a path always parses; the base is the fallback all the same.
        Url::parse(&self.absolute(relative)).unwrap_or_else(|_| self.base.clone())
    }

    /// The host name of the base URL.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// The base path, e.g. `/` or `/incidents/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

/// The site-relative path of page `number` of a list whose first page is at `first`.
pub(crate) fn page_path(first: &str, number: usize) -> String {
    if number <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{number}/")
    }
}

/// The site-relative path of a service page (`services/mail/`).
pub(crate) fn service_path(key: &str) -> String {
    format!("services/{key}/")
}

/// The site-relative path of a year page (`2016/`).
pub(crate) fn year_path(year: i32) -> String {
    format!("{year}/")
}

/// The file that serves a site-relative directory path (`a/b/` → `a/b/index.html`).
pub(crate) fn index_file(dir: &str) -> String {
    const INDEX: &str = "index.html";
    let mut file = String::with_capacity(dir.len() + INDEX.len());
    file.push_str(dir);
    file.push_str(INDEX);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_under_the_sub_path() {
        let urls = Urls::new(&Url::parse("https://example.fr/incidents/").expect("url"));
        assert_eq!(urls.path("2016/11/22/panne/"), "/incidents/2016/11/22/panne/");
        assert_eq!(urls.path(""), "/incidents/");
        assert_eq!(urls.absolute("atom.xml"), "https://example.fr/incidents/atom.xml");
        assert_eq!(urls.absolute_url("2016/").as_str(), "https://example.fr/incidents/2016/");
    }

    #[test]
    fn page_paths() {
        assert_eq!(page_path("", 1), "");
        assert_eq!(page_path("", 2), "page/2/");
        assert_eq!(page_path("services/mail/", 3), "services/mail/page/3/");
        assert_eq!(index_file("page/2/"), "page/2/index.html");
    }
}
