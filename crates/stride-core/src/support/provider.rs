//! The directory of providers the LA brokers support from: its Approved Providers List and
//! School Improvement Associates database (Oxfordshire's framework, section E), the leaders of
//! education it deploys, teaching school hubs and its own teams.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::establishment::Phase;

coded_enum! {
    /// Who a provider is.
    pub enum ProviderKind ("kind of provider") {
        SchoolImprovementAssociate => ("school-improvement-associate", "School improvement associate"),
        NationalLeaderOfEducation => ("national-leader-of-education", "National Leader of Education"),
        LocalLeaderOfEducation => ("local-leader-of-education", "Local Leader of Education"),
        SpecialistLeaderOfEducation => ("specialist-leader-of-education", "Specialist Leader of Education"),
        TeachingSchoolHub => ("teaching-school-hub", "Teaching school hub"),
        LaTeam => ("la-team", "The LA's own team"),
        Organisation => ("organisation", "Organisation on the Approved Providers List"),
    }
}

coded_enum! {
    /// What a provider is approved to support: an aspect of leadership, or a subject.
    pub enum Specialism ("specialism") {
        Leadership => ("leadership", "Leadership"),
        Governance => ("governance", "Governance"),
        Send => ("send", "Special educational needs and disabilities"),
        Behaviour => ("behaviour", "Behaviour"),
        Attendance => ("attendance", "Attendance"),
        Safeguarding => ("safeguarding", "Safeguarding"),
        Curriculum => ("curriculum", "Curriculum and teaching"),
        EarlyYears => ("early-years", "Early years"),
        English => ("english", "English and reading"),
        Mathematics => ("mathematics", "Mathematics"),
        Science => ("science", "Science"),
    }
}

impl Specialism {
    /// The specialism a plan's priority most likely asks for, from the words of its title; the
    /// person finding support can choose another.
    pub fn suggested_by(title: &str) -> Option<Specialism> {
        let title = title.to_lowercase();
        const WORDS: [(&str, Specialism); 16] = [
            ("govern", Specialism::Governance),
            ("send", Specialism::Send),
            ("special educational", Specialism::Send),
            ("behaviour", Specialism::Behaviour),
            ("exclusion", Specialism::Behaviour),
            ("attendance", Specialism::Attendance),
            ("absence", Specialism::Attendance),
            ("safeguard", Specialism::Safeguarding),
            ("early years", Specialism::EarlyYears),
            ("eyfs", Specialism::EarlyYears),
            ("math", Specialism::Mathematics),
            ("read", Specialism::English),
            ("writing", Specialism::English),
            ("phonics", Specialism::English),
            ("science", Specialism::Science),
            ("curriculum", Specialism::Curriculum),
        ];
        WORDS
            .iter()
            .find(|(word, _)| {
                title
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|token| token.starts_with(word))
                    || (word.contains(' ') && title.contains(word))
            })
            .map(|(_, specialism)| *specialism)
            .or_else(|| (title.contains("lead") || title.contains("manage")).then_some(Specialism::Leadership))
    }
}

coded_enum! {
    /// Where a provider's approval stands.
    pub enum ApprovalStatus ("approval status") {
        Approved => ("approved", "Approved"),
        Suspended => ("suspended", "Suspended pending review"),
        Withdrawn => ("withdrawn", "Withdrawn"),
    }
}

/// A place on the Ordnance Survey's British National Grid, in metres, as GIAS gives a school's
/// easting and northing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridReference {
    pub easting: u32,
    pub northing: u32,
}

impl GridReference {
    /// The straight-line distance to another place, in kilometres: the grid is flat to well
    /// within a kilometre across an LA.
    pub fn kilometres_to(self, other: GridReference) -> f64 {
        let east = f64::from(self.easting) - f64::from(other.easting);
        let north = f64::from(self.northing) - f64::from(other.northing);
        (east * east + north * north).sqrt() / 1000.0
    }
}

/// An amount of money in pence, shown in pounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Pence(pub i64);

impl Pence {
    /// Reads pounds as a person writes them: "450", "450.50", "£1,200".
    pub fn from_pounds(text: &str) -> Option<Pence> {
        let digits: String = text
            .trim()
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 2 {
            return None;
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let pounds: i64 = whole.parse().ok()?;
        let pence: i64 = format!("{fraction:0<2}").parse().ok()?;
        pounds.checked_mul(100)?.checked_add(pence).map(Pence)
    }

    /// The cost of days at a day rate, to the nearest penny.
    pub fn for_days(day_rate: Pence, days: f64) -> Pence {
        Pence((day_rate.0 as f64 * days).round() as i64)
    }

    pub fn pounds(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Pence {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = (self.0.abs() / 100).to_string();
        let pence = self.0.abs() % 100;
        let mut grouped = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        if pence == 0 {
            write!(formatter, "{sign}£{grouped}")
        } else {
            write!(formatter, "{sign}£{grouped}.{pence:02}")
        }
    }
}

/// A provider in the LA's directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub id: i64,
    pub name: String,
    pub kind: ProviderKind,
    /// The school or organisation the provider works from, if any.
    pub organisation: String,
    pub specialisms: Vec<Specialism>,
    /// The phases the provider works in; none means every phase.
    pub phases: Vec<Phase>,
    pub approval: ApprovalStatus,
    /// When the approval is next reviewed.
    pub approval_review_on: NaiveDate,
    pub day_rate: Pence,
    pub location: Option<GridReference>,
}

impl Provider {
    /// The specialisms in words, as the directory and a provider's record show them.
    pub fn specialisms_in_words(&self) -> String {
        self.specialisms
            .iter()
            .map(|specialism| specialism.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The phases in words; a provider of no phase named works in every one.
    pub fn phases_in_words(&self) -> String {
        if self.phases.is_empty() {
            "Every phase".to_owned()
        } else {
            self.phases
                .iter()
                .map(|phase| phase.label())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// The provider as an entry, to be written as it stands.
    pub fn entry(&self) -> ProviderEntry {
        ProviderEntry {
            name: self.name.clone(),
            kind: self.kind,
            organisation: self.organisation.clone(),
            specialisms: self.specialisms.clone(),
            phases: self.phases.clone(),
            approval: self.approval,
            approval_review_on: self.approval_review_on,
            day_rate: self.day_rate,
            location: self.location,
        }
    }

    pub fn works_in(&self, phase: Phase) -> bool {
        self.phases.is_empty() || self.phases.contains(&phase)
    }

    /// Approved, and the approval not past its review.
    pub fn approved_on(&self, day: NaiveDate) -> bool {
        self.approval == ApprovalStatus::Approved && self.approval_review_on >= day
    }

    /// The approval in words on a day: a review date passed is said, not hidden.
    pub fn approval_on(&self, day: NaiveDate) -> String {
        match self.approval {
            ApprovalStatus::Approved if self.approval_review_on < day => {
                format!(
                    "Approved, review overdue since {}",
                    self.approval_review_on.format("%-d %B %Y")
                )
            }
            ApprovalStatus::Approved => format!(
                "Approved until review on {}",
                self.approval_review_on.format("%-d %B %Y")
            ),
            other => other.label().to_owned(),
        }
    }
}

/// A provider as entered or changed by a person: checked before it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderEntry {
    pub name: String,
    pub kind: ProviderKind,
    pub organisation: String,
    pub specialisms: Vec<Specialism>,
    pub phases: Vec<Phase>,
    pub approval: ApprovalStatus,
    pub approval_review_on: NaiveDate,
    pub day_rate: Pence,
    pub location: Option<GridReference>,
}

/// What is wrong with a provider as entered, by the field it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderProblem {
    pub field: &'static str,
    pub message: &'static str,
}

impl ProviderEntry {
    pub fn check(&self) -> Result<(), Vec<ProviderProblem>> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(ProviderProblem {
                field: "name",
                message: "Enter the provider's name",
            });
        }
        if self.specialisms.is_empty() {
            problems.push(ProviderProblem {
                field: "specialisms",
                message: "Choose at least one specialism",
            });
        }
        if self.day_rate.0 < 0 {
            problems.push(ProviderProblem {
                field: "day-rate",
                message: "Enter a day rate in pounds, 0 or more",
            });
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    pub fn into_provider(self, id: i64) -> Provider {
        Provider {
            id,
            name: self.name.trim().to_owned(),
            kind: self.kind,
            organisation: self.organisation.trim().to_owned(),
            specialisms: self.specialisms,
            phases: self.phases,
            approval: self.approval,
            approval_review_on: self.approval_review_on,
            day_rate: self.day_rate,
            location: self.location,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_read_as_people_write_them_and_shown_grouped() {
        assert_eq!(Pence::from_pounds("450"), Some(Pence(45_000)));
        assert_eq!(Pence::from_pounds("£1,200.5"), Some(Pence(120_050)));
        assert_eq!(Pence::from_pounds("12.345"), None);
        assert_eq!(Pence::from_pounds("-3"), None);
        assert_eq!(Pence::from_pounds("ten"), None);
        assert_eq!(Pence(123_456_700).to_string(), "£1,234,567");
        assert_eq!(Pence(45_050).to_string(), "£450.50");
        assert_eq!(Pence::for_days(Pence(45_000), 2.5), Pence(112_500));
    }

    #[test]
    fn a_priority_suggests_the_specialism_its_words_name() {
        assert_eq!(
            Specialism::suggested_by("Raise attainment in mathematics at KS2"),
            Some(Specialism::Mathematics)
        );
        assert_eq!(
            Specialism::suggested_by("Strengthen governance"),
            Some(Specialism::Governance)
        );
        assert_eq!(
            Specialism::suggested_by("Improve attendance of disadvantaged pupils"),
            Some(Specialism::Attendance)
        );
        assert_eq!(
            Specialism::suggested_by("Early years provision"),
            Some(Specialism::EarlyYears)
        );
        assert_eq!(
            Specialism::suggested_by("Build middle leadership capacity"),
            Some(Specialism::Leadership)
        );
        assert_eq!(Specialism::suggested_by("Something else"), None);
    }

    #[test]
    fn an_approval_past_its_review_is_not_in_force_and_says_so() {
        let provider = ProviderEntry {
            name: "A".into(),
            kind: ProviderKind::LocalLeaderOfEducation,
            organisation: String::new(),
            specialisms: vec![Specialism::Leadership],
            phases: vec![Phase::Primary],
            approval: ApprovalStatus::Approved,
            approval_review_on: NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(),
            day_rate: Pence(40_000),
            location: None,
        }
        .into_provider(1);
        let before = NaiveDate::from_ymd_opt(2026, 7, 31).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert!(provider.approved_on(before));
        assert!(!provider.approved_on(after));
        assert_eq!(
            provider.approval_on(after),
            "Approved, review overdue since 31 July 2026"
        );
        assert!(provider.works_in(Phase::Primary) && !provider.works_in(Phase::Secondary));
    }

    #[test]
    fn a_provider_without_name_or_specialism_is_refused_naming_the_fields() {
        let entry = ProviderEntry {
            name: " ".into(),
            kind: ProviderKind::Organisation,
            organisation: String::new(),
            specialisms: Vec::new(),
            phases: Vec::new(),
            approval: ApprovalStatus::Approved,
            approval_review_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            day_rate: Pence(0),
            location: None,
        };
        let fields: Vec<_> = entry.check().unwrap_err().iter().map(|problem| problem.field).collect();
        assert_eq!(fields, ["name", "specialisms"]);
    }

    #[test]
    fn distances_on_the_grid_are_in_kilometres() {
        let a = GridReference {
            easting: 450_000,
            northing: 200_000,
        };
        let b = GridReference {
            easting: 453_000,
            northing: 204_000,
        };
        assert!((a.kilometres_to(b) - 5.0).abs() < 1e-9);
    }
}
