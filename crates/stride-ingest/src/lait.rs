//! LAIT, the DfE's Local Authority Interactive Tool: its long data set (one row per indicator,
//! area and period), its data dictionary, and the statistical neighbours tables that name each
//! LA's ten closest LAs.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use stride_core::import::{
    Figures, IndicatorDefinition, NeighbourRecord, NeighbourSet, StatisticsFigure, StatisticsSet, StatisticsSubject,
};
use stride_core::{
    AcademicYear, Area, AreaFigure, Figure, LaCode, Measure, MissingReason, PhaseGroup, Polarity, PupilGroup, Release,
};

use crate::IngestError;
use crate::table::{Errors, Table};

/// LAIT's indicators that are measures Stride knows, with the group and phase they are for.
/// Each is counted in academic years; suspensions and exclusions are per 100 pupils on roll.
pub const MEASURE_INDICATORS: &[(&str, Measure, PupilGroup, PhaseGroup)] = &[
    (
        "KS2RWM_Expected_STD",
        Measure::Ks2ReadingWritingMathsExpected,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "DAP_NEW_KS2_RWM",
        Measure::Ks2ReadingWritingMathsExpected,
        PupilGroup::Disadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "NonDAP_NEW_KS2_RWM",
        Measure::Ks2ReadingWritingMathsExpected,
        PupilGroup::NotDisadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "KS2R_Prog_VA",
        Measure::Ks2ReadingProgress,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "KS2W_Prog_VA",
        Measure::Ks2WritingProgress,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "KS2M_Prog_VA",
        Measure::Ks2MathsProgress,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "AVG_Attain8_Score",
        Measure::Ks4Attainment8,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "DAP_KS4_ATT8",
        Measure::Ks4Attainment8,
        PupilGroup::Disadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "NonDAP_KS4_ATT8",
        Measure::Ks4Attainment8,
        PupilGroup::NotDisadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "AVG_Prog8_Score",
        Measure::Ks4Progress8,
        PupilGroup::All,
        PhaseGroup::AllSchools,
    ),
    (
        "DAP_KS4_Prog8",
        Measure::Ks4Progress8,
        PupilGroup::Disadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "NonDAP_KS4_Prog8",
        Measure::Ks4Progress8,
        PupilGroup::NotDisadvantaged,
        PhaseGroup::AllSchools,
    ),
    (
        "PriTotAbs",
        Measure::OverallAbsence,
        PupilGroup::All,
        PhaseGroup::Primary,
    ),
    (
        "SecTotAbs",
        Measure::OverallAbsence,
        PupilGroup::All,
        PhaseGroup::Secondary,
    ),
    (
        "SFPriPerAbNew",
        Measure::PersistentAbsence,
        PupilGroup::All,
        PhaseGroup::Primary,
    ),
    (
        "SFSecPerAbNew",
        Measure::PersistentAbsence,
        PupilGroup::All,
        PhaseGroup::Secondary,
    ),
    (
        "SpecPerAbNew",
        Measure::PersistentAbsence,
        PupilGroup::All,
        PhaseGroup::Special,
    ),
    (
        "PriFixedEx",
        Measure::SuspensionRate,
        PupilGroup::All,
        PhaseGroup::Primary,
    ),
    (
        "SecFixedEx",
        Measure::SuspensionRate,
        PupilGroup::All,
        PhaseGroup::Secondary,
    ),
    (
        "SpecFixedEx",
        Measure::SuspensionRate,
        PupilGroup::All,
        PhaseGroup::Special,
    ),
    (
        "PriPermEx",
        Measure::PermanentExclusionRate,
        PupilGroup::All,
        PhaseGroup::Primary,
    ),
    (
        "SecPermEx",
        Measure::PermanentExclusionRate,
        PupilGroup::All,
        PhaseGroup::Secondary,
    ),
    (
        "SpecPermEx",
        Measure::PermanentExclusionRate,
        PupilGroup::All,
        PhaseGroup::Special,
    ),
];

/// LAIT numbers England 970 and the regions 980 to 990, with no region of their own.
const ENGLAND_NUMBER: &str = "970";

/// An area of LAIT's: an LA by its number, England, or a region by its name.
fn area(number: &str, name: &str, region: &str) -> Option<Area> {
    let number = number.strip_suffix(".0").unwrap_or(number);
    if region == "NA" {
        return Some(if number == ENGLAND_NUMBER {
            Area::England
        } else {
            Area::Region(stride_core::region_name(name))
        });
    }
    number
        .parse()
        .ok()
        .and_then(|code| LaCode::new(code).ok())
        .map(Area::LocalAuthority)
}

/// The academic year of a period written "2024" (the year ending in summer 2024), "2023/24"
/// or "2023-24"; none for a span of years or another kind of period.
fn academic_year(period: &str) -> Option<AcademicYear> {
    let bare = period.split(" (").next().unwrap_or(period);
    if bare.len() == 4 {
        return bare
            .parse::<i32>()
            .ok()
            .map(|ending| AcademicYear::starting(ending - 1));
    }
    bare.parse().ok()
}

/// LAIT marks a period's figures revised, final or provisional; unmarked figures are the
/// latest LAIT holds, which it publishes as final.
fn release(period: &str) -> Release {
    let period = period.to_lowercase();
    if period.contains("(prov") {
        Release::Provisional
    } else if period.contains("(rev") {
        Release::Revised
    } else {
        Release::Final
    }
}

/// One copy of each distinct text, shared by every row that repeats it.
#[derive(Default)]
struct Interned(HashMap<String, Arc<str>>);

impl Interned {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(text.to_owned(), shared.clone());
        shared
    }
}

/// The name LAIT's long data set is held under among the statistics.
pub const DATA_SET: &str = "LAIT";

/// LAIT's long data set as statistics: each area's figures for a period gathered into one row,
/// in the order of area, period and indicator whatever the order of the file's rows.
pub fn data_set(table: &Table) -> Result<StatisticsSet, IngestError> {
    let (indicator_column, period_column, name_column, value_column, number_column, region_column) = (
        table.column("Short Desc")?,
        table.column("Years")?,
        table.column("LA and Regions")?,
        table.column("Values")?,
        table.column("LA Number")?,
        table.column("Region")?,
    );
    let measures: HashMap<&str, (Measure, PupilGroup, PhaseGroup)> = MEASURE_INDICATORS
        .iter()
        .map(|(code, measure, group, phase)| (*code, (*measure, *group, *phase)))
        .collect();
    let mut errors = Errors::new(table);
    let (mut figures, mut measure_figures, mut interned) = (Vec::new(), Figures::default(), Interned::default());
    // LAIT states neither a time identifier nor filters.
    let none = interned.get("");
    for row in table.rows() {
        let area = errors.required(
            &row,
            number_column,
            "an LA number, or 970 to 990 for England and its regions",
            |number| area(number, row.get(name_column), row.get(region_column)),
        );
        let indicator = errors.required(&row, indicator_column, "an indicator's short name", |code| {
            (!code.is_empty()).then(|| interned.get(code))
        });
        let period = errors.required(&row, period_column, "a period, such as 2024 or 2023/24", |period| {
            (!period.is_empty()).then(|| interned.get(period))
        });
        let mapped = indicator.as_deref().and_then(|code| measures.get(code)).copied();
        let expected = match mapped {
            Some((measure, ..)) => crate::performance::expected_value(measure),
            None => format!(
                "a number, or a code for a missing value: {}",
                MissingReason::PUBLISHED_CODES
            ),
        };
        let figure = errors.required(&row, value_column, &expected, |text| match mapped {
            Some((measure, ..)) => crate::performance::published_figure(measure, text),
            None => published_value(text),
        });
        let (Some(area), Some(indicator), Some(period), Some(figure)) = (area, indicator, period, figure) else {
            continue;
        };
        // Only the indicators Stride knows are known to count in academic years: another's
        // "2024" may be a financial or calendar year, so its period stays as LAIT wrote it.
        let year = mapped.and_then(|_| academic_year(&period));
        let release = release(&period);
        if let (Some((measure, group, phase_group)), Some(year)) = (mapped, year) {
            measure_figures.areas.push(AreaFigure {
                area: area.clone(),
                phase_group,
                measure,
                year,
                group,
                figure,
                cohort: None,
                source: table.file().to_owned(),
                release,
            });
        }
        figures.push(StatisticsFigure {
            subject: StatisticsSubject::Area(area),
            time_period: period,
            time_identifier: none.clone(),
            year: None,
            filters: none.clone(),
            indicator,
            release,
            figure,
        });
    }
    errors.finish(StatisticsSet {
        data_set: DATA_SET.to_owned(),
        figures: gathered_by_area_and_period(figures),
        measures: measure_figures,
    })
}

/// The figures of each area and period together, each such row's in indicator order: LAIT's
/// file runs indicator by indicator, and a row must read the same from any copy of it.
fn gathered_by_area_and_period(figures: Vec<StatisticsFigure>) -> Vec<StatisticsFigure> {
    let mut rows: Vec<Vec<StatisticsFigure>> = Vec::new();
    let mut row_of: HashMap<(StatisticsSubject, Arc<str>), usize> = HashMap::new();
    for figure in figures {
        let key = (figure.subject.clone(), figure.time_period.clone());
        let row = *row_of.entry(key).or_insert_with(|| {
            rows.push(Vec::new());
            rows.len() - 1
        });
        rows[row].push(figure);
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|left, right| left.indicator.cmp(&right.indicator));
            row
        })
        .collect()
}

fn published_value(text: &str) -> Option<Figure> {
    if let Some(reason) = MissingReason::from_published(text) {
        return Some(Figure::Missing(reason));
    }
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .map(Figure::Value)
}

pub fn dictionary(table: &Table) -> Result<Vec<IndicatorDefinition>, IngestError> {
    let column = |name| table.column(name);
    let (number_column, code_column, name_column, topic_column, polarity_column, year_type_column) = (
        column("Measure_code")?,
        column("Measure_short")?,
        column("Measure")?,
        column("Topic")?,
        column("Polarity")?,
        column("Year_Type")?,
    );
    let mut errors = Errors::new(table);
    let mut definitions = Vec::with_capacity(table.len());
    for row in table.rows() {
        let number = errors.required(&row, number_column, "LAIT's number for the indicator", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let code = errors.required(&row, code_column, "the indicator's short name", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let polarity = errors.required(&row, polarity_column, "High, Low, - or NA", |value| match value {
            "High" => Some(Polarity::HighIsGood),
            "Low" => Some(Polarity::LowIsGood),
            "-" | "NA" | "" => Some(Polarity::Neither),
            _ => None,
        });
        if let (Some(number), Some(code), Some(polarity)) = (number, code, polarity) {
            definitions.push(IndicatorDefinition {
                number,
                code,
                name: row.get(name_column).to_owned(),
                topic: row.get(topic_column).to_owned(),
                polarity,
                year_type: row.get(year_type_column).to_owned(),
            });
        }
    }
    errors.finish(definitions)
}

/// The month and year a file's name gives, as `statistical_neighbours_may_2025.csv` does.
pub fn edition_in_name(name: &str) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let words: Vec<String> = name
        .to_lowercase()
        .split(|character: char| !character.is_ascii_alphanumeric())
        .map(str::to_owned)
        .collect();
    words.windows(2).find_map(|pair| {
        let month = MONTHS.iter().position(|month| *month == pair[0])? as u32 + 1;
        let year: i32 = pair[1].parse().ok().filter(|year| (2000..=2100).contains(year))?;
        NaiveDate::from_ymd_opt(year, month, 1)
    })
}

pub fn statistical_neighbours(table: &Table) -> Result<Vec<NeighbourRecord>, IngestError> {
    let edition = edition_in_name(table.file()).ok_or_else(|| IngestError::Edition {
        file: table.file().to_owned(),
        detail: "the DfE publishes its statistical neighbours in editions, and a later edition stands in front of an \
                 earlier: name the file with the month and year of its edition, as statistical_neighbours_may_2025.csv"
            .to_owned(),
    })?;
    let la_column = table.column("LA num")?;
    // The tidy CSV says each row's set; the DfE's spreadsheet lists the current set, then a row
    // "Old SNs:", then the LAs since reorganised.
    let set_column = table.optional_column("sn_set");
    let names: Vec<(String, String)> = (1..=10)
        .map(|rank| (format!("SN{rank}"), format!("SN{rank}_closeness")))
        .collect();
    let mut neighbour_columns = Vec::with_capacity(10);
    for (neighbour, closeness) in &names {
        let neighbour = table.column(neighbour)?;
        let closeness = match table.column_after(neighbour) {
            Some(after) if after.name == "SNP" => after,
            _ => table.column(closeness)?,
        };
        neighbour_columns.push((neighbour, closeness));
    }
    let mut errors = Errors::new(table);
    let mut records = Vec::with_capacity(table.len() * 10);
    let la_code = |value: &str| value.parse().ok().and_then(|code| LaCode::new(code).ok());
    let mut set_so_far = NeighbourSet::Current;
    for row in table.rows() {
        if set_column.is_none() && row.get(la_column).is_empty() {
            let marks_old = table
                .headers()
                .iter()
                .filter_map(|name| table.optional_column(name))
                .any(|column| row.get(column).to_ascii_lowercase().starts_with("old sns"));
            if marks_old {
                set_so_far = NeighbourSet::BeforeReorganisation;
                continue;
            }
        }
        let la = errors.required(&row, la_column, "an LA code: three digits", la_code);
        let set =
            match set_column {
                Some(set_column) => errors.required(
                    &row,
                    set_column,
                    "current, or old (pre-reorganisation)",
                    |value| match value {
                        "current" => Some(NeighbourSet::Current),
                        _ if value.starts_with("old") => Some(NeighbourSet::BeforeReorganisation),
                        _ => None,
                    },
                ),
                None => Some(set_so_far),
            };
        for (rank, (neighbour_column, closeness_column)) in neighbour_columns.iter().enumerate() {
            // An LA made since the table was drawn up has a dash for each neighbour: none given.
            if matches!(row.get(*neighbour_column), "-" | "") {
                continue;
            }
            let neighbour = errors.required(&row, *neighbour_column, "an LA code: three digits, or a dash", la_code);
            if let (Some(la), Some(set), Some(neighbour)) = (la, set, neighbour) {
                records.push(NeighbourRecord {
                    edition,
                    la,
                    set,
                    rank: rank as u8 + 1,
                    neighbour,
                    closeness: row.get(*closeness_column).to_owned(),
                });
            }
        }
    }
    errors.finish(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lait_numbers_england_and_its_regions_apart_from_las() {
        assert_eq!(area("970.0", "England", "NA"), Some(Area::England));
        assert_eq!(
            area("987.0", "London (Inner)", "NA"),
            Some(Area::Region("Inner London".into()))
        );
        assert_eq!(
            area("936.0", "Surrey", "South East"),
            Some(Area::LocalAuthority(LaCode::new(936).expect("valid")))
        );
        assert_eq!(area("x", "Nowhere", "South East"), None);
    }

    #[test]
    fn an_edition_is_read_from_a_name() {
        assert_eq!(
            edition_in_name("statistical_neighbours_may_2025.csv"),
            NaiveDate::from_ymd_opt(2025, 5, 1)
        );
        assert_eq!(
            edition_in_name("sn_april_2021.xlsx"),
            NaiveDate::from_ymd_opt(2021, 4, 1)
        );
        assert_eq!(edition_in_name("neighbours.csv"), None);
    }

    #[test]
    fn a_period_is_an_academic_year_where_it_is_one() {
        assert_eq!(academic_year("2024"), Some(AcademicYear::starting(2023)));
        assert_eq!(academic_year("2023/24"), Some(AcademicYear::starting(2023)));
        assert_eq!(academic_year("2016-17 (OT)"), Some(AcademicYear::starting(2016)));
        assert_eq!(academic_year("2014-16"), None);
        assert_eq!(release("2025 (prov)"), Release::Provisional);
        assert_eq!(release("2018 (Rev)"), Release::Revised);
    }
}
