//! What is kept of categorisation: each saved run with its rule set's version, the levels an
//! improvement manager set by professional judgement, and the movement of schools between
//! levels from one run to another.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{RuleSet, SchoolCategorisation};
use crate::identifiers::Urn;

/// A saved run: which rule set, as it was, on what evidence date, by whom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategorisationRun {
    pub id: i64,
    pub rule_set: String,
    pub version: String,
    pub as_of: NaiveDate,
    pub run_at: DateTime<Utc>,
    pub run_by: String,
    pub schools: usize,
}

/// A run to be saved: the rule set's text is kept, so the run can be explained later even after
/// the rule set has changed.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub rules: &'a RuleSet,
    pub rule_text: &'a str,
    pub as_of: NaiveDate,
    pub run_at: DateTime<Utc>,
    pub run_by: &'a str,
    pub results: &'a [SchoolCategorisation],
    /// The levels set by judgement, so that each school is kept at the level it stood at too.
    pub overrides: &'a [LevelOverride],
}

/// One school's level in a saved run: where it stood, with any level set by judgement.

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedLevel {
    pub urn: Urn,
    pub level: String,
    pub on_register: bool,
}

/// A level set by professional judgement in place of the computed one, with its reason; the
/// computed level is kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelOverride {
    pub urn: Urn,
    pub rule_set: String,
    pub level: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// The level a school stands at: the latest override for the rule set if there is one, else
/// the computed level; and whether that puts it on the register, read from the rule set as the
/// computed flag is, with the levels reached being those up to the level it stands at.
pub fn final_level<'a>(
    rules: &RuleSet,
    result: &'a SchoolCategorisation,
    overrides: &'a [LevelOverride],
) -> FinalLevel<'a> {
    let latest = overrides
        .iter()
        .filter(|candidate| candidate.urn == result.urn && candidate.rule_set == rules.name)
        .max_by_key(|candidate| candidate.decided_at);
    let level = latest.map_or(result.categorisation.level.as_str(), |chosen| chosen.level.as_str());
    let concerns: Vec<&str> = result
        .categorisation
        .outcomes
        .iter()
        .filter(|outcome| outcome.counts_as_concern)
        .map(|outcome| outcome.code.as_str())
        .collect();
    let reached: Vec<&str> = match rules.levels.iter().position(|candidate| candidate.code == level) {
        Some(position) => rules.levels[..=position]
            .iter()
            .map(|reached| reached.code.as_str())
            .collect(),
        None => Vec::new(),
    };
    FinalLevel {
        level,
        computed: &result.categorisation.level,
        overridden: latest,
        on_register: super::evaluate::holds(&rules.register, &concerns, &reached),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalLevel<'a> {
    pub level: &'a str,
    pub computed: &'a str,
    pub overridden: Option<&'a LevelOverride>,
    pub on_register: bool,
}

impl FinalLevel<'_> {
    /// The level's name in the rule set, or its code where the rule set no longer has it.
    pub fn name<'r>(&self, rules: &'r RuleSet) -> &'r str
    where
        Self: 'r,
    {
        rules.level(self.level).map_or(self.level, |level| level.name.as_str())
    }
}

/// How schools moved between levels from one run to a later one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The levels' codes, least support first, as the later run's rule set orders them.
    pub levels: Vec<String>,
    /// `counts[from][to]`: schools at level `from` in the earlier run and `to` in the later.
    pub counts: Vec<Vec<usize>>,
    /// Schools whose level changed, with both levels.
    pub moved: Vec<(Urn, String, String)>,
    /// Schools in only one of the runs, or at a level the other rule set does not have.
    pub not_compared: usize,
}

pub fn movement(rules: &RuleSet, earlier: &[SavedLevel], later: &[SavedLevel]) -> Movement {
    let levels: Vec<String> = rules.levels.iter().map(|level| level.code.clone()).collect();
    let position = |code: &str| levels.iter().position(|level| level == code);
    let mut counts = vec![vec![0; levels.len()]; levels.len()];
    let (mut moved, mut not_compared) = (Vec::new(), 0);
    let earlier_of: std::collections::HashMap<Urn, &SavedLevel> =
        earlier.iter().map(|saved| (saved.urn, saved)).collect();
    for now in later {
        let Some(before) = earlier_of.get(&now.urn) else {
            not_compared += 1;
            continue;
        };
        match (position(&before.level), position(&now.level)) {
            (Some(from), Some(to)) => {
                counts[from][to] += 1;
                if from != to {
                    moved.push((now.urn, before.level.clone(), now.level.clone()));
                }
            }
            _ => not_compared += 1,
        }
    }
    not_compared += earlier
        .iter()
        .filter(|saved| !later.iter().any(|now| now.urn == saved.urn))
        .count();
    Movement {
        levels,
        counts,
        moved,
        not_compared,
    }
}

/// What an edited rule set would change: each school whose level would move, with the
/// indicators whose finding differs, and the adviser days in all before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub changes: Vec<WhatIfChange>,
    pub adviser_days_before: f64,
    pub adviser_days_after: f64,
    pub register_before: usize,
    pub register_after: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfChange {
    pub urn: Urn,
    pub name: String,
    pub from: String,
    pub to: String,
    /// Indicators whose finding differs, or that only one rule set has: "name: before → after".
    pub why: Vec<String>,
}

/// Compares the results of the same schools under two rule sets.
pub fn what_if(
    before_rules: &RuleSet,
    before: &[SchoolCategorisation],
    after_rules: &RuleSet,
    after: &[SchoolCategorisation],
) -> WhatIf {
    let level_name =
        |rules: &RuleSet, code: &str| rules.level(code).map_or(code.to_owned(), |level| level.name.clone());
    let mut changes = Vec::new();
    for (old, new) in before.iter().zip(after) {
        if old.categorisation.level == new.categorisation.level {
            continue;
        }
        let verdict_of = |result: &SchoolCategorisation, code: &str| {
            result
                .categorisation
                .outcomes
                .iter()
                .find(|outcome| outcome.code == code)
                .map(|outcome| outcome.verdict.label())
        };
        let mut seen = std::collections::HashSet::new();
        let why = old
            .categorisation
            .outcomes
            .iter()
            .chain(&new.categorisation.outcomes)
            .map(|outcome| (outcome.code.as_str(), outcome.name.as_str()))
            .filter(|(code, _)| seen.insert(*code))
            .filter_map(|(code, name)| {
                let (was, now) = (verdict_of(old, code), verdict_of(new, code));
                (was != now).then(|| {
                    format!(
                        "{name}: {} to {}",
                        was.unwrap_or("not in the rule set"),
                        now.unwrap_or("not in the rule set")
                    )
                })
            })
            .collect();
        changes.push(WhatIfChange {
            urn: new.urn,
            name: new.name.clone(),
            from: level_name(before_rules, &old.categorisation.level),
            to: level_name(after_rules, &new.categorisation.level),
            why,
        });
    }
    let days = |results: &[SchoolCategorisation]| results.iter().map(|result| result.categorisation.adviser_days).sum();
    let register = |results: &[SchoolCategorisation]| {
        results
            .iter()
            .filter(|result| result.categorisation.on_register)
            .count()
    };
    WhatIf {
        changes,
        adviser_days_before: days(before),
        adviser_days_after: days(after),
        register_before: register(before),
        register_after: register(after),
    }
}
