//! A synthetic local authority, believable to an LA officer and the same for the same seed:
//! about 250 establishments in eight localities, five years of figures for every pupil group
//! with their comparators, inspections under each framework since 2013, intelligence, and one
//! demo account per role.
//!
//! Invariant: only `stride demo` and `stride generate` use this crate; nothing at run time
//! depends on it.

mod cases;
mod england;
mod figures;
mod inspections;
mod intelligence;
mod learners;
mod names;
mod outcomes;
mod plans;
mod pupils;
mod random;
mod schools;
mod support;

use chrono::NaiveDate;
use rand::SeedableRng;
use stride_core::{CategoryOfConcern, Dataset, LocalAuthority, Phase, Role, Urn};

pub use england::{AUTHORITIES, generate_england};
pub use outcomes::DATA_YEARS;
use random::Random;
use schools::SchoolPlan;

/// The day the synthetic data describes: fixed, so that a seed always gives the same data.
pub fn data_as_at() -> NaiveDate {
    schools::date(2026, 11, 20)
}

/// A demo account with its password, to be hashed by whoever stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    pub schools: Vec<Urn>,
}

pub struct SyntheticLocalAuthority {
    pub dataset: Dataset,
    pub accounts: Vec<DemoAccount>,
}

pub const DEMO_PASSWORD: &str = "stride-demo-2026";

/// The LA's advisers beyond the two the demo is shown with, by username and name: between them
/// they hold every school the two do not.
pub const OTHER_ADVISERS: [(&str, &str); 3] = [
    ("sue.whitfield", "Sue Whitfield"),
    ("mark.ellis", "Mark Ellis"),
    ("joanne.price", "Joanne Price"),
];

/// The inclusion officer with a patch (the north's schools) and a caseload: the LA's children in
/// care, wherever they go to school, whose education the virtual school follows.
pub const INCLUSION_NORTH: &str = "inclusion.north";

pub fn generate(seed: u64) -> SyntheticLocalAuthority {
    let mut random = Random::seed_from_u64(seed);
    let as_of = data_as_at();
    let tracked_years = (DATA_YEARS[DATA_YEARS.len() - 1] - schools::FIRST_TRACKED_YEAR + 1) as usize;
    let mut plans = schools::plan_schools(&mut random, DATA_YEARS[0], tracked_years);
    let accounts = demo_accounts(&mut plans);
    support::place_schools(seed, &mut plans);
    let history = support::plan_history(seed, &mut plans);
    let calibration = outcomes::Calibration::build(&mut random);
    let figures = figures::generate(&mut random, &plans, &calibration, seed);
    let mut learners = learners::generate(seed, &plans);
    let episodes = learners::episodes(seed, &mut learners);
    let mut inspections: Vec<_> = plans
        .iter()
        .flat_map(|plan| inspections::history(&mut random, plan, as_of))
        .collect();
    add_recent_categories(&mut random, &plans, &mut inspections, as_of);
    add_recent_maintained_category(seed, &plans, &mut inspections, as_of);
    let intelligence = plans
        .iter()
        .flat_map(|plan| intelligence::items(&mut random, plan, as_of))
        .collect();
    let dataset = Dataset {
        local_authority: Some(LocalAuthority {
            code: schools::la_code(),
            name: names::LOCAL_AUTHORITY.to_owned(),
            region: names::REGION.to_owned(),
        }),
        localities: schools::localities(),
        trusts: schools::trusts(),
        establishments: plans.into_iter().map(|plan| plan.establishment).collect(),
        school_figures: figures.school,
        comparator_figures: figures.comparator,
        inspections,
        intelligence,
        cases: Vec::new(),
        activities: Vec::new(),
        support: Vec::new(),
        providers: support::providers(seed),
        action_plans: plans::action_plans(as_of),
        ..Dataset::default()
    };
    let record = cases::generate(seed, &dataset, &accounts, as_of, &history);
    let caseloads = learners
        .census
        .iter()
        .filter(|record| {
            record
                .census
                .characteristics
                .contains(&stride_core::pupils::Characteristic::LookedAfter)
        })
        .map(|record| (record.upn.clone(), INCLUSION_NORTH.to_owned()))
        .collect();
    let dataset = Dataset {
        pupils: learners.census,
        attendance: learners.marks,
        attendance_summaries: learners.summaries,
        caseloads,
        episodes,
        cases: record.cases,
        activities: record.activities,
        support: record.support,
        ..dataset
    };
    SyntheticLocalAuthority { dataset, accounts }
}

/// Makes sure the register has work on it: the schools whose effectiveness has fallen furthest
/// by 2025/26, if not already in a category, are placed in special measures (three) or serious
/// weaknesses (two) by a recent report card inspection.
fn add_recent_categories(
    random: &mut Random,
    plans: &[SchoolPlan],
    inspections: &mut Vec<stride_core::Inspection>,
    as_of: NaiveDate,
) {
    let in_category = |inspections: &[stride_core::Inspection], category: CategoryOfConcern| {
        latest_full(inspections)
            .into_iter()
            .filter(|inspection| inspection.category_of_concern == Some(category))
            .count()
    };
    let mut candidates: Vec<&SchoolPlan> = plans
        .iter()
        .filter(|plan| matches!(plan.phase(), Phase::Primary | Phase::Secondary))
        .collect();
    candidates.sort_by(|left, right| left.effect_in(2025).total_cmp(&right.effect_in(2025)));
    for (category, wanted) in [
        (CategoryOfConcern::SpecialMeasures, 3),
        (CategoryOfConcern::SeriousWeaknesses, 2),
    ] {
        for plan in candidates.iter() {
            if in_category(inspections, category) >= wanted {
                break;
            }
            let history: Vec<_> = inspections
                .iter()
                .filter(|inspection| inspection.urn == plan.urn())
                .collect();
            if history
                .iter()
                .any(|inspection| inspection.category_of_concern.is_some())
            {
                continue;
            }
            let after = history
                .iter()
                .map(|inspection| inspection.published_on)
                .max()
                .unwrap_or(schools::date(2025, 11, 12));
            inspections.extend(inspections::recent_category(
                random,
                plan,
                after + chrono::Days::new(90),
                as_of,
                category,
            ));
        }
    }
}

/// Makes sure the LA has a statement of action to write: where no maintained school was placed
/// in a category in the last four months, the weakest maintained school never in one is placed in
/// serious weaknesses. Drawn from a generator of its own, so the rest of the authority is the
/// same draw for draw.
fn add_recent_maintained_category(
    seed: u64,
    plans: &[SchoolPlan],
    inspections: &mut Vec<stride_core::Inspection>,
    as_of: NaiveDate,
) {
    let since = as_of - chrono::Days::new(120);
    let maintained = |plan: &&SchoolPlan| plan.establishment.governance == stride_core::Governance::Maintained;
    let recently_placed = latest_full(inspections).into_iter().any(|inspection| {
        inspection.category_of_concern.is_some()
            && inspection.published_on >= since
            && plans.iter().filter(maintained).any(|plan| plan.urn() == inspection.urn)
    });
    if recently_placed {
        return;
    }
    let mut candidates: Vec<&SchoolPlan> = plans
        .iter()
        .filter(maintained)
        .filter(|plan| matches!(plan.phase(), Phase::Primary | Phase::Secondary))
        .filter(|plan| {
            inspections
                .iter()
                .all(|inspection| inspection.urn != plan.urn() || inspection.category_of_concern.is_none())
        })
        .collect();
    candidates.sort_by(|left, right| left.effect_in(2025).total_cmp(&right.effect_in(2025)));
    if let Some(plan) = candidates.first() {
        let mut random = Random::seed_from_u64(seed ^ 0x57a7_e0f0_ac71);
        inspections.extend(inspections::recent_category(
            &mut random,
            plan,
            since,
            as_of,
            CategoryOfConcern::SeriousWeaknesses,
        ));
    }
}

/// Each school's latest graded inspection.
pub fn latest_full(inspections: &[stride_core::Inspection]) -> Vec<&stride_core::Inspection> {
    let mut latest: std::collections::BTreeMap<Urn, &stride_core::Inspection> = std::collections::BTreeMap::new();
    for inspection in inspections.iter().filter(|inspection| inspection.is_full()) {
        if latest
            .get(&inspection.urn)
            .is_none_or(|held| held.started_on < inspection.started_on)
        {
            latest.insert(inspection.urn, inspection);
        }
    }
    latest.into_values().collect()
}

fn demo_accounts(plans: &mut [SchoolPlan]) -> Vec<DemoAccount> {
    let in_localities = |plans: &[SchoolPlan], localities: &[&str]| -> Vec<Urn> {
        plans
            .iter()
            .filter(|plan| {
                plan.establishment
                    .locality
                    .as_ref()
                    .is_some_and(|locality| localities.contains(&locality.name.as_str()))
            })
            .filter(|plan| plan.phase() != Phase::Nursery)
            .map(SchoolPlan::urn)
            .take(32)
            .collect()
    };
    let north = in_localities(plans, &["Ashbourne Vale", "Brindleford"]);
    let north_patch = north.clone();
    let south = in_localities(plans, &["Greyhaven", "Hollowmoor"]);
    // The rest of the LA's schools, shared among its other advisers, so that every school has
    // one whose job its visits are.
    let others: Vec<Urn> = plans
        .iter()
        .filter(|plan| plan.phase() != Phase::NotApplicable)
        .map(SchoolPlan::urn)
        .filter(|urn| !north.contains(urn) && !south.contains(urn))
        .collect();
    let share = |part: usize| -> Vec<Urn> {
        others
            .iter()
            .enumerate()
            .filter(|(position, _)| position % OTHER_ADVISERS.len() == part)
            .map(|(_, urn)| *urn)
            .collect()
    };
    // The demo headteacher leads the first primary school, and the school's record says so.
    let mut own_school = Vec::new();
    if let Some(plan) = plans.iter_mut().find(|plan| plan.phase() == Phase::Primary) {
        for leader in &mut plan.establishment.leaders {
            if leader.role == stride_core::LeaderRole::Headteacher {
                leader.name = "Rachel Green".to_owned();
            }
        }
        own_school.push(plan.urn());
    }
    let account = |username: &str, display_name: &str, role: Role, schools: Vec<Urn>| DemoAccount {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        role,
        password: DEMO_PASSWORD.to_owned(),
        schools,
    };
    vec![
        account("data.manager", "Priya Shah", Role::DataManager, Vec::new()),
        account(
            "improvement.manager",
            "Gareth Lewis",
            Role::ImprovementManager,
            Vec::new(),
        ),
        account("adviser.north", "Helen Carter", Role::Adviser, north),
        account("adviser.south", "Tom Okafor", Role::Adviser, south),
        account(OTHER_ADVISERS[0].0, OTHER_ADVISERS[0].1, Role::Adviser, share(0)),
        account(OTHER_ADVISERS[1].0, OTHER_ADVISERS[1].1, Role::Adviser, share(1)),
        account(OTHER_ADVISERS[2].0, OTHER_ADVISERS[2].1, Role::Adviser, share(2)),
        account("inclusion.officer", "Amina Yusuf", Role::InclusionOfficer, Vec::new()),
        account(INCLUSION_NORTH, "Dev Mistry", Role::InclusionOfficer, north_patch),
        account("headteacher", "Rachel Green", Role::Headteacher, own_school),
        account("elected.member", "Cllr John Barnes", Role::ElectedMember, Vec::new()),
        account("administrator", "Sam Patel", Role::Administrator, Vec::new()),
    ]
}
