//! The words `vigie new` writes into a post, in the site's language: the
//! body's section headings and the first updates' placeholder texts.
//! French and English; any other language gets English.

use crate::content::model::Kind;

/// What a new post says before its author writes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Words {
    /// Second-level headings of the body, in order.
    pub sections: [&'static str; 3],
    /// Text of the first update (`investigating`, or `scheduled` for a maintenance).
    pub first_update: &'static str,
    /// Text of the closing update (`resolved`, or `completed` for a
    /// maintenance) added when the post is created with an end already passed.
    pub closing: &'static str,
}

/// The words for a post of `kind` on a site in `language`.
pub(crate) fn words(language: &str, kind: Kind) -> Words {
    let french = crate::config::is_french(language);
    match (french, kind) {
        (true, Kind::Maintenance) => Words {
            sections: ["Objet", "Déroulement prévu", "Impact attendu"],
            first_update: "Cette maintenance est programmée.",
            closing: "La maintenance est terminée.",
        },
        (true, _) => Words {
            sections: ["Impact", "Cause", "Actions correctives"],
            first_update: "Nous analysons le problème.",
            closing: "Le service est rétabli.",
        },
        (false, Kind::Maintenance) => Words {
            sections: ["Purpose", "Schedule", "Expected impact"],
            first_update: "This maintenance is scheduled.",
            closing: "The maintenance is complete.",
        },
        (false, _) => Words {
            sections: ["Impact", "Cause", "Corrective actions"],
            first_update: "We are investigating the problem.",
            closing: "Service is restored.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_sections_by_language() {
        assert_eq!(words("fr", Kind::Incident).sections, ["Impact", "Cause", "Actions correctives"]);
        assert_eq!(words("en", Kind::Incident).sections, ["Impact", "Cause", "Corrective actions"]);
        assert_eq!(words("de", Kind::Notice), words("en", Kind::Notice), "unknown languages get English");
    }
}
