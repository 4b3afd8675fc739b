//! The performance tables' key stage 4 destination measures: where each school's leavers went
//! (education, employment, apprenticeships; sustained or not), for all pupils and by
//! disadvantage. Every column is held as a statistic as published, for the school, its LA and
//! England; the share in a sustained destination is also Stride's measure, by pupil group.

use std::sync::Arc;

use stride_core::import::{Figures, StatisticsFigure, StatisticsSet, StatisticsSubject};
use stride_core::{
    AcademicYear, Area, AreaFigure, Figure, LaCode, Measure, MissingReason, PhaseGroup, PupilGroup, Release,
    SchoolFigure, Urn,
};

use crate::IngestError;
use crate::performance::Edition;
use crate::table::{Errors, Table};

/// The data set the destinations are held under.
pub const DATA_SET: &str = "ks4-destinations";

const PLACING: &[&str] = &["RECTYPE", "LEA", "ESTAB", "URN", "ICLOSE", "SCHNAME", "NFTYPE"];

/// The columns of the sustained destination measure, by pupil group, with their cohorts.
const SUSTAINED: [(&str, &str, PupilGroup); 3] = [
    ("OVERALL_DESTPER", "COHORT", PupilGroup::All),
    ("OVERALL_DESTPER_DIS", "COHORT_DIS", PupilGroup::Disadvantaged),
    ("OVERALL_DESTPER_NONDIS", "COHORT_NONDIS", PupilGroup::NotDisadvantaged),
];

/// A column of an earlier year's tables (`COHORT_18`): held from that year's own file.
fn is_prior_year(column: &str) -> bool {
    let bytes = column.as_bytes();
    bytes.len() > 3 && bytes[bytes.len() - 3] == b'_' && bytes[bytes.len() - 2..].iter().all(u8::is_ascii_digit)
}

/// A percentage as published, "94%", or a count.
fn figure(value: &str) -> Option<Figure> {
    value
        .strip_suffix('%')
        .unwrap_or(value)
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
        .map(Figure::Value)
        .or_else(|| MissingReason::from_published(value).map(Figure::Missing))
}

/// The destinations in the tables of `edition`'s year are of the year before: the year after
/// the pupils left key stage 4.
pub fn destinations(table: &Table, edition: Edition) -> Result<StatisticsSet, IngestError> {
    let year = edition.year.previous();
    let (record_type, la_column, urn_column) = (table.column("RECTYPE")?, table.column("LEA")?, table.column("URN")?);
    let indicators: Vec<_> = table
        .headers()
        .iter()
        .filter(|name| !PLACING.contains(&name.as_str()) && !is_prior_year(name))
        .map(|name| table.column(name))
        .collect::<Result<_, _>>()?;
    let time_period: Arc<str> = Arc::from(format!("{}{:02}", year.start_year(), (year.start_year() + 1) % 100));
    let (time_identifier, filters): (Arc<str>, Arc<str>) = (Arc::from("Academic year"), Arc::from(""));
    let expected = format!(
        "a number or percentage, or a code for a missing value ({})",
        MissingReason::PUBLISHED_CODES
    );
    let mut errors = Errors::new(table);
    let mut figures = Vec::with_capacity(table.len() * indicators.len());
    let mut measures = Figures::default();
    let sustained: Vec<_> = SUSTAINED
        .iter()
        .filter_map(|(value, cohort, group)| {
            Some((table.optional_column(value)?, table.optional_column(cohort), *group))
        })
        .collect();
    for row in table.rows() {
        let subject = match row.get(record_type) {
            "1" | "2" => errors.required(&row, urn_column, "a URN", |value| {
                value.parse::<Urn>().ok().map(StatisticsSubject::School)
            }),
            "LA" | "4" => errors.required(&row, la_column, "a three-digit LA code", |value| {
                value
                    .parse::<u16>()
                    .ok()
                    .and_then(|code| LaCode::new(code).ok())
                    .map(|la| StatisticsSubject::Area(Area::LocalAuthority(la)))
            }),
            "NAT" | "5" | "7" => Some(StatisticsSubject::Area(Area::England)),
            _ => {
                errors.push(
                    &row,
                    record_type,
                    "a record type: 1 or 2 (a school), LA, or NAT (England)",
                );
                None
            }
        };
        if let Some(subject) = &subject {
            for (value_column, cohort_column, group) in &sustained {
                let Some(figure) = errors.required(&row, *value_column, &expected, |text| {
                    figure(text).and_then(|figure| figure.within_range_of(Measure::Ks4SustainedDestination))
                }) else {
                    continue;
                };
                let cohort = cohort_column.and_then(|column| row.get(column).parse::<u32>().ok());
                let measured = Measured {
                    year,
                    group: *group,
                    figure,
                    cohort,
                    source: table.file(),
                    release: edition.release,
                };
                measured.push_to(subject, &mut measures);
            }
        }
        for column in &indicators {
            if !row.has(*column) {
                errors.push(&row, *column, "a value: the row ends before this column");
                break;
            }
            let value = errors.required(&row, *column, &expected, figure);
            if let (Some(subject), Some(figure)) = (&subject, value) {
                figures.push(StatisticsFigure {
                    subject: subject.clone(),
                    time_period: time_period.clone(),
                    time_identifier: time_identifier.clone(),
                    year: Some(year),
                    filters: filters.clone(),
                    indicator: Arc::from(column.name),
                    release: edition.release,
                    figure,
                });
            }
        }
    }
    errors.finish(StatisticsSet {
        data_set: DATA_SET.to_owned(),
        figures,
        measures,
    })
}

/// One sustained destination figure, for whichever subject its row is of.
struct Measured<'a> {
    year: AcademicYear,
    group: PupilGroup,
    figure: Figure,
    cohort: Option<u32>,
    source: &'a str,
    release: Release,
}

impl Measured<'_> {
    fn push_to(self, subject: &StatisticsSubject, measures: &mut Figures) {
        let measure = Measure::Ks4SustainedDestination;
        match subject {
            StatisticsSubject::School(urn) => measures.schools.push(SchoolFigure {
                urn: *urn,
                measure,
                year: self.year,
                group: self.group,
                figure: self.figure,
                cohort: self.cohort,
                source: self.source.to_owned(),
                release: self.release,
            }),
            StatisticsSubject::Area(area) => measures.areas.push(AreaFigure {
                area: area.clone(),
                phase_group: PhaseGroup::AllSchools,
                measure,
                year: self.year,
                group: self.group,
                figure: self.figure,
                cohort: self.cohort,
                source: self.source.to_owned(),
                release: self.release,
            }),
            StatisticsSubject::SchoolByNumber(_) => {}
        }
    }
}
