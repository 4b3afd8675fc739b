//! The school data profile prepared each August (Southend's dataset to inform the evaluation of
//! schools, seed 003): for one school, its Ofsted outcomes, attainment, progress, attendance, the
//! early years where it has them, and its vulnerable groups, each against the LA, similar schools
//! and England. Made for one school or for every school as one batch.
//!
//! Similar schools are the school's nearest in context among the LA's own schools: the same
//! phase, the nearest share of disadvantaged pupils, then the nearest roll. Their figure is the
//! mean of theirs. Small groups are suppressed, whatever the source published, because every
//! reader of reports reads aggregates.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Chart, ChartLine, Report, Section};
use crate::establishment::{Establishment, EstablishmentStatus, PhaseGroup};
use crate::figure::{Comparator, ComparatorFigure, Figure, MissingReason, SchoolFigure};
use crate::identifiers::Urn;
use crate::inspection::Inspection;
use crate::measure::{Measure, PupilGroup};
use crate::support::difference_in_words;
use crate::table::{Cell, Column, Table};
use crate::year::AcademicYear;

/// How many similar schools a school is compared with.
pub const SIMILAR_SCHOOLS: usize = 10;
/// A similar schools' figure is a mean of at least this many of theirs.
pub const FEWEST_SIMILAR_FIGURES: usize = 3;
/// A figure about this many pupils or fewer is suppressed.
pub const LARGEST_SUPPRESSED_GROUP: u32 = 5;
/// The years a profile shows.
pub const PROFILE_YEARS: usize = 3;

/// The profile's blocks: heading and measures, each shown where it applies to the school's phase.
const BLOCKS: [(&str, &[Measure]); 4] = [
    (
        "Early years and phonics",
        &[Measure::EyfsGoodLevelOfDevelopment, Measure::PhonicsExpectedStandard],
    ),
    (
        "Attainment",
        &[
            Measure::Ks2ReadingWritingMathsExpected,
            Measure::Ks4Attainment8,
            Measure::Ks4EnglishMathsGrade4,
            Measure::Ks4SustainedDestination,
        ],
    ),
    (
        "Progress",
        &[
            Measure::Ks2ReadingProgress,
            Measure::Ks2WritingProgress,
            Measure::Ks2MathsProgress,
            Measure::Ks4Progress8,
        ],
    ),
    (
        "Attendance and exclusions",
        &[
            Measure::OverallAbsence,
            Measure::PersistentAbsence,
            Measure::SuspensionRate,
            Measure::PermanentExclusionRate,
        ],
    ),
];

/// The groups of the vulnerable groups' section, all pupils first.
const GROUPS: [PupilGroup; 5] = [
    PupilGroup::All,
    PupilGroup::Disadvantaged,
    PupilGroup::NotDisadvantaged,
    PupilGroup::SenSupport,
    PupilGroup::EhcPlan,
];

type FigureKey = (Measure, AcademicYear, PupilGroup);

/// What the profiles read, indexed once for a batch: the LA's schools (the pool of similar
/// schools), their figures and inspections, and the LA's comparators.
pub struct ProfileEvidence<'a> {
    schools: &'a [Establishment],
    figures: HashMap<(Urn, FigureKey), &'a SchoolFigure>,
    comparators: HashMap<(Comparator, PhaseGroup, FigureKey), &'a ComparatorFigure>,
    inspections: HashMap<Urn, Vec<&'a Inspection>>,
    /// Each school's latest roll, all pupils and disadvantaged, with its year.
    rolls: HashMap<(Urn, PupilGroup), (AcademicYear, f64)>,
    years: Vec<AcademicYear>,
}

impl<'a> ProfileEvidence<'a> {
    pub fn new(
        schools: &'a [Establishment],
        figures: &'a [SchoolFigure],
        comparators: &'a [ComparatorFigure],
        inspections: &'a [Inspection],
    ) -> ProfileEvidence<'a> {
        // Where a figure is held in more than one release, the latest supersedes.
        let mut by_school: HashMap<(Urn, FigureKey), &SchoolFigure> = HashMap::new();
        for figure in figures {
            let key = (figure.urn, (figure.measure, figure.year, figure.group));
            if by_school.get(&key).is_none_or(|held| held.release < figure.release) {
                by_school.insert(key, figure);
            }
        }
        let mut by_area: HashMap<(Comparator, PhaseGroup, FigureKey), &ComparatorFigure> = HashMap::new();
        for figure in comparators {
            let key = (
                figure.comparator,
                figure.phase_group,
                (figure.measure, figure.year, figure.group),
            );
            if by_area.get(&key).is_none_or(|held| held.release < figure.release) {
                by_area.insert(key, figure);
            }
        }
        let mut by_urn: HashMap<Urn, Vec<&Inspection>> = HashMap::new();
        for inspection in inspections {
            by_urn.entry(inspection.urn).or_default().push(inspection);
        }
        for held in by_urn.values_mut() {
            held.sort_by_key(|inspection| std::cmp::Reverse(inspection.published_on));
        }
        let mut rolls: HashMap<(Urn, PupilGroup), (AcademicYear, f64)> = HashMap::new();
        for ((urn, (measure, year, group)), figure) in &by_school {
            if let (Measure::PupilsOnRoll, Some(value)) = (measure, figure.figure.value()) {
                let held = rolls.entry((*urn, *group)).or_insert((*year, value));
                if *year > held.0 {
                    *held = (*year, value);
                }
            }
        }
        let latest = figures
            .iter()
            .filter(|figure| figure.measure != Measure::PupilsOnRoll)
            .map(|figure| figure.year)
            .max();
        ProfileEvidence {
            schools,
            figures: by_school,
            comparators: by_area,
            inspections: by_urn,
            rolls,
            years: latest.map_or_else(Vec::new, |latest| latest.last(PROFILE_YEARS)),
        }
    }

    fn school_figure(&self, urn: Urn, key: FigureKey) -> Option<&'a SchoolFigure> {
        self.figures.get(&(urn, key)).copied()
    }

    fn roll(&self, urn: Urn, group: PupilGroup) -> Option<(AcademicYear, f64)> {
        self.rolls.get(&(urn, group)).copied()
    }

    /// The share of the school's pupils who are disadvantaged, in the latest year both are held.
    fn disadvantaged_share(&self, urn: Urn) -> Option<f64> {
        let (year, all) = self.roll(urn, PupilGroup::All)?;
        let disadvantaged = self
            .school_figure(urn, (Measure::PupilsOnRoll, year, PupilGroup::Disadvantaged))?
            .figure
            .value()?;
        (all > 0.0).then(|| 100.0 * disadvantaged / all)
    }

    /// The school's similar schools, nearest first: open, of the same phase, nearest in their
    /// share of disadvantaged pupils and then in their roll.
    pub fn similar_to(&self, school: &Establishment) -> Vec<Urn> {
        let share = self.disadvantaged_share(school.urn);
        let roll = self.roll(school.urn, PupilGroup::All).map(|(_, roll)| roll);
        let mut candidates: Vec<(f64, f64, Urn)> = self
            .schools
            .iter()
            .filter(|candidate| {
                candidate.urn != school.urn
                    && candidate.phase == school.phase
                    && candidate.status != EstablishmentStatus::Closed
            })
            .map(|candidate| {
                let distance = |mine: Option<f64>, theirs: Option<f64>| match (mine, theirs) {
                    (Some(mine), Some(theirs)) => (mine - theirs).abs(),
                    _ => f64::INFINITY,
                };
                (
                    distance(share, self.disadvantaged_share(candidate.urn)),
                    distance(roll, self.roll(candidate.urn, PupilGroup::All).map(|(_, roll)| roll)),
                    candidate.urn,
                )
            })
            .collect();
        candidates.sort_by(|left, right| left.0.total_cmp(&right.0).then(left.1.total_cmp(&right.1)));
        candidates
            .into_iter()
            .take(SIMILAR_SCHOOLS)
            .map(|(_, _, urn)| urn)
            .collect()
    }

    /// The similar schools' mean, where at least [`FEWEST_SIMILAR_FIGURES`] of them have a
    /// figure that is not suppressed.
    pub fn similar_mean(&self, similar: &[Urn], key: FigureKey) -> Option<f64> {
        let values: Vec<f64> = similar
            .iter()
            .filter_map(|urn| self.school_figure(*urn, key))
            .filter_map(|figure| shown(figure.figure, figure.cohort, key.2).value())
            .collect();
        (values.len() >= FEWEST_SIMILAR_FIGURES).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    fn comparator(&self, comparator: Comparator, school: &Establishment, key: FigureKey) -> Option<Figure> {
        self.comparator_held(comparator, school, key).map(|held| held.figure)
    }

    fn comparator_held(
        &self,
        comparator: Comparator,
        school: &Establishment,
        key: FigureKey,
    ) -> Option<&'a ComparatorFigure> {
        let phase = key.0.comparator_phase_group(school.phase);
        self.comparators.get(&(comparator, phase, key)).copied()
    }
}

/// A figure as a report for readers without pupil access shows it: suppressed where it is about
/// too few pupils, whatever the source published. A school's figure for all its pupils is not
/// suppressed for its size alone, except in the vulnerable groups.
fn shown(figure: Figure, cohort: Option<u32>, group: PupilGroup) -> Figure {
    match cohort {
        Some(pupils) if pupils <= LARGEST_SUPPRESSED_GROUP && group != PupilGroup::All => {
            Figure::Missing(MissingReason::Suppressed)
        }
        _ => figure,
    }
}

/// A figure's cell, linked to its source where it has one.
fn number(measure: Measure, figure: Option<Figure>, source: &str) -> Cell {
    match figure {
        Some(Figure::Value(value)) if source.is_empty() => Cell::Number {
            value,
            decimals: measure.decimals(),
        },
        Some(figure) => Cell::of_figure(figure, measure.decimals(), source),
        None => Cell::Missing(String::new()),
    }
}

fn shown_cohort(cohort: Option<u32>, group: PupilGroup) -> Cell {
    match cohort {
        Some(pupils) if pupils <= LARGEST_SUPPRESSED_GROUP && group != PupilGroup::All => {
            Cell::Missing(MissingReason::Suppressed.mark().to_owned())
        }
        Some(pupils) => Cell::Integer(i64::from(pupils)),
        None => Cell::Missing(String::new()),
    }
}

/// One school's data profile, or none for a school the evidence does not hold.
pub fn school_data_profile(evidence: &ProfileEvidence, urn: Urn, as_of: NaiveDate) -> Option<Report> {
    let school = evidence.schools.iter().find(|school| school.urn == urn)?;
    let similar = evidence.similar_to(school);
    let mut sections = vec![
        about_section(evidence, school, &similar),
        ofsted_section(evidence, school),
    ];
    for (heading, measures) in BLOCKS {
        let applying: Vec<Measure> = measures
            .iter()
            .copied()
            .filter(|measure| measure.applies_to(school.phase))
            .collect();
        if !applying.is_empty() {
            sections.push(block_section(evidence, school, &similar, heading, &applying));
        }
    }
    sections.push(groups_section(evidence, school, &similar));
    sections.push(similar_section(evidence, &similar));
    Some(Report {
        name: "school-data-profile",
        title: format!("School data profile: {} ({})", school.name, school.urn),
        as_of,
        sections,
    })
}

/// The profile of every school in the evidence the account may see, in name order.
pub fn school_data_profiles(evidence: &ProfileEvidence, urns: &[Urn], as_of: NaiveDate) -> Vec<Report> {
    urns.iter()
        .filter_map(|urn| school_data_profile(evidence, *urn, as_of))
        .collect()
}

fn about_section(evidence: &ProfileEvidence, school: &Establishment, similar: &[Urn]) -> Section {
    let mut sentences = vec![format!(
        "{} is a {} of the {} phase{}.",
        school.name,
        school.establishment_type.label().to_lowercase(),
        school.phase.label().to_lowercase(),
        school
            .locality
            .as_ref()
            .map_or(String::new(), |locality| format!(", in {}", locality.name)),
    )];
    if let Some((year, roll)) = evidence.roll(school.urn, PupilGroup::All) {
        let share = evidence
            .disadvantaged_share(school.urn)
            .map_or(String::new(), |share| format!(", {share:.1}% of them disadvantaged"));
        sentences.push(format!("It had {roll:.0} pupils on roll in {year}{share}."));
    }
    let shares: Vec<f64> = similar
        .iter()
        .filter_map(|urn| evidence.disadvantaged_share(*urn))
        .collect();
    let range = match (
        shares.iter().copied().reduce(f64::min),
        shares.iter().copied().reduce(f64::max),
    ) {
        (Some(low), Some(high)) => format!(" (from {low:.1}% to {high:.1}% disadvantaged)"),
        _ => String::new(),
    };
    sentences.push(format!(
        "It is compared with the LA's schools, with England, and with similar schools: the {} other {} schools of the LA nearest to it in their share of disadvantaged pupils and then in size{range}, whose figure is their mean where at least {FEWEST_SIMILAR_FIGURES} have one.",
        similar.len(),
        school.phase.label().to_lowercase(),
    ));
    sentences.push(format!(
        "Figures about {LARGEST_SUPPRESSED_GROUP} pupils or fewer in a group are suppressed (SUPP)."
    ));
    Section {
        heading: "The school".to_owned(),
        sentences,
        ..Section::default()
    }
}

fn similar_section(evidence: &ProfileEvidence, similar: &[Urn]) -> Section {
    let rows = similar
        .iter()
        .filter_map(|urn| evidence.schools.iter().find(|held| held.urn == *urn))
        .map(|held| {
            vec![
                Cell::Integer(i64::from(held.urn.get())),
                Cell::Text(held.name.clone()),
                evidence
                    .roll(held.urn, PupilGroup::All)
                    .map_or(Cell::Missing(String::new()), |(_, roll)| {
                        Cell::Integer(roll.round() as i64)
                    }),
                evidence
                    .disadvantaged_share(held.urn)
                    .map_or(Cell::Missing(String::new()), |share| Cell::Number {
                        value: share,
                        decimals: 1,
                    }),
            ]
        })
        .collect();
    Section {
        sources: Vec::new(),
        heading: "Similar schools".to_owned(),
        sentences: Vec::new(),
        tables: vec![Table {
            title: "Similar schools".to_owned(),
            columns: vec![
                Column::number("URN"),
                Column::text("School"),
                Column::number("Pupils on roll"),
                Column::number("Disadvantaged (%)"),
            ],
            rows,
        }],
        charts: Vec::new(),
    }
}

fn ofsted_section(evidence: &ProfileEvidence, school: &Establishment) -> Section {
    let held = evidence.inspections.get(&school.urn).cloned().unwrap_or_default();
    let sentence = match held.iter().find(|inspection| inspection.is_full()) {
        Some(latest) => format!(
            "Its latest full inspection was published on {}, under the {}: {}.",
            latest.published_on.format("%-d %B %Y"),
            latest.framework.label(),
            latest.headline().label()
        ),
        None => "It has had no full inspection that Stride holds.".to_owned(),
    };
    Section {
        sources: Vec::new(),
        heading: "Ofsted".to_owned(),
        sentences: vec![sentence],
        tables: vec![Table {
            title: "Inspections, newest first".to_owned(),
            columns: vec![
                Column::text("Published"),
                Column::text("Framework"),
                Column::text("Kind"),
                Column::text("Outcome"),
            ],
            rows: held
                .iter()
                .take(4)
                .map(|inspection| {
                    vec![
                        Cell::Date(inspection.published_on),
                        Cell::Text(inspection.framework.label().to_owned()),
                        Cell::Text(inspection.kind.label().to_owned()),
                        Cell::Text(inspection.outcome_label().to_owned()),
                    ]
                })
                .collect(),
        }],
        charts: Vec::new(),
    }
}

/// The school's figure of a measure for a group in a year, as shown, with its cohort and source.
fn school_figure<'a>(
    evidence: &ProfileEvidence<'a>,
    urn: Urn,
    key: FigureKey,
) -> (Option<Figure>, Option<u32>, &'a str) {
    match evidence.school_figure(urn, key) {
        Some(held) => (Some(shown(held.figure, held.cohort, key.2)), held.cohort, &held.source),
        None => (None, None, ""),
    }
}

fn school_cell(evidence: &ProfileEvidence, urn: Urn, key: FigureKey) -> Cell {
    let (figure, _, source) = school_figure(evidence, urn, key);
    number(key.0, figure, source)
}

/// A row of figures: the school's, its pupils, the LA's, similar schools' and England's.
fn figures_row(
    evidence: &ProfileEvidence,
    school: &Establishment,
    similar: &[Urn],
    key: FigureKey,
    first: Vec<Cell>,
) -> Vec<Cell> {
    let (measure, _, group) = key;
    let (_, cohort, _) = school_figure(evidence, school.urn, key);
    let area = |comparator| super::area::cell(measure, evidence.comparator_held(comparator, school, key));
    let mut row = first;
    row.extend([
        school_cell(evidence, school.urn, key),
        shown_cohort(cohort, group),
        area(Comparator::LocalAuthority),
        // A mean Stride works out from the similar schools' own figures, each from its source.
        number(measure, evidence.similar_mean(similar, key).map(Figure::Value), ""),
        area(Comparator::England),
    ]);
    row
}

fn figure_columns(first: &[&str]) -> Vec<Column> {
    let mut columns: Vec<Column> = first.iter().map(|heading| Column::text(*heading)).collect();
    columns.extend(["School", "Pupils", "LA", "Similar schools", "England"].map(Column::number));
    columns
}

/// "KS2: reading, writing and maths at the expected standard, 2025/26: 68.0% against 61.0% in
/// England (7.0 percentage points above), 64.0% in the LA and 66.1% in similar schools."
fn measure_sentence(
    evidence: &ProfileEvidence,
    school: &Establishment,
    similar: &[Urn],
    measure: Measure,
) -> Option<String> {
    let (year, value) = evidence.years.iter().rev().find_map(|year| {
        let key = (measure, *year, PupilGroup::All);
        Some((*year, school_figure(evidence, school.urn, key).0?.value()?))
    })?;
    let key = (measure, year, PupilGroup::All);
    let mut sentence = format!("{}, {year}: {}", measure.label(), measure.format(value));
    if let Some(england) = evidence
        .comparator(Comparator::England, school, key)
        .and_then(Figure::value)
    {
        let difference = value - england;
        let direction = if difference.abs() < 1e-9 {
            "the same".to_owned()
        } else {
            format!(
                "{} {}",
                difference_in_words(measure, difference),
                if difference > 0.0 { "above" } else { "below" }
            )
        };
        sentence.push_str(&format!(
            " against {} in England ({direction})",
            measure.format(england)
        ));
    }
    let others: Vec<String> = [
        evidence
            .comparator(Comparator::LocalAuthority, school, key)
            .and_then(Figure::value)
            .map(|la| format!("{} in the LA", measure.format(la))),
        evidence
            .similar_mean(similar, key)
            .map(|mean| format!("{} in similar schools", measure.format(mean))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !others.is_empty() {
        sentence.push_str(&format!(", {}", others.join(" and ")));
    }
    sentence.push('.');
    Some(sentence)
}

fn block_section(
    evidence: &ProfileEvidence,
    school: &Establishment,
    similar: &[Urn],
    heading: &str,
    measures: &[Measure],
) -> Section {
    let mut sentences: Vec<String> = measures
        .iter()
        .filter_map(|measure| measure_sentence(evidence, school, similar, *measure))
        .collect();
    if sentences.is_empty() {
        sentences.push("No figures of the school's are held for these measures.".to_owned());
    }
    // A row a measure: the school's figure each year, then the latest year's beside the LA,
    // similar schools and England, so that a profile stays short enough to print.
    let Some((latest, earlier)) = evidence.years.split_last() else {
        return Section {
            heading: heading.to_owned(),
            sentences,
            ..Section::default()
        };
    };
    let rows = measures
        .iter()
        .map(|measure| {
            let mut first = vec![Cell::Text(measure.label().to_owned())];
            first.extend(
                earlier
                    .iter()
                    .map(|year| school_cell(evidence, school.urn, (*measure, *year, PupilGroup::All))),
            );
            figures_row(evidence, school, similar, (*measure, *latest, PupilGroup::All), first)
        })
        .collect();
    let mut columns = vec![Column::text("Measure")];
    columns.extend(earlier.iter().map(|year| Column::number(format!("School, {year}"))));
    columns.extend(
        [
            format!("School, {latest}"),
            format!("Pupils, {latest}"),
            format!("LA, {latest}"),
            format!("Similar schools, {latest}"),
            format!("England, {latest}"),
        ]
        .map(Column::number),
    );
    Section {
        sources: Vec::new(),
        heading: heading.to_owned(),
        sentences,
        tables: vec![Table {
            title: format!("{heading}: the school against the LA, similar schools and England"),
            columns,
            rows,
        }],
        charts: measures
            .first()
            .and_then(|measure| block_chart(evidence, school, similar, *measure))
            .into_iter()
            .collect(),
    }
}

fn block_chart(evidence: &ProfileEvidence, school: &Establishment, similar: &[Urn], measure: Measure) -> Option<Chart> {
    let values =
        |figure: &dyn Fn(AcademicYear) -> Option<f64>| evidence.years.iter().map(|year| figure(*year)).collect();
    let key = |year| (measure, year, PupilGroup::All);
    let chart = Chart {
        title: format!("{} ({})", measure.label(), measure.unit_label()),
        measure,
        years: evidence.years.iter().map(ToString::to_string).collect(),
        lines: vec![
            ChartLine {
                label: "School".to_owned(),
                values: values(&|year| school_figure(evidence, school.urn, key(year)).0?.value()),
            },
            ChartLine {
                label: "Similar schools".to_owned(),
                values: values(&|year| evidence.similar_mean(similar, key(year))),
            },
            ChartLine {
                label: "England".to_owned(),
                values: values(&|year| evidence.comparator(Comparator::England, school, key(year))?.value()),
            },
        ],
    };
    chart.lines[0].values.iter().any(Option::is_some).then_some(chart)
}

/// The headline measures of the groups' section for the school's phase.
fn group_measures(school: &Establishment) -> Vec<Measure> {
    [
        Measure::EyfsGoodLevelOfDevelopment,
        Measure::Ks2ReadingWritingMathsExpected,
        Measure::Ks4Attainment8,
        Measure::Ks4Progress8,
        Measure::OverallAbsence,
    ]
    .into_iter()
    .filter(|measure| measure.applies_to(school.phase))
    .collect()
}

fn gap_sentence(
    evidence: &ProfileEvidence,
    school: &Establishment,
    measure: Measure,
    year: AcademicYear,
) -> Option<String> {
    let value = |group| school_figure(evidence, school.urn, (measure, year, group)).0?.value();
    let disadvantaged = value(PupilGroup::Disadvantaged)?;
    let others = value(PupilGroup::NotDisadvantaged)?;
    let england = |group| {
        evidence
            .comparator(Comparator::England, school, (measure, year, group))?
            .value()
    };
    let mut sentence = format!(
        "{}, {year}: disadvantaged pupils {} against {} for other pupils, a difference of {}",
        measure.label(),
        measure.format(disadvantaged),
        measure.format(others),
        difference_in_words(measure, disadvantaged - others)
    );
    if let (Some(national_disadvantaged), Some(national_others)) = (
        england(PupilGroup::Disadvantaged),
        england(PupilGroup::NotDisadvantaged),
    ) {
        sentence.push_str(&format!(
            "; in England {} against {}",
            measure.format(national_disadvantaged),
            measure.format(national_others)
        ));
    }
    sentence.push('.');
    Some(sentence)
}

fn groups_section(evidence: &ProfileEvidence, school: &Establishment, similar: &[Urn]) -> Section {
    let Some(year) = evidence.years.last().copied() else {
        return Section {
            heading: "Vulnerable groups".to_owned(),
            sentences: vec!["No figures are held.".to_owned()],
            ..Section::default()
        };
    };
    // A measure the school has no result of in the year has no groups' table.
    let measures: Vec<Measure> = group_measures(school)
        .into_iter()
        .filter(|measure| {
            school_figure(evidence, school.urn, (*measure, year, PupilGroup::All))
                .0
                .and_then(Figure::value)
                .is_some()
        })
        .collect();
    let mut sentences: Vec<String> = measures
        .iter()
        .filter_map(|measure| gap_sentence(evidence, school, *measure, year))
        .collect();
    sentences.push(
        "Looked-after children's results are not published by school, so they are not in this profile.".to_owned(),
    );
    let tables = measures
        .iter()
        .map(|measure| Table {
            title: format!("{}, {year}, by pupil group", measure.label()),
            columns: figure_columns(&["Pupil group"]),
            rows: GROUPS
                .iter()
                .map(|group| {
                    figures_row(
                        evidence,
                        school,
                        similar,
                        (*measure, year, *group),
                        vec![Cell::Text(group.label().to_owned())],
                    )
                })
                .collect(),
        })
        .collect();
    Section {
        sources: Vec::new(),
        heading: "Vulnerable groups".to_owned(),
        sentences,
        tables,
        charts: Vec::new(),
    }
}

/// Many schools' profiles as one report for a workbook or CSV: each kind of table once, its rows
/// every school's, led by the school's URN and name, and the profiles' sentences as a table.
#[derive(Debug, Default)]
pub struct ProfileBook {
    tables: Vec<Table>,
    sentences: Vec<Vec<Cell>>,
}

impl ProfileBook {
    pub fn add(&mut self, urn: Urn, name: &str, report: &Report) {
        let lead = || vec![Cell::Integer(i64::from(urn.get())), Cell::Text(name.to_owned())];
        for section in &report.sections {
            for sentence in &section.sentences {
                let mut row = lead();
                row.extend([Cell::Text(section.heading.clone()), Cell::Text(sentence.clone())]);
                self.sentences.push(row);
            }
            for table in &section.tables {
                let position = match self.tables.iter().position(|held| held.title == table.title) {
                    Some(position) => position,
                    None => {
                        let mut columns = vec![Column::number("URN"), Column::text("School")];
                        columns.extend(table.columns.iter().cloned());
                        self.tables.push(Table {
                            title: table.title.clone(),
                            columns,
                            rows: Vec::new(),
                        });
                        self.tables.len() - 1
                    }
                };
                self.tables[position].rows.extend(table.rows.iter().map(|row| {
                    let mut combined = lead();
                    combined.extend(row.iter().cloned());
                    combined
                }));
            }
        }
    }

    pub fn into_report(self, as_of: NaiveDate) -> Report {
        let mut tables = vec![Table {
            title: "What each profile says".to_owned(),
            columns: vec![
                Column::number("URN"),
                Column::text("School"),
                Column::text("Section"),
                Column::text("Sentence"),
            ],
            rows: self.sentences,
        }];
        tables.extend(self.tables);
        Report {
            name: "school-data-profile",
            title: "School data profiles".to_owned(),
            as_of,
            sections: vec![Section {
                sources: Vec::new(),
                heading: "Every school's profile".to_owned(),
                sentences: vec![
                    "Each table holds every school's rows of that table of its profile, led by the school's URN and name."
                        .to_owned(),
                ],
                tables,
                charts: Vec::new(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Release;
    use crate::testing::{figure, school, urn};

    const YEAR: i32 = 2025;

    /// Schools 1 to 14: school n has 100 pupils, n of them disadvantaged, and a KS2 result of
    /// 50 + n; school 15 is a secondary school, which is never similar to a primary.
    fn evidence_parts() -> (Vec<Establishment>, Vec<SchoolFigure>) {
        let mut schools: Vec<Establishment> = (1..=15).map(school).collect();
        schools[14].phase = crate::establishment::Phase::Secondary;
        let mut figures = Vec::new();
        for number in 1..=15u32 {
            let value = f64::from(number);
            figures.push(figure(number, Measure::PupilsOnRoll, PupilGroup::All, YEAR, 100.0));
            figures.push(figure(
                number,
                Measure::PupilsOnRoll,
                PupilGroup::Disadvantaged,
                YEAR,
                value,
            ));
            figures.push(figure(
                number,
                Measure::Ks2ReadingWritingMathsExpected,
                PupilGroup::All,
                YEAR,
                50.0 + value,
            ));
        }
        (schools, figures)
    }

    #[test]
    fn similar_schools_are_the_nearest_of_the_same_phase_in_their_share_of_disadvantaged_pupils() {
        let (schools, figures) = evidence_parts();
        let evidence = ProfileEvidence::new(&schools, &figures, &[], &[]);
        let similar = evidence.similar_to(&schools[6]);
        assert_eq!(similar.len(), SIMILAR_SCHOOLS);
        assert!(!similar.contains(&urn(7)), "not itself");
        assert!(!similar.contains(&urn(15)), "not a secondary school");
        let mut distances: Vec<u32> = similar.iter().map(|held| held.get().abs_diff(7)).collect();
        assert_eq!(distances.iter().copied().max(), Some(5), "{similar:?}");
        distances.sort_unstable();
        assert_eq!(distances[..2], [1, 1], "the nearest two first");
        let key = (
            Measure::Ks2ReadingWritingMathsExpected,
            AcademicYear::starting(YEAR),
            PupilGroup::All,
        );
        let expected = similar.iter().map(|held| 50.0 + f64::from(held.get())).sum::<f64>() / similar.len() as f64;
        let mean = evidence.similar_mean(&similar, key).expect("a mean");
        assert!((mean - expected).abs() < 1e-9, "{mean} against {expected}");
    }

    #[test]
    fn a_mean_of_too_few_similar_schools_is_not_given() {
        let (schools, figures) = evidence_parts();
        let evidence = ProfileEvidence::new(&schools, &figures, &[], &[]);
        let key = (
            Measure::Ks2ReadingWritingMathsExpected,
            AcademicYear::starting(YEAR),
            PupilGroup::All,
        );
        assert_eq!(evidence.similar_mean(&[urn(1), urn(2)], key), None);
        assert!(evidence.similar_mean(&[urn(1), urn(2), urn(3)], key).is_some());
    }

    #[test]
    fn a_group_of_five_pupils_or_fewer_is_suppressed_whatever_the_source_published() {
        let (schools, mut figures) = evidence_parts();
        let mut small = figure(
            1,
            Measure::Ks2ReadingWritingMathsExpected,
            PupilGroup::Disadvantaged,
            YEAR,
            100.0,
        );
        small.cohort = Some(LARGEST_SUPPRESSED_GROUP);
        let mut large = figure(
            1,
            Measure::Ks2ReadingWritingMathsExpected,
            PupilGroup::EhcPlan,
            YEAR,
            40.0,
        );
        large.cohort = Some(LARGEST_SUPPRESSED_GROUP + 1);
        figures.extend([small, large]);
        let evidence = ProfileEvidence::new(&schools, &figures, &[], &[]);
        let report = school_data_profile(&evidence, urn(1), NaiveDate::MIN).expect("a profile");
        let groups = report
            .tables()
            .find(|table| table.title.starts_with("KS2") && table.title.contains("by pupil group"))
            .expect("the groups' table");
        assert!(
            !report.tables().any(|table| table.title.starts_with("EYFS")),
            "no table of a measure with no result"
        );
        let row = |label: &str| {
            groups
                .rows
                .iter()
                .find(|row| row[0] == Cell::Text(label.to_owned()))
                .expect("the group's row")
                .clone()
        };
        let suppressed = Cell::Missing("SUPP".to_owned());
        assert_eq!(row("Disadvantaged")[1], suppressed, "the figure");
        assert_eq!(row("Disadvantaged")[2], suppressed, "its count of pupils");
        assert_eq!(row("EHC plan")[1].display(), "40.0");
        assert_eq!(row("EHC plan")[1].source(), Some("test"), "linked to its source");
        assert_eq!(row("EHC plan")[2], Cell::Integer(6));
        let words: String = report
            .sections
            .iter()
            .flat_map(|section| section.sentences.clone())
            .collect();
        assert!(
            !words.contains("100.0%"),
            "the suppressed figure is in no sentence: {words}"
        );
    }

    #[test]
    fn a_later_release_supersedes_and_the_book_gathers_every_schools_rows_under_one_table() {
        let (schools, mut figures) = evidence_parts();
        let mut provisional = figure(2, Measure::Ks2ReadingWritingMathsExpected, PupilGroup::All, YEAR, 10.0);
        provisional.release = Release::Provisional;
        figures.push(provisional);
        let evidence = ProfileEvidence::new(&schools, &figures, &[], &[]);
        let mut book = ProfileBook::default();
        for number in [1, 2] {
            let report = school_data_profile(&evidence, urn(number), NaiveDate::MIN).expect("a profile");
            book.add(urn(number), &format!("School {number}"), &report);
        }
        let combined = book.into_report(NaiveDate::MIN);
        let attainment = combined
            .tables()
            .find(|table| table.title.starts_with("Attainment"))
            .expect("the attainment table");
        let school_2: Vec<&Vec<Cell>> = attainment
            .rows
            .iter()
            .filter(|row| {
                row[0] == Cell::Integer(2)
                    && row[2] == Cell::Text(Measure::Ks2ReadingWritingMathsExpected.label().to_owned())
            })
            .collect();
        assert_eq!(school_2.len(), 1);
        let latest = attainment
            .columns
            .iter()
            .position(|column| column.heading == "School, 2025/26")
            .expect("the latest year's column");
        assert_eq!(school_2[0][latest].display(), "52.0", "the final figure, not 10");
        assert!(attainment.rows.iter().any(|row| row[0] == Cell::Integer(1)));
    }
}
