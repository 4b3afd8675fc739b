//! The comparison of supported with similar unsupported schools, on synthetic schools built with
//! a known effect: regression to the mean is built in too, since the schools supported are
//! chosen for low results, as an LA chooses them.

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::establishment::Establishment;
use crate::figure::SchoolFigure;
use crate::inspection::{
    CategoryOfConcern, EvaluationArea, FourPointGrade, Framework, Grade, Inspection, InspectionFields, InspectionKind,
    Judgement, ReportCardGrade, UngradedOutcome,
};
use crate::intervention::SupportKind;
use crate::measure::{Measure, PupilGroup};
use crate::testing::{figure, school, urn};

const SCHOOLS: u32 = 250;
const FIRST_YEAR: i32 = 2019;
const LAST_YEAR: i32 = 2025;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn support(id: i64, kind: SupportKind, commissioned_on: NaiveDate, cost: Option<Pence>) -> Support {
    Support {
        id,
        kind,
        provider: "Provider".into(),
        provider_id: Some(1),
        purpose: String::new(),
        commissioned_on,
        days_allocated: 5.0,
        days_used: 5.0,
        cost,
        funding: Some(FundingSource::CentralFund),
        objective: None,
        evaluation: None,
    }
}

fn normal(random: &mut ChaCha8Rng) -> f64 {
    let first: f64 = random.random_range(f64::EPSILON..1.0);
    let second: f64 = random.random_range(0.0..1.0);
    (-2.0 * first.ln()).sqrt() * (std::f64::consts::TAU * second).cos()
}

/// Schools of persistent quality with yearly noise; in each of three years, twelve of the
/// lowest sixty the year before are supported, and support adds `effect` points from the year
/// after it on.
struct Built {
    schools: Vec<Establishment>,
    figures: Vec<SchoolFigure>,
    rolls: Vec<SchoolFigure>,
    commissions: Vec<(Urn, Support)>,
}

fn build(seed: u64, effect: f64) -> Built {
    let mut random = ChaCha8Rng::seed_from_u64(seed);
    let quality: Vec<f64> = (0..SCHOOLS).map(|_| normal(&mut random)).collect();
    let share: Vec<f64> = quality
        .iter()
        .map(|quality| (0.25 - 0.08 * quality + 0.05 * normal(&mut random)).clamp(0.02, 0.8))
        .collect();
    let mut values: Vec<Vec<f64>> = (0..SCHOOLS)
        .map(|index| {
            (FIRST_YEAR..=LAST_YEAR)
                .map(|_| 62.0 + 8.0 * quality[index as usize] + 4.0 * normal(&mut random))
                .collect()
        })
        .collect();
    let mut commissions = Vec::new();
    let mut supported_before: Vec<u32> = Vec::new();
    for year in 2021..=2023 {
        let column = (year - 1 - FIRST_YEAR) as usize;
        let mut lowest: Vec<u32> = (0..SCHOOLS).filter(|index| !supported_before.contains(index)).collect();
        lowest.sort_by(|left, right| values[*left as usize][column].total_cmp(&values[*right as usize][column]));
        lowest.truncate(60);
        for _ in 0..12 {
            let chosen = lowest.remove(random.random_range(0..lowest.len()));
            supported_before.push(chosen);
            commissions.push((
                urn(100_000 + chosen),
                support(
                    commissions.len() as i64,
                    SupportKind::LeaderOfEducation,
                    day(&format!("{year}-10-01")),
                    Some(Pence(200_000)),
                ),
            ));
            for later in (year + 1)..=LAST_YEAR {
                values[chosen as usize][(later - FIRST_YEAR) as usize] += effect;
            }
        }
    }
    let mut figures = Vec::new();
    let mut rolls = Vec::new();
    for index in 0..SCHOOLS {
        for year in FIRST_YEAR..=LAST_YEAR {
            let value = values[index as usize][(year - FIRST_YEAR) as usize];
            figures.push(figure(
                100_000 + index,
                Measure::Ks2ReadingWritingMathsExpected,
                PupilGroup::All,
                year,
                value,
            ));
            rolls.push(figure(
                100_000 + index,
                Measure::PupilsOnRoll,
                PupilGroup::All,
                year,
                200.0,
            ));
            rolls.push(figure(
                100_000 + index,
                Measure::PupilsOnRoll,
                PupilGroup::Disadvantaged,
                year,
                (200.0 * share[index as usize]).round(),
            ));
        }
    }
    Built {
        schools: (0..SCHOOLS).map(|index| school(100_000 + index)).collect(),
        figures,
        rolls,
        commissions,
    }
}

fn leader_of_education(built: &Built, inspections: &[Inspection]) -> Comparison {
    let evidence = ImpactEvidence {
        schools: &built.schools,
        inspections,
        commissions: &built.commissions,
        measure: Measure::Ks2ReadingWritingMathsExpected,
        figures: &built.figures,
        rolls: &built.rolls,
    };
    let mut comparisons = impact(&evidence, GroupBy::Kind);
    assert_eq!(comparisons.len(), 1);
    comparisons.remove(0)
}

#[test]
fn a_built_in_effect_is_recovered_within_the_stated_interval() {
    let comparison = leader_of_education(&build(7, 5.0), &[]);
    let estimate = comparison.estimate.expect("enough schools");
    assert_eq!(comparison.measured, 36, "{comparison:?}");
    assert_eq!(comparison.not_measured, 0);
    assert_eq!(comparison.schools_supported, 36);
    assert!(estimate.lower < 5.0 && 5.0 < estimate.upper, "{estimate:?}");
    assert!(estimate.lower > 0.0, "{estimate:?}");
    assert_eq!(comparison.finding, Finding::Better);
    assert!(
        comparison.statement.contains("better beyond chance"),
        "{}",
        comparison.statement
    );
    assert!(
        comparison.statement.contains("36 supported school-years"),
        "{}",
        comparison.statement
    );
}

#[test]
fn the_interval_holds_the_built_in_effect_about_as_often_as_it_says() {
    for effect in [0.0, 5.0] {
        let covered = (0..40)
            .filter(|seed| {
                let estimate = leader_of_education(&build(*seed, effect), &[])
                    .estimate
                    .expect("enough schools");
                estimate.lower <= effect && effect <= estimate.upper
            })
            .count();
        assert!(
            covered >= 34,
            "a 95% interval held the effect {effect} in only {covered} of 40 sets"
        );
    }
}

#[test]
fn no_effect_is_reported_where_none_was_built_in() {
    let findings = (0..40)
        .filter(|seed| leader_of_education(&build(*seed, 0.0), &[]).finding != Finding::NoClearDifference)
        .count();
    assert!(
        findings <= 4,
        "{findings} of 40 sets with no effect built in gave a finding"
    );
    let comparison = leader_of_education(&build(3, 0.0), &[]);
    assert_eq!(comparison.finding, Finding::NoClearDifference, "{comparison:?}");
    assert!(comparison.cost_per_point.is_none());
    assert!(
        comparison.statement.contains("cannot be told from chance"),
        "{}",
        comparison.statement
    );
}

#[test]
fn matching_on_the_starting_point_removes_the_rise_low_results_make_anyway() {
    let built = build(3, 0.0);
    let comparison = leader_of_education(&built, &[]);
    let supported = comparison.supported_change.expect("measured").mean;
    assert!(
        supported > 1.0,
        "schools chosen for low results rise anyway: {supported}"
    );
    let estimate = comparison.estimate.expect("enough schools");
    assert!(
        estimate.difference.abs() < supported,
        "{estimate:?} against {supported}"
    );
}

#[test]
fn a_small_group_is_reported_as_too_small_never_as_a_finding() {
    let mut built = build(7, 10.0);
    built.commissions.truncate(4);
    let comparison = leader_of_education(&built, &[]);
    assert_eq!(comparison.finding, Finding::TooFew);
    assert_eq!(comparison.estimate, None);
    assert_eq!(comparison.cost_per_point, None);
    assert_eq!(
        comparison.statement,
        "Too few schools to say anything: 4 supported school-years with results of KS2: reading, writing and maths at the expected standard before and after support, and at least 5 are needed."
    );
}

#[test]
fn value_for_money_is_cost_per_school_and_per_point_beyond_similar_schools() {
    let comparison = leader_of_education(&build(7, 5.0), &[]);
    assert_eq!(comparison.cost, Pence(36 * 200_000));
    assert_eq!(comparison.cost_per_school, Some(Pence(200_000)));
    let estimate = comparison.estimate.expect("enough schools");
    let expected = (36.0 * 200_000.0 / (estimate.difference * 36.0)).round() as i64;
    assert_eq!(comparison.cost_per_point, Some(Pence(expected)));
}

fn graded(number: u32, framework: Framework, started: &str, judgements: Vec<Judgement>) -> Inspection {
    Inspection::new(InspectionFields {
        urn: urn(number),
        framework,
        kind: InspectionKind::Graded,
        started_on: day(started),
        published_on: day(started) + chrono::Days::new(30),
        judgements,
        ungraded_outcome: None,
        category_of_concern: None,
    })
    .expect("a valid inspection")
}

fn four_point(number: u32, started: &str, grade: FourPointGrade) -> Inspection {
    graded(
        number,
        Framework::Education2019,
        started,
        vec![Judgement {
            area: EvaluationArea::OverallEffectiveness,
            grade: Grade::FourPoint(grade),
        }],
    )
}

fn report_card(number: u32, started: &str, grade: ReportCardGrade) -> Inspection {
    graded(
        number,
        Framework::ReportCard2025,
        started,
        vec![Judgement {
            area: EvaluationArea::Inclusion,
            grade: Grade::ReportCard(grade),
        }],
    )
}

#[test]
fn inspections_compare_on_one_scale_and_a_framework_change_is_said_not_mapped() {
    let good = four_point(100_001, "2019-10-01", FourPointGrade::Good);
    let requires_improvement = four_point(100_001, "2022-10-01", FourPointGrade::RequiresImprovement);
    let expected = report_card(100_001, "2026-01-12", ReportCardGrade::ExpectedStandard);
    let needs_attention = report_card(100_001, "2026-06-08", ReportCardGrade::NeedsAttention);
    assert_eq!(
        movement(Some(&good), &requires_improvement),
        InspectionMovement::Declined
    );
    assert_eq!(
        movement(Some(&requires_improvement), &good),
        InspectionMovement::Improved
    );
    assert_eq!(movement(Some(&good), &good), InspectionMovement::Static);
    assert_eq!(
        movement(Some(&requires_improvement), &expected),
        InspectionMovement::FrameworkChanged
    );
    assert_eq!(
        movement(Some(&expected), &needs_attention),
        InspectionMovement::Declined
    );
    assert_eq!(movement(None, &expected), InspectionMovement::FirstInspection);
}

#[test]
fn inspections_after_support_are_counted_against_the_one_before() {
    let built = build(7, 5.0);
    let supported: Vec<u32> = built.commissions.iter().map(|(urn, _)| urn.get()).take(3).collect();
    let inspections = vec![
        four_point(supported[0], "2019-10-01", FourPointGrade::RequiresImprovement),
        four_point(supported[0], "2023-03-01", FourPointGrade::Good),
        four_point(supported[1], "2019-10-01", FourPointGrade::RequiresImprovement),
        report_card(supported[1], "2026-01-12", ReportCardGrade::ExpectedStandard),
    ];
    let comparison = leader_of_education(&built, &inspections);
    assert_eq!(comparison.supported_inspections.improved, 1);
    assert_eq!(comparison.supported_inspections.not_comparable, 1);
    assert_eq!(comparison.supported_inspections.not_inspected_since, 34);
    assert_eq!(
        comparison.similar_inspections.not_inspected_since,
        36 * SIMILAR_PER_SCHOOL
    );
}

#[test]
fn schools_in_a_category_not_making_progress_come_first_with_their_support() {
    let schools = vec![school(100_001), school(100_002), school(100_003)];
    let placed = |number: u32| {
        Inspection::new(InspectionFields {
            urn: urn(number),
            framework: Framework::Education2019,
            kind: InspectionKind::Graded,
            started_on: day("2023-05-10"),
            published_on: day("2023-06-20"),
            judgements: vec![Judgement {
                area: EvaluationArea::OverallEffectiveness,
                grade: Grade::FourPoint(FourPointGrade::Inadequate),
            }],
            ungraded_outcome: None,
            category_of_concern: Some(CategoryOfConcern::SpecialMeasures),
        })
        .expect("a valid inspection")
    };
    let monitoring = |number: u32, outcome: UngradedOutcome| {
        Inspection::new(InspectionFields {
            urn: urn(number),
            framework: Framework::Education2019,
            kind: InspectionKind::Monitoring,
            started_on: day("2023-11-10"),
            published_on: day("2023-12-01"),
            judgements: Vec::new(),
            ungraded_outcome: Some(outcome),
            category_of_concern: None,
        })
        .expect("a valid inspection")
    };
    let inspections = vec![
        placed(100_001),
        monitoring(100_001, UngradedOutcome::TakingEffectiveAction),
        placed(100_002),
        monitoring(100_002, UngradedOutcome::NotTakingEffectiveAction),
        four_point(100_003, "2022-01-01", FourPointGrade::Good),
    ];
    let commissions = vec![
        (
            urn(100_002),
            support(1, SupportKind::LeaderOfEducation, day("2023-09-01"), None),
        ),
        (
            urn(100_002),
            support(2, SupportKind::AdviserDays, day("2022-09-01"), None),
        ),
    ];
    let found = schools_in_category(&schools, &inspections, &commissions, day("2024-01-10"));
    let summary: Vec<(u32, Progress, usize)> = found
        .iter()
        .map(|school| (school.school.urn.get(), school.progress, school.support.len()))
        .collect();
    assert_eq!(
        summary,
        [
            (100_002, Progress::NotMakingProgress, 1),
            (100_001, Progress::MakingProgress, 0)
        ]
    );
    let before_monitoring = schools_in_category(&schools, &inspections, &commissions, day("2023-11-20"));
    assert!(
        before_monitoring
            .iter()
            .all(|school| school.progress == Progress::NotYetMonitored)
    );
}
