//! Each school's inspection history from 2013, driven by the same hidden effectiveness as its
//! figures and following Ofsted's cycle: graded inspections, short (ungraded) ones for good
//! schools, re-inspection of schools requiring improvement, monitoring of schools in a category,
//! the pause of 2020-21, the end of the outstanding exemption, and report cards from November
//! 2025.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use stride_core::inspection::InspectionFields;
use stride_core::{
    AcademicYear, CategoryOfConcern, EvaluationArea, FourPointGrade, Framework, Grade, Inspection, InspectionKind,
    Judgement, Phase, ReportCardGrade, UngradedOutcome,
};

use crate::random::{Random, between, chance, normal};
use crate::schools::{SchoolPlan, date};

/// Where a school stands after an inspection, which decides when it is next inspected and how.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    Outstanding,
    Good,
    /// Good, with a short inspection that found improvement or concerns: the next is graded.
    GoodNextGraded,
    RequiresImprovement,
    InCategory(CategoryOfConcern),
}

pub fn history(random: &mut Random, plan: &SchoolPlan, as_of: NaiveDate) -> Vec<Inspection> {
    if matches!(plan.phase(), Phase::AlternativeProvision) && chance(random, 0.5) {
        // A young provision may not have been inspected yet.
        return Vec::new();
    }
    let mut inspections = Vec::new();
    let mut on = weekday_on_or_after(date(2013, 1, 7) + Days::new(between(random, 0, 1_400) as u64));
    let mut standing = None;
    while let Some(inspection) = next_inspection(random, plan, on, standing, as_of) {
        let (made, new_standing, next) = inspection;
        inspections.extend(made);
        standing = Some(new_standing);
        on = next;
    }
    inspections
}

type Step = (Vec<Inspection>, Standing, NaiveDate);

fn next_inspection(
    random: &mut Random,
    plan: &SchoolPlan,
    on: NaiveDate,
    standing: Option<Standing>,
    as_of: NaiveDate,
) -> Option<Step> {
    let framework = Framework::in_force_on(on)?;
    let published_on = on + Days::new(between(random, 18, 35) as u64);
    if published_on > as_of {
        return None;
    }
    let effect = plan.effect_in(AcademicYear::containing(on).start_year()) + normal(random, 0.0, 0.45);
    let short = !framework.uses_report_card_scale()
        && on >= date(2015, 9, 1)
        && matches!(standing, Some(Standing::Good | Standing::Outstanding));
    let (inspection, new_standing) = if short {
        ungraded(plan, on, published_on, framework, effect, standing)
    } else {
        graded(random, plan, on, published_on, framework, effect)
    };
    let mut made = vec![inspection?];
    let next = schedule(random, on, new_standing);
    if let Standing::InCategory(_) = new_standing {
        made.extend(monitoring(random, plan, on, next.min(as_of)));
    }
    Some((made, new_standing, next))
}

fn inspection(fields: InspectionFields) -> Option<Inspection> {
    // The generator only makes inspections its frameworks allow; one that fails the core's
    // checks is dropped rather than written.
    Inspection::new(fields).ok()
}

fn ungraded(
    plan: &SchoolPlan,
    on: NaiveDate,
    published_on: NaiveDate,
    framework: Framework,
    effect: f64,
    standing: Option<Standing>,
) -> (Option<Inspection>, Standing) {
    let was_outstanding = standing == Some(Standing::Outstanding);
    let (outcome, standing) = if effect > 1.2 && !was_outstanding {
        (UngradedOutcome::MayImprove, Standing::GoodNextGraded)
    } else if effect < if was_outstanding { 0.4 } else { -0.9 } {
        (UngradedOutcome::Concerns, Standing::GoodNextGraded)
    } else {
        (UngradedOutcome::StandardsMaintained, standing.unwrap_or(Standing::Good))
    };
    let fields = InspectionFields {
        urn: plan.urn(),
        framework,
        kind: InspectionKind::Ungraded,
        started_on: on,
        published_on,
        judgements: Vec::new(),
        ungraded_outcome: Some(outcome),
        category_of_concern: None,
    };
    (inspection(fields), standing)
}

fn four_point(effect: f64) -> FourPointGrade {
    if effect >= 1.25 {
        FourPointGrade::Outstanding
    } else if effect >= -0.95 {
        FourPointGrade::Good
    } else if effect >= -1.9 {
        FourPointGrade::RequiresImprovement
    } else {
        FourPointGrade::Inadequate
    }
}

fn report_card(effect: f64) -> ReportCardGrade {
    // Report cards judge up to eight areas, and one weak area is enough to need attention, so
    // each area's bar sits lower than the four-point scale's.
    if effect >= 1.9 {
        ReportCardGrade::Exceptional
    } else if effect >= 0.6 {
        ReportCardGrade::StrongStandard
    } else if effect >= -1.4 {
        ReportCardGrade::ExpectedStandard
    } else if effect >= -2.4 {
        ReportCardGrade::NeedsAttention
    } else {
        ReportCardGrade::UrgentImprovement
    }
}

fn graded(
    random: &mut Random,
    plan: &SchoolPlan,
    on: NaiveDate,
    published_on: NaiveDate,
    framework: Framework,
    effect: f64,
) -> (Option<Inspection>, Standing) {
    let areas: Vec<EvaluationArea> = framework
        .areas()
        .iter()
        .copied()
        .filter(|area| match area {
            EvaluationArea::EarlyYears => matches!(plan.phase(), Phase::Primary | Phase::AllThrough | Phase::Nursery),
            EvaluationArea::SixthForm => plan.has_sixth_form && plan.phase() != Phase::Special,
            _ => true,
        })
        .collect();
    let mut judgements = Vec::new();
    for area in areas {
        let spread = if framework.has_overall_grade() { 0.35 } else { 0.2 };
        let area_effect = if area == EvaluationArea::OverallEffectiveness {
            effect
        } else {
            effect + normal(random, 0.0, spread)
        };
        let grade = if area == EvaluationArea::Safeguarding {
            Grade::Safeguarding {
                met: !(effect < -2.2 && chance(random, 0.5)),
            }
        } else if framework.uses_report_card_scale() {
            Grade::ReportCard(report_card(area_effect))
        } else {
            Grade::FourPoint(four_point(area_effect))
        };
        judgements.push(Judgement { area, grade });
    }
    let category = category_of_concern(random, framework, &judgements);
    let standing = match (
        category,
        judgements
            .iter()
            .find(|j| j.area == EvaluationArea::OverallEffectiveness),
    ) {
        (Some(category), _) => Standing::InCategory(category),
        (
            None,
            Some(Judgement {
                grade: Grade::FourPoint(FourPointGrade::Outstanding),
                ..
            }),
        ) => Standing::Outstanding,
        (
            None,
            Some(Judgement {
                grade: Grade::FourPoint(FourPointGrade::RequiresImprovement | FourPointGrade::Inadequate),
                ..
            }),
        ) => Standing::RequiresImprovement,
        (None, Some(_)) => Standing::Good,
        (None, None) => standing_without_overall(&judgements),
    };
    let fields = InspectionFields {
        urn: plan.urn(),
        framework,
        kind: InspectionKind::Graded,
        started_on: on,
        published_on,
        judgements,
        ungraded_outcome: None,
        category_of_concern: category,
    };
    (inspection(fields), standing)
}

/// Without an overall grade, the weakest area decides how soon Ofsted returns.
fn standing_without_overall(judgements: &[Judgement]) -> Standing {
    let weak = judgements.iter().any(|judgement| {
        matches!(
            judgement.grade,
            Grade::FourPoint(FourPointGrade::RequiresImprovement | FourPointGrade::Inadequate)
                | Grade::ReportCard(ReportCardGrade::NeedsAttention | ReportCardGrade::UrgentImprovement)
        )
    });
    if weak {
        Standing::RequiresImprovement
    } else {
        Standing::Good
    }
}

/// Special measures where leadership is inadequate (or needs urgent improvement) or
/// safeguarding is not met; serious weaknesses where another area is inadequate.
fn category_of_concern(
    random: &mut Random,
    framework: Framework,
    judgements: &[Judgement],
) -> Option<CategoryOfConcern> {
    let lowest = |judgement: &Judgement| {
        matches!(
            judgement.grade,
            Grade::FourPoint(FourPointGrade::Inadequate) | Grade::ReportCard(ReportCardGrade::UrgentImprovement)
        )
    };
    let safeguarding_not_met = judgements
        .iter()
        .any(|judgement| judgement.grade == Grade::Safeguarding { met: false });
    let leadership_area = if framework.uses_report_card_scale() {
        EvaluationArea::LeadershipAndGovernance
    } else {
        EvaluationArea::LeadershipAndManagement
    };
    let leadership_lowest = judgements
        .iter()
        .any(|judgement| judgement.area == leadership_area && lowest(judgement));
    let overall_inadequate = judgements
        .iter()
        .any(|judgement| judgement.area == EvaluationArea::OverallEffectiveness && lowest(judgement));
    if safeguarding_not_met || leadership_lowest || (overall_inadequate && chance(random, 0.6)) {
        Some(CategoryOfConcern::SpecialMeasures)
    } else if overall_inadequate || judgements.iter().any(lowest) {
        Some(CategoryOfConcern::SeriousWeaknesses)
    } else {
        None
    }
}

/// When Ofsted next visits, by the school's standing; nothing routine was inspected from March
/// 2020 until September 2021, and outstanding schools were exempt until 2020.
fn schedule(random: &mut Random, on: NaiveDate, standing: Standing) -> NaiveDate {
    let months = |low: i64, high: i64, random: &mut Random| Days::new((between(random, low, high) * 365 / 12) as u64);
    let mut next = match standing {
        Standing::Outstanding if on < date(2020, 3, 1) => {
            date(2021, 9, 6) + Days::new(between(random, 0, 1_300) as u64)
        }
        Standing::Outstanding | Standing::Good => on + months(42, 58, random),
        Standing::GoodNextGraded => on + months(10, 24, random),
        Standing::RequiresImprovement => on + months(22, 30, random),
        Standing::InCategory(CategoryOfConcern::SeriousWeaknesses) => on + months(14, 20, random),
        Standing::InCategory(CategoryOfConcern::SpecialMeasures) => on + months(22, 28, random),
    };
    if next >= date(2020, 3, 17) && next < date(2021, 9, 6) {
        next = date(2021, 9, 6) + Days::new(between(random, 0, 540) as u64);
    }
    weekday_on_or_after(next)
}

/// Monitoring inspections of a school in a category, about every five months until the next
/// graded inspection.
fn monitoring(random: &mut Random, plan: &SchoolPlan, graded_on: NaiveDate, until: NaiveDate) -> Vec<Inspection> {
    let mut visits = Vec::new();
    let mut on = weekday_on_or_after(graded_on + Days::new(between(random, 120, 170) as u64));
    while on + Days::new(60) < until {
        let Some(framework) = Framework::in_force_on(on) else {
            break;
        };
        let effective = plan.effect_in(AcademicYear::containing(on).start_year()) + normal(random, 0.3, 0.6) > -1.2;
        let fields = InspectionFields {
            urn: plan.urn(),
            framework,
            kind: InspectionKind::Monitoring,
            started_on: on,
            published_on: on + Days::new(between(random, 14, 28) as u64),
            judgements: Vec::new(),
            ungraded_outcome: Some(if effective {
                UngradedOutcome::TakingEffectiveAction
            } else {
                UngradedOutcome::NotTakingEffectiveAction
            }),
            category_of_concern: None,
        };
        visits.extend(inspection(fields));
        on = weekday_on_or_after(on + Days::new(between(random, 130, 170) as u64));
    }
    visits
}

/// Inspections start on a weekday.
pub fn weekday_on_or_after(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// A recent report card inspection that placed the school in a category, for a school whose
/// decline the history has not yet caught.
pub fn recent_category(
    random: &mut Random,
    plan: &SchoolPlan,
    after: NaiveDate,
    as_of: NaiveDate,
    category: CategoryOfConcern,
) -> Vec<Inspection> {
    let latest_start = as_of - Days::new(45);
    let earliest = after.max(date(2025, 11, 12));
    if earliest >= latest_start {
        return Vec::new();
    }
    let span = (latest_start - earliest).num_days().max(1);
    let on = weekday_on_or_after(earliest + Days::new(between(random, 0, span) as u64));
    let mut judgements: Vec<Judgement> = Framework::ReportCard2025
        .areas()
        .iter()
        .copied()
        .filter(|area| {
            !matches!(
                area,
                EvaluationArea::EarlyYears | EvaluationArea::SixthForm | EvaluationArea::Safeguarding
            )
        })
        .map(|area| Judgement {
            area,
            grade: Grade::ReportCard(ReportCardGrade::NeedsAttention),
        })
        .collect();
    let urgent_area = match category {
        CategoryOfConcern::SpecialMeasures => EvaluationArea::LeadershipAndGovernance,
        CategoryOfConcern::SeriousWeaknesses => EvaluationArea::AchievementOfPupils,
    };
    for judgement in &mut judgements {
        if judgement.area == urgent_area {
            judgement.grade = Grade::ReportCard(ReportCardGrade::UrgentImprovement);
        }
    }
    judgements.push(Judgement {
        area: EvaluationArea::Safeguarding,
        grade: Grade::Safeguarding { met: true },
    });
    let fields = InspectionFields {
        urn: plan.urn(),
        framework: Framework::ReportCard2025,
        kind: InspectionKind::Graded,
        started_on: on,
        published_on: on + Days::new(between(random, 18, 30) as u64),
        judgements,
        ungraded_outcome: None,
        category_of_concern: Some(category),
    };
    let mut made: Vec<Inspection> = inspection(fields).into_iter().collect();
    made.extend(monitoring(random, plan, on, as_of));
    made
}
