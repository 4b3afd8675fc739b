//! Each indicator judged on one school's evidence, with the reason in words and figures; then
//! the level and the register flag the judgements lead to.

use crate::figure::Figure;
use crate::inspection::{CategoryOfConcern, HeadlineOutcome};
use crate::measure::{Measure, Polarity, PupilGroup};
use crate::year::AcademicYear;

use super::evidence::SchoolEvidence;
use super::rule_set::{Condition, IndicatorRule, RuleSet, Test, WhenMissing};

/// What an indicator found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Fired,
    NotFired,
    /// The evidence was missing or the cohort too small: never read as a pass.
    NotEnoughEvidence,
    /// The indicator does not apply to a school of this phase.
    NotApplicable,
}

impl Verdict {
    /// The verdict as written in downloads and the API, as it serialises.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Fired => "fired",
            Verdict::NotFired => "not-fired",
            Verdict::NotEnoughEvidence => "not-enough-evidence",
            Verdict::NotApplicable => "not-applicable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Fired => "Concern",
            Verdict::NotFired => "No concern",
            Verdict::NotEnoughEvidence => "Not enough evidence",
            Verdict::NotApplicable => "Does not apply",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndicatorOutcome {
    pub code: String,
    pub name: String,
    pub verdict: Verdict,
    /// The figures, years and comparators behind the verdict, in words.
    pub reason: String,
    /// The publications the figures behind the verdict came from, in the order read.
    pub sources: Vec<String>,
    /// Where the verdict counts as a concern: fired, or missing evidence the LA counts as one.
    pub counts_as_concern: bool,
}

/// A school's categorisation under a rule set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Categorisation {
    pub level: String,
    pub level_name: String,
    pub on_register: bool,
    /// Adviser days a year: within the level's range, more the more indicators fired.
    pub adviser_days: f64,
    pub outcomes: Vec<IndicatorOutcome>,
}

impl Categorisation {
    pub fn concerns(&self) -> usize {
        self.outcomes.iter().filter(|outcome| outcome.counts_as_concern).count()
    }

    pub fn not_enough_evidence(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.verdict == Verdict::NotEnoughEvidence)
            .count()
    }
}

/// Judges every indicator of the rule set and combines them.
pub fn categorise_school(rules: &RuleSet, evidence: &SchoolEvidence<'_>) -> Categorisation {
    let outcomes: Vec<IndicatorOutcome> = rules
        .indicators
        .iter()
        .map(|indicator| judge(indicator, evidence))
        .collect();
    let concerns: Vec<&str> = outcomes
        .iter()
        .filter(|outcome| outcome.counts_as_concern)
        .map(|outcome| outcome.code.as_str())
        .collect();
    let mut reached: Vec<&str> = Vec::new();
    let mut chosen = 0;
    for (position, level) in rules.levels.iter().enumerate() {
        if position == 0 || holds(&level.when, &concerns, &reached) {
            reached.push(level.code.as_str());
            chosen = position;
        }
    }
    let level = &rules.levels[chosen];
    let judged = outcomes
        .iter()
        .filter(|outcome| matches!(outcome.verdict, Verdict::Fired | Verdict::NotFired))
        .count();
    let share = if judged == 0 {
        0.0
    } else {
        (concerns.len() as f64 / judged as f64).min(1.0)
    };
    let (least, most) = level.adviser_days;
    Categorisation {
        level: level.code.clone(),
        level_name: level.name.clone(),
        on_register: holds(&rules.register, &concerns, &reached),
        adviser_days: ((least + (most - least) * share) * 2.0).round() / 2.0,
        outcomes,
    }
}

pub(super) fn holds(condition: &Condition, concerns: &[&str], reached: &[&str]) -> bool {
    condition.any_of.iter().any(|code| concerns.contains(&code.as_str()))
        || condition.at_least.is_some_and(|least| concerns.len() >= least)
        || condition.levels.iter().any(|code| reached.contains(&code.as_str()))
}

/// A verdict and its reason, before the rule's policy on missing evidence is applied.
type Finding = (Verdict, String);

fn judge(indicator: &IndicatorRule, evidence: &SchoolEvidence<'_>) -> IndicatorOutcome {
    let school = evidence.school;
    let applies = (indicator.phases.is_empty() || indicator.phases.contains(&school.phase))
        && (indicator.types.is_empty() || indicator.types.contains(&school.establishment_type));
    let (verdict, reason, sources) = if applies {
        let (verdict, reason) = find(indicator, evidence);
        (verdict, reason, super::sources::sources(indicator, evidence))
    } else {
        (
            Verdict::NotApplicable,
            format!("Applies only to {}.", applies_to(indicator)),
            Vec::new(),
        )
    };
    let counts_as_concern = verdict == Verdict::Fired
        || (verdict == Verdict::NotEnoughEvidence && indicator.when_missing == WhenMissing::Concern);
    IndicatorOutcome {
        code: indicator.code.clone(),
        name: indicator.name.clone(),
        verdict,
        reason,
        sources,
        counts_as_concern,
    }
}

/// The schools an indicator applies to, in words: "primary, middle schools", "schools of these
/// types: academy converter, free school", or both.
pub fn applies_to(indicator: &IndicatorRule) -> String {
    let listed = |labels: Vec<&str>| labels.into_iter().map(str::to_lowercase).collect::<Vec<_>>().join(", ");
    let phases = listed(indicator.phases.iter().map(|phase| phase.label()).collect());
    let types = listed(indicator.types.iter().map(|kind| kind.label()).collect());
    match (indicator.phases.is_empty(), indicator.types.is_empty()) {
        (true, true) => "every school".to_owned(),
        (false, true) => format!("{phases} schools"),
        (true, false) => format!("schools of these types: {types}"),
        (false, false) => format!("{phases} schools of these types: {types}"),
    }
}

fn find(indicator: &IndicatorRule, evidence: &SchoolEvidence<'_>) -> Finding {
    match &indicator.test {
        Test::BottomQuartile { measure, group } => bottom_quartile(indicator, evidence, *measure, *group),
        Test::WorseThan { measure, group, value } => {
            latest_value(indicator, evidence, *measure, *group).map_or_else(missing, |(year, figure)| {
                let worse = is_worse(*measure, figure, *value);
                verdict(
                    worse,
                    format!(
                        "{} {}: {}, against the rule set's {}.",
                        describe(*measure, *group),
                        year,
                        Figure::Value(figure).display(*measure),
                        Figure::Value(*value).display(*measure)
                    ),
                )
            })
        }
        Test::WorseThanComparator {
            measure,
            group,
            comparator,
            margin,
        } => {
            let Some((year, figure)) = latest_value(indicator, evidence, *measure, *group) else {
                return missing_figure(*measure, *group);
            };
            let Some(compared) = evidence
                .comparator(*comparator, *measure, *group, year)
                .and_then(|compared| compared.figure.value())
            else {
                return (
                    Verdict::NotEnoughEvidence,
                    format!(
                        "No {} figure held for {} {year}.",
                        comparator.label(),
                        describe(*measure, *group)
                    ),
                );
            };
            let bar = match measure.polarity() {
                Polarity::LowIsGood => compared + margin,
                _ => compared - margin,
            };
            verdict(
                is_worse(*measure, figure, bar),
                format!(
                    "{} {year}: {}, {} {} (a margin of {margin} allowed).",
                    describe(*measure, *group),
                    Figure::Value(figure).display(*measure),
                    comparator.label(),
                    Figure::Value(compared).display(*measure)
                ),
            )
        }
        Test::Declining {
            measure,
            group,
            years,
            not_improving,
        } => declining(indicator, evidence, (*measure, *group), *years, *not_improving),
        Test::GapWidening {
            measure,
            group,
            comparator,
            compared_with,
            years,
        } => gap_widening(
            indicator,
            evidence,
            (*measure, *group),
            (*comparator, *compared_with),
            *years,
        ),
        Test::InspectionOutcome { frameworks, outcomes } => {
            let latest = evidence.inspections.iter().find(|inspection| inspection.is_full());
            match latest {
                None => (Verdict::NotEnoughEvidence, "No graded inspection held.".to_owned()),
                Some(inspection) if !frameworks.contains(&inspection.framework) => (
                    Verdict::NotEnoughEvidence,
                    format!(
                        "The latest graded inspection ({}) was under the {}, which this indicator does not read.",
                        inspection.published_on,
                        inspection.framework.label()
                    ),
                ),
                Some(inspection) => {
                    let headline = inspection.headline();
                    verdict(
                        outcomes.contains(&headline),
                        format!(
                            "Latest graded inspection, published {} under the {}: {}.",
                            inspection.published_on,
                            inspection.framework.label(),
                            headline.label()
                        ),
                    )
                }
            }
        }
        Test::CategoryOfConcern => match evidence.inspections.first() {
            None => (Verdict::NotEnoughEvidence, "No inspection held.".to_owned()),
            Some(inspection) => match inspection.category_of_concern {
                Some(category) => (
                    Verdict::Fired,
                    format!(
                        "Placed in {} by the inspection published {}.",
                        category_label(category),
                        inspection.published_on
                    ),
                ),
                None => (
                    Verdict::NotFired,
                    format!(
                        "The latest inspection, published {}, placed it in no category.",
                        inspection.published_on
                    ),
                ),
            },
        },
        Test::SuccessiveRequiresImprovement { count } => {
            let graded: Vec<_> = evidence
                .inspections
                .iter()
                .filter(|inspection| inspection.is_full())
                .take(*count)
                .collect();
            if graded.len() < *count {
                return (
                    Verdict::NotEnoughEvidence,
                    format!("{} graded inspections held; {count} needed.", graded.len()),
                );
            }
            let all_ri = graded
                .iter()
                .all(|inspection| inspection.headline() == HeadlineOutcome::RequiresImprovement);
            let outcomes = graded
                .iter()
                .map(|inspection| format!("{} ({})", inspection.headline().label(), inspection.published_on))
                .collect::<Vec<_>>()
                .join(", ");
            verdict(all_ri, format!("The last {count} graded inspections: {outcomes}."))
        }
        Test::RollFalling { percent, years } => roll_falling(evidence, *percent, *years),
        Test::Intelligence { kinds, within_months } => {
            let since = evidence
                .as_of
                .checked_sub_months(chrono::Months::new(*within_months))
                .unwrap_or(evidence.as_of);
            let found: Vec<_> = evidence
                .intelligence
                .iter()
                .filter(|item| kinds.contains(&item.kind) && item.recorded_on >= since)
                .collect();
            match found.first() {
                Some(item) => (
                    Verdict::Fired,
                    format!(
                        "{} recorded {} by {} ({} such in {within_months} months).",
                        item.kind.label(),
                        item.recorded_on,
                        item.recorded_by,
                        found.len()
                    ),
                ),
                None => (
                    Verdict::NotFired,
                    format!("Nothing of these kinds recorded since {since}."),
                ),
            }
        }
    }
}

fn category_label(category: CategoryOfConcern) -> String {
    category.label().to_lowercase()
}

fn verdict(fired: bool, reason: String) -> Finding {
    (if fired { Verdict::Fired } else { Verdict::NotFired }, reason)
}

fn missing() -> Finding {
    (Verdict::NotEnoughEvidence, "No figure held.".to_owned())
}

fn missing_figure(measure: Measure, group: PupilGroup) -> Finding {
    (
        Verdict::NotEnoughEvidence,
        format!("No figure held for {}.", describe(measure, group)),
    )
}

fn describe(measure: Measure, group: PupilGroup) -> String {
    if group == PupilGroup::All {
        measure.label().to_owned()
    } else {
        format!("{} ({})", measure.label(), group.label().to_lowercase())
    }
}

/// Worse than `bar`, as the measure's polarity reads it.
fn is_worse(measure: Measure, value: f64, bar: f64) -> bool {
    match measure.polarity() {
        Polarity::LowIsGood => value > bar,
        _ => value < bar,
    }
}

/// The school's latest figure of the measure with a value and a cohort large enough.
fn latest_value(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    measure: Measure,
    group: PupilGroup,
) -> Option<(AcademicYear, f64)> {
    let year = evidence.latest_year(measure, group)?;
    value_in(indicator, evidence, measure, group, year).map(|value| (year, value))
}

fn value_in(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    measure: Measure,
    group: PupilGroup,
    year: AcademicYear,
) -> Option<f64> {
    let figure = evidence.figure(measure, group, year)?;
    let large_enough = figure.cohort.is_none_or(|cohort| cohort >= indicator.minimum_cohort);
    figure.figure.value().filter(|_| large_enough)
}

fn bottom_quartile(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    measure: Measure,
    group: PupilGroup,
) -> Finding {
    let Some(year) = evidence.latest_year(measure, group) else {
        return missing_figure(measure, group);
    };
    let Some(value) = value_in(indicator, evidence, measure, group, year) else {
        return (
            Verdict::NotEnoughEvidence,
            format!(
                "{} {year}: no value, or a cohort below {}.",
                describe(measure, group),
                indicator.minimum_cohort
            ),
        );
    };
    let Some(quartiles) = evidence.quartiles(measure, group, year) else {
        return (
            Verdict::NotEnoughEvidence,
            format!("No national figures held for {} {year}.", describe(measure, group)),
        );
    };
    let (bar, side) = match measure.polarity() {
        Polarity::LowIsGood => (quartiles.upper, "upper"),
        _ => (quartiles.lower, "lower"),
    };
    verdict(
        is_worse(measure, value, bar),
        format!(
            "{} {year}: {}; the {side} quartile of {} {} schools is {}.",
            describe(measure, group),
            Figure::Value(value).display(measure),
            quartiles.schools,
            evidence.school.phase.comparator_group().label().to_lowercase(),
            Figure::Value(bar).display(measure)
        ),
    )
}

/// The values of the last `years` + 1 years ending with the latest, oldest first; none if any
/// is missing.
fn run_of_years(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    measure: Measure,
    group: PupilGroup,
    years: usize,
) -> Result<Vec<(AcademicYear, f64)>, Finding> {
    let latest = evidence
        .latest_year(measure, group)
        .ok_or_else(|| missing_figure(measure, group))?;
    latest
        .last(years + 1)
        .into_iter()
        .map(|year| {
            value_in(indicator, evidence, measure, group, year)
                .map(|value| (year, value))
                .ok_or_else(|| {
                    (
                        Verdict::NotEnoughEvidence,
                        format!("{} {year}: no value, or too few pupils.", describe(measure, group)),
                    )
                })
        })
        .collect()
}

fn series_text(measure: Measure, run: &[(AcademicYear, f64)]) -> String {
    run.iter()
        .map(|(year, value)| format!("{year} {}", Figure::Value(*value).display(measure)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn declining(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    (measure, group): (Measure, PupilGroup),
    years: usize,
    not_improving: bool,
) -> Finding {
    let run = match run_of_years(indicator, evidence, measure, group, years) {
        Ok(run) => run,
        Err(finding) => return finding,
    };
    let fired = run.windows(2).all(|pair| {
        let (earlier, later) = (pair[0].1, pair[1].1);
        if not_improving {
            !is_worse(measure, earlier, later)
        } else {
            is_worse(measure, later, earlier)
        }
    });
    verdict(
        fired,
        format!("{}: {}.", describe(measure, group), series_text(measure, &run)),
    )
}

fn gap_widening(
    indicator: &IndicatorRule,
    evidence: &SchoolEvidence<'_>,
    (measure, group): (Measure, PupilGroup),
    (comparator, compared_with): (crate::figure::Comparator, PupilGroup),
    years: usize,
) -> Finding {
    let run = match run_of_years(indicator, evidence, measure, group, years) {
        Ok(run) => run,
        Err(finding) => return finding,
    };
    let mut gaps = Vec::with_capacity(run.len());
    for (year, value) in &run {
        let Some(compared) = evidence
            .comparator(comparator, measure, compared_with, *year)
            .and_then(|figure| figure.figure.value())
        else {
            return (
                Verdict::NotEnoughEvidence,
                format!(
                    "No {} figure held for {} {year}.",
                    comparator.label(),
                    describe(measure, compared_with)
                ),
            );
        };
        // The gap is how far the group falls short, by the measure's polarity.
        let gap = match measure.polarity() {
            Polarity::LowIsGood => value - compared,
            _ => compared - value,
        };
        gaps.push((*year, gap));
    }
    let widening = gaps.windows(2).all(|pair| pair[1].1 > pair[0].1);
    let text = gaps
        .iter()
        .map(|(year, gap)| format!("{year} {gap:.1}"))
        .collect::<Vec<_>>()
        .join(", ");
    verdict(
        widening,
        format!(
            "Gap between {} and {} {}: {text}.",
            describe(measure, group),
            comparator.label(),
            compared_with.label().to_lowercase()
        ),
    )
}

fn roll_falling(evidence: &SchoolEvidence<'_>, percent: f64, years: usize) -> Finding {
    let measure = Measure::PupilsOnRoll;
    let Some(latest) = evidence.latest_year(measure, PupilGroup::All) else {
        return missing_figure(measure, PupilGroup::All);
    };
    let earliest = latest.last(years + 1)[0];
    let value = |year| {
        evidence
            .figure(measure, PupilGroup::All, year)
            .and_then(|figure| figure.figure.value())
    };
    let (Some(then), Some(now)) = (value(earliest), value(latest)) else {
        return (
            Verdict::NotEnoughEvidence,
            format!("Pupils on roll not held for both {earliest} and {latest}."),
        );
    };
    if then <= 0.0 {
        return (Verdict::NotEnoughEvidence, format!("No pupils on roll in {earliest}."));
    }
    let fall = (then - now) / then * 100.0;
    verdict(
        fall > percent,
        format!(
            "Pupils on roll: {then:.0} in {earliest}, {now:.0} in {latest}, a change of {:.1}%.",
            -fall
        ),
    )
}
