//! The support pages' tables, as the page shows them and the CSV and XLSX downloads hold them.

use chrono::NaiveDate;

use super::commission::OutcomeRecord;
use super::find::commissions_of;
use super::impact::{Comparison, Finding};
use super::progress::{InCategory, Inspected};
use super::provider::{Pence, Provider};
use crate::identifiers::Urn;
use crate::intervention::Support;
use crate::table::{Cell, Column, Table};

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn pounds(value: Option<Pence>) -> Cell {
    value.map_or_else(
        || Cell::Missing(String::new()),
        |pence| Cell::Number {
            value: pence.pounds(),
            decimals: 2,
        },
    )
}

fn number(value: Option<f64>, decimals: usize) -> Cell {
    value.map_or_else(
        || Cell::Missing(String::new()),
        |value| Cell::Number { value, decimals },
    )
}

fn count(value: usize) -> Cell {
    Cell::Integer(value as i64)
}

/// The directory, each provider with the schools they have supported and the outcomes.
pub fn directory_table(providers: &[&Provider], commissions: &[(Urn, Support)], on: NaiveDate) -> Table {
    Table {
        title: format!("Providers as at {on}"),
        columns: vec![
            Column::text("Provider"),
            Column::text("Kind"),
            Column::text("Organisation"),
            Column::text("Specialisms"),
            Column::text("Phases"),
            Column::text("Approval"),
            Column::text("Approval review"),
            Column::number("Day rate (£)"),
            Column::number("Schools supported"),
            Column::number("Objectives met"),
            Column::number("Partly met"),
            Column::number("Not met"),
            Column::number("Under way"),
        ],
        rows: providers
            .iter()
            .map(|provider| {
                let theirs = commissions_of(provider.id, commissions);
                let mut schools: Vec<Urn> = theirs.iter().map(|(urn, _)| *urn).collect();
                schools.sort();
                schools.dedup();
                let outcomes = OutcomeRecord::of(theirs.iter().map(|(_, support)| support.evaluation.as_ref()));
                vec![
                    text(&provider.name),
                    text(provider.kind.label()),
                    text(&provider.organisation),
                    text(provider.specialisms_in_words()),
                    text(provider.phases_in_words()),
                    text(provider.approval_on(on)),
                    Cell::Date(provider.approval_review_on),
                    pounds(Some(provider.day_rate)),
                    count(schools.len()),
                    count(outcomes.met),
                    count(outcomes.partly_met),
                    count(outcomes.not_met),
                    count(outcomes.open),
                ]
            })
            .collect(),
    }
}

/// A provider's commissions, oldest first, each with its school and evaluation.
pub fn provider_record_table(
    provider: &Provider,
    commissions: &[&(Urn, Support)],
    school_name: impl Fn(Urn) -> String,
) -> Table {
    Table {
        title: format!("Support commissioned from {}", provider.name),
        columns: vec![
            Column::text("School"),
            Column::text("URN"),
            Column::text("Commissioned"),
            Column::text("Kind"),
            Column::text("Purpose"),
            Column::number("Days allocated"),
            Column::number("Days used"),
            Column::number("Cost (£)"),
            Column::text("Who pays"),
            Column::text("Outcome"),
            Column::text("Evidence"),
            Column::text("Evaluated"),
        ],
        rows: commissions
            .iter()
            .map(|(urn, support)| {
                let evaluation = support.evaluation.as_ref();
                vec![
                    text(school_name(*urn)),
                    text(urn.to_string()),
                    Cell::Date(support.commissioned_on),
                    text(support.kind.label()),
                    text(&support.purpose),
                    number(Some(support.days_allocated), 1),
                    number(Some(support.days_used), 1),
                    pounds(support.cost),
                    text(support.funding.map_or("", |funding| funding.label())),
                    text(evaluation.map_or("Not yet evaluated", |evaluation| evaluation.outcome.label())),
                    text(evaluation.map_or("", |evaluation| evaluation.evidence.as_str())),
                    evaluation.map_or_else(
                        || Cell::Missing(String::new()),
                        |evaluation| Cell::Date(evaluation.evaluated_on),
                    ),
                ]
            })
            .collect(),
    }
}

fn finding_label(finding: Finding) -> &'static str {
    match finding {
        Finding::TooFew => "Too few schools to say",
        Finding::Better => "Better than similar schools",
        Finding::Worse => "Worse than similar schools",
        Finding::NoClearDifference => "No difference beyond chance",
    }
}

/// Each group of support against similar schools, with every count its figures rest on.
pub fn impact_table(comparisons: &[Comparison]) -> Table {
    let measure = comparisons.first().map_or("", |comparison| comparison.measure.label());
    Table {
        title: format!("Impact of support on {measure}"),
        columns: vec![
            Column::text("Support"),
            Column::text("Years commissioned"),
            Column::number("Schools supported"),
            Column::number("School-years measured"),
            Column::number("Not yet measured"),
            Column::number("Similar schools"),
            Column::number("Mean change, supported"),
            Column::number("Standard deviation, supported"),
            Column::number("Mean change, similar"),
            Column::number("Difference"),
            Column::number("95% interval from"),
            Column::number("95% interval to"),
            Column::text("Finding"),
            Column::number("Next inspection better"),
            Column::number("Next inspection the same"),
            Column::number("Next inspection worse"),
            Column::number("Not comparable across frameworks"),
            Column::number("Not inspected since"),
            Column::number("Cost (£)"),
            Column::number("Cost per school (£)"),
            Column::number("Cost per point per school (£)"),
            Column::text("In words"),
        ],
        rows: comparisons
            .iter()
            .map(|comparison| {
                let moves = comparison.supported_inspections;
                let estimate = comparison.estimate;
                vec![
                    text(comparison.group.label()),
                    text(
                        comparison
                            .years
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    count(comparison.schools_supported),
                    count(comparison.measured),
                    count(comparison.not_measured),
                    count(comparison.similar_schools),
                    number(comparison.supported_change.map(|spread| spread.mean), 2),
                    number(comparison.supported_change.map(|spread| spread.standard_deviation), 2),
                    number(comparison.similar_change.map(|spread| spread.mean), 2),
                    number(estimate.map(|estimate| estimate.difference), 2),
                    number(estimate.map(|estimate| estimate.lower), 2),
                    number(estimate.map(|estimate| estimate.upper), 2),
                    text(finding_label(comparison.finding)),
                    count(moves.improved),
                    count(moves.same),
                    count(moves.declined),
                    count(moves.not_comparable),
                    count(moves.not_inspected_since),
                    pounds(Some(comparison.cost)),
                    pounds(comparison.cost_per_school),
                    pounds(comparison.cost_per_point),
                    text(&comparison.statement),
                ]
            })
            .collect(),
    }
}

fn support_summary(support: &[&Support]) -> String {
    if support.is_empty() {
        return "None recorded".to_owned();
    }
    support
        .iter()
        .map(|support| {
            format!(
                "{} ({}, {} of {} days)",
                support.provider,
                support.kind.label(),
                support.days_used,
                support.days_allocated
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The schools in a category, those not making progress first, with their support since.
pub fn in_category_table(found: &[InCategory], on: NaiveDate) -> Table {
    Table {
        title: format!("Schools in an Ofsted category as at {on}"),
        columns: vec![
            Column::text("School"),
            Column::text("URN"),
            Column::text("Category"),
            Column::text("Placed on"),
            Column::text("Latest monitoring"),
            Column::text("Progress"),
            Column::text("Support since"),
            Column::number("Cost of support since (£)"),
        ],
        rows: found
            .iter()
            .map(|school| {
                vec![
                    text(&school.school.name),
                    text(school.school.urn.to_string()),
                    text(school.category.label()),
                    Cell::Date(school.placed_on),
                    school
                        .latest_monitoring
                        .map_or_else(|| Cell::Missing(String::new()), Cell::Date),
                    text(school.progress.label()),
                    text(support_summary(&school.support)),
                    pounds(Some(Pence(
                        school
                            .support
                            .iter()
                            .filter_map(|support| support.cost)
                            .map(|cost| cost.0)
                            .sum(),
                    ))),
                ]
            })
            .collect(),
    }
}

/// The schools inspected in a term, previous outcome against new, with their current support.
pub fn inspected_table(found: &[Inspected], term: &str) -> Table {
    Table {
        title: format!("Schools inspected in {term}"),
        columns: vec![
            Column::text("School"),
            Column::text("URN"),
            Column::text("Previous inspection"),
            Column::text("Previous outcome"),
            Column::text("Inspected"),
            Column::text("Outcome"),
            Column::text("Framework"),
            Column::text("Movement"),
            Column::text("Current support"),
        ],
        rows: found
            .iter()
            .map(|school| {
                vec![
                    text(&school.school.name),
                    text(school.school.urn.to_string()),
                    school.previous.map_or_else(
                        || Cell::Missing(String::new()),
                        |previous| Cell::Date(previous.started_on),
                    ),
                    text(school.previous.map_or("", |previous| previous.headline().label())),
                    Cell::Date(school.latest.started_on),
                    text(school.latest.headline().label()),
                    text(school.latest.framework.label()),
                    text(school.movement.label()),
                    text(support_summary(&school.support)),
                ]
            })
            .collect(),
    }
}
