//! Everything the clocks read for an LA's schools, as the store gives it, turned into what is
//! due, with each school's advisers named.

use chrono::NaiveDate;
use serde::Serialize;

use super::clocks::{ClockRules, Owner};
use super::due::{ClockSchool, DueItem, due_items};
use super::ladder::Powers;
use super::record::{Activity, Case};
use crate::calendar::Calendar;
use crate::establishment::Establishment;
use crate::identifiers::Urn;
use crate::inspection::Inspection;

/// An adviser assigned to a school (an account whose scope holds it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolAdviser {
    pub urn: Urn,
    pub account_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct InterventionEvidence {
    pub schools: Vec<Establishment>,
    pub inspections: Vec<Inspection>,
    pub cases: Vec<Case>,
    pub activities: Vec<Activity>,
    pub advisers: Vec<SchoolAdviser>,
    /// The support commissioned, by the id of the case it is for.
    pub support: Vec<(i64, super::record::Support)>,
    /// Each school's level in every categorisation run kept, oldest run first.
    pub kept_levels: Vec<KeptLevel>,
}

/// A school's level in a categorisation run kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptLevel {
    pub rule_set: String,
    /// The day the run judged on.
    pub as_of: NaiveDate,
    pub urn: Urn,
    pub level: String,
}

/// A school's levels in the runs kept under the rule set of the latest run, oldest first.
fn levels_of(kept: &[KeptLevel], urn: Urn) -> Vec<(NaiveDate, String)> {
    let Some(latest) = kept.last() else {
        return Vec::new();
    };
    kept.iter()
        .filter(|level| level.rule_set == latest.rule_set && level.urn == urn)
        .map(|level| (level.as_of, level.level.clone()))
        .collect()
}

/// A due item with the people whose job it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assigned {
    #[serde(flatten)]
    pub item: DueItem,
    /// The school's advisers, for an adviser's item; empty for the improvement manager's.
    pub advisers: Vec<SchoolAdviser>,
}

impl Assigned {
    /// Whose job it is, in words.
    pub fn whose(&self) -> String {
        match self.item.whose {
            Owner::Adviser if self.advisers.is_empty() => "The school's adviser (none assigned)".to_owned(),
            Owner::Adviser => self
                .advisers
                .iter()
                .map(|adviser| adviser.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Owner::ImprovementManager => Owner::ImprovementManager.label().to_owned(),
        }
    }

    /// Whether the account is one whose job it is.
    pub fn is_for(&self, account_id: i64) -> bool {
        self.advisers.iter().any(|adviser| adviser.account_id == account_id)
    }
}

/// The school's latest case: the open one if there is one.
pub fn latest_case(cases: &[Case], urn: Urn) -> Option<&Case> {
    cases
        .iter()
        .filter(|case| case.urn == urn)
        .max_by_key(|case| (case.is_open(), case.id))
}

/// Everything due on a date for the LA's schools and the LA.
pub fn what_is_due(
    rules: &ClockRules,
    evidence: &InterventionEvidence,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Vec<Assigned> {
    let mut inspections: Vec<&Inspection> = evidence
        .inspections
        .iter()
        .filter(|inspection| inspection.published_on <= as_of)
        .collect();
    inspections.sort_by_key(|inspection| std::cmp::Reverse((inspection.published_on, inspection.started_on)));
    let schools: Vec<ClockSchool<'_>> = evidence
        .schools
        .iter()
        .map(|school| ClockSchool {
            urn: school.urn,
            name: school.name.clone(),
            powers: Powers::of(&school.governance),
            inspections: inspections
                .iter()
                .copied()
                .filter(|inspection| inspection.urn == school.urn)
                .collect(),
            case: latest_case(&evidence.cases, school.urn),
            activities: evidence
                .activities
                .iter()
                .filter(|activity| activity.urn == Some(school.urn))
                .collect(),
            levels: levels_of(&evidence.kept_levels, school.urn),
        })
        .collect();
    let la_activities: Vec<&Activity> = evidence
        .activities
        .iter()
        .filter(|activity| activity.urn.is_none())
        .collect();
    due_items(rules, &schools, &la_activities, calendar, as_of)
        .into_iter()
        .map(|item| Assigned {
            advisers: match (item.whose, item.urn) {
                (Owner::Adviser, Some(urn)) => evidence
                    .advisers
                    .iter()
                    .filter(|adviser| adviser.urn == urn)
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            },
            item,
        })
        .collect()
}

/// What is due, one row each, as the command line and the downloads give it.
pub fn due_table(items: &[&Assigned], as_of: NaiveDate) -> crate::table::Table {
    use crate::table::{Cell, Column, Table};
    let date = |day: Option<NaiveDate>| Cell::Text(day.map_or_else(String::new, |day| day.to_string()));
    Table {
        title: format!("Due and overdue as at {as_of}"),
        columns: vec![
            Column::text("State"),
            Column::text("Due"),
            Column::number("Working days left"),
            Column::text("School"),
            Column::text("URN"),
            Column::text("What"),
            Column::text("Whose"),
            Column::text("Started"),
            Column::text("Last done"),
        ],
        rows: items
            .iter()
            .map(|assigned| {
                let item = &assigned.item;
                vec![
                    Cell::Text(item.state.label().to_owned()),
                    Cell::Text(item.due_on.to_string()),
                    Cell::Integer(item.working_days_left),
                    Cell::Text(item.school.clone()),
                    Cell::Text(item.urn.map_or_else(String::new, |urn| urn.to_string())),
                    Cell::Text(item.what.clone()),
                    Cell::Text(assigned.whose()),
                    Cell::Text(item.started_on.to_string()),
                    date(item.last_done.or(item.done_on)),
                ]
            })
            .collect(),
    }
}
