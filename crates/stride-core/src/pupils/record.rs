//! A pupil as the school census returns them, term after term, and what those returns add up to:
//! the schools and year groups over time, and each characteristic's spans of dates.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Upn;
use crate::coded::coded_enum;
use crate::identifiers::Urn;

coded_enum! {
    /// What makes a learner vulnerable to underachievement, as seed 000 lists the groups and the
    /// census, the children-in-need census and the children looked after return record them.
    pub enum Characteristic ("pupil characteristic") {
        FreeSchoolMeals => ("fsm", "Eligible for free school meals"),
        EverFsm6 => ("fsm6", "Free school meals in the last six years"),
        Disadvantaged => ("disadvantaged", "Disadvantaged"),
        SenSupport => ("sen-support", "SEN support"),
        EhcPlan => ("ehc-plan", "Education, health and care plan"),
        LookedAfter => ("looked-after", "Looked after"),
        ChildInNeed => ("child-in-need", "Child in need"),
        ChildProtectionPlan => ("child-protection-plan", "Child protection plan"),
        YoungCarer => ("young-carer", "Young carer"),
        EnglishAdditionalLanguage => ("eal", "English as an additional language"),
        ServiceChild => ("service-child", "Service child"),
        AdoptedFromCare => ("adopted-from-care", "Adopted from care"),
        YouthJustice => ("youth-justice", "Involved with youth justice"),
        UnaccompaniedAsylumSeeking => ("uasc", "Unaccompanied asylum-seeking child"),
        PrivatelyFostered => ("privately-fostered", "Privately fostered"),
        TemporaryAccommodation => ("temporary-accommodation", "Living in temporary accommodation"),
        MedicalNeeds => ("medical-needs", "Chronic medical needs"),
        TeenageParent => ("teenage-parent", "Teenage parent or child of a teenage parent"),
    }
}

impl Characteristic {
    /// Disadvantaged is worked out, as the DfE defines it: free school meals in the last six
    /// years, looked after, or adopted from care. (Seed 000 counts service children too, as the
    /// pupil premium does; the DfE's disadvantaged measures do not.)
    pub fn is_derived(self) -> bool {
        self == Characteristic::Disadvantaged
    }
}

coded_enum! {
    /// A pupil's primary type of special educational need, as the census codes it.
    pub enum SenNeed ("primary type of need") {
        SpecificLearningDifficulty => ("SPLD", "Specific learning difficulty"),
        ModerateLearningDifficulty => ("MLD", "Moderate learning difficulty"),
        SevereLearningDifficulty => ("SLD", "Severe learning difficulty"),
        ProfoundAndMultipleLearningDifficulty => ("PMLD", "Profound and multiple learning difficulty"),
        SocialEmotionalAndMentalHealth => ("SEMH", "Social, emotional and mental health"),
        SpeechLanguageAndCommunication => ("SLCN", "Speech, language and communication needs"),
        HearingImpairment => ("HI", "Hearing impairment"),
        VisualImpairment => ("VI", "Visual impairment"),
        MultiSensoryImpairment => ("MSI", "Multi-sensory impairment"),
        PhysicalDisability => ("PD", "Physical disability"),
        Autism => ("ASD", "Autistic spectrum disorder"),
        OtherDifficulty => ("OTH", "Other difficulty or disability"),
        NotYetAssessed => ("NSA", "SEN support but no specialist assessment of type of need"),
    }
}

coded_enum! {
    pub enum Gender ("gender") {
        Female => ("F", "Female"),
        Male => ("M", "Male"),
        NotKnown => ("U", "Not known"),
    }
}

/// A national curriculum year: nursery (N1, N2) as -2 and -1, reception as 0, then 1 to 14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearGroup(i8);

impl YearGroup {
    pub fn parse(text: &str) -> Option<YearGroup> {
        match text.trim().to_ascii_uppercase().as_str() {
            "N1" => Some(YearGroup(-2)),
            "N2" => Some(YearGroup(-1)),
            "R" => Some(YearGroup(0)),
            number => number
                .parse::<i8>()
                .ok()
                .filter(|year| (1..=14).contains(year))
                .map(YearGroup),
        }
    }

    pub fn from_number(number: i8) -> Option<YearGroup> {
        (-2..=14).contains(&number).then_some(YearGroup(number))
    }

    pub fn number(self) -> i8 {
        self.0
    }

    pub fn code(self) -> String {
        match self.0 {
            -2 => "N1".into(),
            -1 => "N2".into(),
            0 => "R".into(),
            year => year.to_string(),
        }
    }

    pub fn label(self) -> String {
        match self.0 {
            -2 | -1 => format!("Nursery ({})", self.code()),
            0 => "Reception".into(),
            year => format!("Year {year}"),
        }
    }
}

/// One census return of one pupil: where they were on the census day and what was recorded of
/// them. Characteristics are those the return states; disadvantaged is worked out on reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusReturn {
    pub census_date: NaiveDate,
    pub urn: Urn,
    pub year_group: YearGroup,
    pub characteristics: BTreeSet<Characteristic>,
    pub sen_need: Option<SenNeed>,
}

/// A row of a school-census-shaped file: who the pupil is, and one return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilCensusRecord {
    pub upn: Upn,
    pub surname: String,
    pub forename: String,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    pub census: CensusReturn,
}

/// A pupil with every census return held, oldest first. `id` is Stride's own number, which is
/// what URLs and the audit log use: never the UPN or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pupil {
    pub id: i64,
    pub upn: Upn,
    pub surname: String,
    pub forename: String,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    pub returns: Vec<CensusReturn>,
}

/// A school and year group over the census days that returned the pupil there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub urn: Urn,
    pub year_group: YearGroup,
    pub first_returned: NaiveDate,
    pub last_returned: NaiveDate,
}

/// A characteristic from the first census that recorded it to the first one after that did not
/// (`until`, not included), or still held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacteristicSpan {
    pub characteristic: Characteristic,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// A set of characteristics with disadvantaged worked out from the rest.
pub fn with_derived(mut characteristics: BTreeSet<Characteristic>) -> BTreeSet<Characteristic> {
    use Characteristic::*;
    characteristics.remove(&Disadvantaged);
    if characteristics.contains(&FreeSchoolMeals) {
        characteristics.insert(EverFsm6);
    }
    if [EverFsm6, LookedAfter, AdoptedFromCare]
        .iter()
        .any(|each| characteristics.contains(each))
    {
        characteristics.insert(Disadvantaged);
    }
    characteristics
}

impl Pupil {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.forename, self.surname)
    }

    pub fn latest_return(&self) -> Option<&CensusReturn> {
        self.returns.last()
    }

    /// The return that stood on a day: the latest census on or before it.
    pub fn return_on(&self, day: NaiveDate) -> Option<&CensusReturn> {
        self.returns.iter().rev().find(|each| each.census_date <= day)
    }

    pub fn characteristics_on(&self, day: NaiveDate) -> BTreeSet<Characteristic> {
        self.return_on(day)
            .map(|each| with_derived(each.characteristics.clone()))
            .unwrap_or_default()
    }

    /// Schools and year groups over time: consecutive returns at the same school and year are
    /// one placement, so a move shows as a new one.
    pub fn placements(&self) -> Vec<Placement> {
        let mut placements: Vec<Placement> = Vec::new();
        for each in &self.returns {
            match placements.last_mut() {
                Some(last) if last.urn == each.urn && last.year_group == each.year_group => {
                    last.last_returned = each.census_date;
                }
                _ => placements.push(Placement {
                    urn: each.urn,
                    year_group: each.year_group,
                    first_returned: each.census_date,
                    last_returned: each.census_date,
                }),
            }
        }
        placements
    }

    /// Each characteristic's spans across the returns, in the order of the characteristics.
    pub fn characteristic_spans(&self) -> Vec<CharacteristicSpan> {
        let mut spans = Vec::new();
        for characteristic in Characteristic::ALL {
            let mut open: Option<NaiveDate> = None;
            for each in &self.returns {
                let holds = with_derived(each.characteristics.clone()).contains(characteristic);
                match (holds, open) {
                    (true, None) => open = Some(each.census_date),
                    (false, Some(from)) => {
                        spans.push(CharacteristicSpan {
                            characteristic: *characteristic,
                            from,
                            until: Some(each.census_date),
                        });
                        open = None;
                    }
                    _ => {}
                }
            }
            if let Some(from) = open {
                spans.push(CharacteristicSpan {
                    characteristic: *characteristic,
                    from,
                    until: None,
                });
            }
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, date: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    fn census(on: NaiveDate, urn: u32, year: i8, characteristics: &[Characteristic]) -> CensusReturn {
        CensusReturn {
            census_date: on,
            urn: Urn::new(urn).expect("valid urn"),
            year_group: YearGroup::from_number(year).expect("valid year"),
            characteristics: characteristics.iter().copied().collect(),
            sen_need: None,
        }
    }

    fn pupil(returns: Vec<CensusReturn>) -> Pupil {
        Pupil {
            id: 1,
            upn: Upn::parse("B801200005001").expect("valid upn"),
            surname: "Example".into(),
            forename: "Pat".into(),
            date_of_birth: day(2015, 3, 4),
            gender: Gender::NotKnown,
            returns,
        }
    }

    #[test]
    fn a_move_of_school_is_kept_as_a_new_placement() {
        use Characteristic::*;
        let pupil = pupil(vec![
            census(day(2025, 10, 2), 914_001, 4, &[FreeSchoolMeals]),
            census(day(2026, 1, 15), 914_001, 4, &[FreeSchoolMeals]),
            census(day(2026, 5, 21), 914_002, 4, &[]),
            census(day(2026, 10, 1), 914_002, 5, &[LookedAfter]),
        ]);
        let placements = pupil.placements();
        assert_eq!(placements.len(), 3);
        assert_eq!(placements[0].last_returned, day(2026, 1, 15));
        assert_eq!(placements[1].urn.get(), 914_002);
        let spans = pupil.characteristic_spans();
        let span = |characteristic| {
            spans
                .iter()
                .filter(move |span| span.characteristic == characteristic)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            span(FreeSchoolMeals),
            vec![CharacteristicSpan {
                characteristic: FreeSchoolMeals,
                from: day(2025, 10, 2),
                until: Some(day(2026, 5, 21))
            }]
        );
        // Disadvantaged from FSM, and again from being looked after: two spans.
        assert_eq!(span(Disadvantaged).len(), 2);
        assert_eq!(span(Disadvantaged)[1].until, None);
        assert!(pupil.characteristics_on(day(2026, 2, 1)).contains(&EverFsm6));
        assert!(pupil.characteristics_on(day(2025, 9, 1)).is_empty());
    }

    #[test]
    fn year_groups_read_as_the_census_writes_them() {
        assert_eq!(YearGroup::parse("R").map(YearGroup::number), Some(0));
        assert_eq!(YearGroup::parse("N1").map(YearGroup::number), Some(-2));
        assert_eq!(YearGroup::parse("11").map(|year| year.label()), Some("Year 11".into()));
        assert_eq!(YearGroup::parse("15"), None);
        assert_eq!(YearGroup::parse("X"), None);
    }
}
