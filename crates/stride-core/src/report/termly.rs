//! The termly movement table of Oxfordshire's framework, section E: the schools inspected in
//! the term, each previous outcome against the new on the same framework's scale (a report card
//! is said to be under another framework, not mapped onto a grade), with their support, so that
//! support is reprioritised for those static or judged worse; and the schools whose level of
//! support changed between the categorisation runs kept before and by the end of the term.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Report, ReportEvidence, Section};
use crate::calendar::Term;
use crate::identifiers::Urn;
use crate::support::{InspectionMovement, inspected_in, inspected_table};
use crate::table::{Cell, Column, Table};

/// The levels of the latest run kept on or before a day, under the rule set of the latest run.
fn levels_by(evidence: &ReportEvidence, rule_set: &str, on: NaiveDate) -> Option<(NaiveDate, HashMap<Urn, String>)> {
    let run_day = evidence
        .kept_levels
        .iter()
        .filter(|kept| kept.rule_set == rule_set && kept.as_of <= on)
        .map(|kept| kept.as_of)
        .max()?;
    Some((
        run_day,
        evidence
            .kept_levels
            .iter()
            .filter(|kept| kept.rule_set == rule_set && kept.as_of == run_day)
            .map(|kept| (kept.urn, kept.level.clone()))
            .collect(),
    ))
}

fn level_changes(evidence: &ReportEvidence, term: &Term, as_of: NaiveDate) -> (Vec<String>, Table) {
    let end = term.dates.last().min(as_of);
    let rule_set = evidence
        .kept_levels
        .iter()
        .filter(|kept| kept.as_of <= end)
        .max_by_key(|kept| kept.as_of)
        .map(|kept| kept.rule_set.clone());
    let columns = vec![
        Column::text("School"),
        Column::text("URN"),
        Column::text("Level before"),
        Column::text("Level after"),
    ];
    let empty = |sentence: String| {
        (
            vec![sentence],
            Table {
                title: "Schools whose level of support changed".to_owned(),
                columns: columns.clone(),
                rows: Vec::new(),
            },
        )
    };
    let Some(rule_set) = rule_set else {
        return empty("No categorisation run was kept by the end of the term.".to_owned());
    };
    let before_day = term.dates.first().pred_opt().unwrap_or(term.dates.first());
    let (Some((before_run, before)), Some((after_run, after))) = (
        levels_by(evidence, &rule_set, before_day),
        levels_by(evidence, &rule_set, end),
    ) else {
        return empty(format!(
            "No run under {rule_set} was kept before the term to compare with."
        ));
    };
    let name = |urn: Urn| {
        evidence
            .schools
            .iter()
            .find(|school| school.urn == urn)
            .map_or_else(|| urn.to_string(), |school| school.name.clone())
    };
    let mut rows: Vec<(String, Urn, String, String)> = after
        .iter()
        .filter_map(|(urn, level)| {
            let was = before.get(urn)?;
            (was != level).then(|| (name(*urn), *urn, was.clone(), level.clone()))
        })
        .collect();
    rows.sort();
    let sentence = if before_run == after_run {
        format!("No categorisation run under {rule_set} was kept in the term; the latest is of {after_run}.")
    } else {
        format!(
            "Between the runs under {rule_set} kept on {before_run} and {after_run}, {} schools changed level.",
            rows.len()
        )
    };
    (
        vec![sentence],
        Table {
            title: "Schools whose level of support changed".to_owned(),
            columns,
            rows: rows
                .into_iter()
                .map(|(school, urn, was, now)| {
                    vec![
                        Cell::Text(school),
                        Cell::Text(urn.to_string()),
                        Cell::Text(was),
                        Cell::Text(now),
                    ]
                })
                .collect(),
        },
    )
}

/// The termly movement of a term, as at a day.
pub fn termly_movement(evidence: &ReportEvidence, term: &Term, as_of: NaiveDate) -> Report {
    let term_name = format!(
        "the {} {}",
        term.name.label().to_lowercase(),
        term.dates.first().format("%Y")
    );
    let inspected = inspected_in(
        evidence.schools,
        evidence.inspections,
        evidence.current_support,
        term.dates,
    );
    let count = |movement: InspectionMovement| inspected.iter().filter(|school| school.movement == movement).count();
    let sentences = vec![
        format!(
            "In {term_name}, {} schools had a full inspection published: {} improved on their previous grade, {} stayed the same, {} were judged worse and {} had their first inspection.",
            inspected.len(),
            count(InspectionMovement::Improved),
            count(InspectionMovement::Static),
            count(InspectionMovement::Declined),
            count(InspectionMovement::FirstInspection),
        ),
        format!(
            "{} were inspected under a framework whose outcomes do not compare with their previous inspection's (a report card after a four-point grade, or the 2024 framework, which gave no overall grade); they are shown, not compared.",
            count(InspectionMovement::FrameworkChanged)
        ),
        format!(
            "{} schools static or judged worse are listed first, with their current support, for it to be looked at again.",
            inspected.iter().filter(|school| school.to_reprioritise()).count()
        ),
    ];
    let (level_sentences, level_table) = level_changes(evidence, term, as_of);
    Report {
        name: "termly-movement",
        title: format!("Termly movement: {term_name}"),
        as_of,
        sections: vec![
            Section {
                sources: evidence.inspection_sources.to_vec(),
                charts: Vec::new(),
                heading: "Inspections in the term".to_owned(),
                sentences,
                tables: vec![inspected_table(&inspected, &term_name)],
            },
            Section {
                sources: Vec::new(),
                charts: Vec::new(),
                heading: "Movement between levels of support".to_owned(),
                sentences: level_sentences,
                tables: vec![level_table],
            },
        ],
    }
}
