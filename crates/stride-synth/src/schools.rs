//! The establishments of the authority and the hidden traits that drive their figures: how
//! effective each school is (year by year, with persistence), how disadvantaged its intake is,
//! and how its roll moves.

use chrono::NaiveDate;
use stride_core::{
    DfeNumber, Establishment, EstablishmentStatus, EstablishmentType, Governance, LaCode, Leader, LeaderRole, Locality,
    Phase, Trust, Urn,
};

use crate::names;
use crate::random::{Random, between, chance, normal, pick};

/// The first academic year the school's effectiveness is tracked, so that inspections from 2013
/// follow the same hidden quality as the figures.
pub const FIRST_TRACKED_YEAR: i32 = 2012;

pub struct SchoolPlan {
    pub establishment: Establishment,
    /// Effectiveness for each academic year from [`FIRST_TRACKED_YEAR`]: mean 0, standard
    /// deviation 1 across schools, persistent from year to year.
    pub effect_by_year: Vec<f64>,
    pub disadvantaged_rate: f64,
    pub eal_rate: f64,
    /// Pupils on roll in the first data year; later years follow [`SchoolPlan::roll_trend`].
    pub base_roll: u32,
    /// Proportional change in roll per year.
    pub roll_trend: f64,
    pub has_sixth_form: bool,
}

impl SchoolPlan {
    pub fn effect_in(&self, academic_year: i32) -> f64 {
        let index = (academic_year - FIRST_TRACKED_YEAR).clamp(0, self.effect_by_year.len() as i32 - 1);
        self.effect_by_year[index as usize]
    }

    pub fn roll_in(&self, years_after_first: i32) -> u32 {
        let roll = f64::from(self.base_roll) * (1.0 + self.roll_trend).powi(years_after_first);
        roll.round().max(8.0) as u32
    }

    pub fn urn(&self) -> Urn {
        self.establishment.urn
    }

    pub fn phase(&self) -> Phase {
        self.establishment.phase
    }
}

struct Counter {
    next_maintained_urn: u32,
    next_academy_urn: u32,
    next_number: [u16; 5],
}

/// The mix of an English shire county: mostly primary schools, about a third of them academies,
/// most secondaries academies, a few middle, all-through, special and nursery schools, and two
/// pupil referral units.
const MIX: [(Phase, usize); 7] = [
    (Phase::Primary, 188),
    (Phase::Secondary, 35),
    (Phase::AllThrough, 3),
    (Phase::Middle, 4),
    (Phase::Special, 12),
    (Phase::Nursery, 5),
    (Phase::AlternativeProvision, 2),
];

pub fn localities() -> Vec<Locality> {
    names::LOCALITIES
        .iter()
        .enumerate()
        .map(|(index, (name, _))| Locality {
            id: index as i64 + 1,
            name: (*name).to_owned(),
        })
        .collect()
}

pub fn trusts() -> Vec<Trust> {
    names::TRUSTS
        .iter()
        .enumerate()
        .map(|(index, name)| Trust {
            id: index as i64 + 1,
            name: (*name).to_owned(),
        })
        .collect()
}

pub fn plan_schools(random: &mut Random, first_data_year: i32, tracked_years: usize) -> Vec<SchoolPlan> {
    let localities = localities();
    let trusts = trusts();
    let mut counter = Counter {
        // Real URNs run below 500000 today: generated ones from 914000 never stand for a real
        // school when real files are imported beside them.
        next_maintained_urn: 914_020,
        next_academy_urn: 936_410,
        next_number: [2001, 3001, 4001, 7001, 1001],
    };
    let mut used_names = Vec::new();
    let mut plans = Vec::new();
    for (phase, count) in MIX {
        for index in 0..count {
            let locality = &localities[index % localities.len()];
            let plan = plan_school(
                random,
                phase,
                index,
                locality,
                &trusts,
                &mut counter,
                &mut used_names,
                first_data_year,
                tracked_years,
            );
            plans.push(plan);
        }
    }
    plans
}

#[allow(clippy::too_many_arguments)]
fn plan_school(
    random: &mut Random,
    phase: Phase,
    index: usize,
    locality: &Locality,
    trusts: &[Trust],
    counter: &mut Counter,
    used_names: &mut Vec<String>,
    first_data_year: i32,
    tracked_years: usize,
) -> SchoolPlan {
    let establishment_type = choose_type(random, phase, index);
    let is_academy = establishment_type.is_academy();
    let name = unique_name(random, phase, establishment_type, index, locality, used_names);
    let urn = if is_academy {
        counter.next_academy_urn += between(random, 3, 60) as u32;
        counter.next_academy_urn
    } else {
        counter.next_maintained_urn += between(random, 2, 30) as u32;
        counter.next_maintained_urn
    };
    let number_range = match (phase, establishment_type) {
        (Phase::Nursery | Phase::AlternativeProvision, _) => 4,
        (Phase::Special, _) => 3,
        (Phase::Secondary | Phase::AllThrough | Phase::Middle, _) => 2,
        (_, EstablishmentType::VoluntaryAided | EstablishmentType::VoluntaryControlled) => 1,
        _ => 0,
    };
    counter.next_number[number_range] += 1;
    let disadvantaged_rate = (0.08 + 0.10 * (index % 8) as f64 / 7.0 + normal(random, 0.10, 0.07)).clamp(0.02, 0.65);
    let base_effect = normal(random, 0.0, 1.0) - 1.2 * (disadvantaged_rate - 0.2);
    let effect_by_year = effect_history(random, base_effect, tracked_years);
    let (low_age, high_age, has_sixth_form) = ages(random, phase);
    let governance = if is_academy {
        let trust = (!chance(random, 0.12)).then(|| pick(random, trusts).clone());
        Governance::Academy { trust }
    } else {
        Governance::Maintained
    };
    let diocese = match establishment_type {
        _ if name.contains("Catholic") => Some(names::CATHOLIC_DIOCESE.to_owned()),
        _ if name.contains("Church of England") => Some(names::CHURCH_OF_ENGLAND_DIOCESE.to_owned()),
        _ => None,
    };
    let opened_on = is_academy.then(|| date(between(random, 2011, 2024) as i32, *pick(random, &[1, 4, 9]), 1));
    let establishment = Establishment {
        urn: Urn::new(urn).unwrap_or_else(|_| unreachable!("generated URNs stay in 914000..999999")),
        la: la_code(),
        dfe_number: DfeNumber::new(la_code(), counter.next_number[number_range]).ok(),
        name,
        establishment_type,
        phase,
        status: EstablishmentStatus::Open,
        opened_on,
        closed_on: None,
        statutory_low_age: Some(low_age),
        statutory_high_age: Some(high_age),
        locality: Some(locality.clone()),
        governance,
        diocese,
        leaders: leaders(random, first_data_year),
        location: None,
    };
    SchoolPlan {
        establishment,
        effect_by_year,
        disadvantaged_rate,
        eal_rate: (normal(random, 0.09, 0.07)).clamp(0.0, 0.6),
        base_roll: base_roll(random, phase),
        roll_trend: roll_trend(random),
        has_sixth_form,
    }
}

pub fn la_code() -> LaCode {
    LaCode::new(names::LA_CODE).unwrap_or_else(|_| unreachable!("the invented LA code is valid"))
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// A first-order autoregressive series: a school's effectiveness this year is mostly last year's,
/// as an LA officer sees it, and the spread across schools stays the same over time.
fn effect_history(random: &mut Random, base: f64, years: usize) -> Vec<f64> {
    const PERSISTENCE: f64 = 0.92;
    let innovation = (1.0 - PERSISTENCE * PERSISTENCE).sqrt();
    let mut effect = base;
    (0..years)
        .map(|_| {
            let this_year = effect;
            effect = PERSISTENCE * effect + innovation * normal(random, 0.0, 1.0);
            this_year
        })
        .collect()
}

fn choose_type(random: &mut Random, phase: Phase, index: usize) -> EstablishmentType {
    use EstablishmentType::*;
    let academy = |random: &mut Random, share: f64| chance(random, share);
    match phase {
        Phase::Primary => {
            if academy(random, 0.38) {
                if chance(random, 0.8) {
                    AcademyConverter
                } else {
                    AcademySponsorLed
                }
            } else {
                *pick(
                    random,
                    &[
                        Community,
                        Community,
                        Community,
                        VoluntaryControlled,
                        VoluntaryAided,
                        Foundation,
                    ],
                )
            }
        }
        Phase::Secondary => {
            if index == 34 {
                FreeSchool
            } else if academy(random, 0.82) {
                if chance(random, 0.75) {
                    AcademyConverter
                } else {
                    AcademySponsorLed
                }
            } else {
                *pick(random, &[Community, Foundation, VoluntaryAided])
            }
        }
        Phase::AllThrough => AcademyConverter,
        Phase::Middle => {
            if academy(random, 0.5) {
                AcademyConverter
            } else {
                Community
            }
        }
        Phase::Special => {
            if academy(random, 0.3) {
                AcademySpecial
            } else {
                CommunitySpecial
            }
        }
        Phase::Nursery => NurserySchool,
        Phase::AlternativeProvision => {
            if index == 0 {
                PupilReferralUnit
            } else {
                AlternativeProvisionAcademy
            }
        }
        Phase::SixteenPlus | Phase::NotApplicable => Other,
    }
}

fn unique_name(
    random: &mut Random,
    phase: Phase,
    establishment_type: EstablishmentType,
    index: usize,
    locality: &Locality,
    used: &mut Vec<String>,
) -> String {
    let villages = names::LOCALITIES
        .iter()
        .find(|(name, _)| *name == locality.name)
        .map(|(_, villages)| villages.as_slice())
        .unwrap_or(&[]);
    let place = villages
        .get(index / names::LOCALITIES.len() % villages.len().max(1))
        .copied()
        .unwrap_or(&locality.name);
    let candidate = match (phase, establishment_type) {
        (Phase::Primary, EstablishmentType::VoluntaryAided) if chance(random, 0.5) => {
            format!("St {}'s Catholic Primary School, {place}", pick(random, &names::SAINTS))
        }
        (Phase::Primary, EstablishmentType::VoluntaryAided | EstablishmentType::VoluntaryControlled) => {
            format!("{place} Church of England Primary School")
        }
        (Phase::Primary, EstablishmentType::AcademyConverter | EstablishmentType::AcademySponsorLed) => {
            format!(
                "{place} {}",
                pick(random, &["Primary Academy", "Primary School", "Academy"])
            )
        }
        (Phase::Primary, _) => format!(
            "{place} {}",
            pick(
                random,
                &["Primary School", "Community Primary School", "County Primary School"]
            )
        ),
        (Phase::Secondary, EstablishmentType::VoluntaryAided) => {
            format!("St {}'s Catholic School, {place}", pick(random, &names::SAINTS))
        }
        (Phase::Secondary, EstablishmentType::FreeSchool) => format!("{place} Free School"),
        (Phase::Secondary, _) => format!(
            "{place} {}",
            pick(
                random,
                &["Academy", "School", "High School", "College", "Community College"]
            )
        ),
        (Phase::AllThrough, _) => format!("{place} All-Through Academy"),
        (Phase::Middle, _) => format!("{place} Middle School"),
        (Phase::Special, _) => names::SPECIAL_SCHOOL_NAMES[index % names::SPECIAL_SCHOOL_NAMES.len()].to_owned(),
        (Phase::Nursery, _) => format!("{place} Nursery School"),
        (Phase::AlternativeProvision, EstablishmentType::PupilReferralUnit) => {
            "Wealdshire Pupil Referral Service".to_owned()
        }
        (Phase::AlternativeProvision, _) => "Meridian Alternative Provision Academy".to_owned(),
        (Phase::SixteenPlus | Phase::NotApplicable, _) => format!("{place} Centre"),
    };
    let mut name = candidate.clone();
    let mut suffix = 2;
    while used.contains(&name) {
        name = format!(
            "{candidate} ({})",
            ["North", "South", "East", "West", "Upper", "Lower"][(suffix - 2) % 6]
        );
        suffix += 1;
    }
    used.push(name.clone());
    name
}

fn ages(random: &mut Random, phase: Phase) -> (u8, u8, bool) {
    match phase {
        Phase::Nursery => (2, 5, false),
        Phase::Primary => (if chance(random, 0.3) { 3 } else { 4 }, 11, false),
        Phase::Middle => (9, 13, false),
        Phase::Secondary => {
            let sixth_form = chance(random, 0.6);
            (11, if sixth_form { 18 } else { 16 }, sixth_form)
        }
        Phase::AllThrough => (4, 18, true),
        Phase::Special => (2, 19, true),
        Phase::AlternativeProvision => (5, 16, false),
        Phase::SixteenPlus | Phase::NotApplicable => (16, 19, true),
    }
}

fn base_roll(random: &mut Random, phase: Phase) -> u32 {
    let roll = match phase {
        // Rural primaries are small: a fifth of them under a hundred pupils.
        Phase::Primary => {
            if chance(random, 0.2) {
                normal(random, 75.0, 20.0)
            } else {
                normal(random, 280.0, 110.0)
            }
        }
        Phase::Secondary => normal(random, 1_050.0, 280.0),
        Phase::AllThrough => normal(random, 1_500.0, 250.0),
        Phase::Middle => normal(random, 420.0, 80.0),
        Phase::Special => normal(random, 140.0, 50.0),
        Phase::Nursery => normal(random, 90.0, 20.0),
        Phase::AlternativeProvision | Phase::SixteenPlus | Phase::NotApplicable => normal(random, 60.0, 15.0),
    };
    roll.max(30.0).round() as u32
}

/// Most rolls hold steady; a sixth of schools lose pupils faster than the falling birth rate.
fn roll_trend(random: &mut Random) -> f64 {
    if chance(random, 0.16) {
        normal(random, -0.05, 0.015)
    } else if chance(random, 0.1) {
        normal(random, 0.03, 0.01)
    } else {
        normal(random, -0.005, 0.01)
    }
}

fn leaders(random: &mut Random, first_data_year: i32) -> Vec<Leader> {
    let person = |random: &mut Random| {
        format!(
            "{} {}",
            pick(random, &names::FIRST_NAMES),
            pick(random, &names::SURNAMES)
        )
    };
    // About one school in eight has had a new head in the last year.
    let head_since = if chance(random, 0.13) {
        date(first_data_year + 5, *pick(random, &[1, 4, 9]), 1)
    } else {
        date(
            between(random, 2008, i64::from(first_data_year + 4)) as i32,
            *pick(random, &[1, 4, 9]),
            1,
        )
    };
    let chair_since = date(
        between(random, 2014, i64::from(first_data_year + 4)) as i32,
        *pick(random, &[3, 7, 10]),
        1,
    );
    vec![
        Leader {
            role: LeaderRole::Headteacher,
            name: person(random),
            since: head_since,
        },
        Leader {
            role: LeaderRole::ChairOfGovernors,
            name: person(random),
            since: chair_since,
        },
    ]
}
