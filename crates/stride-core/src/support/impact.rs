//! Whether support worked: for each kind of support and each provider, how the measures and
//! inspections of the schools supported moved afterwards, against similar schools that were not
//! supported in the same years.
//!
//! The comparison is matched: for each school supported in a year, the schools of its phase not
//! supported from the year before to the year after, nearest in starting point (the measure's
//! mean over the two years before, where both are held) and context (the share of disadvantaged
//! pupils), stand beside it. The difference
//! each supported school makes over its similar schools is averaged, with a 95 % interval from
//! the t distribution. Matching on the starting point matters: the LA supports schools whose
//! results fell, and such results tend to rise again whatever is done. Similar schools are
//! drawn with replacement, so the interval is a little narrower than it should be where one
//! stands beside many; groups under [`SMALLEST_GROUP`] are reported as too small, never as a
//! finding.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::progress::{InspectionMovement, movement};
use super::provider::Pence;
use crate::establishment::{Establishment, Phase};
use crate::figure::SchoolFigure;
use crate::identifiers::Urn;
use crate::inspection::Inspection;
use crate::intervention::{Support, SupportKind};
use crate::measure::{Measure, Polarity, PupilGroup, Unit};
use crate::year::AcademicYear;

/// The fewest supported schools, each with results before and after, that Stride will say
/// anything about.
pub const SMALLEST_GROUP: usize = 5;

/// How many similar schools stand beside each supported one.
pub const SIMILAR_PER_SCHOOL: usize = 3;

/// How the support held is grouped for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GroupBy {
    Kind,
    Provider,
}

/// A group of support compared: a kind, or a provider by its id in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SupportGroup {
    Kind(SupportKind),
    Provider { id: i64, name: String },
}

impl SupportGroup {
    pub fn label(&self) -> String {
        match self {
            SupportGroup::Kind(kind) => kind.label().to_owned(),
            SupportGroup::Provider { name, .. } => name.clone(),
        }
    }
}

/// What the comparison reads: the LA's schools, their inspections, the support commissioned
/// for each school, and every school's figures of the measure and its pupils on roll.
pub struct ImpactEvidence<'a> {
    pub schools: &'a [Establishment],
    pub inspections: &'a [Inspection],
    pub commissions: &'a [(Urn, Support)],
    pub measure: Measure,
    /// The measure's figures for all pupils, every year held.
    pub figures: &'a [SchoolFigure],
    /// Pupils on roll, all and disadvantaged, for the context of each school.
    pub rolls: &'a [SchoolFigure],
}

/// The middle and spread of a group's changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    pub standard_deviation: f64,
    pub lowest: f64,
    pub highest: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Some(Spread {
            mean,
            standard_deviation: standard_deviation(values, mean),
            lowest: values.iter().copied().fold(f64::INFINITY, f64::min),
            highest: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// The difference support made over similar schools, with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub difference: f64,
    pub lower: f64,
    pub upper: f64,
}

/// What can be said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Finding {
    /// Fewer than [`SMALLEST_GROUP`] schools measured: nothing can be said.
    TooFew,
    /// Supported schools moved further in the measure's good direction, beyond chance.
    Better,
    /// Supported schools moved less well than similar schools, beyond chance.
    Worse,
    /// The interval holds no difference: none can be told from chance.
    NoClearDifference,
}

/// How the next full inspection after support compared with the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct InspectionMoves {
    pub improved: usize,
    pub same: usize,
    pub declined: usize,
    /// The two inspections are under frameworks whose grades do not compare (a report card
    /// against a four-point grade, or the 2024 framework's inspections, which had no overall
    /// grade): not mapped onto each other.
    pub not_comparable: usize,
    pub not_inspected_since: usize,
}

/// One group of support against similar schools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub group: SupportGroup,
    pub measure: Measure,
    /// The academic years support in the group was commissioned in.
    pub years: Vec<AcademicYear>,
    /// Schools supported, each counted once.
    pub schools_supported: usize,
    /// Supported school-years with results before and after and similar schools beside them.
    pub measured: usize,
    /// Supported school-years whose results after support are not yet held, or that had none
    /// before, or no similar school.
    pub not_measured: usize,
    /// Distinct schools that stood beside the supported ones.
    pub similar_schools: usize,
    pub supported_change: Option<Spread>,
    pub similar_change: Option<Spread>,
    pub estimate: Option<Estimate>,
    pub finding: Finding,
    pub statement: String,
    pub supported_inspections: InspectionMoves,
    pub similar_inspections: InspectionMoves,
    pub cost: Pence,
    /// Commissions in the group with no cost recorded.
    pub cost_not_recorded: usize,
    pub cost_per_school: Option<Pence>,
    /// The cost of each point gained beyond similar schools, per school; only where support
    /// made a difference beyond chance.
    pub cost_per_point: Option<Pence>,
}

/// Support of one group for one school in one academic year: several commissions of the same
/// kind (or provider) in a year are one.
#[derive(Debug, Clone)]
struct SupportedYear {
    urn: Urn,
    year: AcademicYear,
    first_commissioned: NaiveDate,
    cost: Pence,
    cost_not_recorded: usize,
}

/// Compares every group of support held with similar unsupported schools, groups in order.
pub fn impact(evidence: &ImpactEvidence, group_by: GroupBy) -> Vec<Comparison> {
    let figures = Figures::new(evidence);
    let supported_in: HashSet<(Urn, AcademicYear)> = evidence
        .commissions
        .iter()
        .map(|(urn, support)| (*urn, AcademicYear::containing(support.commissioned_on)))
        .collect();
    let mut groups: HashMap<SupportGroup, Vec<SupportedYear>> = HashMap::new();
    // Support of a school the measure does not apply to (a secondary school's, for a key stage 2
    // measure) says nothing about it either way.
    let measured_phase = |urn: &Urn| {
        figures
            .phase
            .get(urn)
            .is_some_and(|phase| evidence.measure.applies_to(*phase))
    };
    for (urn, support) in evidence.commissions.iter().filter(|(urn, _)| measured_phase(urn)) {
        let group = match group_by {
            GroupBy::Kind => SupportGroup::Kind(support.kind),
            GroupBy::Provider => match support.provider_id {
                Some(id) => SupportGroup::Provider {
                    id,
                    name: support.provider.clone(),
                },
                None => continue,
            },
        };
        let year = AcademicYear::containing(support.commissioned_on);
        let years = groups.entry(group).or_default();
        match years.iter_mut().find(|held| held.urn == *urn && held.year == year) {
            Some(held) => {
                held.first_commissioned = held.first_commissioned.min(support.commissioned_on);
                held.cost.0 += support.cost.map_or(0, |cost| cost.0);
                held.cost_not_recorded += usize::from(support.cost.is_none());
            }
            None => years.push(SupportedYear {
                urn: *urn,
                year,
                first_commissioned: support.commissioned_on,
                cost: support.cost.unwrap_or_default(),
                cost_not_recorded: usize::from(support.cost.is_none()),
            }),
        }
    }
    let mut comparisons: Vec<Comparison> = groups
        .into_iter()
        .map(|(group, years)| compare(evidence, &figures, &supported_in, group, &years))
        .collect();
    comparisons.sort_by(|left, right| left.group.cmp(&right.group));
    comparisons
}

/// The figures read, by school and year.
struct Figures<'a> {
    measure: HashMap<(Urn, AcademicYear), f64>,
    disadvantaged_share: HashMap<(Urn, AcademicYear), f64>,
    phase: HashMap<Urn, Phase>,
    schools: &'a [Establishment],
}

impl<'a> Figures<'a> {
    fn new(evidence: &ImpactEvidence<'a>) -> Figures<'a> {
        let measure = evidence
            .figures
            .iter()
            .filter(|figure| figure.measure == evidence.measure && figure.group == PupilGroup::All)
            .filter_map(|figure| Some(((figure.urn, figure.year), figure.figure.value()?)))
            .collect();
        let roll = |group: PupilGroup| -> HashMap<(Urn, AcademicYear), f64> {
            evidence
                .rolls
                .iter()
                .filter(|figure| figure.measure == Measure::PupilsOnRoll && figure.group == group)
                .filter_map(|figure| Some(((figure.urn, figure.year), figure.figure.value()?)))
                .collect()
        };
        let all = roll(PupilGroup::All);
        let disadvantaged_share = roll(PupilGroup::Disadvantaged)
            .into_iter()
            .filter_map(|(key, disadvantaged)| {
                let all = *all.get(&key)?;
                (all > 0.0).then(|| (key, disadvantaged / all))
            })
            .collect();
        Figures {
            measure,
            disadvantaged_share,
            phase: evidence
                .schools
                .iter()
                .map(|school| (school.urn, school.phase))
                .collect(),
            schools: evidence.schools,
        }
    }

    /// The years a supported school's starting point is read from: the year before support
    /// and, where held, the one before that. Two years halve the noise of one, and with it the
    /// part of a later rise that is only a poor year passing.
    fn starting_years(&self, urn: Urn, year: AcademicYear) -> Option<Vec<AcademicYear>> {
        let before = year.previous();
        self.measure.get(&(urn, before))?;
        let earlier = before.previous();
        Some(if self.measure.contains_key(&(urn, earlier)) {
            vec![earlier, before]
        } else {
            vec![before]
        })
    }

    /// The starting point over those years, and the change from it to the year after support.
    fn change(&self, urn: Urn, year: AcademicYear, starting: &[AcademicYear]) -> Option<(f64, f64)> {
        let mut total = 0.0;
        for before in starting {
            total += *self.measure.get(&(urn, *before))?;
        }
        let start = total / starting.len().max(1) as f64;
        let after = *self.measure.get(&(urn, year.next()))?;
        Some((start, after - start))
    }

    /// A supported school-year's starting point and change, read over its own starting years.
    fn supported_change(&self, urn: Urn, year: AcademicYear) -> Option<(Vec<AcademicYear>, f64, f64)> {
        let starting = self.starting_years(urn, year)?;
        let (start, change) = self.change(urn, year, &starting)?;
        Some((starting, start, change))
    }
}

/// The similar schools for one supported school-year, nearest first: same phase, not supported
/// from the year before to the year after, with results in the same starting years and the
/// year after.
fn similar_to(
    figures: &Figures,
    supported_in: &HashSet<(Urn, AcademicYear)>,
    urn: Urn,
    year: AcademicYear,
) -> Vec<(Urn, f64)> {
    let Some(phase) = figures.phase.get(&urn) else {
        return Vec::new();
    };
    let Some((starting, start, _)) = figures.supported_change(urn, year) else {
        return Vec::new();
    };
    let share = figures.disadvantaged_share.get(&(urn, year.previous())).copied();
    let supported_near = |candidate: Urn| {
        [year.previous(), year, year.next()]
            .iter()
            .any(|near| supported_in.contains(&(candidate, *near)))
    };
    let candidates: Vec<(Urn, f64, f64, Option<f64>)> = figures
        .schools
        .iter()
        .filter(|school| school.phase == *phase && school.urn != urn && !supported_near(school.urn))
        .filter_map(|school| {
            let (before, change) = figures.change(school.urn, year, &starting)?;
            let share = figures.disadvantaged_share.get(&(school.urn, year.previous())).copied();
            Some((school.urn, before, change, share))
        })
        .collect();
    let scale = |values: Vec<f64>| {
        let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
        let spread = standard_deviation(&values, mean);
        if spread > 0.0 { spread } else { 1.0 }
    };
    let start_scale = scale(candidates.iter().map(|candidate| candidate.1).collect());
    let share_scale = scale(candidates.iter().filter_map(|candidate| candidate.3).collect());
    let mut ranked: Vec<(f64, Urn, f64)> = candidates
        .iter()
        .map(|(candidate, before, change, candidate_share)| {
            let context = match (share, candidate_share) {
                (Some(share), Some(candidate_share)) => (share - candidate_share).abs() / share_scale,
                _ => 0.0,
            };
            ((start - before).abs() / start_scale + context, *candidate, *change)
        })
        .collect();
    ranked.sort_by(|left, right| left.0.total_cmp(&right.0).then(left.1.cmp(&right.1)));
    ranked
        .into_iter()
        .take(SIMILAR_PER_SCHOOL)
        .map(|(_, candidate, change)| (candidate, change))
        .collect()
}

fn compare(
    evidence: &ImpactEvidence,
    figures: &Figures,
    supported_in: &HashSet<(Urn, AcademicYear)>,
    group: SupportGroup,
    supported: &[SupportedYear],
) -> Comparison {
    let mut supported_changes = Vec::new();
    let mut similar_changes = Vec::new();
    let mut differences = Vec::new();
    let mut similar_schools = HashSet::new();
    let mut supported_inspections = InspectionMoves::default();
    let mut similar_inspections = InspectionMoves::default();
    let mut measured_cost = Pence(0);
    for held in supported {
        count_move(
            &mut supported_inspections,
            evidence.inspections,
            held.urn,
            held.first_commissioned,
        );
        let similar = similar_to(figures, supported_in, held.urn, held.year);
        let Some((_, _, change)) = figures.supported_change(held.urn, held.year) else {
            continue;
        };
        if similar.is_empty() {
            continue;
        }
        let similar_mean = similar.iter().map(|(_, change)| change).sum::<f64>() / similar.len() as f64;
        for (urn, similar_change) in &similar {
            similar_schools.insert(*urn);
            similar_changes.push(*similar_change);
            count_move(
                &mut similar_inspections,
                evidence.inspections,
                *urn,
                held.first_commissioned,
            );
        }
        supported_changes.push(change);
        differences.push(change - similar_mean);
        measured_cost.0 += held.cost.0;
    }
    let measured = differences.len();
    let estimate = (measured >= SMALLEST_GROUP).then(|| estimate(&differences));
    let finding = match estimate {
        None => Finding::TooFew,
        Some(estimate) => judge(evidence.measure, estimate),
    };
    let cost = Pence(supported.iter().map(|held| held.cost.0).sum());
    let schools: HashSet<Urn> = supported.iter().map(|held| held.urn).collect();
    let cost_per_point = match (finding, estimate) {
        (Finding::Better, Some(estimate)) if estimate.difference.abs() > 0.0 => Some(Pence(
            (measured_cost.0 as f64 / (estimate.difference.abs() * measured as f64)).round() as i64,
        )),
        _ => None,
    };
    let mut years: Vec<AcademicYear> = supported.iter().map(|held| held.year).collect();
    years.sort();
    years.dedup();
    let mut comparison = Comparison {
        measure: evidence.measure,
        years,
        schools_supported: schools.len(),
        measured,
        not_measured: supported.len() - measured,
        similar_schools: similar_schools.len(),
        supported_change: Spread::of(&supported_changes),
        similar_change: Spread::of(&similar_changes),
        estimate,
        finding,
        statement: String::new(),
        supported_inspections,
        similar_inspections,
        cost,
        cost_not_recorded: supported.iter().map(|held| held.cost_not_recorded).sum(),
        cost_per_school: (!schools.is_empty()).then(|| Pence(cost.0 / schools.len() as i64)),
        cost_per_point,
        group,
    };
    comparison.statement = statement(&comparison);
    comparison
}

fn estimate(differences: &[f64]) -> Estimate {
    let n = differences.len();
    let mean = differences.iter().sum::<f64>() / n as f64;
    let standard_error = standard_deviation(differences, mean) / (n as f64).sqrt();
    let half_width = t_quantile_975(n - 1) * standard_error;
    Estimate {
        difference: mean,
        lower: mean - half_width,
        upper: mean + half_width,
    }
}

fn judge(measure: Measure, estimate: Estimate) -> Finding {
    let good_direction = match measure.polarity() {
        Polarity::LowIsGood => -1.0,
        Polarity::HighIsGood | Polarity::Neither => 1.0,
    };
    let (lower, upper) = if good_direction > 0.0 {
        (estimate.lower, estimate.upper)
    } else {
        (-estimate.upper, -estimate.lower)
    };
    if lower > 0.0 {
        Finding::Better
    } else if upper < 0.0 {
        Finding::Worse
    } else {
        Finding::NoClearDifference
    }
}

/// The sample standard deviation; 0 for fewer than two values.
fn standard_deviation(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let squares: f64 = values.iter().map(|value| (value - mean).powi(2)).sum();
    (squares / (values.len() - 1) as f64).sqrt()
}

/// The 97.5th percentile of Student's t with these degrees of freedom, from the published
/// table; above 30, the next tabled value up, so the interval is never narrower than it should be.
fn t_quantile_975(degrees_of_freedom: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match degrees_of_freedom {
        0 => f64::INFINITY,
        1..=30 => TABLE[degrees_of_freedom - 1],
        31..=40 => 2.042,
        41..=60 => 2.021,
        61..=120 => 2.000,
        _ => 1.980,
    }
}

/// Counts how a school's next full inspection after a day compared with its last before it.
fn count_move(moves: &mut InspectionMoves, inspections: &[Inspection], urn: Urn, from: NaiveDate) {
    let full = || {
        inspections
            .iter()
            .filter(|inspection| inspection.urn == urn && inspection.is_full())
    };
    let before = full()
        .filter(|inspection| inspection.published_on <= from)
        .max_by_key(|inspection| inspection.started_on);
    let after = full()
        .filter(|inspection| inspection.started_on > from)
        .min_by_key(|inspection| inspection.started_on);
    let Some(after) = after else {
        moves.not_inspected_since += 1;
        return;
    };
    match movement(before, after) {
        InspectionMovement::Improved => moves.improved += 1,
        InspectionMovement::Static => moves.same += 1,
        InspectionMovement::Declined => moves.declined += 1,
        InspectionMovement::FrameworkChanged | InspectionMovement::FirstInspection => moves.not_comparable += 1,
    }
}

/// A difference in the measure's own unit, said in words.
pub fn difference_in_words(measure: Measure, difference: f64) -> String {
    let size = difference.abs();
    match measure.unit() {
        Unit::Percent => format!("{size:.1} percentage points"),
        Unit::Score => format!("{size:.2}"),
        Unit::Points => format!("{size:.1} points"),
        Unit::RatePer100 => format!("{size:.2} per 100 pupils"),
        Unit::Count => format!("{size:.0}"),
    }
}

fn statement(comparison: &Comparison) -> String {
    let measure = comparison.measure;
    let Some(estimate) = comparison.estimate else {
        return format!(
            "Too few schools to say anything: {} supported {} with results of {} before and after support, and at least {SMALLEST_GROUP} are needed.",
            comparison.measured,
            if comparison.measured == 1 {
                "school-year"
            } else {
                "school-years"
            },
            measure.label()
        );
    };
    let supported_mean = comparison.supported_change.map_or(0.0, |spread| spread.mean);
    let opening = format!(
        "{} {} by {} on average from the year before support to the year after",
        measure.label(),
        if supported_mean >= 0.0 { "rose" } else { "fell" },
        difference_in_words(measure, supported_mean)
    );
    let against = format!(
        "{} {} than in similar schools not supported",
        difference_in_words(measure, estimate.difference),
        if estimate.difference >= 0.0 { "higher" } else { "lower" }
    );
    let measured = format!(
        "95% interval {:+.2} to {:+.2}; {} supported school-years, {} similar schools",
        estimate.lower, estimate.upper, comparison.measured, comparison.similar_schools
    );
    let verdict = match comparison.finding {
        Finding::Better => "better beyond chance",
        Finding::Worse => "worse beyond chance",
        Finding::NoClearDifference | Finding::TooFew => "a difference that cannot be told from chance",
    };
    format!("{opening}, a change {against}: {verdict} ({measured}).")
}
