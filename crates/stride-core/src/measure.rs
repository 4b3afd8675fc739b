//! Measures: the performance and context figures the DfE publishes, and the pupil groups they are
//! broken down by.

use std::ops::RangeInclusive;

use crate::coded::coded_enum;
use crate::establishment::{Phase, PhaseGroup};

coded_enum! {
    /// A figure published for an establishment or an area, per academic year and pupil group.
    pub enum Measure ("measure") {
        PupilsOnRoll => ("pupils-on-roll", "Pupils on roll"),
        EyfsGoodLevelOfDevelopment => ("eyfs-gld", "EYFS: good level of development"),
        PhonicsExpectedStandard => ("phonics-year-1", "Phonics: expected standard in year 1"),
        Ks2ReadingWritingMathsExpected => ("ks2-rwm-expected", "KS2: reading, writing and maths at the expected standard"),
        Ks2ReadingProgress => ("ks2-reading-progress", "KS2: reading progress"),
        Ks2WritingProgress => ("ks2-writing-progress", "KS2: writing progress"),
        Ks2MathsProgress => ("ks2-maths-progress", "KS2: maths progress"),
        Ks4Attainment8 => ("ks4-attainment-8", "KS4: Attainment 8"),
        Ks4Progress8 => ("ks4-progress-8", "KS4: Progress 8"),
        Ks4EnglishMathsGrade4 => ("ks4-english-maths-4", "KS4: grade 4 or above in English and maths"),
        /// Leavers in sustained education, employment or an apprenticeship for the two terms
        /// after key stage 4, measured the year after they left.
        Ks4SustainedDestination => ("ks4-sustained-destination", "KS4: sustained education, employment or apprenticeship"),
        OverallAbsence => ("overall-absence", "Overall absence"),
        PersistentAbsence => ("persistent-absence", "Persistent absence"),
        SuspensionRate => ("suspension-rate", "Suspensions"),
        PermanentExclusionRate => ("permanent-exclusion-rate", "Permanent exclusions"),
    }
}

/// What a figure counts, which decides how it is written and its valid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of pupils.
    Count,
    /// A percentage of pupils or of sessions.
    Percent,
    /// A progress score, where 0 is the national average.
    Score,
    /// Average points per pupil (Attainment 8).
    Points,
    /// Events per 100 pupils on roll, as the DfE publishes suspension and exclusion rates.
    RatePer100,
}

coded_enum! {
    /// Whether a higher figure is better: it decides the colour of a comparison and how a
    /// quartile band is read.
    pub enum Polarity ("polarity") {
        HighIsGood => ("high-is-good", "High is good"),
        LowIsGood => ("low-is-good", "Low is good"),
        Neither => ("neither", "Neither high nor low is good"),
    }
}

impl Measure {
    pub fn unit(self) -> Unit {
        match self {
            Measure::PupilsOnRoll => Unit::Count,
            Measure::Ks2ReadingProgress
            | Measure::Ks2WritingProgress
            | Measure::Ks2MathsProgress
            | Measure::Ks4Progress8 => Unit::Score,
            Measure::Ks4Attainment8 => Unit::Points,
            Measure::SuspensionRate | Measure::PermanentExclusionRate => Unit::RatePer100,
            _ => Unit::Percent,
        }
    }

    pub fn polarity(self) -> Polarity {
        match self {
            Measure::PupilsOnRoll => Polarity::Neither,
            Measure::OverallAbsence
            | Measure::PersistentAbsence
            | Measure::SuspensionRate
            | Measure::PermanentExclusionRate => Polarity::LowIsGood,
            _ => Polarity::HighIsGood,
        }
    }

    /// The values a published figure of this measure can take. Progress scores are bounded by
    /// what the DfE's model can produce for a school; rates can pass 100 when pupils are
    /// suspended more than once.
    pub fn valid_range(self) -> RangeInclusive<f64> {
        match self {
            // A count for England as a whole runs to millions.
            Measure::PupilsOnRoll => 0.0..=100_000_000.0,
            Measure::Ks2ReadingProgress | Measure::Ks2WritingProgress | Measure::Ks2MathsProgress => -20.0..=20.0,
            Measure::Ks4Progress8 => -6.0..=6.0,
            Measure::Ks4Attainment8 => 0.0..=90.0,
            Measure::SuspensionRate => 0.0..=500.0,
            _ => 0.0..=100.0,
        }
    }

    pub fn decimals(self) -> usize {
        match self.unit() {
            Unit::Count => 0,
            Unit::Percent | Unit::Points => 1,
            Unit::Score | Unit::RatePer100 => 2,
        }
    }

    /// Writes a value as the DfE's tables do, with its unit.
    pub fn format(self, value: f64) -> String {
        let decimals = self.decimals();
        match self.unit() {
            Unit::Percent => format!("{value:.decimals$}%"),
            Unit::Score => format!("{value:+.decimals$}"),
            _ => format!("{value:.decimals$}"),
        }
    }

    pub fn unit_label(self) -> &'static str {
        match self {
            Measure::PupilsOnRoll => "pupils",
            Measure::OverallAbsence => "% of sessions missed",
            Measure::PersistentAbsence => "% of pupils missing 10% or more of sessions",
            Measure::SuspensionRate | Measure::PermanentExclusionRate => "per 100 pupils",
            Measure::Ks4Attainment8 => "average points per pupil",
            Measure::Ks2ReadingProgress
            | Measure::Ks2WritingProgress
            | Measure::Ks2MathsProgress
            | Measure::Ks4Progress8 => "score, 0 is the national average",
            _ => "% of pupils",
        }
    }

    pub fn applies_to(self, phase: Phase) -> bool {
        match self {
            Measure::EyfsGoodLevelOfDevelopment | Measure::PhonicsExpectedStandard => phase.has_reception(),
            Measure::Ks2ReadingWritingMathsExpected
            | Measure::Ks2ReadingProgress
            | Measure::Ks2WritingProgress
            | Measure::Ks2MathsProgress => phase.teaches_key_stage_2(),
            Measure::Ks4Attainment8
            | Measure::Ks4Progress8
            | Measure::Ks4EnglishMathsGrade4
            | Measure::Ks4SustainedDestination => phase.teaches_key_stage_4(),
            Measure::OverallAbsence
            | Measure::PersistentAbsence
            | Measure::SuspensionRate
            | Measure::PermanentExclusionRate => phase.is_of_compulsory_school_age(),
            Measure::PupilsOnRoll => true,
        }
    }

    /// The comparator set a school's figure is read against: attainment is published for all
    /// state-funded mainstream schools together, absence and exclusions by phase.
    pub fn comparator_phase_group(self, phase: Phase) -> PhaseGroup {
        match self {
            Measure::OverallAbsence
            | Measure::PersistentAbsence
            | Measure::SuspensionRate
            | Measure::PermanentExclusionRate => phase.comparator_group(),
            _ => PhaseGroup::AllSchools,
        }
    }

    /// The figures an officer reads first for a school of this phase, in order.
    pub fn headline_for(phase: Phase) -> Vec<Measure> {
        let mut headline = Vec::new();
        if phase.has_reception() {
            headline.extend([Measure::EyfsGoodLevelOfDevelopment, Measure::PhonicsExpectedStandard]);
        }
        if phase.teaches_key_stage_2() {
            headline.push(Measure::Ks2ReadingWritingMathsExpected);
        }
        if phase.teaches_key_stage_4() {
            headline.extend([
                Measure::Ks4Attainment8,
                Measure::Ks4Progress8,
                Measure::Ks4EnglishMathsGrade4,
            ]);
        }
        if Measure::OverallAbsence.applies_to(phase) {
            headline.extend([Measure::OverallAbsence, Measure::PersistentAbsence]);
        }
        headline
    }
}

coded_enum! {
    /// A group of pupils a figure is broken down by.
    pub enum PupilGroup ("pupil group") {
        All => ("all", "All pupils"),
        Disadvantaged => ("disadvantaged", "Disadvantaged"),
        NotDisadvantaged => ("not-disadvantaged", "Not disadvantaged"),
        Boys => ("boys", "Boys"),
        Girls => ("girls", "Girls"),
        SenSupport => ("sen-support", "SEN support"),
        EhcPlan => ("ehc-plan", "EHC plan"),
        EnglishAdditionalLanguage => ("eal", "English as an additional language"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_in_their_unit() {
        assert_eq!(Measure::OverallAbsence.format(5.04), "5.0%");
        assert_eq!(Measure::Ks4Progress8.format(0.234), "+0.23");
        assert_eq!(Measure::Ks4Progress8.format(-0.5), "-0.50");
        assert_eq!(Measure::PupilsOnRoll.format(412.0), "412");
    }

    #[test]
    fn key_stage_measures_apply_only_where_the_key_stage_is_taught() {
        assert!(Measure::Ks2ReadingWritingMathsExpected.applies_to(Phase::Primary));
        assert!(!Measure::Ks2ReadingWritingMathsExpected.applies_to(Phase::Secondary));
        assert!(Measure::Ks4Progress8.applies_to(Phase::AllThrough));
        assert!(!Measure::Ks4Progress8.applies_to(Phase::Middle));
        assert!(!Measure::OverallAbsence.applies_to(Phase::Nursery));
    }

    #[test]
    fn absence_is_better_low() {
        assert_eq!(Measure::PersistentAbsence.polarity(), Polarity::LowIsGood);
        assert_eq!(Measure::Ks4Attainment8.polarity(), Polarity::HighIsGood);
    }
}
