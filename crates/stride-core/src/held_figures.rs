//! Every figure Stride holds, one per row, with where it came from: how a data manager feeds
//! Excel or Power BI, and how a test reads back what an import wrote.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::establishment::PhaseGroup;
use crate::figure::{Area, Figure, Release};
use crate::identifiers::Urn;
use crate::measure::{Measure, PupilGroup};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// Whom a figure is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FigureSubject {
    School(Urn),
    Area(Area, PhaseGroup),
}

impl FigureSubject {
    pub fn kind_code(&self) -> &'static str {
        match self {
            FigureSubject::School(_) => "school",
            FigureSubject::Area(area, _) => area.kind_code(),
        }
    }

    pub fn code(&self) -> String {
        match self {
            FigureSubject::School(urn) => urn.to_string(),
            FigureSubject::Area(area, _) => area.code(),
        }
    }

    pub fn phase_group(&self) -> PhaseGroup {
        match self {
            FigureSubject::School(_) => PhaseGroup::AllSchools,
            FigureSubject::Area(_, phase_group) => *phase_group,
        }
    }
}

/// The file a figure came from, where it was imported rather than generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFileRecord {
    pub file_name: String,
    pub sha256: String,
    pub publisher: String,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeldFigure {
    pub subject: FigureSubject,
    pub year: AcademicYear,
    pub measure: Measure,
    pub group: PupilGroup,
    pub figure: Figure,
    pub cohort: Option<u32>,
    pub release: Release,
    /// The source as written beside the figure (a file's name, or the generator).
    pub source: String,
    pub file: Option<SourceFileRecord>,
    /// For a value a later file of the same release replaced: that file's name.
    pub superseded_by: Option<String>,
}

/// A held figure as one JSON object, flat, as a downstream tool wants it.
#[derive(Debug, Serialize)]
pub struct HeldFigureRecord<'a> {
    pub subject: &'static str,
    pub code: String,
    pub phase_group: &'static str,
    pub academic_year: String,
    pub measure: &'static str,
    pub pupil_group: &'static str,
    pub value: Option<f64>,
    pub missing_reason: Option<&'static str>,
    pub cohort: Option<u32>,
    pub release: &'static str,
    pub source: &'a str,
    pub file: Option<&'a SourceFileRecord>,
    pub superseded_by: Option<&'a str>,
}

impl HeldFigure {
    pub fn record(&self) -> HeldFigureRecord<'_> {
        let (value, missing_reason) = match self.figure {
            Figure::Value(value) => (Some(value), None),
            Figure::Missing(reason) => (None, Some(reason.code())),
        };
        HeldFigureRecord {
            subject: self.subject.kind_code(),
            code: self.subject.code(),
            phase_group: self.subject.phase_group().code(),
            academic_year: self.year.to_string(),
            measure: self.measure.code(),
            pupil_group: self.group.code(),
            value,
            missing_reason,
            cohort: self.cohort,
            release: self.release.code(),
            source: &self.source,
            file: self.file.as_ref(),
            superseded_by: self.superseded_by.as_deref(),
        }
    }
}

/// The decimals a value needs to be written exactly as held, at least as many as its measure
/// shows: an export must give back the published figure, not a rounding of it.
fn decimals_needed(measure: Measure, value: f64) -> usize {
    let written = format!("{value}");
    let given = written.split_once('.').map_or(0, |(_, decimals)| decimals.len());
    given.max(measure.decimals())
}

pub fn held_figures_table(figures: &[HeldFigure]) -> Table {
    let columns = vec![
        Column::text("Subject"),
        Column::text("Code"),
        Column::text("Phase group"),
        Column::text("Academic year"),
        Column::text("Measure"),
        Column::text("Pupil group"),
        Column::number("Value"),
        Column::text("Missing reason"),
        Column::number("Cohort"),
        Column::text("Release"),
        Column::text("Source"),
        Column::text("Source file SHA-256"),
        Column::text("Imported at"),
        Column::text("Superseded by"),
    ];
    let rows = figures
        .iter()
        .map(|held| {
            let record = held.record();
            let text = |value: &str| Cell::Text(value.to_owned());
            vec![
                text(record.subject),
                Cell::Text(record.code.clone()),
                text(record.phase_group),
                Cell::Text(record.academic_year.clone()),
                text(record.measure),
                text(record.pupil_group),
                match held.figure {
                    Figure::Value(value) => Cell::Number {
                        value,
                        decimals: decimals_needed(held.measure, value),
                    },
                    Figure::Missing(reason) => Cell::Missing(reason.mark().to_owned()),
                },
                text(record.missing_reason.unwrap_or("")),
                held.cohort
                    .map_or(Cell::Missing(String::new()), |cohort| Cell::Integer(i64::from(cohort))),
                text(record.release),
                held.file
                    .as_ref()
                    .map_or_else(|| text(&held.source), |file| text(&file.file_name)),
                text(held.file.as_ref().map_or("", |file| file.sha256.as_str())),
                Cell::Text(held.file.as_ref().map_or(String::new(), |file| {
                    file.imported_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                })),
                text(held.superseded_by.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    Table {
        title: "Figures held".to_owned(),
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_written_with_every_decimal_it_has() {
        assert_eq!(decimals_needed(Measure::Ks4Attainment8, 48.5), 1);
        assert_eq!(decimals_needed(Measure::Ks4Attainment8, 48.55), 2);
        assert_eq!(decimals_needed(Measure::Ks4Progress8, 0.1), 2);
        assert_eq!(decimals_needed(Measure::PupilsOnRoll, 412.0), 0);
    }
}
