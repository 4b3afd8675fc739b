//! Dated soft evidence officers have recorded, consistent with each school's story: a new head
//! where the head is new, a falling roll where the roll falls, complaints and deficits more
//! often where the school is struggling.

use chrono::{Days, NaiveDate};
use stride_core::{EstablishmentType, IntelligenceItem, IntelligenceKind, LeaderRole};

use crate::names;
use crate::random::{Random, between, chance, pick};
use crate::schools::SchoolPlan;

pub fn items(random: &mut Random, plan: &SchoolPlan, as_of: NaiveDate) -> Vec<IntelligenceItem> {
    let mut items = Vec::new();
    let recorder = |random: &mut Random| {
        format!(
            "{} {}",
            pick(random, &names::FIRST_NAMES),
            pick(random, &names::SURNAMES)
        )
    };
    let recent = |random: &mut Random, within_days: i64| as_of - Days::new(between(random, 5, within_days) as u64);
    let establishment = &plan.establishment;
    if let Some(head) = establishment.leader(LeaderRole::Headteacher)
        && (as_of - head.since).num_days() < 400
    {
        items.push(item(
            plan,
            IntelligenceKind::NewHeadteacher,
            head.since,
            format!("{} took up post as headteacher.", head.name),
            recorder(random),
        ));
    }
    if plan.roll_trend < -0.03 {
        items.push(item(
            plan,
            IntelligenceKind::FallingRoll,
            recent(random, 300),
            "Reception applications down again; roll falling faster than the birth rate in the planning area."
                .to_owned(),
            recorder(random),
        ));
    }
    let struggling = plan.effect_in(2025) < -0.8;
    if chance(random, if struggling { 0.45 } else { 0.08 }) {
        items.push(item(
            plan,
            IntelligenceKind::ParentalComplaints,
            recent(random, 500),
            "Several parental complaints to the LA about communication and behaviour.".to_owned(),
            recorder(random),
        ));
    }
    let maintained = !establishment.establishment_type.is_academy()
        && establishment.establishment_type != EstablishmentType::NurserySchool;
    if maintained && chance(random, if struggling { 0.35 } else { 0.07 }) {
        items.push(item(
            plan,
            IntelligenceKind::BudgetDeficit,
            recent(random, 400),
            "Three-year budget plan shows an in-year deficit; licensed deficit requested.".to_owned(),
            recorder(random),
        ));
    }
    if chance(random, if struggling { 0.12 } else { 0.02 }) {
        items.push(item(
            plan,
            IntelligenceKind::SafeguardingConcern,
            recent(random, 200),
            "Safeguarding concern referred to the LADO; LA safeguarding audit arranged.".to_owned(),
            recorder(random),
        ));
    }
    if chance(random, 0.05) {
        items.push(item(
            plan,
            IntelligenceKind::SeniorStaffTurnover,
            recent(random, 365),
            "Deputy head and two middle leaders left at the end of the summer term.".to_owned(),
            recorder(random),
        ));
    }
    if chance(random, 0.03) {
        items.push(item(
            plan,
            IntelligenceKind::BuildingCondition,
            recent(random, 365),
            "Condition survey: roof and heating at end of life; capital bid submitted.".to_owned(),
            recorder(random),
        ));
    }
    items
}

fn item(
    plan: &SchoolPlan,
    kind: IntelligenceKind,
    recorded_on: NaiveDate,
    summary: String,
    recorded_by: String,
) -> IntelligenceItem {
    IntelligenceItem {
        urn: plan.urn(),
        kind,
        recorded_on,
        summary,
        recorded_by,
    }
}
