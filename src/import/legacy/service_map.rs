//! Importer (legacy page), services: `--service-map
//! "mail=mail,smtp,imap;web=site,mutualisé"` says which words name which
//! service; a post gets every service one of whose words starts a word of
//! its text (case and accents aside: « Mutualisé » is « mutualise »).

use std::fmt;

/// Service keys, each with the words that name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceMap(Vec<(String, Vec<String>)>);

/// Why a `--service-map` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadServiceMap(pub String);

impl fmt::Display for BadServiceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadServiceMap {}

fn folded(text: &str) -> String {
    format!("-{}-", slug::slugify(text))
}

impl std::str::FromStr for ServiceMap {
    type Err = BadServiceMap;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut entries = Vec::new();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, words)) = part.split_once('=') else {
                return Err(BadServiceMap(format!(
                    "\"{part}\" has no `=`: write KEY=word,word;KEY=word (e.g. mail=mail,smtp,imap;web=site,mutualisé)"
                )));
            };
            let key = key.trim();
            if key.is_empty()
                || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return Err(BadServiceMap(format!(
                    "\"{key}\" is not a service key: use lowercase letters, digits, - and _, as in site.toml's [services.<key>]"
                )));
            }
            let words: Vec<String> = words.split(',').map(folded).filter(|w| w != "--").collect();
            if words.is_empty() {
                return Err(BadServiceMap(format!("\"{key}\" has no word: write {key}=word,word")));
            }
            entries.push((key.to_string(), words));
        }
        Ok(ServiceMap(entries))
    }
}

impl ServiceMap {
    /// The services `text` names, in the map's order, each with the first word found.
    pub fn services_in(&self, text: &str) -> Vec<(String, String)> {
        let text = folded(text);
        self.0
            .iter()
            .filter_map(|(key, words)| {
                // A word of the map starts a word of the text: "-mail" in "-mails-".
                let word = words.iter().find(|w| text.contains(&w[..w.len() - 1]))?;
                Some((key.clone(), word.trim_matches('-').to_string()))
            })
            .collect()
    }

    /// The service keys of the map.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(key, _)| key.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_start_words_case_and_accents_aside() {
        let map: ServiceMap = "mail=mail,smtp,imap;web=site,mutualisé".parse().expect("a map");
        assert_eq!(map.services_in("Problème IMAP ce matin"), vec![("mail".into(), "imap".into())]);
        assert_eq!(
            map.services_in("Le serveur MUTUALISE et les mails"),
            vec![("mail".into(), "mail".into()), ("web".into(), "mutualise".into())]
        );
        // Inside a word is not a word: "email" does not name "mail".
        assert_eq!(map.services_in("un email"), vec![]);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec!["mail", "web"]);
    }

    #[test]
    fn a_bad_map_says_how_to_write_it() {
        assert!("mail".parse::<ServiceMap>().is_err_and(|e| e.0.contains("no `=`")));
        assert!("Mail=x".parse::<ServiceMap>().is_err_and(|e| e.0.contains("not a service key")));
        assert!("mail=".parse::<ServiceMap>().is_err_and(|e| e.0.contains("no word")));
        assert_eq!("".parse::<ServiceMap>(), Ok(ServiceMap::default()));
    }
}
