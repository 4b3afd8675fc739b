//! The LA's own rule sets, kept in Stride beside the shipped ones: each version as written, by
//! whom and when. A version names one text for good, because a run kept under it names its
//! version; a changed rule set is kept under a new version, and every earlier one stays.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{RuleSet, RuleSetError, SHIPPED};

/// One version of an LA's rule set as it was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptRuleSet {
    pub name: String,
    pub version: String,
    pub title: String,
    pub text: String,
    pub kept_by: String,
    pub kept_at: DateTime<Utc>,
}

impl KeptRuleSet {
    /// The rule set read from its text. It was checked when it was kept, so an error here
    /// means the rules Stride understands have changed since: it names the rule set and field.
    pub fn checked(&self) -> Result<RuleSet, RuleSetError> {
        RuleSet::from_toml(&format!("{} version {}", self.name, self.version), &self.text)
    }
}

/// What keeping a rule set would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeping {
    /// A rule set of a name not kept before.
    First,
    /// A new version of a rule set kept before.
    NewVersion,
    /// The same version with the same text is kept already: nothing to do.
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeepingRefused {
    #[error(
        "'{0}' is a rule set Stride ships, and keeps as shipped: give the LA's own rule set a name of its own in its `name` line"
    )]
    ShippedName(String),
    #[error(
        "version {version} of {name} is kept already with other rules, and runs kept under it name it: give the changed rule set a new `version`"
    )]
    VersionTaken { name: String, version: String },
}

/// Whether `rules`, written as `text`, may be kept beside the versions kept already (`kept`,
/// every version of every name).
pub fn keeping(kept: &[KeptRuleSet], rules: &RuleSet, text: &str) -> Result<Keeping, KeepingRefused> {
    if SHIPPED.iter().any(|(name, _)| *name == rules.name) {
        return Err(KeepingRefused::ShippedName(rules.name.clone()));
    }
    let mut versions = kept.iter().filter(|earlier| earlier.name == rules.name).peekable();
    if versions.peek().is_none() {
        return Ok(Keeping::First);
    }
    match versions.find(|earlier| earlier.version == rules.version) {
        Some(same) if same.text == text => Ok(Keeping::Unchanged),
        Some(_) => Err(KeepingRefused::VersionTaken {
            name: rules.name.clone(),
            version: rules.version.clone(),
        }),
        None => Ok(Keeping::NewVersion),
    }
}

/// The latest version of each rule set kept, by name; `kept` newest first, as the store gives it.
pub fn latest_versions(kept: &[KeptRuleSet]) -> Vec<&KeptRuleSet> {
    let mut latest: Vec<&KeptRuleSet> = Vec::new();
    for version in kept {
        if !latest.iter().any(|seen| seen.name == version.name) {
            latest.push(version);
        }
    }
    latest.sort_by(|left, right| left.name.cmp(&right.name));
    latest
}

/// A rule set found by its name: shipped, or the latest version the LA kept.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundRuleSet {
    pub rules: RuleSet,
    /// As written, to keep with a run.
    pub text: String,
    /// The version kept, for the LA's own; none for a shipped rule set.
    pub kept: Option<KeptRuleSet>,
}

/// The rule set of a name among those shipped and `kept` (newest first), checked; none if no
/// rule set has the name.
pub fn find(name: &str, kept: &[KeptRuleSet]) -> Option<Result<FoundRuleSet, RuleSetError>> {
    if let Some(shipped) = super::shipped(name) {
        return Some(shipped.map(|(rules, text)| FoundRuleSet {
            rules,
            text: text.to_owned(),
            kept: None,
        }));
    }
    let latest = kept.iter().find(|version| version.name == name)?;
    Some(latest.checked().map(|rules| FoundRuleSet {
        rules,
        text: latest.text.clone(),
        kept: Some(latest.clone()),
    }))
}

/// Every rule set's name that can be chosen: those shipped, then the LA's own.
pub fn rule_set_names(kept: &[KeptRuleSet]) -> Vec<String> {
    SHIPPED
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .chain(latest_versions(kept).into_iter().map(|version| version.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, version: &str, level: &str) -> String {
        format!(
            "name = \"{name}\"\ntitle = \"Wealdshire\"\nversion = \"{version}\"\n\n\
             [[indicator]]\ncode = \"in-a-category\"\nname = \"In an Ofsted category\"\ntest = \"category-of-concern\"\n\n\
             [[level]]\ncode = \"light-touch\"\nname = \"Light touch\"\nadviser_days = [0, 1]\n\n\
             [[level]]\ncode = \"high\"\nname = \"{level}\"\nadviser_days = [10, 30]\nwhen = {{ any_of = [\"in-a-category\"] }}\n\n\
             [register]\nlevels = [\"high\"]\n"
        )
    }

    fn kept(name: &str, version: &str, level: &str) -> KeptRuleSet {
        let text = text(name, version, level);
        KeptRuleSet {
            name: name.to_owned(),
            version: version.to_owned(),
            title: "Wealdshire".to_owned(),
            text,
            kept_by: "Improvement Manager".to_owned(),
            kept_at: DateTime::<Utc>::from_timestamp(1_760_000_000, 0).expect("a time"),
        }
    }

    fn checked(text: &str) -> RuleSet {
        RuleSet::from_toml("mine.toml", text).expect("a rule set")
    }

    #[test]
    fn a_new_name_is_kept_first_and_a_new_version_beside_it() {
        let first = text("wealdshire-2026", "1", "High-level support");
        assert_eq!(keeping(&[], &checked(&first), &first), Ok(Keeping::First));
        let earlier = [kept("wealdshire-2026", "1", "High-level support")];
        let second = text("wealdshire-2026", "2", "Intensive support");
        assert_eq!(keeping(&earlier, &checked(&second), &second), Ok(Keeping::NewVersion));
        assert_eq!(keeping(&earlier, &checked(&first), &first), Ok(Keeping::Unchanged));
    }

    #[test]
    fn a_version_kept_with_other_rules_and_a_shipped_name_are_refused() {
        let earlier = [kept("wealdshire-2026", "1", "High-level support")];
        let changed = text("wealdshire-2026", "1", "Intensive support");
        let refused = keeping(&earlier, &checked(&changed), &changed).expect_err("refused");
        assert!(refused.to_string().contains("new `version`"), "{refused}");
        let shipped = text("national-2025", "1", "High-level support");
        let refused = keeping(&[], &checked(&shipped), &shipped).expect_err("refused");
        assert_eq!(refused, KeepingRefused::ShippedName("national-2025".to_owned()));
    }

    #[test]
    fn the_latest_version_of_each_name_is_listed_once_by_name() {
        let versions = [
            kept("wealdshire-2026", "2", "Intensive support"),
            kept("another", "1", "High"),
            kept("wealdshire-2026", "1", "High-level support"),
        ];
        let latest = latest_versions(&versions);
        let named: Vec<(&str, &str)> = latest
            .iter()
            .map(|kept| (kept.name.as_str(), kept.version.as_str()))
            .collect();
        assert_eq!(named, [("another", "1"), ("wealdshire-2026", "2")]);
        assert!(latest[1].checked().is_ok());
        assert_eq!(
            rule_set_names(&versions),
            [
                "national-2025",
                "oxfordshire-2013",
                "southend-2012",
                "another",
                "wealdshire-2026"
            ]
        );
        let found = find("wealdshire-2026", &versions).expect("found").expect("checked");
        assert_eq!(found.rules.version, "2");
        assert_eq!(found.rules.levels[1].name, "Intensive support");
        let shipped = find("national-2025", &versions).expect("found").expect("checked");
        assert!(shipped.kept.is_none());
        assert!(find("no-such-rules", &versions).is_none());
    }
}
