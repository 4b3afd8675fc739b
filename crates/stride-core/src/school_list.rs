//! The list of all schools: one row per establishment with its latest inspection and headline
//! figures, searched, filtered and sorted the same way for the page and for the downloads.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::access::Account;
use crate::coded::coded_enum;
use crate::establishment::{EstablishmentType, Phase};
use crate::figure::{Figure, SchoolFigure};
use crate::identifiers::{LaCode, Urn};
use crate::inspection::{CategoryOfConcern, Framework, HeadlineOutcome, Inspection};
use crate::measure::{Measure, PupilGroup};
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// The figures the list shows for every school, where its phase has them.
pub const LIST_MEASURES: [Measure; 4] = [
    Measure::Ks2ReadingWritingMathsExpected,
    Measure::Ks4Attainment8,
    Measure::Ks4Progress8,
    Measure::OverallAbsence,
];

#[derive(Debug, Clone, PartialEq)]
pub struct LatestInspection {
    pub outcome: HeadlineOutcome,
    pub framework: Framework,
    pub published_on: NaiveDate,
    pub category_of_concern: Option<CategoryOfConcern>,
}

impl LatestInspection {
    pub fn of(inspection: &Inspection) -> LatestInspection {
        LatestInspection {
            outcome: inspection.headline(),
            framework: inspection.framework,
            published_on: inspection.published_on,
            category_of_concern: inspection.category_of_concern,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchoolListRow {
    pub urn: Urn,
    /// The LA the school is in: a deployment's own schools are the ones it works with, others
    /// are reference data.
    pub la: LaCode,
    pub name: String,
    pub establishment_type: EstablishmentType,
    pub phase: Phase,
    pub locality: String,
    pub pupils_on_roll: Option<u32>,
    pub latest_inspection: Option<LatestInspection>,
    /// One figure per [`LIST_MEASURES`] entry, for all pupils, in the year of [`SchoolList::years`].
    pub headline: [Option<Figure>; 4],
}

impl SchoolListRow {
    pub fn outcome(&self) -> HeadlineOutcome {
        self.latest_inspection
            .as_ref()
            .map_or(HeadlineOutcome::NotInspected, |inspection| inspection.outcome)
    }
}

coded_enum! {
    pub enum SortColumn ("column to sort by") {
        Name => ("name", "Name"),
        Urn => ("urn", "URN"),
        EstablishmentType => ("type", "Type"),
        Phase => ("phase", "Phase"),
        Locality => ("locality", "Locality"),
        PupilsOnRoll => ("roll", "Pupils on roll"),
        InspectionOutcome => ("outcome", "Latest inspection"),
        InspectionDate => ("inspected", "Inspection published"),
        Ks2 => ("ks2", "KS2 RWM expected"),
        Attainment8 => ("attainment-8", "Attainment 8"),
        Progress8 => ("progress-8", "Progress 8"),
        Absence => ("absence", "Overall absence"),
    }
}

coded_enum! {
    pub enum SortDirection ("sort direction") {
        Ascending => ("ascending", "ascending"),
        Descending => ("descending", "descending"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchoolListQuery {
    pub search: String,
    pub phase: Option<Phase>,
    pub establishment_type: Option<EstablishmentType>,
    pub locality: Option<String>,
    pub outcome: Option<HeadlineOutcome>,
    /// Every LA's schools Stride holds, not only the deployment's own.
    pub every_authority: bool,
    pub sort: SortColumn,
    pub direction: SortDirection,
}

impl Default for SchoolListQuery {
    fn default() -> Self {
        SchoolListQuery {
            search: String::new(),
            phase: None,
            establishment_type: None,
            locality: None,
            outcome: None,
            every_authority: false,
            sort: SortColumn::Name,
            direction: SortDirection::Ascending,
        }
    }
}

impl SchoolListQuery {
    fn matches(&self, row: &SchoolListRow) -> bool {
        let search = self.search.trim().to_lowercase();
        (search.is_empty() || row.name.to_lowercase().contains(&search) || row.urn.to_string().contains(&search))
            && self.phase.is_none_or(|phase| row.phase == phase)
            && self
                .establishment_type
                .is_none_or(|kind| row.establishment_type == kind)
            && self.locality.as_ref().is_none_or(|locality| &row.locality == locality)
            && self.outcome.is_none_or(|outcome| row.outcome() == outcome)
    }
}

/// Attaches to each row its latest full inspection and, for each headline measure, its
/// all-pupils figure in the latest year for which any school has a value of that measure (so a
/// measure not published this year shows last year's figures, with the year in the heading).
/// Returns those years.
pub fn attach_evidence(
    rows: &mut [SchoolListRow],
    inspections: &[Inspection],
    figures: &[SchoolFigure],
) -> [Option<AcademicYear>; 4] {
    let years = LIST_MEASURES.map(|measure| {
        figures
            .iter()
            .filter(|figure| {
                figure.measure == measure && figure.group == PupilGroup::All && figure.figure.value().is_some()
            })
            .map(|figure| figure.year)
            .max()
    });
    let mut latest: HashMap<(Urn, usize), &SchoolFigure> = HashMap::new();
    for figure in figures.iter().filter(|figure| figure.group == PupilGroup::All) {
        let Some(index) = LIST_MEASURES.iter().position(|measure| *measure == figure.measure) else {
            continue;
        };
        if years[index] != Some(figure.year) {
            continue;
        }
        let key = (figure.urn, index);
        if latest.get(&key).is_none_or(|held| held.release < figure.release) {
            latest.insert(key, figure);
        }
    }
    for row in rows.iter_mut() {
        row.latest_inspection = inspections
            .iter()
            .filter(|inspection| inspection.urn == row.urn && inspection.is_full())
            .max_by_key(|inspection| inspection.started_on)
            .map(LatestInspection::of);
        for (index, measure) in LIST_MEASURES.iter().enumerate() {
            row.headline[index] = if measure.applies_to(row.phase) {
                latest.get(&(row.urn, index)).map(|figure| figure.figure)
            } else {
                None
            };
        }
    }
    years
}

/// The schools an account may see that match a query, in its order.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolList {
    pub rows: Vec<SchoolListRow>,
    /// The schools the account may see before filtering.
    pub total: usize,
    /// For each headline measure, the academic year its figures are from.
    pub years: [Option<AcademicYear>; 4],
}

impl SchoolList {
    pub fn build(
        mut rows: Vec<SchoolListRow>,
        years: [Option<AcademicYear>; 4],
        account: &Account,
        query: &SchoolListQuery,
    ) -> SchoolList {
        rows.retain(|row| account.can_see_school(row.urn));
        let total = rows.len();
        rows.retain(|row| query.matches(row));
        rows.sort_by(|left, right| {
            let ordering = compare(left, right, query.sort, query.direction);
            ordering.then_with(|| left.name.cmp(&right.name))
        });
        SchoolList { rows, total, years }
    }

    pub fn to_table(&self) -> Table {
        let mut columns = vec![
            Column::text("Name"),
            Column::number("URN"),
            Column::text("Type"),
            Column::text("Phase"),
            Column::text("Locality"),
            Column::number("Pupils on roll"),
            Column::text("Latest inspection"),
            Column::text("Framework"),
            Column::text("Published"),
            Column::text("Category of concern"),
        ];
        columns.extend(
            LIST_MEASURES
                .iter()
                .zip(self.years)
                .map(|(measure, year)| Column::number(headline_heading(*measure, year))),
        );
        let rows = self.rows.iter().map(table_row).collect();
        Table {
            title: "Schools".to_owned(),
            columns,
            rows,
        }
    }
}

pub fn headline_heading(measure: Measure, year: Option<AcademicYear>) -> String {
    let short = match measure {
        Measure::Ks2ReadingWritingMathsExpected => "KS2 RWM expected %",
        Measure::Ks4Attainment8 => "Attainment 8",
        Measure::Ks4Progress8 => "Progress 8",
        Measure::OverallAbsence => "Overall absence %",
        other => other.label(),
    };
    match year {
        Some(year) => format!("{short} {year}"),
        None => short.to_owned(),
    }
}

fn table_row(row: &SchoolListRow) -> Vec<Cell> {
    let inspection = row.latest_inspection.as_ref();
    let mut cells = vec![
        Cell::Text(row.name.clone()),
        Cell::Integer(i64::from(row.urn.get())),
        Cell::Text(row.establishment_type.label().to_owned()),
        Cell::Text(row.phase.label().to_owned()),
        Cell::Text(row.locality.clone()),
        row.pupils_on_roll
            .map_or(Cell::Missing(String::new()), |roll| Cell::Integer(i64::from(roll))),
        Cell::Text(row.outcome().label().to_owned()),
        Cell::Text(inspection.map_or(String::new(), |inspection| inspection.framework.label().to_owned())),
        inspection.map_or(Cell::Missing(String::new()), |inspection| {
            Cell::Date(inspection.published_on)
        }),
        Cell::Text(
            inspection
                .and_then(|inspection| inspection.category_of_concern)
                .map_or(String::new(), |category| category.label().to_owned()),
        ),
    ];
    cells.extend(
        LIST_MEASURES
            .iter()
            .zip(row.headline)
            .map(|(measure, figure)| match figure {
                None => Cell::Missing(String::new()),
                Some(Figure::Missing(reason)) => Cell::Missing(reason.mark().to_owned()),
                Some(Figure::Value(value)) => Cell::Number {
                    value,
                    decimals: measure.decimals(),
                },
            }),
    );
    cells
}

fn headline_value(row: &SchoolListRow, measure: Measure) -> Option<f64> {
    let index = LIST_MEASURES.iter().position(|candidate| *candidate == measure)?;
    row.headline[index].and_then(Figure::value)
}

/// Orders two rows by a column. Rows with no value go last whichever the direction, so that
/// sorting by Progress 8 puts the secondary schools first, not 190 blank primaries.
fn compare(left: &SchoolListRow, right: &SchoolListRow, column: SortColumn, direction: SortDirection) -> Ordering {
    let directed = |ordering: Ordering| match direction {
        SortDirection::Ascending => ordering,
        SortDirection::Descending => ordering.reverse(),
    };
    let by_value = |left: Option<f64>, right: Option<f64>| match (left, right) {
        (Some(left), Some(right)) => directed(left.total_cmp(&right)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match column {
        SortColumn::Name => directed(left.name.to_lowercase().cmp(&right.name.to_lowercase())),
        SortColumn::Urn => directed(left.urn.cmp(&right.urn)),
        SortColumn::EstablishmentType => {
            directed(left.establishment_type.label().cmp(right.establishment_type.label()))
        }
        SortColumn::Phase => directed(left.phase.cmp(&right.phase)),
        SortColumn::Locality => directed(left.locality.cmp(&right.locality)),
        SortColumn::PupilsOnRoll => by_value(left.pupils_on_roll.map(f64::from), right.pupils_on_roll.map(f64::from)),
        SortColumn::InspectionOutcome => directed(left.outcome().cmp(&right.outcome())),
        SortColumn::InspectionDate => {
            let date = |row: &SchoolListRow| row.latest_inspection.as_ref().map(|inspection| inspection.published_on);
            match (date(left), date(right)) {
                (Some(left), Some(right)) => directed(left.cmp(&right)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        SortColumn::Ks2 => by_value(
            headline_value(left, Measure::Ks2ReadingWritingMathsExpected),
            headline_value(right, Measure::Ks2ReadingWritingMathsExpected),
        ),
        SortColumn::Attainment8 => by_value(
            headline_value(left, Measure::Ks4Attainment8),
            headline_value(right, Measure::Ks4Attainment8),
        ),
        SortColumn::Progress8 => by_value(
            headline_value(left, Measure::Ks4Progress8),
            headline_value(right, Measure::Ks4Progress8),
        ),
        SortColumn::Absence => by_value(
            headline_value(left, Measure::OverallAbsence),
            headline_value(right, Measure::OverallAbsence),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Role, SchoolScope};

    fn row(urn: u32, name: &str, phase: Phase, progress_8: Option<f64>) -> SchoolListRow {
        SchoolListRow {
            urn: Urn::new(urn).expect("valid urn"),
            la: LaCode::new(850).expect("valid code"),
            name: name.to_owned(),
            establishment_type: EstablishmentType::Community,
            phase,
            locality: if urn.is_multiple_of(2) {
                "North".into()
            } else {
                "South".into()
            },
            pupils_on_roll: Some(urn - 100_000),
            latest_inspection: None,
            headline: [None, None, progress_8.map(Figure::Value), None],
        }
    }

    fn everyone() -> Account {
        Account {
            id: 1,
            username: "manager".into(),
            display_name: "Manager".into(),
            role: Role::ImprovementManager,
            scope: SchoolScope::AllSchools,
            second_factor: false,
        }
    }

    fn rows() -> Vec<SchoolListRow> {
        vec![
            row(100_001, "Ash Primary", Phase::Primary, None),
            row(100_002, "Beech Academy", Phase::Secondary, Some(-0.4)),
            row(100_003, "Cedar School", Phase::Secondary, Some(0.6)),
            row(100_004, "Damson Infants", Phase::Primary, None),
        ]
    }

    fn names(list: &SchoolList) -> Vec<&str> {
        list.rows.iter().map(|row| row.name.as_str()).collect()
    }

    #[test]
    fn filters_combine() {
        let query = SchoolListQuery {
            phase: Some(Phase::Secondary),
            locality: Some("North".into()),
            ..SchoolListQuery::default()
        };
        let list = SchoolList::build(rows(), [None; 4], &everyone(), &query);
        assert_eq!(names(&list), vec!["Beech Academy"]);
        assert_eq!(list.total, 4);
    }

    #[test]
    fn search_matches_name_or_urn_ignoring_case() {
        let query = SchoolListQuery {
            search: "CEDAR".into(),
            ..SchoolListQuery::default()
        };
        assert_eq!(
            names(&SchoolList::build(rows(), [None; 4], &everyone(), &query)),
            vec!["Cedar School"]
        );
        let query = SchoolListQuery {
            search: "100004".into(),
            ..SchoolListQuery::default()
        };
        assert_eq!(
            names(&SchoolList::build(rows(), [None; 4], &everyone(), &query)),
            vec!["Damson Infants"]
        );
    }

    #[test]
    fn schools_without_the_figure_sort_last_in_either_direction() {
        for (direction, expected) in [
            (SortDirection::Descending, ["Cedar School", "Beech Academy"]),
            (SortDirection::Ascending, ["Beech Academy", "Cedar School"]),
        ] {
            let query = SchoolListQuery {
                sort: SortColumn::Progress8,
                direction,
                ..SchoolListQuery::default()
            };
            let list = SchoolList::build(rows(), [None; 4], &everyone(), &query);
            assert_eq!(&names(&list)[..2], &expected);
        }
    }

    #[test]
    fn an_adviser_lists_only_their_schools() {
        let adviser = Account {
            role: Role::Adviser,
            scope: SchoolScope::Assigned(vec![Urn::new(100_003).expect("valid urn")]),
            ..everyone()
        };
        let list = SchoolList::build(rows(), [None; 4], &adviser, &SchoolListQuery::default());
        assert_eq!(names(&list), vec!["Cedar School"]);
        assert_eq!(list.total, 1);
    }

    #[test]
    fn the_table_has_a_cell_for_every_column() {
        let list = SchoolList::build(rows(), [None; 4], &everyone(), &SchoolListQuery::default());
        let table = list.to_table();
        assert!(table.rows.iter().all(|row| row.len() == table.columns.len()));
        assert_eq!(table.rows.len(), 4);
    }
}
