//! Explore Education Statistics open data: tidy CSVs with a time period, a geographic level,
//! the columns that place a row (codes and names of its area or school), filters and indicators,
//! and the `.meta.csv` that says which column is which. Without a `.meta.csv`, a column is an
//! indicator when every value in it is a number or a code for a missing value, not all blank.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use stride_core::import::Figures;
use stride_core::import::{StatisticsColumn, StatisticsColumnType, StatisticsFigure, StatisticsSet, StatisticsSubject};
use stride_core::{
    AcademicYear, Area, AreaFigure, DfeNumber, Figure, LaCode, Measure, MissingReason, PhaseGroup, PupilGroup, Release,
    Urn,
};

use crate::IngestError;
use crate::table::{Column, Errors, Row, Table};

/// Columns that place a row in time and space rather than filter or count it.
const PLACING: &[&str] = &[
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "estab",
    "laestab",
    "school_laestab",
    "urn",
    "school_urn",
    "school_name",
    "version",
];

/// The indicators of Explore Education Statistics data sets that are Stride's measures: for all
/// pupils, in the phase the `school_type` filter names, where every other filter is at its total.
const MEASURE_INDICATORS: &[(&str, Measure)] = &[
    ("sess_overall_percent", Measure::OverallAbsence),
    ("perm_excl_rate", Measure::PermanentExclusionRate),
    ("fixed_excl_rate", Measure::SuspensionRate),
];

fn phase_group(school_type: &str) -> Option<PhaseGroup> {
    match school_type {
        "Total" => Some(PhaseGroup::AllSchools),
        "State-funded primary" => Some(PhaseGroup::Primary),
        "State-funded secondary" => Some(PhaseGroup::Secondary),
        "Special" => Some(PhaseGroup::Special),
        _ => None,
    }
}

/// The phase group of a row whose figures can be Stride's measures: `school_type` names one and
/// every other filter is at its total.
fn measured_phase(row: &Row<'_>, filters: &[Column<'_>]) -> Option<PhaseGroup> {
    let mut phase = None;
    for filter in filters {
        let value = row.get(*filter);
        if filter.name == "school_type" {
            phase = phase_group(value);
        } else if value != "Total" {
            return None;
        }
    }
    phase
}

pub fn is_data_set(has: impl Fn(&str) -> bool) -> bool {
    has("time_period") && has("geographic_level")
}

pub fn is_metadata(has: impl Fn(&str) -> bool) -> bool {
    has("col_name") && has("col_type")
}

/// A data set's name: its file's name without `.meta.csv`, `.csv` or `.gz`, and without the
/// archive it came in.
pub fn data_set_name(file: &str) -> String {
    let member = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut name = member;
    for suffix in [".gz", ".csv", ".meta"] {
        name = name.strip_suffix(suffix).unwrap_or(name);
    }
    name.to_owned()
}

pub fn metadata(table: &Table) -> Result<Vec<StatisticsColumn>, IngestError> {
    let (name_column, type_column, label_column) = (
        table.column("col_name")?,
        table.column("col_type")?,
        table.column("label")?,
    );
    let unit_column = table.optional_column("indicator_unit");
    let mut errors = Errors::new(table);
    let mut columns = Vec::with_capacity(table.len());
    for row in table.rows() {
        let name = errors.required(&row, name_column, "a column's name", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let column_type = errors.required(&row, type_column, "'Filter' or 'Indicator'", |value| {
            match value.to_ascii_lowercase().as_str() {
                "filter" => Some(StatisticsColumnType::Filter),
                "indicator" => Some(StatisticsColumnType::Indicator),
                _ => None,
            }
        });
        if let (Some(name), Some(column_type)) = (name, column_type) {
            columns.push(StatisticsColumn {
                name,
                column_type,
                label: row.get(label_column).to_owned(),
                unit: unit_column.map(|unit| row.get(unit).to_owned()).unwrap_or_default(),
            });
        }
    }
    errors.finish(columns)
}

fn number(value: &str) -> Option<f64> {
    value.parse::<f64>().ok().filter(|number| number.is_finite())
}

/// The filters and indicators of a data set, in the file's column order: as the `.meta.csv`
/// says where it is given, and otherwise from the values.
fn filters_and_indicators<'a>(
    table: &'a Table,
    meta: Option<&[StatisticsColumn]>,
) -> Result<(Vec<Column<'a>>, Vec<Column<'a>>), IngestError> {
    if let Some(meta) = meta {
        for described in meta {
            table.column(&described.name)?;
        }
    }
    let declared = |name: &str| {
        meta.and_then(|meta| meta.iter().find(|column| column.name == name))
            .map(|column| column.column_type)
    };
    let (mut filters, mut indicators) = (Vec::new(), Vec::new());
    for name in table.headers() {
        if PLACING.contains(&name.as_str()) {
            continue;
        }
        let column = table.column(name)?;
        let is_indicator = match declared(name) {
            Some(column_type) => column_type == StatisticsColumnType::Indicator,
            // A column of figures may hold no number at all (a reason withdrawn: every value
            // "."), but a column of blanks says nothing either way and is taken as a filter.
            None => {
                let mut any_given = false;
                let all_figures = table.rows().all(|row| {
                    let value = row.get(column);
                    any_given |= !value.is_empty();
                    number(value).is_some() || MissingReason::from_published(value).is_some()
                });
                all_figures && any_given
            }
        };
        if is_indicator {
            indicators.push(column);
        } else {
            filters.push(column);
        }
    }
    Ok((filters, indicators))
}

/// The columns a row is placed by.
struct Placing<'a> {
    time_period: Column<'a>,
    time_identifier: Option<Column<'a>>,
    level: Column<'a>,
    region: Option<Column<'a>>,
    la: Option<Column<'a>>,
    laestab: Option<Column<'a>>,
    urn: Option<Column<'a>>,
    version: Option<Column<'a>>,
}

impl<'a> Placing<'a> {
    fn of(table: &'a Table) -> Result<Placing<'a>, IngestError> {
        let first = |names: &[&'static str]| names.iter().find_map(|name| table.optional_column(name));
        Ok(Placing {
            time_period: table.column("time_period")?,
            time_identifier: table.optional_column("time_identifier"),
            level: table.column("geographic_level")?,
            region: table.optional_column("region_name"),
            la: table.optional_column("old_la_code"),
            laestab: first(&["laestab", "school_laestab"]),
            urn: first(&["school_urn", "urn"]),
            version: table.optional_column("version"),
        })
    }

    fn subject(&self, row: &Row<'_>, errors: &mut Errors) -> Option<StatisticsSubject> {
        let level = row.get(self.level);
        let within = |column: Option<Column<'a>>,
                      errors: &mut Errors,
                      expected: &str,
                      parse: &dyn Fn(&str) -> Option<StatisticsSubject>| {
            match column {
                Some(column) => errors.required(row, column, expected, parse),
                None => {
                    errors.push(
                        row,
                        self.level,
                        &format!("a level this file can place: it has no column for {expected}"),
                    );
                    None
                }
            }
        };
        match level.to_ascii_lowercase().as_str() {
            "national" => Some(StatisticsSubject::Area(Area::England)),
            "regional" => within(self.region, errors, "the region's name", &|value| {
                (!value.is_empty()).then(|| StatisticsSubject::Area(Area::Region(stride_core::region_name(value))))
            }),
            "local authority" => within(self.la, errors, "a three-digit LA code", &|value| {
                value
                    .parse::<u16>()
                    .ok()
                    .and_then(|code| LaCode::new(code).ok())
                    .map(|la| StatisticsSubject::Area(Area::LocalAuthority(la)))
            }),
            "school" => match (self.urn, self.laestab) {
                (Some(urn), _) => errors.required(row, urn, "a URN", |value| {
                    value.parse::<Urn>().ok().map(StatisticsSubject::School)
                }),
                (None, laestab) => within(
                    laestab,
                    errors,
                    "a school's seven-digit DfE number (laestab)",
                    &|value| value.parse::<DfeNumber>().ok().map(StatisticsSubject::SchoolByNumber),
                ),
            },
            _ => {
                errors.push(
                    row,
                    self.level,
                    "a geographic level Stride holds: National, Regional, Local authority or School",
                );
                None
            }
        }
    }
}

/// An academic year written as EES writes it: `201617`.
fn academic_year(period: &str) -> Option<AcademicYear> {
    if period.len() != 6 || !period.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let start: i32 = period[..4].parse().ok()?;
    let end: i32 = period[4..].parse().ok()?;
    (end == (start + 1) % 100).then(|| AcademicYear::starting(start))
}

fn release(value: &str) -> Option<Release> {
    Release::ALL
        .iter()
        .copied()
        .find(|release| release.label().eq_ignore_ascii_case(value))
}

/// Names that repeat on every row, held once.
#[derive(Default)]
struct Interned(HashMap<String, Arc<str>>);

impl Interned {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(held) = self.0.get(text) {
            return held.clone();
        }
        let held: Arc<str> = Arc::from(text);
        self.0.insert(text.to_owned(), held.clone());
        held
    }
}

/// What makes a row one of its own: subject, period, time identifier, filters and release.
type RowKey = (StatisticsSubject, Arc<str>, Arc<str>, Arc<str>, Release);

/// Every figure of a data set. `release` is the file's where no `version` column gives it.
pub fn data_set(
    table: &Table,
    meta: Option<&[StatisticsColumn]>,
    release_stated: Option<Release>,
) -> Result<StatisticsSet, IngestError> {
    let placing = Placing::of(table)?;
    let (filters_columns, indicators) = filters_and_indicators(table, meta)?;
    let indicator_names: Vec<Arc<str>> = indicators.iter().map(|column| Arc::from(column.name)).collect();
    let mut interned = Interned::default();
    let mut errors = Errors::new(table);
    let mut figures = Vec::with_capacity(table.len() * indicators.len());
    let mut measures = Figures::default();
    let mapped: Vec<Option<Measure>> = indicators
        .iter()
        .map(|column| {
            MEASURE_INDICATORS
                .iter()
                .find(|(name, _)| *name == column.name)
                .map(|(_, measure)| *measure)
        })
        .collect();
    let mut seen: HashSet<RowKey> = HashSet::new();
    let expected_figure = format!(
        "a number, or a code for a missing value ({})",
        MissingReason::PUBLISHED_CODES
    );
    let last_column = table.headers().last().and_then(|name| table.optional_column(name));
    // Made again for every row of a quarter of a million: kept, and cleared for each.
    let (mut filters, mut values) = (String::new(), Vec::with_capacity(indicators.len()));
    for row in table.rows() {
        // A tidy file's rows are as long as its header: a shorter one was cut short, and its
        // missing figures must not pass for blanks.
        if let Some(last_column) = last_column
            && !row.has(last_column)
        {
            errors.push(&row, last_column, "a value: the row ends before this column");
            continue;
        }
        let subject = placing.subject(&row, &mut errors);
        let time_period = errors.required(&row, placing.time_period, "a time period, such as 201617", |value| {
            (!value.is_empty()).then(|| interned.get(value))
        });
        let time_identifier = interned.get(placing.time_identifier.map_or("", |column| row.get(column)));
        let release = match placing.version {
            Some(version) => errors.required(&row, version, "'Provisional', 'Revised' or 'Final'", release),
            None => Some(release_stated.unwrap_or(Release::Final)),
        };
        filters.clear();
        for (position, column) in filters_columns.iter().enumerate() {
            if position > 0 {
                filters.push_str("; ");
            }
            filters.push_str(column.name);
            filters.push_str(": ");
            filters.push_str(row.get(*column));
        }
        let filters = interned.get(&filters);
        values.clear();
        values.extend(indicators.iter().map(|column| {
            errors.required(&row, *column, &expected_figure, |value| {
                number(value)
                    .map(Figure::Value)
                    .or_else(|| MissingReason::from_published(value).map(Figure::Missing))
            })
        }));
        let (Some(subject), Some(time_period), Some(release)) = (subject, time_period, release) else {
            continue;
        };
        let key = (
            subject.clone(),
            time_period.clone(),
            time_identifier.clone(),
            filters.clone(),
            release,
        );
        if !seen.insert(key) {
            errors.push_row(
                &row,
                format!(
                    "{time_period} {time_identifier} for {} under the same filters ({filters}) is given twice",
                    subject.code()
                ),
            );
            continue;
        }
        let year = academic_year(&time_period);
        let phase = measured_phase(&row, &filters_columns);
        for ((indicator, value), (column, measure)) in indicator_names
            .iter()
            .zip(values.iter().copied())
            .zip(indicators.iter().zip(&mapped))
        {
            if let (StatisticsSubject::Area(area), Some(year), Some(phase_group), Some(measure), Some(figure)) =
                (&subject, year, phase, measure, value)
            {
                match figure.within_range_of(*measure) {
                    Some(figure) => measures.areas.push(AreaFigure {
                        area: area.clone(),
                        phase_group,
                        measure: *measure,
                        year,
                        group: PupilGroup::All,
                        figure,
                        cohort: None,
                        source: table.file().to_owned(),
                        release,
                    }),
                    None => errors.push(&row, *column, &crate::performance::expected_value(*measure)),
                }
            }
            if let Some(figure) = value {
                figures.push(StatisticsFigure {
                    subject: subject.clone(),
                    time_period: time_period.clone(),
                    time_identifier: time_identifier.clone(),
                    year,
                    filters: filters.clone(),
                    indicator: indicator.clone(),
                    release,
                    figure,
                });
            }
        }
    }
    errors.finish(StatisticsSet {
        data_set: data_set_name(table.file()),
        figures,
        measures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, text: &str) -> Table {
        Table::from_text(name, text)
    }

    #[test]
    fn filters_and_indicators_are_told_apart_by_their_values_without_a_meta_file() {
        let data = table(
            "absence.csv",
            "time_period,time_identifier,geographic_level,region_name,old_la_code,school_type,sess_overall_percent\n\
             201617,Academic year,National,,,Total,4.7\n\
             201617,Academic year,Regional,London (Inner),,Total,x\n\
             201617,Academic year,Local authority,North East,850,Total,.\n",
        );
        let set = data_set(&data, None, None).expect("reads");
        assert_eq!(set.data_set, "absence");
        assert_eq!(set.figures.len(), 3);
        assert_eq!(set.figures[0].figure, Figure::Value(4.7));
        assert_eq!(set.figures[0].year, Some(AcademicYear::starting(2016)));
        assert_eq!(&*set.figures[0].filters, "school_type: Total");
        assert_eq!(
            set.figures[1].subject,
            StatisticsSubject::Area(Area::Region("Inner London".into()))
        );
        assert_eq!(set.figures[2].figure, Figure::Missing(MissingReason::NotApplicable));
    }

    #[test]
    fn a_bad_figure_an_unknown_level_and_a_repeated_row_are_refused_with_their_place() {
        let data = table(
            "exclusions.csv",
            "time_period,geographic_level,old_la_code,school_type,perm_excl\n\
             201617,Local authority,850,Total,12\n\
             201617,Local authority,850,Total,13\n\
             201617,Ward,850,Total,1\n",
        );
        let meta = [StatisticsColumn {
            name: "perm_excl".into(),
            column_type: StatisticsColumnType::Indicator,
            label: "Permanent exclusions".into(),
            unit: String::new(),
        }];
        let message = data_set(&data, Some(&meta), None).expect_err("refused").to_string();
        assert!(
            message.contains("row 3: 201617  for 850 under the same filters"),
            "{message}"
        );
        assert!(
            message.contains("row 4, column geographic_level: 'Ward' is not a geographic level"),
            "{message}"
        );
        let bad = table(
            "exclusions.csv",
            "time_period,geographic_level,perm_excl\n201617,National,1O\n",
        );
        let message = data_set(&bad, Some(&meta), None).expect_err("refused").to_string();
        assert!(
            message.contains("row 2, column perm_excl: '1O' is not a number"),
            "{message}"
        );
    }
}
