//! The synthetic authority's support: where its schools stand on the grid, the directory of
//! providers it brokers, and four years of support commissioned before its present cases, with
//! a known effect built in so that the impact Stride reports can be checked against it. A Local
//! Leader of Education's deployment lifts a school's effectiveness by [`LEADER_EFFECT`] from
//! the year after; a specialised English or maths programme by [`PROGRAMME_EFFECT`]; governance
//! and themed reviews by nothing.
//!
//! Drawn from generators of their own, so that the rest of the authority is the same draw for
//! draw; only the supported schools' effectiveness, and so their figures, differ.

use chrono::NaiveDate;
use rand::SeedableRng;
use stride_core::intervention::SupportKind;
use stride_core::support::{ApprovalStatus, GridReference, Pence, Provider, ProviderKind, Specialism};
use stride_core::{Phase, Urn};

use crate::random::{Random, between, normal};
use crate::schools::{FIRST_TRACKED_YEAR, SchoolPlan};

/// The lift in effectiveness (standard deviations across schools) a Local Leader of
/// Education's deployment gives, from the year after it.
pub const LEADER_EFFECT: f64 = 1.0;
pub const PROGRAMME_EFFECT: f64 = 0.4;

/// The academic years of support held before the present cases.
pub const HISTORY_YEARS: [i32; 4] = [2021, 2022, 2023, 2024];

/// The middle of each locality on the British National Grid, in the order of the localities.
const LOCALITY_CENTRES: [(u32, u32); 8] = [
    (452_000, 146_000),
    (471_000, 152_000),
    (489_000, 139_000),
    (466_000, 128_000),
    (445_000, 121_000),
    (500_000, 122_000),
    (482_000, 110_000),
    (458_000, 104_000),
];

fn near(random: &mut Random, centre: (u32, u32), spread_metres: f64) -> GridReference {
    let offset = |random: &mut Random| normal(random, 0.0, spread_metres).clamp(-15_000.0, 15_000.0);
    GridReference {
        easting: (f64::from(centre.0) + offset(random)).round() as u32,
        northing: (f64::from(centre.1) + offset(random)).round() as u32,
    }
}

/// Gives every school a place within a few kilometres of its locality's middle.
pub fn place_schools(seed: u64, plans: &mut [SchoolPlan]) {
    let mut random = Random::seed_from_u64(seed ^ 0x9e0_9e0_9e0);
    for plan in plans.iter_mut() {
        let locality = plan
            .establishment
            .locality
            .as_ref()
            .map_or(0, |locality| locality.id as usize - 1);
        let centre = LOCALITY_CENTRES[locality % LOCALITY_CENTRES.len()];
        plan.establishment.location = Some(near(&mut random, centre, 4_000.0));
    }
}

struct Listed {
    name: &'static str,
    kind: ProviderKind,
    organisation: &'static str,
    specialisms: &'static [Specialism],
    phases: &'static [Phase],
    day_rate: i64,
    locality: usize,
}

const PRIMARY: &[Phase] = &[Phase::Primary];
const SECONDARY: &[Phase] = &[Phase::Secondary];
const EVERY_PHASE: &[Phase] = &[];

/// The directory: the LA's own teams, leaders of education, associates, a hub and the
/// organisations on its Approved Providers List. Invented, as every name here is.
const DIRECTORY: [Listed; 20] = [
    Listed {
        name: "Wealdshire School Improvement Service",
        kind: ProviderKind::LaTeam,
        organisation: "Wealdshire County Council",
        specialisms: &[Specialism::Leadership, Specialism::Curriculum, Specialism::EarlyYears],
        phases: EVERY_PHASE,
        day_rate: 550,
        locality: 1,
    },
    Listed {
        name: "Wealdshire Governor Services",
        kind: ProviderKind::LaTeam,
        organisation: "Wealdshire County Council",
        specialisms: &[Specialism::Governance],
        phases: EVERY_PHASE,
        day_rate: 480,
        locality: 1,
    },
    Listed {
        name: "Wealdshire Attendance and Inclusion Team",
        kind: ProviderKind::LaTeam,
        organisation: "Wealdshire County Council",
        specialisms: &[Specialism::Attendance, Specialism::Behaviour, Specialism::Send],
        phases: EVERY_PHASE,
        day_rate: 450,
        locality: 1,
    },
    Listed {
        name: "Helen Marsden",
        kind: ProviderKind::LocalLeaderOfEducation,
        organisation: "Castlemere Primary School",
        specialisms: &[Specialism::Leadership, Specialism::English],
        phases: PRIMARY,
        day_rate: 400,
        locality: 0,
    },
    Listed {
        name: "David Okafor",
        kind: ProviderKind::LocalLeaderOfEducation,
        organisation: "Ashbourne Vale Academy",
        specialisms: &[Specialism::Leadership, Specialism::Mathematics],
        phases: PRIMARY,
        day_rate: 400,
        locality: 2,
    },
    Listed {
        name: "Priya Raman",
        kind: ProviderKind::LocalLeaderOfEducation,
        organisation: "Fenwick Church of England Primary School",
        specialisms: &[Specialism::Leadership, Specialism::EarlyYears],
        phases: PRIMARY,
        day_rate: 400,
        locality: 5,
    },
    Listed {
        name: "Martin Hale",
        kind: ProviderKind::NationalLeaderOfEducation,
        organisation: "Greyhaven High School",
        specialisms: &[Specialism::Leadership, Specialism::Behaviour],
        phases: SECONDARY,
        day_rate: 600,
        locality: 3,
    },
    Listed {
        name: "Siobhan Kerr",
        kind: ProviderKind::NationalLeaderOfEducation,
        organisation: "Larkfield Primary School",
        specialisms: &[Specialism::Leadership, Specialism::Curriculum],
        phases: PRIMARY,
        day_rate: 600,
        locality: 6,
    },
    Listed {
        name: "Tom Achterberg",
        kind: ProviderKind::SpecialistLeaderOfEducation,
        organisation: "Kemsworth Academy",
        specialisms: &[Specialism::Mathematics],
        phases: EVERY_PHASE,
        day_rate: 350,
        locality: 4,
    },
    Listed {
        name: "Grace Whitley",
        kind: ProviderKind::SpecialistLeaderOfEducation,
        organisation: "Oakhanger Junior School",
        specialisms: &[Specialism::English],
        phases: PRIMARY,
        day_rate: 350,
        locality: 7,
    },
    Listed {
        name: "Amir Shah",
        kind: ProviderKind::SpecialistLeaderOfEducation,
        organisation: "Wickhurst School",
        specialisms: &[Specialism::Send],
        phases: EVERY_PHASE,
        day_rate: 350,
        locality: 2,
    },
    Listed {
        name: "Janet Moorcroft",
        kind: ProviderKind::SchoolImprovementAssociate,
        organisation: "",
        specialisms: &[Specialism::Leadership, Specialism::Governance],
        phases: EVERY_PHASE,
        day_rate: 500,
        locality: 0,
    },
    Listed {
        name: "Robert Ellery",
        kind: ProviderKind::SchoolImprovementAssociate,
        organisation: "",
        specialisms: &[Specialism::Mathematics, Specialism::Curriculum],
        phases: SECONDARY,
        day_rate: 520,
        locality: 5,
    },
    Listed {
        name: "Catherine Doyle",
        kind: ProviderKind::SchoolImprovementAssociate,
        organisation: "",
        specialisms: &[Specialism::Safeguarding, Specialism::Attendance],
        phases: EVERY_PHASE,
        day_rate: 480,
        locality: 3,
    },
    Listed {
        name: "Nigel Farrant",
        kind: ProviderKind::SchoolImprovementAssociate,
        organisation: "",
        specialisms: &[Specialism::English, Specialism::EarlyYears],
        phases: PRIMARY,
        day_rate: 450,
        locality: 6,
    },
    Listed {
        name: "Weald and Downs Teaching School Hub",
        kind: ProviderKind::TeachingSchoolHub,
        organisation: "Greyhaven High School",
        specialisms: &[Specialism::Curriculum, Specialism::Leadership],
        phases: EVERY_PHASE,
        day_rate: 450,
        locality: 3,
    },
    Listed {
        name: "South Downs Maths Hub",
        kind: ProviderKind::Organisation,
        organisation: "",
        specialisms: &[Specialism::Mathematics],
        phases: EVERY_PHASE,
        day_rate: 420,
        locality: 4,
    },
    Listed {
        name: "Wealdshire English Hub",
        kind: ProviderKind::Organisation,
        organisation: "",
        specialisms: &[Specialism::English],
        phases: PRIMARY,
        day_rate: 420,
        locality: 0,
    },
    Listed {
        name: "Clearwater Governance Partners",
        kind: ProviderKind::Organisation,
        organisation: "",
        specialisms: &[Specialism::Governance],
        phases: EVERY_PHASE,
        day_rate: 560,
        locality: 7,
    },
    Listed {
        name: "Brightpath Behaviour Consultancy",
        kind: ProviderKind::Organisation,
        organisation: "",
        specialisms: &[Specialism::Behaviour, Specialism::Send],
        phases: EVERY_PHASE,
        day_rate: 500,
        locality: 2,
    },
];

/// The directory's ids, by the name a commission is made to.
pub const SCHOOL_IMPROVEMENT_SERVICE: i64 = 1;
const GOVERNOR_SERVICES: i64 = 2;
const INCLUSION_TEAM: i64 = 3;
pub const LOCAL_LEADERS: [i64; 3] = [4, 5, 6];
const ENGLISH_HUB: i64 = 18;
const MATHS_HUB: i64 = 17;
const GOVERNANCE_PARTNERS: i64 = 19;

pub fn providers(seed: u64) -> Vec<Provider> {
    let mut random = Random::seed_from_u64(seed ^ 0x0070_7e0d_1de5);
    DIRECTORY
        .iter()
        .enumerate()
        .map(|(index, listed)| Provider {
            id: index as i64 + 1,
            name: listed.name.to_owned(),
            kind: listed.kind,
            organisation: listed.organisation.to_owned(),
            specialisms: listed.specialisms.to_vec(),
            phases: listed.phases.to_vec(),
            // One associate's approval lapsed at its review, one provider is suspended.
            approval: if index == 19 {
                ApprovalStatus::Suspended
            } else {
                ApprovalStatus::Approved
            },
            approval_review_on: if index == 13 {
                NaiveDate::from_ymd_opt(2026, 7, 31).unwrap_or_default()
            } else {
                NaiveDate::from_ymd_opt(2027, 7, 31).unwrap_or_default()
            },
            day_rate: Pence(listed.day_rate * 100),
            location: Some(near(&mut random, LOCALITY_CENTRES[listed.locality], 2_000.0)),
        })
        .collect()
}

pub fn provider_name(id: i64) -> &'static str {
    DIRECTORY.get((id - 1).max(0) as usize).map_or("", |listed| listed.name)
}

pub fn day_rate(id: i64) -> Pence {
    Pence(
        DIRECTORY
            .get((id - 1).max(0) as usize)
            .map_or(0, |listed| listed.day_rate * 100),
    )
}

/// Support commissioned in an earlier year, for a case since closed.
#[derive(Debug, Clone)]
pub struct PastSupport {
    pub urn: Urn,
    pub year: i32,
    pub kind: SupportKind,
    pub provider_id: i64,
    pub days: f64,
    pub purpose: &'static str,
    /// The lift it gave, for its evaluation.
    pub effect: f64,
}

/// Chooses each year's supported schools from the weakest third of primary and secondary
/// schools not supported the two years before, and lifts their effectiveness from the year after.
pub fn plan_history(seed: u64, plans: &mut [SchoolPlan]) -> Vec<PastSupport> {
    let mut random = Random::seed_from_u64(seed ^ 0x5a99_0a7e_d0ce);
    let mut history: Vec<PastSupport> = Vec::new();
    for year in HISTORY_YEARS {
        let mut weakest: Vec<usize> = (0..plans.len())
            .filter(|index| matches!(plans[*index].phase(), Phase::Primary | Phase::Secondary))
            .filter(|index| {
                !history
                    .iter()
                    .any(|past| past.urn == plans[*index].urn() && past.year >= year - 2)
            })
            .collect();
        weakest.sort_by(|left, right| {
            plans[*left]
                .effect_in(year - 1)
                .total_cmp(&plans[*right].effect_in(year - 1))
        });
        weakest.truncate(weakest.len() / 3);
        for (kind, count) in [
            (SupportKind::LeaderOfEducation, 10),
            (SupportKind::SubjectProgramme, 4),
            (SupportKind::GovernanceReview, 4),
            (SupportKind::ThemedReview, 2),
        ] {
            for _ in 0..count {
                if weakest.is_empty() {
                    break;
                }
                let index = weakest.remove(between(&mut random, 0, weakest.len() as i64 - 1) as usize);
                let past = past_support(&mut random, &plans[index], year, kind);
                lift(&mut plans[index], year + 1, past.effect);
                history.push(past);
            }
        }
    }
    history
}

fn past_support(random: &mut Random, plan: &SchoolPlan, year: i32, kind: SupportKind) -> PastSupport {
    let secondary = plan.phase() == Phase::Secondary;
    let (provider_id, days, purpose, effect) = match kind {
        SupportKind::LeaderOfEducation => (
            if secondary {
                7
            } else {
                LOCAL_LEADERS[between(random, 0, 2) as usize]
            },
            between(random, 8, 15) as f64,
            "Coaching the headteacher and senior leaders to secure improvement",
            LEADER_EFFECT,
        ),
        SupportKind::SubjectProgramme => (
            if between(random, 0, 1) == 0 {
                MATHS_HUB
            } else {
                ENGLISH_HUB
            },
            between(random, 4, 8) as f64,
            "A programme to raise attainment in English and maths",
            PROGRAMME_EFFECT,
        ),
        SupportKind::GovernanceReview => (
            if between(random, 0, 1) == 0 {
                GOVERNOR_SERVICES
            } else {
                GOVERNANCE_PARTNERS
            },
            between(random, 2, 4) as f64,
            "An external review of governance",
            0.0,
        ),
        _ => (
            INCLUSION_TEAM,
            between(random, 2, 5) as f64,
            "A themed review of SEND and behaviour",
            0.0,
        ),
    };
    PastSupport {
        urn: plan.urn(),
        year,
        kind,
        provider_id,
        days,
        purpose,
        effect,
    }
}

fn lift(plan: &mut SchoolPlan, from_year: i32, effect: f64) {
    for (index, effectiveness) in plan.effect_by_year.iter_mut().enumerate() {
        if FIRST_TRACKED_YEAR + index as i32 >= from_year {
            *effectiveness += effect;
        }
    }
}
