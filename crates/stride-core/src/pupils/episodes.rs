//! What happens to a child out of school or at risk of it, and what the LA must do by when:
//! suspensions and permanent exclusions (full-time education from the sixth school day, the
//! governors' consideration, reintegration), children missing education (enquiries until the
//! child is found), elective home education (a review each year), reduced timetables (reviewed,
//! and ended by their planned end), alternative provision, and for children in care a personal
//! education plan reviewed each term and a school place offered within twenty school days.
//! Deadlines are counted on the English calendar the Schools Causing Concern clocks use.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::coded::coded_enum;
use crate::identifiers::Urn;
use crate::intervention::{DUE_SOON_WORKING_DAYS, DueState};

coded_enum! {
    /// The DfE's reasons for a suspension or permanent exclusion, as the school census codes them.
    pub enum ExclusionReason ("reason for exclusion") {
        PhysicalAssaultPupil => ("PP", "Physical assault against a pupil"),
        PhysicalAssaultAdult => ("PA", "Physical assault against an adult"),
        VerbalAbusePupil => ("VP", "Verbal abuse or threatening behaviour against a pupil"),
        VerbalAbuseAdult => ("VA", "Verbal abuse or threatening behaviour against an adult"),
        UseOfWeapon => ("OW", "Use or threat of use of an offensive weapon or prohibited item"),
        Bullying => ("BU", "Bullying"),
        RacistAbuse => ("RA", "Abuse relating to race"),
        SexualOrientationAbuse => ("LG", "Abuse against sexual orientation or gender identity"),
        DisabilityAbuse => ("DS", "Abuse relating to disability"),
        SexualMisconduct => ("SM", "Sexual misconduct"),
        DrugAndAlcohol => ("DA", "Drug and alcohol related"),
        DamageToProperty => ("DM", "Damage to property"),
        Theft => ("TH", "Theft"),
        OnlineMisconduct => ("MT", "Inappropriate use of social media or online technology"),
        PersistentDisruption => ("PD", "Persistent disruptive behaviour"),
        Other => ("OT", "Other"),
    }
}

/// One episode of a child's, as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EpisodeKind {
    Suspension {
        urn: Urn,
        first_day: NaiveDate,
        school_days: u32,
        reason: ExclusionReason,
        /// Who provides full-time education from the sixth day, where the suspension runs past five.
        provision: Option<String>,
        reintegration_meeting: Option<NaiveDate>,
    },
    PermanentExclusion {
        urn: Urn,
        first_day: NaiveDate,
        reason: ExclusionReason,
        provision: Option<String>,
        governors_considered: Option<NaiveDate>,
    },
    MissingEducation {
        referred: NaiveDate,
        enquiries: Vec<NaiveDate>,
        outcome: Option<String>,
        closed: Option<NaiveDate>,
    },
    HomeEducation {
        registered: NaiveDate,
        reviews: Vec<NaiveDate>,
        returned_to_school: Option<NaiveDate>,
    },
    ReducedTimetable {
        urn: Urn,
        started: NaiveDate,
        planned_end: NaiveDate,
        reviews: Vec<NaiveDate>,
        ended: Option<NaiveDate>,
    },
    AlternativeProvision {
        provider: String,
        started: NaiveDate,
        ended: Option<NaiveDate>,
    },
    /// A child in care's personal education plan, with the day of each review.
    PersonalEducationPlan { reviews: Vec<NaiveDate> },
    /// A school place asked for a child in care, and when one was offered.
    SchoolPlace {
        requested: NaiveDate,
        offered: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Episode {
    pub id: i64,
    pub pupil_id: i64,
    pub kind: EpisodeKind,
}

/// The days the duties are counted in.
pub const SIXTH_DAY: u32 = 5;
pub const GOVERNORS_SCHOOL_DAYS: u32 = 15;
pub const SCHOOL_PLACE_SCHOOL_DAYS: u32 = 20;

/// The LA's own rhythm, which its children missing education and part-time timetable policies
/// set rather than the law: kept with its clock rules (their `[pupils]` table), so that an LA
/// whose policy differs changes it as it changes the cycle's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PupilClocks {
    /// School days from a referral or the last enquiry to the next, until the child is found.
    pub enquiry_school_days: u32,
    /// School days from a reduced timetable's start or last review to the next review.
    pub timetable_review_school_days: u32,
}

impl Default for PupilClocks {
    /// An enquiry every ten school days, a review every six weeks: what the statutory guidance's
    /// "regular" reviews and the DfE's children missing education guidance are usually read as.
    fn default() -> PupilClocks {
        PupilClocks {
            enquiry_school_days: 10,
            timetable_review_school_days: 30,
        }
    }
}

/// A duty outstanding on an episode, as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpisodeDue {
    pub episode_id: i64,
    pub pupil_id: i64,
    pub what: &'static str,
    pub due_on: NaiveDate,
    pub state: DueState,
}

impl EpisodeKind {
    pub fn label(&self) -> &'static str {
        match self {
            EpisodeKind::Suspension { .. } => "Suspension",
            EpisodeKind::PermanentExclusion { .. } => "Permanent exclusion",
            EpisodeKind::MissingEducation { .. } => "Child missing education",
            EpisodeKind::HomeEducation { .. } => "Elective home education",
            EpisodeKind::ReducedTimetable { .. } => "Reduced timetable",
            EpisodeKind::AlternativeProvision { .. } => "Alternative provision",
            EpisodeKind::PersonalEducationPlan { .. } => "Personal education plan",
            EpisodeKind::SchoolPlace { .. } => "School place for a child in care",
        }
    }

    /// The day it began, for ordering and for the page.
    pub fn began(&self) -> Option<NaiveDate> {
        match self {
            EpisodeKind::Suspension { first_day, .. } | EpisodeKind::PermanentExclusion { first_day, .. } => {
                Some(*first_day)
            }
            EpisodeKind::MissingEducation { referred, .. } => Some(*referred),
            EpisodeKind::HomeEducation { registered, .. } => Some(*registered),
            EpisodeKind::ReducedTimetable { started, .. } | EpisodeKind::AlternativeProvision { started, .. } => {
                Some(*started)
            }
            EpisodeKind::PersonalEducationPlan { reviews } => reviews.first().copied(),
            EpisodeKind::SchoolPlace { requested, .. } => Some(*requested),
        }
    }

    /// Whether it is still running on a day.
    pub fn is_open(&self, calendar: &Calendar, on: NaiveDate) -> bool {
        match self {
            EpisodeKind::Suspension {
                first_day, school_days, ..
            } => calendar
                .add_school_days(*first_day, school_days.saturating_sub(1))
                .is_some_and(|last| on <= last),
            EpisodeKind::PermanentExclusion { .. } | EpisodeKind::PersonalEducationPlan { .. } => true,
            EpisodeKind::MissingEducation { closed: end, .. }
            | EpisodeKind::HomeEducation {
                returned_to_school: end,
                ..
            }
            | EpisodeKind::ReducedTimetable { ended: end, .. }
            | EpisodeKind::AlternativeProvision { ended: end, .. } => end.is_none_or(|end| on < end),
            EpisodeKind::SchoolPlace { offered, .. } => offered.is_none(),
        }
    }

    /// The duties outstanding on a day: each with its deadline, none once it is recorded done.
    fn duties(
        &self,
        calendar: &Calendar,
        clocks: &PupilClocks,
        today: NaiveDate,
    ) -> Vec<(&'static str, Option<NaiveDate>)> {
        let after = |start: NaiveDate, days: u32| calendar.add_school_days(start, days);
        let latest = |first: NaiveDate, later: &[NaiveDate]| later.iter().copied().max().unwrap_or(first).max(first);
        match self {
            EpisodeKind::Suspension {
                first_day,
                school_days,
                provision,
                reintegration_meeting,
                ..
            } => {
                let mut duties = Vec::new();
                if *school_days > SIXTH_DAY && provision.is_none() {
                    duties.push((
                        "Full-time education from the sixth school day (the school's duty)",
                        after(*first_day, SIXTH_DAY),
                    ));
                }
                if reintegration_meeting.is_none() {
                    duties.push(("Reintegration meeting on return", after(*first_day, *school_days)));
                }
                duties
            }
            EpisodeKind::PermanentExclusion {
                first_day,
                provision,
                governors_considered,
                ..
            } => {
                let mut duties = Vec::new();
                if provision.is_none() {
                    duties.push((
                        "Full-time education from the sixth school day (the LA's duty)",
                        after(*first_day, SIXTH_DAY),
                    ));
                }
                if governors_considered.is_none() {
                    duties.push((
                        "Governors consider reinstatement",
                        after(*first_day, GOVERNORS_SCHOOL_DAYS),
                    ));
                }
                duties
            }
            EpisodeKind::MissingEducation {
                referred,
                enquiries,
                closed: None,
                ..
            } => {
                vec![(
                    "Next enquiry to find the child",
                    after(latest(*referred, enquiries), clocks.enquiry_school_days),
                )]
            }
            EpisodeKind::HomeEducation {
                registered,
                reviews,
                returned_to_school: None,
            } => {
                let last = latest(*registered, reviews);
                vec![(
                    "Annual review of the education provided",
                    last.checked_add_months(Months::new(12)),
                )]
            }
            EpisodeKind::ReducedTimetable {
                started,
                planned_end,
                reviews,
                ended: None,
                ..
            } => {
                let mut duties = vec![(
                    "Review of the reduced timetable",
                    after(latest(*started, reviews), clocks.timetable_review_school_days),
                )];
                if *planned_end < today {
                    duties.push((
                        "End the reduced timetable: its planned end has passed",
                        Some(*planned_end),
                    ));
                }
                duties
            }
            EpisodeKind::PersonalEducationPlan { reviews } => {
                let term = calendar.term_of_or_before(today);
                let reviewed_this_term = term
                    .as_ref()
                    .is_some_and(|term| reviews.iter().any(|review| term.dates.contains(*review)));
                if reviewed_this_term {
                    Vec::new()
                } else {
                    vec![(
                        "Personal education plan reviewed this term",
                        calendar.end_of_term(today),
                    )]
                }
            }
            EpisodeKind::SchoolPlace {
                requested,
                offered: None,
            } => {
                vec![(
                    "School place offered within twenty school days",
                    after(*requested, SCHOOL_PLACE_SCHOOL_DAYS),
                )]
            }
            _ => Vec::new(),
        }
    }
}

/// What an officer records on an episode as it goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpisodeEvent {
    /// Who provides full-time education from the sixth day.
    Provision(String),
    ReintegrationMeeting(NaiveDate),
    GovernorsConsidered(NaiveDate),
    Enquiry(NaiveDate),
    Closed {
        on: NaiveDate,
        outcome: String,
    },
    Review(NaiveDate),
    ReturnedToSchool(NaiveDate),
    Ended(NaiveDate),
    Offered(NaiveDate),
}

/// The events an episode takes, by a code for the form and a label: (code, label, needs words).
pub fn events_of(kind: &EpisodeKind) -> &'static [(&'static str, &'static str, bool)] {
    match kind {
        EpisodeKind::Suspension { .. } => &[
            (
                "provision",
                "Full-time education from the sixth day arranged (say by whom)",
                true,
            ),
            ("reintegration", "Reintegration meeting held", false),
        ],
        EpisodeKind::PermanentExclusion { .. } => &[
            (
                "provision",
                "Full-time education from the sixth day arranged (say by whom)",
                true,
            ),
            ("governors", "Governors considered reinstatement", false),
        ],
        EpisodeKind::MissingEducation { .. } => &[
            ("enquiry", "Enquiry made", false),
            ("closed", "Child found: case closed (say where)", true),
        ],
        EpisodeKind::HomeEducation { .. } => &[
            ("review", "Annual review held", false),
            ("returned", "Returned to school", false),
        ],
        EpisodeKind::ReducedTimetable { .. } => &[
            ("review", "Reviewed", false),
            ("ended", "Ended: full time again", false),
        ],
        EpisodeKind::AlternativeProvision { .. } => &[("ended", "Placement ended", false)],
        EpisodeKind::PersonalEducationPlan { .. } => &[("review", "Personal education plan reviewed", false)],
        EpisodeKind::SchoolPlace { .. } => &[("offered", "School place offered", false)],
    }
}

impl EpisodeEvent {
    /// The event a form names by its code, on a day, with its words where it needs them.
    pub fn from_form(code: &str, on: NaiveDate, words: &str) -> Result<EpisodeEvent, &'static str> {
        let words = words.trim();
        let needs_words = || {
            if words.is_empty() {
                Err("Say what was arranged, or where the child was found")
            } else {
                Ok(words.to_owned())
            }
        };
        Ok(match code {
            "provision" => EpisodeEvent::Provision(needs_words()?),
            "reintegration" => EpisodeEvent::ReintegrationMeeting(on),
            "governors" => EpisodeEvent::GovernorsConsidered(on),
            "enquiry" => EpisodeEvent::Enquiry(on),
            "closed" => EpisodeEvent::Closed {
                on,
                outcome: needs_words()?,
            },
            "review" => EpisodeEvent::Review(on),
            "returned" => EpisodeEvent::ReturnedToSchool(on),
            "ended" => EpisodeEvent::Ended(on),
            "offered" => EpisodeEvent::Offered(on),
            _ => return Err("Choose what happened"),
        })
    }
}

impl EpisodeKind {
    /// The episode with an event recorded on it, or why the event does not belong to it.
    pub fn with(&self, event: EpisodeEvent) -> Result<EpisodeKind, &'static str> {
        use EpisodeEvent as Event;
        let mut next = self.clone();
        let began = self.began();
        let before_start = |on: NaiveDate| began.is_some_and(|began| on < began);
        match (&mut next, event) {
            (
                EpisodeKind::Suspension { provision, .. } | EpisodeKind::PermanentExclusion { provision, .. },
                Event::Provision(by),
            ) => {
                *provision = Some(by);
            }
            (
                _,
                Event::ReintegrationMeeting(on)
                | Event::GovernorsConsidered(on)
                | Event::Enquiry(on)
                | Event::Review(on)
                | Event::ReturnedToSchool(on)
                | Event::Ended(on)
                | Event::Offered(on),
            ) if before_start(on) => {
                return Err("The date is before the episode began");
            }
            (_, Event::Closed { on, .. }) if before_start(on) => return Err("The date is before the episode began"),
            (
                EpisodeKind::Suspension {
                    reintegration_meeting, ..
                },
                Event::ReintegrationMeeting(on),
            ) => *reintegration_meeting = Some(on),
            (
                EpisodeKind::PermanentExclusion {
                    governors_considered, ..
                },
                Event::GovernorsConsidered(on),
            ) => {
                *governors_considered = Some(on);
            }
            (EpisodeKind::MissingEducation { enquiries, .. }, Event::Enquiry(on)) => enquiries.push(on),
            (EpisodeKind::MissingEducation { closed, outcome, .. }, Event::Closed { on, outcome: found }) => {
                *closed = Some(on);
                *outcome = Some(found);
            }
            (
                EpisodeKind::HomeEducation { reviews, .. }
                | EpisodeKind::ReducedTimetable { reviews, .. }
                | EpisodeKind::PersonalEducationPlan { reviews },
                Event::Review(on),
            ) => reviews.push(on),
            (EpisodeKind::HomeEducation { returned_to_school, .. }, Event::ReturnedToSchool(on)) => {
                *returned_to_school = Some(on);
            }
            (
                EpisodeKind::ReducedTimetable { ended, .. } | EpisodeKind::AlternativeProvision { ended, .. },
                Event::Ended(on),
            ) => {
                *ended = Some(on);
            }
            (EpisodeKind::SchoolPlace { offered, .. }, Event::Offered(on)) => *offered = Some(on),
            _ => return Err("That does not happen to an episode of this kind"),
        }
        Ok(next)
    }
}

/// A new episode as a form gives it.
#[derive(Debug, Clone, Default)]
pub struct NewEpisode<'a> {
    pub kind: &'a str,
    pub on: Option<NaiveDate>,
    /// The school: the pupil's, for an exclusion or a timetable.
    pub urn: Option<Urn>,
    pub school_days: Option<u32>,
    pub reason: Option<ExclusionReason>,
    pub planned_end: Option<NaiveDate>,
    pub provider: &'a str,
}

/// The kinds an officer starts, by code and label, for the form.
pub const STARTED_KINDS: [(&str, &str); 8] = [
    ("suspension", "Suspension"),
    ("permanent-exclusion", "Permanent exclusion"),
    ("missing-education", "Child missing education: referred"),
    ("home-education", "Elective home education: registered"),
    ("reduced-timetable", "Reduced timetable"),
    ("alternative-provision", "Alternative provision placement"),
    ("personal-education-plan", "Personal education plan: first reviewed"),
    ("school-place", "School place requested for a child in care"),
];

impl NewEpisode<'_> {
    /// The episode, or what the form must give.
    pub fn episode(&self) -> Result<EpisodeKind, &'static str> {
        let on = self.on.ok_or("Enter the date it began, as day, month and year")?;
        let urn = || self.urn.ok_or("The pupil has no school on roll to record this against");
        Ok(match self.kind {
            "suspension" => EpisodeKind::Suspension {
                urn: urn()?,
                first_day: on,
                school_days: self
                    .school_days
                    .filter(|days| (1..=45).contains(days))
                    .ok_or("Enter the school days of the suspension, 1 to 45")?,
                reason: self.reason.ok_or("Choose the reason")?,
                provision: None,
                reintegration_meeting: None,
            },
            "permanent-exclusion" => EpisodeKind::PermanentExclusion {
                urn: urn()?,
                first_day: on,
                reason: self.reason.ok_or("Choose the reason")?,
                provision: None,
                governors_considered: None,
            },
            "missing-education" => EpisodeKind::MissingEducation {
                referred: on,
                enquiries: Vec::new(),
                outcome: None,
                closed: None,
            },
            "home-education" => EpisodeKind::HomeEducation {
                registered: on,
                reviews: Vec::new(),
                returned_to_school: None,
            },
            "reduced-timetable" => EpisodeKind::ReducedTimetable {
                urn: urn()?,
                started: on,
                planned_end: self
                    .planned_end
                    .filter(|end| *end > on)
                    .ok_or("Enter a planned end after the start")?,
                reviews: Vec::new(),
                ended: None,
            },
            "alternative-provision" => EpisodeKind::AlternativeProvision {
                provider: Some(self.provider.trim())
                    .filter(|provider| !provider.is_empty())
                    .ok_or("Enter the provider")?
                    .to_owned(),
                started: on,
                ended: None,
            },
            "personal-education-plan" => EpisodeKind::PersonalEducationPlan { reviews: vec![on] },
            "school-place" => EpisodeKind::SchoolPlace {
                requested: on,
                offered: None,
            },
            _ => return Err("Choose what to record"),
        })
    }
}

impl Episode {
    /// What is due on the episode as of `today`, overdue or due soon or later.
    pub fn due(&self, calendar: &Calendar, clocks: &PupilClocks, today: NaiveDate) -> Vec<EpisodeDue> {
        self.kind
            .duties(calendar, clocks, today)
            .into_iter()
            .filter_map(|(what, due_on)| {
                let due_on = due_on?;
                let state = if due_on < today {
                    DueState::Overdue
                } else if calendar.working_days_between(today, due_on) <= DUE_SOON_WORKING_DAYS {
                    DueState::DueSoon
                } else {
                    DueState::Later
                };
                Some(EpisodeDue {
                    episode_id: self.id,
                    pupil_id: self.pupil_id,
                    what,
                    due_on,
                    state,
                })
            })
            .collect()
    }
}

/// Everything due on these episodes, overdue first, then by date.
pub fn due_on_episodes(
    episodes: &[Episode],
    calendar: &Calendar,
    clocks: &PupilClocks,
    today: NaiveDate,
) -> Vec<EpisodeDue> {
    let mut due: Vec<EpisodeDue> = episodes
        .iter()
        .flat_map(|episode| episode.due(calendar, clocks, today))
        .collect();
    due.sort_by(|a, b| {
        a.state
            .cmp(&b.state)
            .then(a.due_on.cmp(&b.due_on))
            .then(a.pupil_id.cmp(&b.pupil_id))
    });
    due
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::testing::urn;

    fn day(year: i32, month: u32, date: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    fn calendar() -> Calendar {
        Calendar::new(BTreeMap::new(), BTreeSet::new())
    }

    fn episode(kind: EpisodeKind) -> Episode {
        Episode {
            id: 1,
            pupil_id: 2,
            kind,
        }
    }

    #[test]
    fn a_long_suspension_needs_education_from_the_sixth_school_day() {
        // Monday 9 November 2026, eight school days: the sixth is Monday 16th.
        let suspension = episode(EpisodeKind::Suspension {
            urn: urn(914_001),
            first_day: day(2026, 11, 9),
            school_days: 8,
            reason: ExclusionReason::PersistentDisruption,
            provision: None,
            reintegration_meeting: None,
        });
        let due = suspension.due(&calendar(), &PupilClocks::default(), day(2026, 11, 12));
        assert_eq!(
            due[0].what,
            "Full-time education from the sixth school day (the school's duty)"
        );
        assert_eq!(due[0].due_on, day(2026, 11, 16));
        assert_eq!(due[0].state, DueState::DueSoon);
        // Return on the ninth school day, Thursday 19th.
        assert_eq!(due[1].due_on, day(2026, 11, 19));
        assert_eq!(
            suspension.due(&calendar(), &PupilClocks::default(), day(2026, 11, 17))[0].state,
            DueState::Overdue
        );
        assert!(suspension.kind.is_open(&calendar(), day(2026, 11, 18)));
        assert!(!suspension.kind.is_open(&calendar(), day(2026, 11, 19)));
        let short = episode(EpisodeKind::Suspension {
            urn: urn(914_001),
            first_day: day(2026, 11, 9),
            school_days: 2,
            reason: ExclusionReason::Other,
            provision: None,
            reintegration_meeting: Some(day(2026, 11, 11)),
        });
        assert!(
            short
                .due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))
                .is_empty()
        );
    }

    #[test]
    fn a_permanent_exclusion_counts_school_days_over_half_term() {
        // Thursday 22 October 2026, before the half-term week of 26 to 30 October.
        let exclusion = episode(EpisodeKind::PermanentExclusion {
            urn: urn(914_001),
            first_day: day(2026, 10, 22),
            reason: ExclusionReason::PhysicalAssaultAdult,
            provision: None,
            governors_considered: None,
        });
        let due = exclusion.due(&calendar(), &PupilClocks::default(), day(2026, 10, 23));
        // Fri 23, then Mon 2 to Thu 5 November: the sixth school day is Thursday 5th.
        assert_eq!(due[0].due_on, day(2026, 11, 5));
        assert_eq!(due[1].what, "Governors consider reinstatement");
        // Fifteen school days after: 23 October, 2 to 6, 9 to 13 and 16 to 19 November.
        assert_eq!(due[1].due_on, day(2026, 11, 19));
    }

    #[test]
    fn enquiries_reviews_and_offers_fall_due_from_the_last_done() {
        let missing = episode(EpisodeKind::MissingEducation {
            referred: day(2026, 11, 2),
            enquiries: vec![day(2026, 11, 9)],
            outcome: None,
            closed: None,
        });
        assert_eq!(
            missing.due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))[0].due_on,
            day(2026, 11, 23)
        );
        // An LA whose policy asks for an enquiry every five school days.
        let weekly = PupilClocks {
            enquiry_school_days: 5,
            ..PupilClocks::default()
        };
        assert_eq!(
            missing.due(&calendar(), &weekly, day(2026, 11, 10))[0].due_on,
            day(2026, 11, 16)
        );
        let found = episode(EpisodeKind::MissingEducation {
            referred: day(2026, 11, 2),
            enquiries: vec![],
            outcome: Some("On roll at a school in another LA".into()),
            closed: Some(day(2026, 11, 6)),
        });
        assert!(
            found
                .due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))
                .is_empty()
        );
        let home = episode(EpisodeKind::HomeEducation {
            registered: day(2025, 9, 15),
            reviews: vec![],
            returned_to_school: None,
        });
        assert_eq!(
            home.due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))[0].state,
            DueState::Overdue
        );
        let place = episode(EpisodeKind::SchoolPlace {
            requested: day(2026, 11, 2),
            offered: None,
        });
        assert_eq!(
            place.due(&calendar(), &PupilClocks::default(), day(2026, 11, 3))[0].due_on,
            day(2026, 11, 30)
        );
        let timetable = episode(EpisodeKind::ReducedTimetable {
            urn: urn(914_001),
            started: day(2026, 9, 7),
            planned_end: day(2026, 11, 6),
            reviews: vec![day(2026, 10, 5)],
            ended: None,
        });
        let due = timetable.due(&calendar(), &PupilClocks::default(), day(2026, 11, 10));
        assert_eq!(due.len(), 2, "a review, and its planned end has passed");
        assert!(
            due.iter()
                .all(|each| each.state == DueState::Overdue || each.due_on >= day(2026, 11, 10))
        );
    }

    #[test]
    fn a_personal_education_plan_is_due_each_term_until_reviewed_in_it() {
        let reviewed_last_term = episode(EpisodeKind::PersonalEducationPlan {
            reviews: vec![day(2026, 6, 10)],
        });
        let due = reviewed_last_term.due(&calendar(), &PupilClocks::default(), day(2026, 11, 10));
        assert_eq!(due.len(), 1);
        assert_eq!(Some(due[0].due_on), calendar().end_of_term(day(2026, 11, 10)));
        let reviewed = episode(EpisodeKind::PersonalEducationPlan {
            reviews: vec![day(2026, 6, 10), day(2026, 10, 1)],
        });
        assert!(
            reviewed
                .due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))
                .is_empty()
        );
    }

    #[test]
    fn events_are_recorded_only_where_they_belong() {
        let missing = EpisodeKind::MissingEducation {
            referred: day(2026, 11, 2),
            enquiries: vec![],
            outcome: None,
            closed: None,
        };
        let enquired = missing
            .with(EpisodeEvent::Enquiry(day(2026, 11, 4)))
            .expect("an enquiry");
        let closed = enquired
            .with(EpisodeEvent::from_form("closed", day(2026, 11, 9), "On roll in Kent").expect("an event"))
            .expect("closed");
        assert!(
            episode(closed.clone())
                .due(&calendar(), &PupilClocks::default(), day(2026, 11, 10))
                .is_empty()
        );
        assert!(!closed.is_open(&calendar(), day(2026, 11, 10)));
        assert_eq!(
            missing.with(EpisodeEvent::Offered(day(2026, 11, 4))),
            Err("That does not happen to an episode of this kind")
        );
        assert_eq!(
            missing.with(EpisodeEvent::Enquiry(day(2026, 10, 1))),
            Err("The date is before the episode began")
        );
        assert!(EpisodeEvent::from_form("closed", day(2026, 11, 9), " ").is_err());
        for (code, _, _) in events_of(&missing) {
            assert!(
                EpisodeEvent::from_form(code, day(2026, 11, 9), "words").is_ok_and(|event| missing.with(event).is_ok()),
                "{code}"
            );
        }
    }

    #[test]
    fn a_new_episode_needs_what_its_kind_needs() {
        let form = NewEpisode {
            kind: "suspension",
            on: Some(day(2026, 11, 9)),
            urn: Some(urn(914_001)),
            ..NewEpisode::default()
        };
        assert_eq!(form.episode(), Err("Enter the school days of the suspension, 1 to 45"));
        let form = NewEpisode {
            school_days: Some(3),
            reason: Some(ExclusionReason::Bullying),
            ..form
        };
        assert!(matches!(
            form.episode(),
            Ok(EpisodeKind::Suspension { school_days: 3, .. })
        ));
        let timetable = NewEpisode {
            kind: "reduced-timetable",
            planned_end: Some(day(2026, 11, 1)),
            ..form.clone()
        };
        assert_eq!(timetable.episode(), Err("Enter a planned end after the start"));
        for (code, _) in STARTED_KINDS {
            let full = NewEpisode {
                kind: code,
                planned_end: Some(day(2026, 12, 18)),
                provider: "A unit",
                ..form.clone()
            };
            assert!(full.episode().is_ok(), "{code}");
        }
    }

    #[test]
    fn an_episode_survives_its_json() {
        let kind = EpisodeKind::HomeEducation {
            registered: day(2025, 9, 15),
            reviews: vec![day(2026, 9, 1)],
            returned_to_school: None,
        };
        let text = serde_json::to_string(&kind).expect("writes");
        assert!(text.contains("\"kind\":\"home-education\""), "{text}");
        assert_eq!(serde_json::from_str::<EpisodeKind>(&text).expect("reads"), kind);
    }
}
