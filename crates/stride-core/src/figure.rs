//! Figures: one published value of a measure, for a school or a comparator area, in one academic
//! year, for one pupil group, with its cohort, source and release.

use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::establishment::PhaseGroup;
use crate::identifiers::{LaCode, Urn};
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

coded_enum! {
    /// Why a figure has no value. A missing figure is never zero: each reason reads differently.
    pub enum MissingReason ("reason a figure is missing") {
        Suppressed => ("suppressed", "Suppressed: too few pupils to publish"),
        NotPublished => ("not-published", "Not published for this year"),
        NoPupils => ("no-pupils", "No pupils in this group, or none entered"),
        NotCollected => ("not-collected", "Not held"),
        NotApplicable => ("not-applicable", "Not applicable to this school"),
        LowCoverage => ("low-coverage", "Not published: too few pupils are covered by the measure"),
        NotAvailable => ("not-available", "Not available"),
        RoundsToZero => ("rounds-to-zero", "Greater than zero, but rounds to zero"),
        LowReliability => ("low-reliability", "Not published: too unreliable"),
        Blank => ("blank", "Left blank in the published file"),
    }
}

impl MissingReason {
    /// The short mark a table cell shows, as the DfE's own tables do.
    pub fn mark(self) -> &'static str {
        match self {
            MissingReason::Suppressed => "SUPP",
            MissingReason::NotPublished => "NP",
            MissingReason::NoPupils => "NE",
            MissingReason::NotCollected => "–",
            MissingReason::NotApplicable => "NA",
            MissingReason::LowCoverage => "LOWCOV",
            MissingReason::NotAvailable => "x",
            MissingReason::RoundsToZero => "low",
            MissingReason::LowReliability => "u",
            MissingReason::Blank => "blank",
        }
    }

    /// The reason a published file gives in place of a value, in the DfE's performance tables
    /// (`SUPP`, `NE`, `NA`, `NP`, `LOWCOV`, `SP`), the Government Statistical Service symbols
    /// that Explore Education Statistics and LAIT use (`c`, `x`, `z`, `:`, `low`, `~`, `u`,
    /// `..`), and a blank. `None` means the text is not a missing-value code: it should be a
    /// value.
    pub fn from_published(text: &str) -> Option<MissingReason> {
        Some(match text.trim() {
            "" => MissingReason::Blank,
            // SP: the performance tables' "small percentage", withheld like a small cohort.
            "SUPP" | "supp" | "c" | "SP" => MissingReason::Suppressed,
            "NE" | "ne" => MissingReason::NoPupils,
            // The statistics releases before 2020 wrote a full stop where a figure does not apply.
            "NA" | "na" | "z" | "N/A" | "." => MissingReason::NotApplicable,
            "NP" | "np" => MissingReason::NotPublished,
            "LOWCOV" | "lowcov" => MissingReason::LowCoverage,
            // LAIT writes a dash where a figure is not available.
            "x" | "X" | ":" | ".." | "-" => MissingReason::NotAvailable,
            "low" | "~" => MissingReason::RoundsToZero,
            "u" => MissingReason::LowReliability,
            _ => return None,
        })
    }

    /// The codes [`from_published`](Self::from_published) reads, for an error message.
    pub const PUBLISHED_CODES: &'static str =
        "SUPP, NE, NA, NP, LOWCOV, SP, c, x, z, ., :, .., -, low, ~, u or a blank";
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Figure {
    Value(f64),
    Missing(MissingReason),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{value} is outside the range of {measure} ({low} to {high})")]
pub struct FigureOutOfRange {
    pub measure: Measure,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Figure {
    /// A value, checked against the measure's valid range.
    pub fn checked(measure: Measure, value: f64) -> Result<Figure, FigureOutOfRange> {
        let range = measure.valid_range();
        if value.is_finite() && range.contains(&value) {
            Ok(Figure::Value(value))
        } else {
            Err(FigureOutOfRange {
                measure,
                value,
                low: *range.start(),
                high: *range.end(),
            })
        }
    }

    /// The figure if it is one the measure can take: a missing one always can.
    pub fn within_range_of(self, measure: Measure) -> Option<Figure> {
        match self {
            Figure::Value(value) => Figure::checked(measure, value).ok(),
            missing => Some(missing),
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(value) => Some(value),
            Figure::Missing(_) => None,
        }
    }

    /// The figure as a table cell shows it.
    pub fn display(self, measure: Measure) -> String {
        match self {
            Figure::Value(value) => measure.format(value),
            Figure::Missing(reason) => reason.mark().to_owned(),
        }
    }
}

coded_enum! {
    /// How final a figure is: revised data supersedes provisional, and the history stays.
    pub enum Release ("release") {
        Provisional => ("provisional", "Provisional"),
        Revised => ("revised", "Revised"),
        Final => ("final", "Final"),
    }
}

coded_enum! {
    /// The areas a school's figures are compared with.
    pub enum Comparator ("comparator") {
        LocalAuthority => ("la", "LA"),
        StatisticalNeighbours => ("statistical-neighbours", "Statistical neighbours"),
        Region => ("region", "Region"),
        England => ("england", "England"),
    }
}

/// An area whose figures are published beside schools': a local authority, a region, England
/// (state-funded schools, as the DfE compares schools with), or England's schools of every kind.
/// The figure of an LA's statistical neighbours is their mean, held against the LA it is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Area {
    LocalAuthority(LaCode),
    /// A region, by the name its source gives it.
    Region(String),
    England,
    EnglandAllSchools,
    StatisticalNeighboursOf(LaCode),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{kind}' '{code}' is not an area Stride knows")]
pub struct UnknownArea {
    pub kind: String,
    pub code: String,
}

impl Area {
    /// The kind of area, as storage and downloads hold it.
    pub fn kind_code(&self) -> &'static str {
        match self {
            Area::LocalAuthority(_) => "la",
            Area::Region(_) => "region",
            Area::England => "england",
            Area::EnglandAllSchools => "england-all-schools",
            Area::StatisticalNeighboursOf(_) => "statistical-neighbours",
        }
    }

    /// Which area of its kind: an LA code, a region's name, or "E92000001" for England.
    pub fn code(&self) -> String {
        match self {
            Area::LocalAuthority(la) | Area::StatisticalNeighboursOf(la) => la.to_string(),
            Area::Region(name) => name.clone(),
            Area::England | Area::EnglandAllSchools => ENGLAND_CODE.to_owned(),
        }
    }

    pub fn from_codes(kind: &str, code: &str) -> Result<Area, UnknownArea> {
        let unknown = || UnknownArea {
            kind: kind.to_owned(),
            code: code.to_owned(),
        };
        let la = || {
            code.parse::<u16>()
                .ok()
                .and_then(|code| LaCode::new(code).ok())
                .ok_or_else(unknown)
        };
        match kind {
            "la" => la().map(Area::LocalAuthority),
            "statistical-neighbours" => la().map(Area::StatisticalNeighboursOf),
            "region" => Ok(Area::Region(code.to_owned())),
            "england" => Ok(Area::England),
            "england-all-schools" => Ok(Area::EnglandAllSchools),
            _ => Err(unknown()),
        }
    }

    /// How a person reads the area in a table.
    pub fn label(&self) -> String {
        match self {
            Area::LocalAuthority(la) => format!("LA {la}"),
            Area::Region(name) => name.clone(),
            Area::England => "England (state-funded schools)".to_owned(),
            Area::EnglandAllSchools => "England (all schools)".to_owned(),
            Area::StatisticalNeighboursOf(la) => format!("Statistical neighbours of LA {la}"),
        }
    }
}

/// A region's name as Stride holds it. Sources name regions differently: LAIT calls inner London
/// "London (Inner)" as a region and "Inner London" as an LA's region, and varies the case of
/// "Yorkshire and the Humber".
pub fn region_name(name: &str) -> String {
    let name = name.trim();
    match name.to_lowercase().as_str() {
        "london (inner)" | "inner london" => "Inner London".to_owned(),
        "london (outer)" | "outer london" => "Outer London".to_owned(),
        "yorkshire and the humber" => "Yorkshire and the Humber".to_owned(),
        "east of england" | "east" => "East of England".to_owned(),
        _ => name.to_owned(),
    }
}

/// The ONS code of England, which DfE files give national rows.
pub const ENGLAND_CODE: &str = "E92000001";

/// A figure for an area rather than a school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaFigure {
    pub area: Area,
    /// Absence and exclusions are published per phase.
    pub phase_group: PhaseGroup,
    pub measure: Measure,
    pub year: AcademicYear,
    pub group: PupilGroup,
    pub figure: Figure,
    pub cohort: Option<u32>,
    pub source: String,
    pub release: Release,
}

impl ComparatorFigure {
    /// The area this comparator is for a school of the given LA: its comparators are stated
    /// relative to the authority.
    pub fn area_for(&self, authority: &crate::dataset::LocalAuthority) -> Area {
        match self.comparator {
            Comparator::LocalAuthority => Area::LocalAuthority(authority.code),
            Comparator::StatisticalNeighbours => Area::StatisticalNeighboursOf(authority.code),
            Comparator::Region => Area::Region(authority.region.clone()),
            Comparator::England => Area::England,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolFigure {
    pub urn: Urn,
    pub measure: Measure,
    pub year: AcademicYear,
    pub group: PupilGroup,
    pub figure: Figure,
    /// The pupils the figure is about (the eligible cohort), where published.
    pub cohort: Option<u32>,
    pub source: String,
    pub release: Release,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparatorFigure {
    pub comparator: Comparator,
    /// Absence and exclusions are published per phase, so a primary school is read against
    /// primary schools nationally.
    pub phase_group: PhaseGroup,
    pub measure: Measure,
    pub year: AcademicYear,
    pub group: PupilGroup,
    pub figure: Figure,
    pub source: String,
    pub release: Release,
}

/// The statistical neighbours' figure: the mean of the neighbours' own figures, each at its
/// latest release, for every measure, year, group and phase any of them has. A mean of no values
/// is not available, never zero; its release is the least final of those it is made from.
pub fn statistical_neighbours_mean(neighbour_figures: &[AreaFigure]) -> Vec<ComparatorFigure> {
    use std::collections::BTreeMap;
    type Key = (PhaseGroup, Measure, AcademicYear, PupilGroup);
    let mut latest: BTreeMap<(Key, Area), &AreaFigure> = BTreeMap::new();
    for figure in neighbour_figures {
        let key = (
            (figure.phase_group, figure.measure, figure.year, figure.group),
            figure.area.clone(),
        );
        if latest.get(&key).is_none_or(|held| held.release < figure.release) {
            latest.insert(key, figure);
        }
    }
    let mut by_key: BTreeMap<Key, Vec<&AreaFigure>> = BTreeMap::new();
    for ((key, _), figure) in latest {
        by_key.entry(key).or_default().push(figure);
    }
    by_key
        .into_iter()
        .map(|((phase_group, measure, year, group), figures)| {
            let values: Vec<f64> = figures.iter().filter_map(|figure| figure.figure.value()).collect();
            let figure = if values.is_empty() {
                Figure::Missing(MissingReason::NotAvailable)
            } else {
                Figure::Value(values.iter().sum::<f64>() / values.len() as f64)
            };
            ComparatorFigure {
                comparator: Comparator::StatisticalNeighbours,
                phase_group,
                measure,
                year,
                group,
                figure,
                source: format!("Mean of {} of {} statistical neighbours", values.len(), figures.len()),
                release: figures
                    .iter()
                    .map(|figure| figure.release)
                    .min()
                    .unwrap_or(Release::Final),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_outside_its_range_is_refused() {
        assert!(Figure::checked(Measure::OverallAbsence, 101.0).is_err());
        assert!(Figure::checked(Measure::Ks4Progress8, f64::NAN).is_err());
        assert_eq!(Figure::checked(Measure::Ks4Progress8, -1.2), Ok(Figure::Value(-1.2)));
    }

    #[test]
    fn published_codes_read_as_reasons_and_values_do_not() {
        assert_eq!(MissingReason::from_published("SUPP"), Some(MissingReason::Suppressed));
        assert_eq!(MissingReason::from_published("c"), Some(MissingReason::Suppressed));
        assert_eq!(MissingReason::from_published(" "), Some(MissingReason::Blank));
        assert_eq!(MissingReason::from_published("low"), Some(MissingReason::RoundsToZero));
        assert_eq!(MissingReason::from_published("z"), Some(MissingReason::NotApplicable));
        assert_eq!(
            MissingReason::from_published("LOWCOV"),
            Some(MissingReason::LowCoverage)
        );
        assert_eq!(MissingReason::from_published("0"), None);
        assert_eq!(MissingReason::from_published("12.5%"), None);
    }

    #[test]
    fn every_reason_has_its_own_mark() {
        let marks: std::collections::HashSet<_> = MissingReason::ALL.iter().map(|reason| reason.mark()).collect();
        assert_eq!(marks.len(), MissingReason::ALL.len());
    }

    #[test]
    fn the_neighbours_mean_is_of_the_values_held_at_their_latest_release() {
        let figure = |la: u16, value: Figure, release: Release| AreaFigure {
            area: Area::LocalAuthority(LaCode::new(la).expect("valid")),
            phase_group: PhaseGroup::AllSchools,
            measure: Measure::Ks4Attainment8,
            year: AcademicYear::starting(2018),
            group: PupilGroup::All,
            figure: value,
            cohort: None,
            source: String::new(),
            release,
        };
        let mean = statistical_neighbours_mean(&[
            figure(301, Figure::Value(40.0), Release::Provisional),
            figure(301, Figure::Value(42.0), Release::Final),
            figure(302, Figure::Value(46.0), Release::Final),
            figure(303, Figure::Missing(MissingReason::Suppressed), Release::Final),
        ]);
        assert_eq!(mean.len(), 1);
        assert_eq!(mean[0].figure, Figure::Value(44.0));
        assert_eq!(mean[0].source, "Mean of 2 of 3 statistical neighbours");
        let none =
            statistical_neighbours_mean(&[figure(303, Figure::Missing(MissingReason::Suppressed), Release::Final)]);
        assert_eq!(none[0].figure, Figure::Missing(MissingReason::NotAvailable));
    }

    #[test]
    fn a_region_has_one_name_whatever_its_source_calls_it() {
        assert_eq!(region_name("London (Inner)"), region_name("Inner London"));
        assert_eq!(region_name("Yorkshire and The Humber"), "Yorkshire and the Humber");
        assert_eq!(region_name(" South East "), "South East");
    }

    #[test]
    fn an_area_reads_back_from_its_codes() {
        for area in [
            Area::LocalAuthority(LaCode::new(936).expect("valid")),
            Area::Region("South East".into()),
            Area::England,
            Area::EnglandAllSchools,
            Area::StatisticalNeighboursOf(LaCode::new(850).expect("valid")),
        ] {
            assert_eq!(Area::from_codes(area.kind_code(), &area.code()), Ok(area));
        }
        assert!(Area::from_codes("la", "12").is_err());
        assert!(Area::from_codes("ward", "1").is_err());
    }

    #[test]
    fn a_missing_figure_shows_its_reason_not_zero() {
        let suppressed = Figure::Missing(MissingReason::Suppressed);
        assert_eq!(suppressed.display(Measure::Ks4Attainment8), "SUPP");
        assert_eq!(suppressed.value(), None);
    }
}
