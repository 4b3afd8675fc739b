//! The school performance tables' downloads: key stage 2 and key stage 4 results, the school
//! census and absence. Each row is a school, an LA or England (its record type says which); each
//! column Stride knows is a measure for a pupil group, with the column that counts its pupils.

use std::collections::HashMap;

use stride_core::import::Figures;
use stride_core::{AcademicYear, Area, AreaFigure, Figure, LaCode, Measure, MissingReason, PhaseGroup, PupilGroup};
use stride_core::{Release, SchoolFigure, Urn};

use crate::IngestError;
use crate::table::{Column, Errors, Row, Table};

/// A published column read as figures of one measure for one pupil group, with the column that
/// counts the pupils the figure is about where the file has one.
#[derive(Debug, Clone, Copy)]
pub struct FigureColumn {
    pub column: &'static str,
    pub measure: Measure,
    pub group: PupilGroup,
    pub cohort: Option<&'static str>,
}

const fn figure(
    column: &'static str,
    measure: Measure,
    group: PupilGroup,
    cohort: Option<&'static str>,
) -> FigureColumn {
    FigureColumn {
        column,
        measure,
        group,
        cohort,
    }
}

use Measure::*;
use PupilGroup::{All, Boys, Disadvantaged, EhcPlan, EnglishAdditionalLanguage, Girls, NotDisadvantaged, SenSupport};

/// Key stage 4, as the column dictionary (`ks4_final_meta`) describes each column. The
/// provisional release has only the headline columns, so every other column is optional.
pub const KS4_COLUMNS: &[FigureColumn] = &[
    figure("ATT8SCR", Ks4Attainment8, All, Some("TPUP")),
    figure("P8MEA", Ks4Progress8, All, Some("P8PUP")),
    figure("PTL2BASICS_94", Ks4EnglishMathsGrade4, All, Some("TPUP")),
    figure("ATT8SCR_FSM6CLA1A", Ks4Attainment8, Disadvantaged, Some("TFSM6CLA1A")),
    figure(
        "ATT8SCR_NFSM6CLA1A",
        Ks4Attainment8,
        NotDisadvantaged,
        Some("TNOTFSM6CLA1A"),
    ),
    figure("ATT8SCR_BOYS", Ks4Attainment8, Boys, None),
    figure("ATT8SCR_GIRLS", Ks4Attainment8, Girls, None),
    figure(
        "ATT8SCR_EAL",
        Ks4Attainment8,
        EnglishAdditionalLanguage,
        Some("TEALGRP2"),
    ),
    figure("P8MEA_FSM6CLA1A", Ks4Progress8, Disadvantaged, Some("P8PUP_FSM6CLA1A")),
    figure(
        "P8MEA_NFSM6CLA1A",
        Ks4Progress8,
        NotDisadvantaged,
        Some("P8PUP_NFSM6CLA1A"),
    ),
    figure("P8MEA_BOYS", Ks4Progress8, Boys, Some("P8PUP_BOYS")),
    figure("P8MEA_GIRLS", Ks4Progress8, Girls, Some("P8PUP_GIRLS")),
    figure("P8MEA_EAL", Ks4Progress8, EnglishAdditionalLanguage, Some("P8PUP_EAL")),
    figure(
        "PTFSM6CLA1ABASICS_94",
        Ks4EnglishMathsGrade4,
        Disadvantaged,
        Some("TFSM6CLA1A"),
    ),
    figure(
        "PTNOTFSM6CLA1ABASICS_94",
        Ks4EnglishMathsGrade4,
        NotDisadvantaged,
        Some("TNOTFSM6CLA1A"),
    ),
];

/// Key stage 2, as `ks2_meta` describes each column. Progress cohorts are not published.
pub const KS2_COLUMNS: &[FigureColumn] = &[
    figure("PTRWM_EXP", Ks2ReadingWritingMathsExpected, All, Some("TELIG")),
    figure("READPROG", Ks2ReadingProgress, All, None),
    figure("WRITPROG", Ks2WritingProgress, All, None),
    figure("MATPROG", Ks2MathsProgress, All, None),
    figure("PTRWM_EXP_B", Ks2ReadingWritingMathsExpected, Boys, None),
    figure("PTRWM_EXP_G", Ks2ReadingWritingMathsExpected, Girls, None),
    figure(
        "PTRWM_EXP_FSM6CLA1A",
        Ks2ReadingWritingMathsExpected,
        Disadvantaged,
        Some("TFSM6CLA1A"),
    ),
    figure(
        "PTRWM_EXP_NotFSM6CLA1A",
        Ks2ReadingWritingMathsExpected,
        NotDisadvantaged,
        Some("TNotFSM6CLA1A"),
    ),
    figure(
        "PTRWM_EXP_EAL",
        Ks2ReadingWritingMathsExpected,
        EnglishAdditionalLanguage,
        Some("TEALGRP2"),
    ),
    figure("READPROG_B", Ks2ReadingProgress, Boys, None),
    figure("READPROG_G", Ks2ReadingProgress, Girls, None),
    figure("READPROG_FSM6CLA1A", Ks2ReadingProgress, Disadvantaged, None),
    figure("READPROG_NotFSM6CLA1A", Ks2ReadingProgress, NotDisadvantaged, None),
    figure("READPROG_EAL", Ks2ReadingProgress, EnglishAdditionalLanguage, None),
    figure("WRITPROG_B", Ks2WritingProgress, Boys, None),
    figure("WRITPROG_G", Ks2WritingProgress, Girls, None),
    figure("WRITPROG_FSM6CLA1A", Ks2WritingProgress, Disadvantaged, None),
    figure("WRITPROG_NotFSM6CLA1A", Ks2WritingProgress, NotDisadvantaged, None),
    figure("WRITPROG_EAL", Ks2WritingProgress, EnglishAdditionalLanguage, None),
    figure("MATPROG_B", Ks2MathsProgress, Boys, None),
    figure("MATPROG_G", Ks2MathsProgress, Girls, None),
    figure("MATPROG_FSM6CLA1A", Ks2MathsProgress, Disadvantaged, None),
    figure("MATPROG_NotFSM6CLA1A", Ks2MathsProgress, NotDisadvantaged, None),
    figure("MATPROG_EAL", Ks2MathsProgress, EnglishAdditionalLanguage, None),
];

/// The roll and the pupils of each group on it. The census's disadvantaged count is of pupils
/// eligible for free school meals at any time in the last six years, as the performance tables'
/// disadvantaged groups are (less the looked-after children, whom the census does not count).
pub const CENSUS_COLUMNS: &[FigureColumn] = &[
    figure("NOR", PupilsOnRoll, All, None),
    figure("NORB", PupilsOnRoll, Boys, None),
    figure("NORG", PupilsOnRoll, Girls, None),
    figure("NUMFSMEVER", PupilsOnRoll, Disadvantaged, None),
    figure("TSENELK", PupilsOnRoll, SenSupport, None),
    figure("TSENELSE", PupilsOnRoll, EhcPlan, None),
    figure("NUMEAL", PupilsOnRoll, EnglishAdditionalLanguage, None),
];

pub const ABSENCE_COLUMNS: &[FigureColumn] = &[
    figure("PERCTOT", OverallAbsence, All, None),
    figure("PPERSABS10", PersistentAbsence, All, None),
];

/// What a row is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    School(Urn),
    Area(Area, PhaseGroup),
}

/// How a results file numbers its record types: key stage 2 and key stage 4 differ.
struct RecordTypes {
    schools: &'static [&'static str],
    local_authority: &'static str,
    england_all_schools: &'static str,
    england: &'static str,
    expected: &'static str,
}

const KS2_RECORD_TYPES: RecordTypes = RecordTypes {
    schools: &["1", "2"],
    local_authority: "3",
    england_all_schools: "4",
    england: "5",
    expected: "a record type: 1 or 2 (a school), 3 (an LA), 4 or 5 (England)",
};

const KS4_RECORD_TYPES: RecordTypes = RecordTypes {
    schools: &["1", "2"],
    local_authority: "4",
    england_all_schools: "5",
    england: "7",
    expected: "a record type: 1 or 2 (a school), 4 (an LA), 5 or 7 (England)",
};

/// The year and release every figure of one file is for.
#[derive(Debug, Clone, Copy)]
pub struct Edition {
    pub year: AcademicYear,
    pub release: Release,
}

/// The headline columns every release of a download has; the rest are optional.
pub struct Layout {
    pub columns: &'static [FigureColumn],
    pub required: usize,
}

pub const KS2: Layout = Layout {
    columns: KS2_COLUMNS,
    required: 4,
};
pub const KS4: Layout = Layout {
    columns: KS4_COLUMNS,
    required: 3,
};
pub const CENSUS: Layout = Layout {
    columns: CENSUS_COLUMNS,
    required: 1,
};
pub const ABSENCE: Layout = Layout {
    columns: ABSENCE_COLUMNS,
    required: 2,
};

pub fn ks2(table: &Table, edition: Edition) -> Result<Figures, IngestError> {
    results(table, edition, &KS2, &KS2_RECORD_TYPES)
}

pub fn ks4(table: &Table, edition: Edition) -> Result<Figures, IngestError> {
    results(table, edition, &KS4, &KS4_RECORD_TYPES)
}

fn results(
    table: &Table,
    edition: Edition,
    layout: &Layout,
    record_types: &RecordTypes,
) -> Result<Figures, IngestError> {
    let (record_type, la_column, urn_column) = (table.column("RECTYPE")?, table.column("LEA")?, table.column("URN")?);
    read_figures(table, edition, layout, |row, errors| {
        let kind = row.get(record_type);
        if record_types.schools.contains(&kind) {
            errors
                .required(row, urn_column, "a URN: a whole number of up to six digits", parse_urn)
                .map(Subject::School)
        } else if kind == record_types.local_authority {
            errors
                .required(row, la_column, "an LA code: three digits", parse_la)
                .map(|la| Subject::Area(Area::LocalAuthority(la), PhaseGroup::AllSchools))
        } else if kind == record_types.england_all_schools {
            Some(Subject::Area(Area::EnglandAllSchools, PhaseGroup::AllSchools))
        } else if kind == record_types.england {
            Some(Subject::Area(Area::England, PhaseGroup::AllSchools))
        } else {
            errors.push(row, record_type, record_types.expected);
            None
        }
    })
}

/// The census: one row per school, and national rows marked `NAT` with the phase (`PRI`, `SEC`,
/// `SPE`) where the establishment number would be.
pub fn census(table: &Table, edition: Edition) -> Result<Figures, IngestError> {
    national_or_school(table, edition, &CENSUS)
}

/// Absence. The performance tables of one year carry the absence of the year before, so the
/// figures are filed under that year.
pub fn absence(table: &Table, edition: Edition) -> Result<Figures, IngestError> {
    let edition = Edition {
        year: edition.year.previous(),
        ..edition
    };
    national_or_school(table, edition, &ABSENCE)
}

fn national_or_school(table: &Table, edition: Edition, layout: &Layout) -> Result<Figures, IngestError> {
    let (urn_column, la_column, number_column) = (table.column("URN")?, table.column("LA")?, table.column("ESTAB")?);
    read_figures(table, edition, layout, |row, errors| {
        if row.get(urn_column) == "NAT" || row.get(la_column) == "NAT" {
            let phase_group = match row.get(number_column) {
                "PRI" => Some(PhaseGroup::Primary),
                "SEC" => Some(PhaseGroup::Secondary),
                "SPE" => Some(PhaseGroup::Special),
                _ => None,
            };
            if phase_group.is_none() {
                errors.push(row, number_column, "PRI, SEC or SPE on a national (NAT) row");
            }
            phase_group.map(|phase_group| Subject::Area(Area::England, phase_group))
        } else {
            errors
                .required(row, urn_column, "a URN: a whole number of up to six digits", parse_urn)
                .map(Subject::School)
        }
    })
}

fn parse_urn(value: &str) -> Option<Urn> {
    value.parse().ok()
}

fn parse_la(value: &str) -> Option<LaCode> {
    value.parse().ok().and_then(|code| LaCode::new(code).ok())
}

/// The columns of the layout this file has; the headline columns must be there.
fn present_columns(layout: &Layout, table: &Table) -> Result<Vec<PresentColumn>, IngestError> {
    let mut present = Vec::new();
    for (index, wanted) in layout.columns.iter().enumerate() {
        let column = if index < layout.required {
            Some(table.column(wanted.column)?)
        } else {
            table.optional_column(wanted.column)
        };
        if let Some(column) = column {
            let cohort = wanted.cohort.and_then(|name| table.optional_column(name));
            present.push((wanted, column, cohort));
        }
    }
    Ok(present)
}

const CUT_SHORT: &str =
    "a value: the row ends before this column though it carries the figures before it, as if cut short";

type PresentColumn = (&'static FigureColumn, Column<'static>, Option<Column<'static>>);

fn read_figures(
    table: &Table,
    edition: Edition,
    layout: &Layout,
    mut subject_of: impl FnMut(&Row<'_>, &mut Errors) -> Option<Subject>,
) -> Result<Figures, IngestError> {
    let present = present_columns(layout, table)?;
    let mut errors = Errors::new(table);
    let mut figures = Figures::default();
    let mut first_row_of: HashMap<Subject, u64> = HashMap::new();
    for row in table.rows() {
        let Some(subject) = subject_of(&row, &mut errors) else {
            continue;
        };
        if let Some(first) = first_row_of.insert(subject.clone(), row.line) {
            errors.push_row(&row, format!("repeats the school or area of row {first}"));
            continue;
        }
        // The DfE publishes some rows short: a school with no results ends after its address.
        // A row that carries some of the figures and stops before the rest was cut short.
        let reached = present.iter().filter(|(_, column, _)| row.has(*column)).count();
        if reached > 0 && reached < present.len() {
            if let Some((_, column, _)) = present.iter().find(|(_, column, _)| !row.has(*column)) {
                errors.push(&row, *column, CUT_SHORT);
            }
            continue;
        }
        for (wanted, column, cohort_column) in &present {
            let value = errors.required(&row, *column, &expected_value(wanted.measure), |text| {
                published_figure(wanted.measure, text)
            });
            let cohort = cohort_column.and_then(|column| {
                errors
                    .required(
                        &row,
                        column,
                        "a number of pupils, or a code for a missing value",
                        published_count,
                    )
                    .flatten()
            });
            let Some(figure) = value else { continue };
            push_figure(&mut figures, &subject, wanted, figure, cohort, edition, table.file());
        }
    }
    errors.finish(figures)
}

fn push_figure(
    figures: &mut Figures,
    subject: &Subject,
    wanted: &FigureColumn,
    figure: Figure,
    cohort: Option<u32>,
    edition: Edition,
    file: &str,
) {
    match subject {
        Subject::School(urn) => figures.schools.push(SchoolFigure {
            urn: *urn,
            measure: wanted.measure,
            year: edition.year,
            group: wanted.group,
            figure,
            cohort,
            source: file.to_owned(),
            release: edition.release,
        }),
        Subject::Area(area, phase_group) => figures.areas.push(AreaFigure {
            area: area.clone(),
            phase_group: *phase_group,
            measure: wanted.measure,
            year: edition.year,
            group: wanted.group,
            figure,
            cohort,
            source: file.to_owned(),
            release: edition.release,
        }),
    }
}

pub(crate) fn expected_value(measure: Measure) -> String {
    let range = measure.valid_range();
    format!(
        "a figure from {} to {} ({}), or one of the codes for a missing value: {}",
        range.start(),
        range.end(),
        measure.unit_label(),
        MissingReason::PUBLISHED_CODES
    )
}

/// A value as published: a number, a percentage written with its sign, or a code saying why
/// there is none.
pub fn published_figure(measure: Measure, text: &str) -> Option<Figure> {
    if let Some(reason) = MissingReason::from_published(text) {
        return Some(Figure::Missing(reason));
    }
    let number = text.trim().strip_suffix('%').unwrap_or(text.trim());
    let value: f64 = number.parse().ok()?;
    Figure::checked(measure, value).ok()
}

/// A count of pupils, or `None` inside where the file gives a code instead.
fn published_count(text: &str) -> Option<Option<u32>> {
    if MissingReason::from_published(text).is_some() {
        return Some(None);
    }
    text.trim().parse::<u32>().ok().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_text("ks4.csv", text)
    }

    fn edition() -> Edition {
        Edition {
            year: AcademicYear::starting(2018),
            release: Release::Final,
        }
    }

    const KS4: &str = "RECTYPE,LEA,ESTAB,URN,TPUP,ATT8SCR,P8PUP,P8MEA,PTL2BASICS_94\n";

    #[test]
    fn school_la_and_england_rows_become_school_and_area_figures() {
        let figures = ks4(
            &table(&format!(
                "{KS4}1,936,4000,125000,180,48.5,170,0.12,67.4%\n4,936,,,8002,46.8,7638,0.06,65.9%\n7,,,,542831,46.5,513055,-0.03,64.4%\n"
            )),
            edition(),
        )
        .expect("reads");
        assert_eq!(figures.schools.len(), 3);
        let attainment = &figures.schools[0];
        assert_eq!(
            (attainment.urn.get(), attainment.figure, attainment.cohort),
            (125_000, Figure::Value(48.5), Some(180))
        );
        assert_eq!(figures.schools[2].figure, Figure::Value(67.4));
        let la = &figures.areas[0];
        assert_eq!(la.area, Area::LocalAuthority(LaCode::new(936).expect("valid")));
        assert_eq!(figures.areas[3].area, Area::England);
        assert_eq!(figures.areas[3].figure, Figure::Value(46.5));
    }

    #[test]
    fn codes_become_reasons_never_zero() {
        let figures = ks4(
            &table(&format!("{KS4}1,936,4000,125000,SUPP,NE,,LOWCOV,NA\n")),
            edition(),
        )
        .expect("reads");
        let reasons: Vec<Figure> = figures.schools.iter().map(|figure| figure.figure).collect();
        assert_eq!(
            reasons,
            vec![
                Figure::Missing(MissingReason::NoPupils),
                Figure::Missing(MissingReason::LowCoverage),
                Figure::Missing(MissingReason::NotApplicable),
            ]
        );
        assert!(figures.schools.iter().all(|figure| figure.cohort.is_none()));
    }

    #[test]
    fn a_bad_value_a_bad_record_type_and_a_repeated_school_are_each_located() {
        let error = ks4(
            &table(&format!(
                "{KS4}1,936,4000,125000,180,48.5,170,0.12,67.4%\n9,936,,,1,1,1,1,1\n1,936,4000,125000,180,4a8,170,9.5,67.4%\n"
            )),
            edition(),
        )
        .expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("row 3, column RECTYPE: '9' is not a record type"),
            "{message}"
        );
        assert!(
            message.contains("row 4: repeats the school or area of row 2"),
            "{message}"
        );
        let error = ks4(
            &table(&format!("{KS4}1,936,4000,125000,180,4a8,170,9.5,67.4%\n")),
            edition(),
        )
        .expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("row 2, column ATT8SCR: '4a8' is not a figure from 0 to 90"),
            "{message}"
        );
        assert!(
            message.contains("row 2, column P8MEA: '9.5' is not a figure from -6 to 6"),
            "{message}"
        );
    }

    #[test]
    fn a_row_without_results_is_blank_and_a_row_cut_among_them_is_refused() {
        let figures = ks4(&table(&format!("{KS4}2,936,7001,146527\n")), edition()).expect("reads");
        assert!(
            figures
                .schools
                .iter()
                .all(|figure| figure.figure == Figure::Missing(MissingReason::Blank))
        );
        let error = ks4(&table(&format!("{KS4}1,936,4000,125000,180,48.5,170\n")), edition()).expect_err("cut");
        assert!(
            error
                .to_string()
                .contains("row 2, column P8MEA: '' is not a value: the row ends before this column")
        );
    }

    #[test]
    fn absence_is_filed_under_the_year_before_the_tables() {
        let figures = absence(
            &table("LA,ESTAB,URN,PERCTOT,PPERSABS10\n201,3614,100000,2.6,3.4\nNAT,PRI,,4,8.2\n"),
            edition(),
        )
        .expect("reads");
        assert_eq!(figures.schools[0].year, AcademicYear::starting(2017));
        assert_eq!(figures.areas[0].phase_group, PhaseGroup::Primary);
        assert_eq!(figures.areas[1].figure, Figure::Value(8.2));
    }
}
