//! Establishments: schools, academies, special schools, nurseries and pupil referral units.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::identifiers::{DfeNumber, LaCode, Urn};

coded_enum! {
    /// The phase of education, as GIAS records it.
    pub enum Phase ("phase") {
        Nursery => ("nursery", "Nursery"),
        Primary => ("primary", "Primary"),
        Middle => ("middle", "Middle"),
        Secondary => ("secondary", "Secondary"),
        AllThrough => ("all-through", "All-through"),
        Special => ("special", "Special"),
        AlternativeProvision => ("alternative-provision", "Alternative provision"),
        SixteenPlus => ("16-plus", "16 plus"),
        /// Children's centres, independent schools and others GIAS gives no phase.
        NotApplicable => ("not-applicable", "Not applicable"),
    }
}

coded_enum! {
    /// Which national comparators an establishment is read against: the DfE publishes absence and
    /// exclusions separately for primary, secondary and special schools.
    pub enum PhaseGroup ("phase group") {
        Primary => ("primary", "Primary"),
        Secondary => ("secondary", "Secondary"),
        Special => ("special", "Special"),
        AllSchools => ("all", "All schools"),
    }
}

impl Phase {
    pub fn comparator_group(self) -> PhaseGroup {
        match self {
            Phase::Nursery | Phase::Primary => PhaseGroup::Primary,
            Phase::Middle | Phase::Secondary | Phase::AllThrough => PhaseGroup::Secondary,
            Phase::Special => PhaseGroup::Special,
            Phase::AlternativeProvision | Phase::SixteenPlus | Phase::NotApplicable => PhaseGroup::AllSchools,
        }
    }

    /// Whether pupils of this phase sit the end of key stage 2 tests (middle schools deemed
    /// primary do; all-through schools do).
    pub fn teaches_key_stage_2(self) -> bool {
        matches!(self, Phase::Primary | Phase::Middle | Phase::AllThrough)
    }

    pub fn teaches_key_stage_4(self) -> bool {
        matches!(self, Phase::Secondary | Phase::AllThrough)
    }

    pub fn has_reception(self) -> bool {
        matches!(self, Phase::Primary | Phase::AllThrough)
    }

    /// Whether the school census counts the phase's pupils' attendance and exclusions.
    pub fn is_of_compulsory_school_age(self) -> bool {
        !matches!(self, Phase::Nursery | Phase::SixteenPlus | Phase::NotApplicable)
    }
}

coded_enum! {
    /// The type of establishment, which decides the LA's powers: it can intervene in a
    /// maintained school itself, but for an academy it alerts the DfE's regional team.
    pub enum EstablishmentType ("type of establishment") {
        Community => ("community", "Community school"),
        Foundation => ("foundation", "Foundation school"),
        VoluntaryAided => ("voluntary-aided", "Voluntary aided school"),
        VoluntaryControlled => ("voluntary-controlled", "Voluntary controlled school"),
        AcademyConverter => ("academy-converter", "Academy converter"),
        AcademySponsorLed => ("academy-sponsor-led", "Academy sponsor led"),
        FreeSchool => ("free-school", "Free school"),
        CommunitySpecial => ("community-special", "Community special school"),
        AcademySpecial => ("academy-special", "Academy special"),
        NurserySchool => ("nursery-school", "Local authority nursery school"),
        PupilReferralUnit => ("pupil-referral-unit", "Pupil referral unit"),
        AlternativeProvisionAcademy => ("alternative-provision-academy", "Academy alternative provision"),
        FoundationSpecial => ("foundation-special", "Foundation special school"),
        FreeSchoolSpecial => ("free-school-special", "Free school special"),
        Academy16To19 => ("academy-16-19", "Academy 16 to 19"),
        StudioSchool => ("studio-school", "Studio school"),
        UniversityTechnicalCollege => ("university-technical-college", "University technical college"),
        NonMaintainedSpecial => ("non-maintained-special", "Non-maintained special school"),
        Independent => ("independent", "Independent school"),
        IndependentSpecial => ("independent-special", "Independent special school"),
        ChildrensCentre => ("childrens-centre", "Children's centre"),
        FurtherEducation => ("further-education", "Further education"),
        HigherEducation => ("higher-education", "Higher education institution"),
        SpecialPost16 => ("special-post-16", "Special post 16 institution"),
        Other => ("other", "Other establishment"),
    }
}

impl EstablishmentType {
    pub fn is_academy(self) -> bool {
        matches!(
            self,
            EstablishmentType::AcademyConverter
                | EstablishmentType::AcademySponsorLed
                | EstablishmentType::FreeSchool
                | EstablishmentType::AcademySpecial
                | EstablishmentType::AlternativeProvisionAcademy
                | EstablishmentType::FreeSchoolSpecial
                | EstablishmentType::Academy16To19
                | EstablishmentType::StudioSchool
                | EstablishmentType::UniversityTechnicalCollege
        )
    }

    /// Special schools are read against special schools nationally whatever phase GIAS gives.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            EstablishmentType::CommunitySpecial
                | EstablishmentType::FoundationSpecial
                | EstablishmentType::AcademySpecial
                | EstablishmentType::FreeSchoolSpecial
                | EstablishmentType::NonMaintainedSpecial
                | EstablishmentType::IndependentSpecial
        )
    }
}

coded_enum! {
    pub enum EstablishmentStatus ("establishment status") {
        Open => ("open", "Open"),
        Closed => ("closed", "Closed"),
        ProposedToClose => ("proposed-to-close", "Open, proposed to close"),
        ProposedToOpen => ("proposed-to-open", "Proposed to open"),
    }
}

/// An area the LA defines for planning and partnership work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locality {
    pub id: i64,
    pub name: String,
}

/// A multi-academy trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trust {
    pub id: i64,
    pub name: String,
}

/// Who is answerable for a school: the LA for a maintained school, a trust for an academy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Governance {
    Maintained,
    Academy { trust: Option<Trust> },
}

impl Governance {
    pub fn label(&self) -> String {
        match self {
            Governance::Maintained => "Maintained by the local authority".to_owned(),
            Governance::Academy { trust: Some(trust) } => format!("Academy in {}", trust.name),
            Governance::Academy { trust: None } => "Single-academy trust".to_owned(),
        }
    }
}

coded_enum! {
    pub enum LeaderRole ("leadership role") {
        Headteacher => ("headteacher", "Headteacher"),
        ChairOfGovernors => ("chair", "Chair of governors"),
    }
}

/// A headteacher or chair of governors, with the date they took up the post: a recent change
/// of head is itself evidence in categorisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leader {
    pub role: LeaderRole,
    pub name: String,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Establishment {
    pub urn: Urn,
    /// The local authority the establishment is in.
    pub la: LaCode,
    /// Children's centres and some other establishments have no establishment number.
    pub dfe_number: Option<DfeNumber>,
    pub name: String,
    pub establishment_type: EstablishmentType,
    pub phase: Phase,
    pub status: EstablishmentStatus,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub statutory_low_age: Option<u8>,
    pub statutory_high_age: Option<u8>,
    /// The LA's own area for the establishment; none for establishments of other LAs.
    pub locality: Option<Locality>,
    pub governance: Governance,
    pub diocese: Option<String>,
    pub leaders: Vec<Leader>,
    /// Where it is on the British National Grid, as GIAS gives its easting and northing.
    pub location: Option<crate::support::GridReference>,
}

impl Establishment {
    pub fn leader(&self, role: LeaderRole) -> Option<&Leader> {
        self.leaders.iter().find(|leader| leader.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_to_the_same_value() {
        for phase in Phase::ALL {
            assert_eq!(Phase::from_code(phase.code()), Ok(*phase));
        }
        for kind in EstablishmentType::ALL {
            assert_eq!(EstablishmentType::from_code(kind.code()), Ok(*kind));
        }
    }

    #[test]
    fn an_unknown_code_names_what_was_expected() {
        let error = Phase::from_code("infant").expect_err("not a phase");
        assert!(error.to_string().contains("'infant' is not a phase"));
        assert!(error.to_string().contains("primary"));
    }

    #[test]
    fn the_la_intervenes_only_in_maintained_schools() {
        assert!(EstablishmentType::AcademySponsorLed.is_academy());
        assert!(EstablishmentType::FreeSchool.is_academy());
        assert!(!EstablishmentType::VoluntaryAided.is_academy());
        assert!(!EstablishmentType::PupilReferralUnit.is_academy());
    }
}
