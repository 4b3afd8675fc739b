//! The list of schools' categorisations as a reader works with it: each school at the level it
//! stands at, its change since the latest run kept, filtered by level or register and sorted by
//! any column. The page and its downloads are made from the same list, so a download holds
//! what the page shows.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::{FinalLevel, LevelOverride, RuleSet, SchoolCategorisation, final_level};
use crate::coded::coded_enum;
use crate::identifiers::Urn;
use crate::school_list::SortDirection;
use crate::table::{Cell, Column, Table};

coded_enum! {
    pub enum CategorisationSort ("column to sort by") {
        School => ("school", "School"),
        Urn => ("urn", "URN"),
        Level => ("level", "Level"),
        Change => ("change", "Since the last run kept"),
        Register => ("register", "Register"),
        Concerns => ("concerns", "Concerns"),
        NotEnoughEvidence => ("not-enough-evidence", "Not enough evidence"),
        AdviserDays => ("adviser-days", "Adviser days a year"),
    }
}

impl CategorisationSort {
    /// Names read A to Z; a reader sorting by level, concerns or days wants the most first.
    pub fn default_direction(self) -> SortDirection {
        match self {
            CategorisationSort::School | CategorisationSort::Urn | CategorisationSort::Change => {
                SortDirection::Ascending
            }
            _ => SortDirection::Descending,
        }
    }
}

/// A school's level against where it stood in the latest run kept under the rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// No run has been kept under the rule set.
    NoRunKept,
    /// The school was not in the run kept.
    New,
    Up {
        from: String,
    },
    Down {
        from: String,
    },
    Unchanged,
    /// At a level the rule set no longer has, or has no longer.
    Was {
        from: String,
    },
}

impl Change {
    fn of(rules: &RuleSet, earlier: Option<&HashMap<Urn, String>>, urn: Urn, now: &str) -> Change {
        let Some(earlier) = earlier else {
            return Change::NoRunKept;
        };
        let Some(before) = earlier.get(&urn) else {
            return Change::New;
        };
        let position = |code: &str| rules.levels.iter().position(|level| level.code == code);
        let from = before.clone();
        match (position(before), position(now)) {
            (Some(was), Some(is)) if is > was => Change::Up { from },
            (Some(was), Some(is)) if is < was => Change::Down { from },
            (Some(_), Some(_)) => Change::Unchanged,
            _ => Change::Was { from },
        }
    }

    /// In words, with the earlier level by its name in the rule set.
    pub fn describe(&self, rules: &RuleSet) -> String {
        let name = |code: &str| rules.level(code).map_or(code.to_owned(), |level| level.name.clone());
        match self {
            Change::NoRunKept => "No run kept".to_owned(),
            Change::New => "New".to_owned(),
            Change::Up { from } => format!("Up from {}", name(from)),
            Change::Down { from } => format!("Down from {}", name(from)),
            Change::Unchanged => "No change".to_owned(),
            Change::Was { from } => format!("Was {}", name(from)),
        }
    }

    /// Movements first, up before down, so that ordering by change shows what moved.
    fn rank(&self) -> u8 {
        match self {
            Change::Up { .. } => 0,
            Change::Down { .. } => 1,
            Change::Was { .. } => 2,
            Change::New => 3,
            Change::Unchanged => 4,
            Change::NoRunKept => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorisationListQuery {
    /// Only schools standing at this level (its code).
    pub level: Option<String>,
    pub register_only: bool,
    pub sort: CategorisationSort,
    pub direction: SortDirection,
}

impl Default for CategorisationListQuery {
    fn default() -> Self {
        CategorisationListQuery {
            level: None,
            register_only: false,
            sort: CategorisationSort::School,
            direction: SortDirection::Ascending,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategorisationListRow<'a> {
    pub result: &'a SchoolCategorisation,
    pub standing: FinalLevel<'a>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategorisationList<'a> {
    /// Every school's standing, before the filters: the count at each level reads these.
    pub all: Vec<CategorisationListRow<'a>>,
    /// The schools the query keeps, in its order.
    pub shown: Vec<CategorisationListRow<'a>>,
    /// The schools standing at each level, least support first.
    pub counts: Vec<(String, usize)>,
}

/// The list of `results` under `rules`, each school at the level it stands at after `overrides`,
/// compared with `earlier` (each school's level in the latest run kept, if one was).
pub fn categorisation_list<'a>(
    rules: &RuleSet,
    results: &'a [SchoolCategorisation],
    overrides: &'a [LevelOverride],
    earlier: Option<&HashMap<Urn, String>>,
    query: &CategorisationListQuery,
) -> CategorisationList<'a> {
    let all: Vec<CategorisationListRow<'a>> = results
        .iter()
        .map(|result| {
            let standing = final_level(rules, result, overrides);
            CategorisationListRow {
                change: Change::of(rules, earlier, result.urn, standing.level),
                result,
                standing,
            }
        })
        .collect();
    let counts = rules
        .levels
        .iter()
        .map(|level| {
            let schools = all.iter().filter(|row| row.standing.level == level.code).count();
            (level.code.clone(), schools)
        })
        .collect();
    let mut shown: Vec<CategorisationListRow<'a>> = all
        .iter()
        .filter(|row| query.level.as_deref().is_none_or(|level| row.standing.level == level))
        .filter(|row| !query.register_only || row.standing.on_register)
        .cloned()
        .collect();
    shown.sort_by(|left, right| {
        compare(rules, left, right, query.sort, query.direction)
            .then_with(|| left.result.name.to_lowercase().cmp(&right.result.name.to_lowercase()))
            .then_with(|| left.result.urn.cmp(&right.result.urn))
    });
    CategorisationList { all, shown, counts }
}

fn compare(
    rules: &RuleSet,
    left: &CategorisationListRow<'_>,
    right: &CategorisationListRow<'_>,
    column: CategorisationSort,
    direction: SortDirection,
) -> Ordering {
    let position =
        |row: &CategorisationListRow<'_>| rules.levels.iter().position(|level| level.code == row.standing.level);
    let (left_result, right_result) = (&left.result.categorisation, &right.result.categorisation);
    let ordering = match column {
        CategorisationSort::School => left.result.name.to_lowercase().cmp(&right.result.name.to_lowercase()),
        CategorisationSort::Urn => left.result.urn.cmp(&right.result.urn),
        CategorisationSort::Level => position(left).cmp(&position(right)),
        CategorisationSort::Change => left.change.rank().cmp(&right.change.rank()),
        CategorisationSort::Register => left.standing.on_register.cmp(&right.standing.on_register),
        CategorisationSort::Concerns => left_result.concerns().cmp(&right_result.concerns()),
        CategorisationSort::NotEnoughEvidence => left_result
            .not_enough_evidence()
            .cmp(&right_result.not_enough_evidence()),
        CategorisationSort::AdviserDays => left_result.adviser_days.total_cmp(&right_result.adviser_days),
    };
    match direction {
        SortDirection::Ascending => ordering,
        SortDirection::Descending => ordering.reverse(),
    }
}

impl CategorisationList<'_> {
    /// The schools shown, one row each: the level each stands at, and the computed level
    /// beside it where judgement set another.
    pub fn to_table(&self, rules: &RuleSet) -> Table {
        let columns = vec![
            Column::text("URN"),
            Column::text("School"),
            Column::text("Level"),
            Column::text("Computed level"),
            Column::text("Level set by judgement"),
            Column::text("Since the last run kept"),
            Column::text("Schools Causing Concern register"),
            Column::number("Concerns"),
            Column::number("Not enough evidence"),
            Column::number("Adviser days a year"),
            Column::text("Concerns found"),
        ];
        let level_name = |code: &str| rules.level(code).map_or(code.to_owned(), |level| level.name.clone());
        let rows = self
            .shown
            .iter()
            .map(|row| {
                let categorisation = &row.result.categorisation;
                let concerns = categorisation
                    .outcomes
                    .iter()
                    .filter(|outcome| outcome.counts_as_concern)
                    .map(|outcome| outcome.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let judgement = row.standing.overridden.map_or_else(String::new, |chosen| {
                    format!(
                        "{} on {}: {}",
                        chosen.decided_by,
                        chosen.decided_at.date_naive(),
                        chosen.reason
                    )
                });
                vec![
                    Cell::Text(row.result.urn.to_string()),
                    Cell::Text(row.result.name.clone()),
                    Cell::Text(level_name(row.standing.level)),
                    Cell::Text(level_name(row.standing.computed)),
                    Cell::Text(judgement),
                    Cell::Text(row.change.describe(rules)),
                    Cell::Text(if row.standing.on_register { "Yes" } else { "No" }.to_owned()),
                    Cell::Integer(categorisation.concerns() as i64),
                    Cell::Integer(categorisation.not_enough_evidence() as i64),
                    Cell::Number {
                        value: categorisation.adviser_days,
                        decimals: 1,
                    },
                    Cell::Text(concerns),
                ]
            })
            .collect();
        Table {
            title: format!("Categorisation: {} (version {})", rules.title, rules.version),
            columns,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categorisation::{Categorisation, IndicatorOutcome, Verdict};

    fn national() -> RuleSet {
        crate::categorisation::shipped("national-2025")
            .expect("shipped")
            .expect("checked")
            .0
    }

    fn school(urn: u32, name: &str, level: &str, concerns: usize, days: f64) -> SchoolCategorisation {
        let outcome = |index: usize| IndicatorOutcome {
            code: format!("indicator-{index}"),
            name: format!("Indicator {index}"),
            verdict: if index < concerns {
                Verdict::Fired
            } else {
                Verdict::NotEnoughEvidence
            },
            reason: String::new(),
            sources: Vec::new(),
            counts_as_concern: index < concerns,
        };
        SchoolCategorisation {
            urn: Urn::new(urn).expect("a URN"),
            name: name.to_owned(),
            categorisation: Categorisation {
                level: level.to_owned(),
                level_name: String::new(),
                on_register: level == "high-level-support",
                adviser_days: days,
                outcomes: (0..4).map(outcome).collect(),
            },
        }
    }

    fn results() -> Vec<SchoolCategorisation> {
        vec![
            school(100_001, "Ashdown Primary", "light-touch", 0, 0.0),
            school(100_002, "beacon Academy", "high-level-support", 3, 22.5),
            school(100_003, "Copse Lane School", "additional-support", 1, 1.5),
            school(100_004, "Dene Infant School", "additional-support", 2, 2.0),
        ]
    }

    fn names(list: &CategorisationList<'_>) -> Vec<String> {
        list.shown.iter().map(|row| row.result.name.clone()).collect()
    }

    fn sorted(column: CategorisationSort, direction: SortDirection) -> Vec<String> {
        let rules = national();
        let results = results();
        let query = CategorisationListQuery {
            sort: column,
            direction,
            ..CategorisationListQuery::default()
        };
        names(&categorisation_list(&rules, &results, &[], None, &query))
    }

    #[test]
    fn the_list_sorts_by_each_column_ties_by_name_and_reverses() {
        use SortDirection::{Ascending, Descending};
        // Names compare without regard to case.
        assert_eq!(
            sorted(CategorisationSort::School, Ascending),
            [
                "Ashdown Primary",
                "beacon Academy",
                "Copse Lane School",
                "Dene Infant School"
            ]
        );
        // The most support first; the two at additional support by name.
        assert_eq!(
            sorted(CategorisationSort::Level, Descending),
            [
                "beacon Academy",
                "Copse Lane School",
                "Dene Infant School",
                "Ashdown Primary"
            ]
        );
        assert_eq!(
            sorted(CategorisationSort::Concerns, Descending),
            [
                "beacon Academy",
                "Dene Infant School",
                "Copse Lane School",
                "Ashdown Primary"
            ]
        );
        assert_eq!(
            sorted(CategorisationSort::AdviserDays, Ascending),
            [
                "Ashdown Primary",
                "Copse Lane School",
                "Dene Infant School",
                "beacon Academy"
            ]
        );
        // Four indicators each: not enough evidence is four less the concerns.
        assert_eq!(
            sorted(CategorisationSort::NotEnoughEvidence, Descending),
            [
                "Ashdown Primary",
                "Copse Lane School",
                "Dene Infant School",
                "beacon Academy"
            ]
        );
        assert_eq!(sorted(CategorisationSort::Register, Descending)[0], "beacon Academy");
        assert_eq!(CategorisationSort::Level.default_direction(), Descending);
        assert_eq!(CategorisationSort::School.default_direction(), Ascending);
    }

    #[test]
    fn the_list_filters_by_level_and_register_and_counts_every_school_at_its_level() {
        let rules = national();
        let results = results();
        let at_additional = CategorisationListQuery {
            level: Some("additional-support".to_owned()),
            ..CategorisationListQuery::default()
        };
        let list = categorisation_list(&rules, &results, &[], None, &at_additional);
        assert_eq!(names(&list), ["Copse Lane School", "Dene Infant School"]);
        assert_eq!(
            list.counts,
            [
                ("light-touch".to_owned(), 1),
                ("additional-support".to_owned(), 2),
                ("high-level-support".to_owned(), 1)
            ]
        );
        let register = CategorisationListQuery {
            register_only: true,
            ..CategorisationListQuery::default()
        };
        let list = categorisation_list(&rules, &results, &[], None, &register);
        assert_eq!(names(&list), ["beacon Academy"]);
        let table = list.to_table(&rules);
        assert_eq!(table.rows.len(), 1, "the download holds what the list shows");
        assert_eq!(table.rows[0][5].display(), "No run kept");
    }

    #[test]
    fn the_change_since_the_run_kept_says_up_down_new_or_unchanged_and_orders_movements_first() {
        let rules = national();
        let results = results();
        let urn = |number: u32| Urn::new(number).expect("a URN");
        let earlier: HashMap<Urn, String> = [
            (urn(100_001), "light-touch".to_owned()),
            (urn(100_002), "additional-support".to_owned()),
            (urn(100_003), "high-level-support".to_owned()),
        ]
        .into_iter()
        .collect();
        let query = CategorisationListQuery {
            sort: CategorisationSort::Change,
            ..CategorisationListQuery::default()
        };
        let list = categorisation_list(&rules, &results, &[], Some(&earlier), &query);
        let changes: Vec<(String, String)> = list
            .shown
            .iter()
            .map(|row| (row.result.name.clone(), row.change.describe(&rules)))
            .collect();
        let expected = [
            ("beacon Academy", "Up from Additional support"),
            ("Copse Lane School", "Down from High-level support"),
            ("Dene Infant School", "New"),
            ("Ashdown Primary", "No change"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(name, change)| ((*name).to_owned(), (*change).to_owned()))
            .collect();
        assert_eq!(changes, expected);
    }
}
