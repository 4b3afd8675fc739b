//! Categorising schools by risk with the reasons shown: a rule set the LA owns (TOML, checked
//! on load) names indicators, each a condition on the evidence, and the levels of support they
//! lead to; every school is judged on what was known on a date.
//!
//! Invariants: missing evidence is never a pass (an indicator says it had not enough evidence,
//! or, where the rule set says so, counts it as a concern); an inspection is read only under the
//! frameworks an indicator names, so old grades and 2025 report cards are never mapped onto
//! each other.

mod evaluate;
mod evidence;
mod kept;
mod list;
mod record;
mod rule_set;
mod sources;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use evaluate::{Categorisation, IndicatorOutcome, Verdict, applies_to, categorise_school};
pub use evidence::{
    CategorisationEvidence, ComparatorIndex, QuartileKey, Quartiles, SchoolEvidence, national_quartiles,
};
pub use kept::{FoundRuleSet, Keeping, KeepingRefused, KeptRuleSet, find, keeping, latest_versions, rule_set_names};
pub use list::{
    CategorisationList, CategorisationListQuery, CategorisationListRow, CategorisationSort, Change, categorisation_list,
};
pub use record::{
    CategorisationRun, FinalLevel, LevelOverride, Movement, NewRun, SavedLevel, WhatIf, WhatIfChange, final_level,
    movement, what_if,
};
pub use rule_set::{Condition, IndicatorRule, LevelRule, RuleSet, RuleSetError, Test, WhenMissing};

use crate::identifiers::Urn;
use crate::measure::{Measure, PupilGroup};

/// The rule sets Stride ships, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("national-2025", include_str!("../../../../rules/national-2025.toml")),
    (
        "oxfordshire-2013",
        include_str!("../../../../rules/oxfordshire-2013.toml"),
    ),
    ("southend-2012", include_str!("../../../../rules/southend-2012.toml")),
];

/// A shipped rule set by its name, checked, with its text as written.
pub fn shipped(name: &str) -> Option<Result<(RuleSet, &'static str), RuleSetError>> {
    SHIPPED
        .iter()
        .find(|(shipped_name, _)| *shipped_name == name)
        .map(|(name, text)| RuleSet::from_toml(&format!("{name}.toml"), text).map(|rules| (rules, *text)))
}

/// One school's categorisation, with its name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SchoolCategorisation {
    pub urn: Urn,
    pub name: String,
    pub categorisation: Categorisation,
}

/// The quartiles of every measure, group, year and phase, as [`national_quartiles`] makes them.
pub type NationalQuartiles = HashMap<QuartileKey, Quartiles>;

/// Every school of the evidence categorised as of a date, in the order of the schools.
pub fn categorise(rules: &RuleSet, evidence: &CategorisationEvidence, as_of: NaiveDate) -> Vec<SchoolCategorisation> {
    let quartiles = national_quartiles(&evidence.national);
    categorise_with(rules, evidence, &evidence.intelligence, &quartiles, as_of)
}

/// As [`categorise`], with the national quartiles made before and the intelligence read apart
/// from the rest of the evidence: both the quartiles and the rest change only when files are
/// imported, and can be kept until they are, while intelligence is recorded day by day.
pub fn categorise_with(
    rules: &RuleSet,
    evidence: &CategorisationEvidence,
    intelligence: &[crate::IntelligenceItem],
    quartiles: &NationalQuartiles,
    as_of: NaiveDate,
) -> Vec<SchoolCategorisation> {
    let comparators = ComparatorIndex::new(&evidence.comparators);
    let figures = by_urn(evidence.figures.iter(), |figure| figure.urn);
    let inspections = by_urn(evidence.inspections.iter(), |inspection| inspection.urn);
    let intelligence = by_urn(intelligence.iter(), |item| item.urn);
    in_parallel(&evidence.schools, |school| {
        let school_evidence = SchoolEvidence::new(
            school,
            as_of,
            figures.get(&school.urn).map_or(&[], Vec::as_slice),
            &comparators,
            inspections.get(&school.urn).map_or(&[], Vec::as_slice),
            intelligence.get(&school.urn).map_or(&[], Vec::as_slice),
            quartiles,
        );
        SchoolCategorisation {
            urn: school.urn,
            name: school.name.clone(),
            categorisation: categorise_school(rules, &school_evidence),
        }
    })
}

/// `work` on every item, in the items' order. Schools are judged independently, so a large set
/// (England's 22,000) is split across the machine's cores; an LA's few hundred are judged on the
/// calling thread, where a thread would cost more than it saves.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const ITEMS_PER_THREAD: usize = 2_000;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(items.len() / ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// The figures a rule set reads: each school's, and every school's nationally for quartiles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvidenceWanted {
    pub figures: Vec<(Measure, PupilGroup)>,
    pub national: Vec<(Measure, PupilGroup)>,
}

impl RuleSet {
    /// The measures and pupil groups its indicators read, so that only those are fetched.
    pub fn evidence_wanted(&self) -> EvidenceWanted {
        let mut wanted = EvidenceWanted::default();
        for indicator in &self.indicators {
            match indicator.test {
                Test::BottomQuartile { measure, group } => {
                    wanted.figures.push((measure, group));
                    wanted.national.push((measure, group));
                }
                Test::WorseThan { measure, group, .. }
                | Test::WorseThanComparator { measure, group, .. }
                | Test::Declining { measure, group, .. }
                | Test::GapWidening { measure, group, .. } => wanted.figures.push((measure, group)),
                Test::RollFalling { .. } => wanted.figures.push((Measure::PupilsOnRoll, PupilGroup::All)),
                Test::InspectionOutcome { .. }
                | Test::CategoryOfConcern
                | Test::SuccessiveRequiresImprovement { .. }
                | Test::Intelligence { .. } => {}
            }
        }
        for list in [&mut wanted.figures, &mut wanted.national] {
            list.sort();
            list.dedup();
        }
        wanted
    }
}

fn by_urn<'a, T>(items: impl Iterator<Item = &'a T>, urn: impl Fn(&T) -> Urn) -> HashMap<Urn, Vec<&'a T>> {
    let mut grouped: HashMap<Urn, Vec<&T>> = HashMap::new();
    for item in items {
        grouped.entry(urn(item)).or_default().push(item);
    }
    grouped
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod parallel_tests {
    #[test]
    fn work_split_across_threads_comes_back_whole_and_in_order() {
        let items: Vec<usize> = (0..10_001).collect();
        let doubled = super::in_parallel(&items, |item| item * 2);
        assert_eq!(doubled, items.iter().map(|item| item * 2).collect::<Vec<_>>());
        assert_eq!(super::in_parallel(&[] as &[usize], |item| *item), Vec::<usize>::new());
    }
}
