//! The School Intervention Record of the synthetic authority: a case for every school the
//! national rule set puts above light touch, with its steps, plan and a year and more of
//! visits, meetings and statements, mostly on time, some not, as an LA's record is.
//!
//! Drawn from a generator of its own, so that the rest of the authority is the same whether or
//! not this runs.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use rand::SeedableRng;
use stride_core::calendar::Calendar;
use stride_core::categorisation::{self, CategorisationEvidence};
use stride_core::intervention::{
    Activity, ActivityKind, Case, LadderStep, NoteOfVisit, Powers, RISK_CHARACTERISTICS, SELF_EVALUATION_JUDGEMENTS,
    SelfEvaluationGrade, Stage, Support, SupportKind,
};
use stride_core::{Dataset, Establishment, HeadlineOutcome, Phase, Urn};

use stride_core::support::{Evaluation, FundingSource, ObjectiveOutcome, Pence};

use crate::DemoAccount;
use crate::random::{Random, between, chance, pick};
use crate::support::{self, PastSupport};

/// The improvement manager of the demo accounts, who decides each step.
const DECIDED_BY: &str = "Gareth Lewis";

pub struct Record {
    pub cases: Vec<Case>,
    pub activities: Vec<Activity>,
    /// By the index of its case in `cases`.
    pub support: Vec<(usize, Support)>,
}

/// The record as of a date, for the authority's schools and its demo advisers: the cases of
/// the support given in earlier years, closed since, and the cases open now.
pub fn generate(
    seed: u64,
    dataset: &Dataset,
    accounts: &[DemoAccount],
    as_of: NaiveDate,
    history: &[PastSupport],
) -> Record {
    let mut random = Random::seed_from_u64(seed ^ 0x05c0_0c00_ca5e);
    let calendar = Calendar::default();
    let levels = levels(dataset, as_of);
    let mut record = Record {
        cases: Vec::new(),
        activities: Vec::new(),
        support: Vec::new(),
    };
    let mut history_random = Random::seed_from_u64(seed ^ 0x0c10_5ed0_ca5e);
    for past in history {
        let (case, support) = closed_case(&mut history_random, past);
        record.support.push((record.cases.len(), support));
        record.cases.push(case);
    }
    for school in dataset.establishments.iter().filter(|school| is_categorised(school)) {
        let adviser = adviser_of(school.urn, accounts);
        let level = levels
            .iter()
            .find(|(urn, _)| *urn == school.urn)
            .map(|(_, level)| level.as_str());
        if let Some(case) = case_for(&mut random, school, level, dataset, &calendar, as_of) {
            let activities = case_activities(&mut random, &case, &adviser, &calendar, as_of);
            let case_index = record.cases.len();
            record.support.extend(
                support_for(&mut random, &case, &adviser, &activities)
                    .into_iter()
                    .map(|support| (case_index, support)),
            );
            record.activities.extend(activities);
            record.cases.push(case);
        }
        record.activities.extend(inspection_activities(
            &mut random,
            school,
            dataset,
            &adviser,
            &calendar,
            as_of,
        ));
        if Powers::of(&school.governance) == Powers::Intervene {
            record
                .activities
                .extend(annual_visits(&mut random, school.urn, &adviser, as_of));
        }
    }
    record.activities.extend(review_group_meetings(as_of));
    record
        .activities
        .sort_by_key(|activity| (activity.held_on, activity.urn));
    record
}

fn is_categorised(school: &Establishment) -> bool {
    school.closed_on.is_none() && school.phase != Phase::NotApplicable
}

/// Each school's level under the national rule set, as the categorisation page would give it.
fn levels(dataset: &Dataset, as_of: NaiveDate) -> Vec<(Urn, String)> {
    let Some(Ok((rules, _))) = categorisation::shipped("national-2025") else {
        return Vec::new();
    };
    let phase_of = |urn: Urn| {
        dataset
            .establishments
            .iter()
            .find(|school| school.urn == urn)
            .map(|school| school.phase.comparator_group())
    };
    let evidence = CategorisationEvidence {
        schools: dataset
            .establishments
            .iter()
            .filter(|school| is_categorised(school))
            .cloned()
            .collect(),
        figures: dataset.school_figures.clone(),
        comparators: dataset.comparator_figures.clone(),
        inspections: dataset.inspections.clone(),
        intelligence: dataset.intelligence.clone(),
        national: dataset
            .school_figures
            .iter()
            .filter_map(|figure| phase_of(figure.urn).map(|phase| (phase, figure.clone())))
            .collect(),
    };
    categorisation::categorise(&rules, &evidence, as_of)
        .into_iter()
        .map(|result| (result.urn, result.categorisation.level))
        .collect()
}

/// The adviser whose scope holds the school; the improvement manager where none does.
fn adviser_of(urn: Urn, accounts: &[DemoAccount]) -> String {
    accounts
        .iter()
        .find(|account| account.role == stride_core::Role::Adviser && account.schools.contains(&urn))
        .map_or_else(|| DECIDED_BY.to_owned(), |account| account.display_name.clone())
}

fn weekday_on_or_after(calendar: &Calendar, day: NaiveDate) -> NaiveDate {
    let mut found = day;
    while !calendar.is_working_day(found) {
        found = found + Days::new(1);
    }
    found
}

fn days_before(day: NaiveDate, days: i64) -> NaiveDate {
    day - Days::new(days.max(0) as u64)
}

fn step(stage: Stage, taken_on: NaiveDate, evidence: String) -> LadderStep {
    LadderStep {
        stage,
        taken_on,
        solution: None,
        compliance_ends: None,
        evidence,
        decided_by: DECIDED_BY.to_owned(),
    }
}

fn case_for(
    random: &mut Random,
    school: &Establishment,
    level: Option<&str>,
    dataset: &Dataset,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Option<Case> {
    let high = match level? {
        "additional-support" => false,
        "high-level-support" => true,
        _ => return None,
    };
    let opened_on = weekday_on_or_after(calendar, days_before(as_of, between(random, 90, 430)));
    let mut steps = vec![step(
        Stage::AdditionalSupport,
        opened_on,
        "Categorised for additional support at the School Review Group under the national rule set".to_owned(),
    )];
    if high {
        let raised = weekday_on_or_after(calendar, opened_on + Days::new(between(random, 30, 80) as u64));
        steps.push(step(
            Stage::HighLevelSupport,
            raised.min(days_before(as_of, 21)),
            "Categorised for high-level support: no sustained improvement since the case opened".to_owned(),
        ));
        let in_category = dataset.inspections.iter().any(|inspection| {
            inspection.urn == school.urn && inspection.category_of_concern.is_some() && inspection.published_on <= as_of
        });
        match Powers::of(&school.governance) {
            Powers::AlertDfe if in_category => steps.push(step(
                Stage::DfeAlerted,
                days_before(as_of, between(random, 20, 60)),
                "The academy was placed in a category of concern: raised with the DfE regional team".to_owned(),
            )),
            Powers::Intervene if !in_category && chance(random, 0.35) => {
                let issued = weekday_on_or_after(calendar, days_before(as_of, between(random, 15, 30)));
                let mut notice = step(
                    Stage::WarningNotice,
                    issued,
                    "Standards unacceptably low and the governing body's action on the plan insufficient".to_owned(),
                );
                notice.compliance_ends = calendar.add_working_days(issued, 30);
                steps.push(notice);
            }
            _ => {}
        }
    }
    let plan_agreed_on = (high || chance(random, 0.5))
        .then(|| weekday_on_or_after(calendar, opened_on + Days::new(between(random, 14, 28) as u64)));
    Some(Case {
        id: 0,
        urn: school.urn,
        opened_on,
        steps,
        plan_agreed_on: plan_agreed_on.filter(|agreed| *agreed < as_of),
        revision: 1,
    })
}

/// The adviser days a case brings (the national rule set's ranges: 1 to 3 a year for additional
/// support, 10 to 30 for high-level), half a day used for each visit made; and for high-level
/// support, a Local Leader of Education.
fn support_for(random: &mut Random, case: &Case, adviser: &str, activities: &[Activity]) -> Vec<Support> {
    let high = case
        .among_since(&[Stage::HighLevelSupport, Stage::WarningNotice, Stage::DfeAlerted])
        .is_some();
    let visits = activities.iter().filter(|activity| activity.kind.is_visit()).count() as f64;
    let allocated = if high {
        between(random, 10, 20) as f64
    } else {
        between(random, 1, 3) as f64
    };
    let mut support = vec![commissioned(
        SupportKind::AdviserDays,
        support::SCHOOL_IMPROVEMENT_SERVICE,
        format!("Adviser days with {adviser}"),
        case.opened_on,
        allocated,
        (visits * 0.5).min(allocated),
    )];
    if high {
        let days = between(random, 5, 10) as f64;
        support.push(commissioned(
            SupportKind::LeaderOfEducation,
            *pick(random, &support::LOCAL_LEADERS),
            "Coaching the headteacher and senior leaders to secure improvement".to_owned(),
            case.steps.last().map_or(case.opened_on, |step| step.taken_on),
            days,
            (days * 0.4).round(),
        ));
    }
    support
}

/// Support from a provider in the directory, costed at its day rate and paid from the LA's
/// central fund, not yet evaluated.
fn commissioned(
    kind: SupportKind,
    provider_id: i64,
    purpose: String,
    commissioned_on: NaiveDate,
    days_allocated: f64,
    days_used: f64,
) -> Support {
    Support {
        id: 0,
        kind,
        provider: support::provider_name(provider_id).to_owned(),
        provider_id: Some(provider_id),
        purpose,
        commissioned_on,
        days_allocated,
        days_used,
        cost: Some(Pence::for_days(support::day_rate(provider_id), days_allocated)),
        funding: Some(FundingSource::CentralFund),
        objective: None,
        evaluation: None,
    }
}

/// A case opened for support in an earlier year and closed at the end of it, with the support
/// evaluated: support that lifted the school mostly met its objective, other support less often.
fn closed_case(random: &mut Random, past: &PastSupport) -> (Case, Support) {
    let opened_on = NaiveDate::from_ymd_opt(past.year, 10, 1).unwrap_or_default();
    let closed_on = NaiveDate::from_ymd_opt(past.year + 1, 7, 15).unwrap_or_default();
    let step = |stage: Stage, taken_on: NaiveDate, evidence: &str| LadderStep {
        stage,
        taken_on,
        solution: None,
        compliance_ends: None,
        evidence: evidence.to_owned(),
        decided_by: DECIDED_BY.to_owned(),
    };
    let case = Case {
        id: 0,
        urn: past.urn,
        opened_on,
        steps: vec![
            step(
                Stage::AdditionalSupport,
                opened_on,
                "Results fell: support agreed at the School Review Group",
            ),
            step(
                Stage::LightTouch,
                closed_on,
                "Support completed; the school returns to light touch",
            ),
            step(Stage::Closed, closed_on, "Case closed at the School Review Group"),
        ],
        plan_agreed_on: None,
        revision: 1,
    };
    let mut support = commissioned(
        past.kind,
        past.provider_id,
        past.purpose.to_owned(),
        opened_on,
        past.days,
        past.days,
    );
    if past.kind == SupportKind::SubjectProgramme {
        support.funding = Some(FundingSource::DelegatedBudget);
    }
    let met_chance = if past.effect > 0.0 { 0.7 } else { 0.35 };
    let outcome = if chance(random, met_chance) {
        ObjectiveOutcome::Met
    } else if chance(random, 0.6) {
        ObjectiveOutcome::PartlyMet
    } else {
        ObjectiveOutcome::NotMet
    };
    support.evaluation = Some(Evaluation {
        outcome,
        evidence: match outcome {
            ObjectiveOutcome::Met => {
                "Leaders' actions seen to be effective on the final visit; the plan's milestones met"
            }
            ObjectiveOutcome::PartlyMet => "Some milestones met; leadership capacity still developing",
            ObjectiveOutcome::NotMet => "Milestones not met; further support needed",
        }
        .to_owned(),
        evaluated_on: closed_on,
    });
    (case, support)
}

fn recorded_at(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(day.year(), day.month(), day.day(), 17, 0, 0)
        .single()
        .unwrap_or_default()
}

fn activity(urn: Option<Urn>, kind: ActivityKind, held_on: NaiveDate, by: &str, summary: &str) -> Activity {
    Activity {
        id: 0,
        urn,
        kind,
        held_on,
        recorded_by: by.to_owned(),
        recorded_at: recorded_at(held_on),
        attendees: String::new(),
        summary: summary.to_owned(),
        actions: String::new(),
        note: None,
    }
}

const FOCUSES: [&str; 4] = [
    "The achievement of pupils",
    "Review of self-evaluation priorities",
    "The quality of teaching in mathematics",
    "Attendance and behaviour",
];

fn note_of_visit(random: &mut Random, focus: &str) -> NoteOfVisit {
    NoteOfVisit {
        focus: focus.to_owned(),
        priorities_and_impact: pick(
            random,
            &[
                "Priority one, reading in Key Stage 2: the proportion reading at the expected standard in the autumn assessment rose.",
                "Priority one, attendance: persistent absence fell after the new first-day calls; the target is not yet met.",
                "Priority one, mathematics: lesson visits show the new calculation policy in place in every class.",
            ],
        )
        .to_string(),
        grades: SELF_EVALUATION_JUDGEMENTS
            .iter()
            .map(|judgement| SelfEvaluationGrade {
                judgement: (*judgement).to_owned(),
                grade: between(random, 2, 4) as u8,
            })
            .collect(),
        risks: RISK_CHARACTERISTICS
            .iter()
            .filter(|_| chance(random, 0.2))
            .map(|risk| (*risk).to_owned())
            .collect(),
        next_steps: "Review the plan's priorities at the next visit with the chair of governors.".to_owned(),
    }
}

fn visit(random: &mut Random, urn: Urn, kind: ActivityKind, held_on: NaiveDate, by: &str) -> Activity {
    let focus = *pick(random, &FOCUSES);
    Activity {
        attendees: "Headteacher; chair of governors".to_owned(),
        note: Some(note_of_visit(random, focus)),
        ..activity(Some(urn), kind, held_on, by, focus)
    }
}

/// Meetings every `weeks` from `since`, each a few days either side of its time; now and then
/// the series lapses, leaving the next one overdue.
fn series(random: &mut Random, since: NaiveDate, weeks: u64, as_of: NaiveDate, calendar: &Calendar) -> Vec<NaiveDate> {
    let lapses = chance(random, 0.2);
    let mut dates = Vec::new();
    let mut next = since + Days::new(weeks * 7 - between(random, 2, 6) as u64);
    while next < as_of {
        dates.push(weekday_on_or_after(calendar, next).min(as_of));
        next = next + Days::new(weeks * 7 - between(random, 1, 5) as u64);
    }
    if lapses && !dates.is_empty() {
        let keep = dates.len().saturating_sub(2).max(1);
        dates.truncate(keep);
    }
    dates
}

fn case_activities(
    random: &mut Random,
    case: &Case,
    adviser: &str,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Vec<Activity> {
    let mut activities = Vec::new();
    let school = Some(case.urn);
    for held_on in series(random, case.opened_on, 6, as_of, calendar) {
        activities.push(Activity {
            attendees: "Improvement manager; adviser; attendance officer; HR and finance officers".to_owned(),
            actions: "Adviser to review the plan's first priority with the headteacher; attendance officer to visit the families of the persistently absent".to_owned(),
            ..activity(
                school,
                ActivityKind::TeamAroundTheSchool,
                held_on,
                DECIDED_BY,
                "Support across the service reviewed and agreed",
            )
        });
    }
    if let Some(since) = case.among_since(&[Stage::HighLevelSupport, Stage::WarningNotice, Stage::DfeAlerted]) {
        for held_on in series(random, since, 6, as_of, calendar) {
            activities.push(activity(
                school,
                ActivityKind::TaskGroup,
                held_on,
                DECIDED_BY,
                "Task group: progress against the plan",
            ));
        }
    }
    if let Some(agreed) = case.plan_agreed_on {
        for held_on in series(random, agreed, 4, as_of, calendar) {
            activities.push(activity(
                school,
                ActivityKind::PlanReview,
                held_on,
                adviser,
                "Four-weekly review of the plan",
            ));
        }
    }
    // A monitoring visit each term since the case opened; this term's, by now, for most.
    for term in terms_between(calendar, case.opened_on, as_of) {
        let current = term.dates.contains(as_of);
        if current && chance(random, 0.4) {
            continue;
        }
        let last = term.dates.last().min(as_of);
        let first = term.dates.first().max(case.opened_on);
        if first >= last {
            continue;
        }
        let offset = between(random, 0, (last - first).num_days());
        let held_on = weekday_on_or_after(calendar, first + Days::new(offset as u64)).min(last);
        activities.push(visit(random, case.urn, ActivityKind::SchoolVisit, held_on, adviser));
    }
    activities
}

fn terms_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<stride_core::calendar::Term> {
    let first = stride_core::AcademicYear::containing(from);
    let last = stride_core::AcademicYear::containing(to);
    let mut terms = Vec::new();
    let mut year = first;
    while year <= last {
        terms.extend(
            calendar
                .terms(year)
                .into_iter()
                .filter(|term| term.dates.last() >= from && term.dates.first() <= to),
        );
        year = year.next();
    }
    terms
}

/// The visits and statements a recent inspection called for, mostly made on time.
fn inspection_activities(
    random: &mut Random,
    school: &Establishment,
    dataset: &Dataset,
    adviser: &str,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Vec<Activity> {
    let Some(latest) = dataset
        .inspections
        .iter()
        .filter(|inspection| inspection.urn == school.urn && inspection.published_on <= as_of)
        .max_by_key(|inspection| (inspection.published_on, inspection.started_on))
    else {
        return Vec::new();
    };
    if (as_of - latest.published_on).num_days() > 365 {
        return Vec::new();
    }
    let mut activities = Vec::new();
    let needs_visits = matches!(
        latest.headline(),
        HeadlineOutcome::RequiresImprovement | HeadlineOutcome::ReportCardNeedsAttention
    );
    if needs_visits {
        if chance(random, 0.75) {
            let held_on = weekday_on_or_after(calendar, latest.started_on + Days::new(between(random, 3, 11) as u64));
            activities.push(visit(
                random,
                school.urn,
                ActivityKind::PostInspectionVisit,
                held_on.min(as_of),
                adviser,
            ));
        }
        if chance(random, 0.7) {
            let held_on = weekday_on_or_after(calendar, latest.started_on + Days::new(between(random, 15, 26) as u64));
            activities.push(visit(
                random,
                school.urn,
                ActivityKind::MonitoringVisit,
                held_on.min(as_of),
                adviser,
            ));
        }
    }
    if latest.category_of_concern.is_some() && chance(random, 0.8) {
        let kind = match Powers::of(&school.governance) {
            Powers::Intervene => ActivityKind::StatementOfAction,
            Powers::AlertDfe => ActivityKind::DfeAlert,
        };
        let sent = calendar
            .add_working_days(latest.published_on, between(random, 4, 9) as u32)
            .unwrap_or(latest.published_on);
        activities.push(activity(
            Some(school.urn),
            kind,
            sent.min(as_of),
            DECIDED_BY,
            "Sent to Ofsted and the school",
        ));
    }
    activities
        .into_iter()
        .filter(|activity| activity.held_on <= as_of)
        .collect()
}

/// School visits 1 to 3 of each academic year to date, for a maintained school.
fn annual_visits(random: &mut Random, urn: Urn, adviser: &str, as_of: NaiveDate) -> Vec<Activity> {
    let mut activities = Vec::new();
    let current = stride_core::AcademicYear::containing(as_of);
    for year in [current.previous(), current] {
        let (autumn, spring) = (year.start_year(), year.start_year() + 1);
        for (opens, days) in [
            (NaiveDate::from_ymd_opt(autumn, 10, 1), 60),
            (NaiveDate::from_ymd_opt(spring, 2, 1), 58),
            (NaiveDate::from_ymd_opt(spring, 5, 1), 60),
        ] {
            let Some(opens) = opens else { continue };
            if opens > as_of || chance(random, 0.08) {
                continue;
            }
            let held_on = opens + Days::new(between(random, 0, days - 3) as u64);
            if held_on > as_of || held_on.weekday() == Weekday::Sat || held_on.weekday() == Weekday::Sun {
                continue;
            }
            activities.push(visit(random, urn, ActivityKind::SchoolVisit, held_on, adviser));
        }
    }
    activities
}

/// The School Review Group's meetings of the last year and this, on time.
fn review_group_meetings(as_of: NaiveDate) -> Vec<Activity> {
    let current = stride_core::AcademicYear::containing(as_of);
    [current.previous(), current]
        .into_iter()
        .flat_map(|year| {
            [
                (year.start_year(), 9, 24),
                (year.start_year() + 1, 1, 21),
                (year.start_year() + 1, 4, 22),
                (year.start_year() + 1, 7, 8),
            ]
        })
        .filter_map(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .filter(|held_on| *held_on <= as_of)
        .map(|held_on| Activity {
            attendees: "Improvement managers; the Head of School Improvement".to_owned(),
            ..activity(
                None,
                ActivityKind::SchoolReviewGroup,
                held_on,
                DECIDED_BY,
                "Schools' categories reviewed",
            )
        })
        .collect()
}
