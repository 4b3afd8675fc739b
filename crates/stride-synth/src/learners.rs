//! The LA's pupils as records: a census return each autumn and summer, characteristics at the
//! prevalence and overlap an English county has (disadvantage raising the chance of the others),
//! this term's register marks and last year's termly totals, from generators of their own so
//! that nothing else changes.
//! Absence is drawn from a skewed spread, so some pupils are persistently and a few severely
//! absent, more of them among the disadvantaged and those with SEN or a social worker.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use stride_core::pupils::terms::summary_counts;
use stride_core::pupils::{
    AttendanceCode, CensusReturn, Characteristic, Gender, PupilCensusRecord, PupilMarks, SenNeed, Session,
    SessionCounts, Term, TermOfYear, TermSummary, Upn, YearGroup, YearOfMarks,
};
use stride_core::{AcademicYear, Phase};

use crate::random::{Random, between, chance, normal, pick};
use crate::schools::{SchoolPlan, date};

pub struct Learners {
    pub census: Vec<PupilCensusRecord>,
    pub marks: Vec<PupilMarks>,
    /// Last year's termly totals, as the census's attendance module returned them.
    pub summaries: Vec<TermSummary>,
}

const FORENAMES: [&str; 48] = [
    "Aaliyah", "Alfie", "Amelia", "Archie", "Ava", "Ayaan", "Charlie", "Chloe", "Daisy", "Dylan", "Ella", "Emily",
    "Ethan", "Evie", "Finley", "Freddie", "George", "Grace", "Harper", "Harry", "Isla", "Isabella", "Jack", "Jacob",
    "Jessica", "Joshua", "Kai", "Layla", "Leo", "Lily", "Logan", "Lucas", "Maisie", "Maryam", "Mason", "Mia",
    "Mohammed", "Noah", "Oliver", "Olivia", "Oscar", "Poppy", "Rosie", "Ruby", "Sofia", "Theo", "Thomas", "Zara",
];

const SURNAMES: [&str; 48] = [
    "Adams", "Ahmed", "Ali", "Baker", "Barnes", "Bennett", "Brown", "Campbell", "Clarke", "Collins", "Cooper",
    "Davies", "Edwards", "Evans", "Fisher", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson", "James",
    "Johnson", "Jones", "Kaur", "Khan", "King", "Lewis", "Marshall", "Mitchell", "Morgan", "Murphy", "Nowak", "Patel",
    "Price", "Roberts", "Robinson", "Scott", "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "White",
    "Williams", "Wilson",
];

/// The census days returned: autumn and summer of last year, and this autumn.
fn census_days() -> [NaiveDate; 3] {
    [date(2025, 10, 2), date(2026, 5, 21), date(2026, 10, 1)]
}

fn year_groups(plan: &SchoolPlan) -> std::ops::RangeInclusive<i8> {
    match plan.phase() {
        Phase::Nursery => -2..=-1,
        Phase::Primary => 0..=6,
        Phase::Middle => 5..=8,
        Phase::Secondary if plan.has_sixth_form => 7..=13,
        Phase::Secondary => 7..=11,
        Phase::AllThrough => 0..=13,
        Phase::Special => 1..=13,
        _ => 7..=11,
    }
}

/// A child's characteristics: each at its prevalence, raised by disadvantage where research and
/// the census find it so.
fn characteristics(random: &mut Random, plan: &SchoolPlan, year: i8) -> BTreeSet<Characteristic> {
    use Characteristic::*;
    let special = plan.phase() == Phase::Special;
    let mut held = BTreeSet::new();
    let ever_fsm = chance(random, plan.disadvantaged_rate);
    if ever_fsm {
        held.insert(EverFsm6);
        if chance(random, 0.8) {
            held.insert(FreeSchoolMeals);
        }
    }
    let raised: f64 = if ever_fsm { 2.2 } else { 0.6 };
    let add = |random: &mut Random, held: &mut BTreeSet<Characteristic>, characteristic, probability: f64| {
        if chance(random, probability.min(0.95)) {
            held.insert(characteristic);
        }
    };
    if special || chance(random, 0.025 * raised.sqrt()) {
        held.insert(EhcPlan);
    } else {
        add(random, &mut held, SenSupport, 0.13 * raised.sqrt());
    }
    add(random, &mut held, EnglishAdditionalLanguage, plan.eal_rate);
    add(random, &mut held, LookedAfter, 0.006 * raised);
    add(random, &mut held, AdoptedFromCare, 0.004);
    add(random, &mut held, ServiceChild, 0.012 / raised);
    add(random, &mut held, YoungCarer, 0.015 * raised);
    add(random, &mut held, TemporaryAccommodation, 0.008 * raised);
    add(random, &mut held, MedicalNeeds, 0.02);
    add(
        random,
        &mut held,
        UnaccompaniedAsylumSeeking,
        if year >= 9 { 0.002 } else { 0.0 },
    );
    add(random, &mut held, PrivatelyFostered, 0.0008);
    if year >= 9 {
        add(random, &mut held, YouthJustice, 0.004 * raised);
        add(random, &mut held, TeenageParent, 0.002 * raised);
    }
    let social_worker = if held.contains(&LookedAfter) {
        0.0
    } else {
        0.03 * raised
    };
    add(random, &mut held, ChildInNeed, social_worker);
    if held.contains(&ChildInNeed) {
        add(random, &mut held, ChildProtectionPlan, 0.3);
    }
    held
}

fn sen_need(random: &mut Random, characteristics: &BTreeSet<Characteristic>) -> Option<SenNeed> {
    let has_sen =
        characteristics.contains(&Characteristic::SenSupport) || characteristics.contains(&Characteristic::EhcPlan);
    has_sen.then(|| *pick(random, SenNeed::ALL))
}

/// What a child's returns of last year held: most the same, some of today's needs newly met.
fn earlier(random: &mut Random, now: &BTreeSet<Characteristic>) -> BTreeSet<Characteristic> {
    use Characteristic::*;
    now.iter()
        .copied()
        .filter(|characteristic| {
            let newly = match characteristic {
                LookedAfter | ChildInNeed | ChildProtectionPlan => 0.3,
                SenSupport | FreeSchoolMeals | TemporaryAccommodation => 0.15,
                _ => 0.0,
            };
            !chance(random, newly)
        })
        .collect()
}

pub fn generate(seed: u64, plans: &[SchoolPlan]) -> Learners {
    let mut random = Random::seed_from_u64(seed ^ 0x001e_a70e_750f_ca7e);
    // Last year's totals draw from a generator of their own, so that adding them changed
    // nothing else the generator makes.
    let mut last_year_random = Random::seed_from_u64(seed ^ 0x005e_5510_0a55_1e55);
    let days = census_days();
    let mut census = Vec::new();
    let mut marks = Vec::new();
    let mut summaries = Vec::new();
    let schools: Vec<&SchoolPlan> = plans
        .iter()
        .filter(|plan| plan.establishment.dfe_number.is_some() && plan.phase() != Phase::NotApplicable)
        .collect();
    for plan in &schools {
        let Some(number) = plan.establishment.dfe_number else {
            continue;
        };
        let groups = year_groups(plan);
        let per_year = (plan.roll_in(crate::DATA_YEARS.len() as i32) as usize / groups.clone().count()).max(4);
        let mut serial = 0u32;
        for year in groups.clone() {
            for _ in 0..per_year {
                serial += 1;
                let allocated = 26 - i32::from(year.max(0));
                let body = format!(
                    "{:03}{:04}{:02}{:03}",
                    number.la.get(),
                    number.establishment_number(),
                    allocated.rem_euclid(100),
                    serial % 1000
                );
                let Ok(upn) = Upn::with_check_letter(&body) else {
                    continue;
                };
                let now = characteristics(&mut random, plan, year);
                let before = earlier(&mut random, &now);
                let need = sen_need(&mut random, &now);
                let gender = if chance(&mut random, 0.51) {
                    Gender::Male
                } else {
                    Gender::Female
                };
                let forename = pick(&mut random, &FORENAMES).to_string();
                let surname = pick(&mut random, &SURNAMES).to_string();
                let born = date(2026 - 5 - i32::from(year), 9, 1)
                    + chrono::Days::new(u64::try_from(between(&mut random, 0, 364)).unwrap_or_default());
                let record = |on: NaiveDate, year_group: i8, characteristics: &BTreeSet<Characteristic>| {
                    YearGroup::from_number(year_group).map(|year_group| PupilCensusRecord {
                        upn: upn.clone(),
                        surname: surname.clone(),
                        forename: forename.clone(),
                        date_of_birth: born,
                        gender,
                        census: CensusReturn {
                            census_date: on,
                            urn: plan.urn(),
                            year_group,
                            characteristics: characteristics.clone(),
                            sen_need: need,
                        },
                    })
                };
                let rate = absence_rate(&mut random, &now);
                if groups.contains(&(year - 1)) {
                    census.extend(record(days[0], year - 1, &before));
                    census.extend(record(days[1], year - 1, &before));
                    summaries.extend(
                        last_year(&mut last_year_random, rate)
                            .into_iter()
                            .map(|(term, counts)| TermSummary {
                                upn: upn.clone(),
                                urn: plan.urn(),
                                term,
                                counts,
                            }),
                    );
                }
                census.extend(record(days[2], year, &now));
                marks.push(PupilMarks {
                    upn: upn.clone(),
                    urn: plan.urn(),
                    year: AcademicYear::starting(2026),
                    marks: autumn_marks(&mut random, rate),
                });
            }
        }
    }
    Learners {
        census,
        marks,
        summaries,
    }
}

/// This autumn's sessions so far: 3 September to the day the data describes, without the
/// half-term week.
fn sessions() -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut day = date(2026, 9, 3);
    while day <= crate::data_as_at() {
        let half_term = (date(2026, 10, 26)..=date(2026, 10, 30)).contains(&day);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !half_term {
            days.push(day);
        }
        day = day + chrono::Days::new(1);
    }
    days
}

/// How often a child misses a session: skewed, raised by disadvantage, SEN and a social worker,
/// and for a few children most of the time.
fn absence_rate(random: &mut Random, characteristics: &BTreeSet<Characteristic>) -> f64 {
    use Characteristic::{ChildInNeed, EhcPlan, EverFsm6, SenSupport, YoungCarer};
    // A median child misses 3.6% of sessions; the spread and the raised groups bring the LA's
    // absence to about 6.5% and persistent absence to about a sixth of pupils, near England's.
    let mut rate = normal(random, (0.036f64).ln(), 0.75).exp();
    for (characteristic, factor) in [
        (EverFsm6, 1.5),
        (SenSupport, 1.3),
        (EhcPlan, 1.4),
        (ChildInNeed, 1.6),
        (YoungCarer, 1.3),
    ] {
        if characteristics.contains(&characteristic) {
            rate *= factor;
        }
    }
    if chance(random, 0.012) {
        rate = 0.5 + 0.4 * random.random::<f64>();
    }
    rate.min(0.95)
}

/// The share of a child's absence that is unauthorised: more of it the more they miss.
fn unauthorised_share(rate: f64) -> f64 {
    if rate > 0.1 { 0.45 } else { 0.2 }
}

/// Last year's three terms, as totals: the sessions each term offered, and absence a little
/// above this year's (the LA's attendance has been improving), highest in the spring's illness.
fn last_year(random: &mut Random, rate: f64) -> Vec<(TermOfYear, SessionCounts)> {
    let year = AcademicYear::starting(2025);
    let terms = [
        (Term::Autumn, 144, 1.05),
        (Term::Spring, 116, 1.2),
        (Term::Summer, 124, 1.0),
    ];
    terms
        .into_iter()
        .filter_map(|(term, possible, season)| {
            let rate = (rate * season * 1.08).min(0.95);
            let absent = (0..possible).filter(|_| chance(random, rate)).count() as u32;
            let unauthorised = (0..absent).filter(|_| chance(random, unauthorised_share(rate))).count() as u32;
            summary_counts(possible, absent - unauthorised, unauthorised)
                .map(|counts| (TermOfYear { year, term }, counts))
        })
        .collect()
}

fn autumn_marks(random: &mut Random, rate: f64) -> YearOfMarks {
    use AttendanceCode::*;
    let unauthorised_share = unauthorised_share(rate);
    let year = AcademicYear::starting(2026);
    let mut marks = YearOfMarks::default();
    for day in sessions() {
        for session in [Session::Morning, Session::Afternoon] {
            let code = if chance(random, rate) {
                if chance(random, unauthorised_share) {
                    *pick(
                        random,
                        &[
                            ReasonNotProvided,
                            NotAuthorised,
                            NotAuthorised,
                            HolidayNotAuthorised,
                            LateAfterRegisterClosed,
                        ],
                    )
                } else {
                    *pick(
                        random,
                        &[Illness, Illness, Illness, Medical, LeaveOfAbsence, ReligiousObservance],
                    )
                }
            } else if session == Session::Morning && chance(random, 0.03) {
                LateBeforeRegisterClosed
            } else if chance(random, 0.01) {
                *pick(
                    random,
                    &[EducationalVisit, SportingActivity, OffSiteEducationalActivity],
                )
            } else if session == Session::Morning {
                PresentMorning
            } else {
                PresentAfternoon
            };
            marks.set(year, day, session, code);
        }
    }
    marks
}

const PROVIDERS: [&str; 4] = [
    "Wealdshire Pupil Referral Unit",
    "Brindleford Learning Centre",
    "Greyhaven Vocational Academy",
    "Hollowmoor Hospital Education Service",
];

fn school_day_between(random: &mut Random, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let span = (last - first).num_days().max(0);
    let mut day = first + chrono::Days::new(u64::try_from(between(random, 0, span)).unwrap_or_default());
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        || (date(2026, 10, 26)..=date(2026, 10, 30)).contains(&day)
    {
        day = day + chrono::Days::new(1);
    }
    day
}

/// Episodes out of school or at risk of it, at about the rates of an English county in a term,
/// more often for the disadvantaged and those with SEN; children missing education or home
/// educated are taken off this autumn's census and register, as they are off roll.
pub fn episodes(seed: u64, learners: &mut Learners) -> Vec<(Upn, stride_core::pupils::episodes::EpisodeKind)> {
    use stride_core::pupils::episodes::{EpisodeKind, ExclusionReason};
    let mut random = Random::seed_from_u64(seed ^ 0x0e91_50de_5eed_0001);
    let autumn = census_days()[2];
    let as_of = crate::data_as_at();
    let term_start = date(2026, 9, 7);
    let latest: Vec<&PupilCensusRecord> = learners
        .census
        .iter()
        .filter(|record| record.census.census_date == autumn)
        .collect();
    let in_summer: std::collections::HashSet<&Upn> = learners
        .census
        .iter()
        .filter(|record| record.census.census_date == census_days()[1])
        .map(|record| &record.upn)
        .collect();
    let mut episodes = Vec::new();
    let mut off_roll = BTreeSet::new();
    for record in &latest {
        use Characteristic::*;
        let held = &record.census.characteristics;
        let year = record.census.year_group.number();
        let raised = 1.0
            + f64::from(u8::from(held.contains(&EverFsm6)))
            + f64::from(u8::from(held.contains(&SenSupport) || held.contains(&EhcPlan)));
        let upn = record.upn.clone();
        let urn = record.census.urn;
        if year >= 5 && chance(&mut random, 0.012 * raised * if year >= 7 { 2.0 } else { 0.5 }) {
            let first_day = school_day_between(&mut random, term_start, as_of);
            let school_days = if chance(&mut random, 0.06) {
                between(&mut random, 6, 12)
            } else {
                between(&mut random, 1, 3)
            };
            let school_days = u32::try_from(school_days).unwrap_or(1);
            let ended = first_day + chrono::Days::new(u64::from(school_days) + 2) < as_of;
            episodes.push((
                upn.clone(),
                EpisodeKind::Suspension {
                    urn,
                    first_day,
                    school_days,
                    reason: *pick(
                        &mut random,
                        &[
                            ExclusionReason::PersistentDisruption,
                            ExclusionReason::PersistentDisruption,
                            ExclusionReason::PersistentDisruption,
                            ExclusionReason::VerbalAbuseAdult,
                            ExclusionReason::PhysicalAssaultPupil,
                            ExclusionReason::VerbalAbusePupil,
                            ExclusionReason::DrugAndAlcohol,
                            ExclusionReason::Other,
                        ],
                    ),
                    provision: (school_days > 5 && chance(&mut random, 0.7))
                        .then(|| "Set work and a place at the school's own unit".to_owned()),
                    reintegration_meeting: (ended && chance(&mut random, 0.85))
                        .then(|| first_day + chrono::Days::new(u64::from(school_days) + 2)),
                },
            ));
        }
        if year >= 7 && chance(&mut random, 0.0004 * raised) {
            let first_day = school_day_between(&mut random, term_start, as_of);
            let long_ago = (as_of - first_day).num_days() > 21;
            episodes.push((
                upn.clone(),
                EpisodeKind::PermanentExclusion {
                    urn,
                    first_day,
                    reason: *pick(
                        &mut random,
                        &[
                            ExclusionReason::PersistentDisruption,
                            ExclusionReason::PhysicalAssaultAdult,
                            ExclusionReason::UseOfWeapon,
                        ],
                    ),
                    provision: chance(&mut random, 0.8).then(|| PROVIDERS[0].to_owned()),
                    governors_considered: (long_ago && chance(&mut random, 0.9))
                        .then(|| first_day + chrono::Days::new(18)),
                },
            ));
        }
        if held.contains(&LookedAfter) {
            let mut reviews = vec![school_day_between(&mut random, date(2026, 5, 4), date(2026, 7, 10))];
            if chance(&mut random, 0.7) {
                reviews.push(school_day_between(&mut random, date(2026, 9, 14), date(2026, 11, 13)));
            }
            episodes.push((upn.clone(), EpisodeKind::PersonalEducationPlan { reviews }));
            if chance(&mut random, 0.012) {
                let requested = school_day_between(&mut random, date(2026, 10, 5), as_of);
                episodes.push((
                    upn.clone(),
                    EpisodeKind::SchoolPlace {
                        requested,
                        offered: chance(&mut random, 0.3).then_some(as_of),
                    },
                ));
            }
        }
        if (held.contains(&EhcPlan) || held.contains(&SenSupport)) && chance(&mut random, 0.005) {
            let started = school_day_between(&mut random, term_start, date(2026, 11, 2));
            episodes.push((
                upn.clone(),
                EpisodeKind::ReducedTimetable {
                    urn,
                    started,
                    planned_end: started + chrono::Days::new(42),
                    reviews: if chance(&mut random, 0.5) {
                        vec![started + chrono::Days::new(28)]
                    } else {
                        Vec::new()
                    },
                    ended: chance(&mut random, 0.25).then(|| started + chrono::Days::new(42)),
                },
            ));
        }
        if year >= 7 && chance(&mut random, 0.004 * raised) {
            let started = school_day_between(&mut random, term_start, date(2026, 10, 23));
            episodes.push((
                upn.clone(),
                EpisodeKind::AlternativeProvision {
                    provider: pick(&mut random, &PROVIDERS[1..]).to_string(),
                    started,
                    ended: chance(&mut random, 0.2).then(|| started + chrono::Days::new(35)),
                },
            ));
        }
        // Off roll this autumn: home educated since the summer, or missing education.
        let has_summer = in_summer.contains(&upn);
        if has_summer && chance(&mut random, 0.0025) {
            let registered = school_day_between(&mut random, date(2026, 7, 1), date(2026, 9, 30));
            off_roll.insert(upn.clone());
            episodes.push((
                upn.clone(),
                EpisodeKind::HomeEducation {
                    registered,
                    reviews: Vec::new(),
                    returned_to_school: None,
                },
            ));
        } else if has_summer && chance(&mut random, 0.0006 * raised) {
            let referred = school_day_between(&mut random, term_start, as_of);
            let enquiries: Vec<NaiveDate> = (0..between(&mut random, 0, 3))
                .map(|index| referred + chrono::Days::new(6 * (u64::try_from(index).unwrap_or_default() + 1)))
                .filter(|day| *day < as_of)
                .collect();
            let closed = chance(&mut random, 0.5)
                .then(|| referred + chrono::Days::new(20))
                .filter(|day| *day < as_of);
            off_roll.insert(upn.clone());
            episodes.push((
                upn.clone(),
                EpisodeKind::MissingEducation {
                    referred,
                    enquiries,
                    outcome: closed.map(|_| "Found on roll at a school in another LA".to_owned()),
                    closed,
                },
            ));
        }
    }
    // A few home-educating families of longer standing, due their annual review.
    for record in latest
        .iter()
        .filter(|record| record.census.year_group.number() >= 3)
        .step_by(900)
    {
        let registered = school_day_between(&mut random, date(2024, 9, 2), date(2025, 10, 20));
        off_roll.insert(record.upn.clone());
        episodes.push((
            record.upn.clone(),
            EpisodeKind::HomeEducation {
                registered,
                reviews: Vec::new(),
                returned_to_school: None,
            },
        ));
    }
    learners
        .census
        .retain(|record| !(off_roll.contains(&record.upn) && record.census.census_date == autumn));
    learners.marks.retain(|marks| !off_roll.contains(&marks.upn));
    episodes
}
