//! Ofsted inspections under each framework. Frameworks change and their grades do not map onto
//! each other, so every inspection keeps the judgements of the framework in force on its date,
//! and nothing here converts a 2025 report card grade into a 2019 one or back.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::identifiers::Urn;

coded_enum! {
    pub enum Framework ("inspection framework") {
        Common2012 => ("2012", "Inspection framework 2012 to 2019"),
        Education2019 => ("2019", "Education inspection framework 2019"),
        /// From September 2024 the EIF continued without an overall effectiveness grade.
        Education2024 => ("2024", "Education inspection framework from September 2024, no overall grade"),
        ReportCard2025 => ("2025", "Report card inspections from November 2025"),
    }
}

impl Framework {
    /// The framework in force on a date, or none before September 2012, which Stride does not
    /// hold.
    pub fn in_force_on(date: NaiveDate) -> Option<Framework> {
        let starts = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MAX);
        if date >= starts(2025, 11, 10) {
            Some(Framework::ReportCard2025)
        } else if date >= starts(2024, 9, 1) {
            Some(Framework::Education2024)
        } else if date >= starts(2019, 9, 1) {
            Some(Framework::Education2019)
        } else if date >= starts(2012, 9, 1) {
            Some(Framework::Common2012)
        } else {
            None
        }
    }

    pub fn areas(self) -> &'static [EvaluationArea] {
        use EvaluationArea::*;
        match self {
            Framework::Common2012 => &[
                OverallEffectiveness,
                Achievement,
                QualityOfTeaching,
                BehaviourAndSafety,
                LeadershipAndManagement,
                EarlyYears,
                SixthForm,
            ],
            Framework::Education2019 => &[
                OverallEffectiveness,
                QualityOfEducation,
                BehaviourAndAttitudes,
                PersonalDevelopment,
                LeadershipAndManagement,
                EarlyYears,
                SixthForm,
                Safeguarding,
            ],
            Framework::Education2024 => &[
                QualityOfEducation,
                BehaviourAndAttitudes,
                PersonalDevelopment,
                LeadershipAndManagement,
                EarlyYears,
                SixthForm,
                Safeguarding,
            ],
            Framework::ReportCard2025 => &[
                Inclusion,
                CurriculumAndTeaching,
                AchievementOfPupils,
                AttendanceAndBehaviour,
                PersonalDevelopmentAndWellbeing,
                LeadershipAndGovernance,
                EarlyYears,
                SixthForm,
                Safeguarding,
            ],
        }
    }

    pub fn uses_report_card_scale(self) -> bool {
        self == Framework::ReportCard2025
    }

    pub fn has_overall_grade(self) -> bool {
        matches!(self, Framework::Common2012 | Framework::Education2019)
    }
}

coded_enum! {
    pub enum EvaluationArea ("evaluation area") {
        OverallEffectiveness => ("overall-effectiveness", "Overall effectiveness"),
        Achievement => ("achievement", "Achievement of pupils"),
        QualityOfTeaching => ("quality-of-teaching", "Quality of teaching"),
        BehaviourAndSafety => ("behaviour-and-safety", "Behaviour and safety of pupils"),
        QualityOfEducation => ("quality-of-education", "Quality of education"),
        BehaviourAndAttitudes => ("behaviour-and-attitudes", "Behaviour and attitudes"),
        PersonalDevelopment => ("personal-development", "Personal development"),
        LeadershipAndManagement => ("leadership-and-management", "Leadership and management"),
        EarlyYears => ("early-years", "Early years provision"),
        SixthForm => ("sixth-form", "Sixth form provision"),
        Inclusion => ("inclusion", "Inclusion"),
        CurriculumAndTeaching => ("curriculum-and-teaching", "Curriculum and teaching"),
        AchievementOfPupils => ("achievement-2025", "Achievement"),
        AttendanceAndBehaviour => ("attendance-and-behaviour", "Attendance and behaviour"),
        PersonalDevelopmentAndWellbeing => ("personal-development-and-wellbeing", "Personal development and well-being"),
        LeadershipAndGovernance => ("leadership-and-governance", "Leadership and governance"),
        Safeguarding => ("safeguarding", "Safeguarding"),
    }
}

coded_enum! {
    /// The four-point scale of the 2012 and 2019 frameworks.
    pub enum FourPointGrade ("four-point grade") {
        Outstanding => ("1", "Outstanding"),
        Good => ("2", "Good"),
        RequiresImprovement => ("3", "Requires improvement"),
        Inadequate => ("4", "Inadequate"),
    }
}

coded_enum! {
    /// The five-point scale of the November 2025 report cards.
    pub enum ReportCardGrade ("report card grade") {
        Exceptional => ("exceptional", "Exceptional"),
        StrongStandard => ("strong-standard", "Strong standard"),
        ExpectedStandard => ("expected-standard", "Expected standard"),
        NeedsAttention => ("needs-attention", "Needs attention"),
        UrgentImprovement => ("urgent-improvement", "Urgent improvement"),
    }
}

/// A grade on the scale of its framework; safeguarding is judged met or not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    FourPoint(FourPointGrade),
    ReportCard(ReportCardGrade),
    Safeguarding { met: bool },
}

impl Grade {
    pub fn label(self) -> &'static str {
        match self {
            Grade::FourPoint(grade) => grade.label(),
            Grade::ReportCard(grade) => grade.label(),
            Grade::Safeguarding { met: true } => "Met",
            Grade::Safeguarding { met: false } => "Not met",
        }
    }

    /// The code storage keeps: the scale is known from the framework and the area.
    pub fn code(self) -> &'static str {
        match self {
            Grade::FourPoint(grade) => grade.code(),
            Grade::ReportCard(grade) => grade.code(),
            Grade::Safeguarding { met: true } => "met",
            Grade::Safeguarding { met: false } => "not-met",
        }
    }

    /// Reads a stored code on the scale the framework uses for the area.
    pub fn from_code(
        framework: Framework,
        area: EvaluationArea,
        code: &str,
    ) -> Result<Grade, crate::coded::UnknownCode> {
        if area == EvaluationArea::Safeguarding {
            return match code {
                "met" => Ok(Grade::Safeguarding { met: true }),
                "not-met" => Ok(Grade::Safeguarding { met: false }),
                _ => Err(crate::coded::UnknownCode {
                    kind: "safeguarding outcome",
                    given: code.to_owned(),
                    expected: "met, not-met".to_owned(),
                }),
            };
        }
        if framework.uses_report_card_scale() {
            ReportCardGrade::from_code(code).map(Grade::ReportCard)
        } else {
            FourPointGrade::from_code(code).map(Grade::FourPoint)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub area: EvaluationArea,
    pub grade: Grade,
}

coded_enum! {
    pub enum InspectionKind ("inspection kind") {
        Graded => ("graded", "Graded inspection"),
        Ungraded => ("ungraded", "Ungraded inspection"),
        Monitoring => ("monitoring", "Monitoring inspection"),
    }
}

coded_enum! {
    /// What an ungraded inspection found, or a monitoring inspection of a school in a category.
    pub enum UngradedOutcome ("ungraded outcome") {
        StandardsMaintained => ("standards-maintained", "Standards maintained"),
        MayImprove => ("may-improve", "Improvement seen: next inspection to be graded"),
        Concerns => ("concerns", "Concerns: next inspection to be graded"),
        /// The September 2024 handbook's words for an ungraded inspection that found some
        /// aspects weaker; its next inspection is graded.
        SomeAspectsNotAsStrong => ("some-aspects-not-as-strong", "Some aspects not as strong: next inspection to be graded"),
        TakingEffectiveAction => ("effective-action", "Taking effective action"),
        NotTakingEffectiveAction => ("not-effective-action", "Not taking effective action"),
    }
}

coded_enum! {
    pub enum CategoryOfConcern ("category of concern") {
        SpecialMeasures => ("special-measures", "Special measures"),
        SeriousWeaknesses => ("serious-weaknesses", "Serious weaknesses"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("no framework Stride holds was in force on {0} (the 2012 framework began on 1 September 2012)")]
    BeforeFrameworks(NaiveDate),
    #[error("an inspection on {date} falls under the {expected}, not the {given}")]
    WrongFramework {
        date: NaiveDate,
        expected: Framework,
        given: Framework,
    },
    #[error("the {framework} has no judgement of {area}")]
    AreaNotInFramework { framework: Framework, area: EvaluationArea },
    #[error("{area} under the {framework} cannot be graded '{grade}'")]
    GradeNotOnScale {
        framework: Framework,
        area: EvaluationArea,
        grade: &'static str,
    },
    #[error("a graded inspection under the {0} needs an overall effectiveness grade")]
    MissingOverallGrade(Framework),
    #[error("{area} is judged twice")]
    RepeatedArea { area: EvaluationArea },
    #[error("the report was published on {published} before the inspection began on {started}")]
    PublishedBeforeStart { started: NaiveDate, published: NaiveDate },
}

/// What an inspection records. Made into an [`Inspection`] only by [`Inspection::new`], which
/// checks it against its framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionFields {
    pub urn: Urn,
    pub framework: Framework,
    pub kind: InspectionKind,
    pub started_on: NaiveDate,
    pub published_on: NaiveDate,
    pub judgements: Vec<Judgement>,
    pub ungraded_outcome: Option<UngradedOutcome>,
    pub category_of_concern: Option<CategoryOfConcern>,
}

/// An inspection whose judgements are those of its framework, each on that framework's scale.
/// Its fields are read through [`InspectionFields`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Inspection(InspectionFields);

impl std::ops::Deref for Inspection {
    type Target = InspectionFields;
    fn deref(&self) -> &InspectionFields {
        &self.0
    }
}

impl Inspection {
    /// Checks that the judgements are those of the framework in force on the inspection's date,
    /// each on that framework's scale.
    pub fn new(fields: InspectionFields) -> Result<Inspection, InspectionError> {
        let in_force =
            Framework::in_force_on(fields.started_on).ok_or(InspectionError::BeforeFrameworks(fields.started_on))?;
        if in_force != fields.framework {
            return Err(InspectionError::WrongFramework {
                date: fields.started_on,
                expected: in_force,
                given: fields.framework,
            });
        }
        if fields.published_on < fields.started_on {
            return Err(InspectionError::PublishedBeforeStart {
                started: fields.started_on,
                published: fields.published_on,
            });
        }
        check_judgements(fields.framework, &fields.judgements)?;
        let has_overall = fields
            .judgements
            .iter()
            .any(|judgement| judgement.area == EvaluationArea::OverallEffectiveness);
        if fields.kind == InspectionKind::Graded && fields.framework.has_overall_grade() && !has_overall {
            return Err(InspectionError::MissingOverallGrade(fields.framework));
        }
        // Judgements are kept in their framework's order, overall effectiveness first, however
        // they arrived.
        let mut fields = fields;
        let areas = fields.framework.areas();
        fields
            .judgements
            .sort_by_key(|judgement| areas.iter().position(|area| *area == judgement.area));
        Ok(Inspection(fields))
    }

    pub fn grade_of(&self, area: EvaluationArea) -> Option<Grade> {
        self.judgements
            .iter()
            .find(|judgement| judgement.area == area)
            .map(|judgement| judgement.grade)
    }

    /// The one-line outcome an officer reads in a list, in the framework's own terms.
    pub fn headline(&self) -> HeadlineOutcome {
        if let Some(Grade::FourPoint(grade)) = self.grade_of(EvaluationArea::OverallEffectiveness) {
            return HeadlineOutcome::from_overall(grade);
        }
        match self.framework {
            Framework::ReportCard2025 => self
                .judgements
                .iter()
                .filter_map(|judgement| match judgement.grade {
                    Grade::ReportCard(grade) => Some(grade),
                    _ => None,
                })
                .max()
                .map(HeadlineOutcome::from_lowest_report_card_grade)
                .unwrap_or(HeadlineOutcome::NoOverallGrade),
            _ => HeadlineOutcome::NoOverallGrade,
        }
    }

    /// The outcome in its framework's own terms: a full inspection's headline, an ungraded
    /// one's outcome.
    pub fn outcome_label(&self) -> &'static str {
        if self.is_full() {
            self.headline().label()
        } else {
            self.ungraded_outcome
                .map_or("No outcome recorded", |outcome| outcome.label())
        }
    }

    /// A full inspection decides the school's standing; ungraded and monitoring ones do not.
    pub fn is_full(&self) -> bool {
        self.kind == InspectionKind::Graded
    }
}

fn check_judgements(framework: Framework, judgements: &[Judgement]) -> Result<(), InspectionError> {
    let mut seen = Vec::with_capacity(judgements.len());
    for judgement in judgements {
        let area = judgement.area;
        if !framework.areas().contains(&area) {
            return Err(InspectionError::AreaNotInFramework { framework, area });
        }
        if seen.contains(&area) {
            return Err(InspectionError::RepeatedArea { area });
        }
        seen.push(area);
        let on_scale = match judgement.grade {
            Grade::Safeguarding { .. } => area == EvaluationArea::Safeguarding,
            Grade::ReportCard(_) => framework.uses_report_card_scale() && area != EvaluationArea::Safeguarding,
            Grade::FourPoint(_) => !framework.uses_report_card_scale() && area != EvaluationArea::Safeguarding,
        };
        if !on_scale {
            return Err(InspectionError::GradeNotOnScale {
                framework,
                area,
                grade: judgement.grade.label(),
            });
        }
    }
    Ok(())
}

coded_enum! {
    /// The outcome of a school's latest full inspection as a list shows and filters it. Report
    /// cards have no overall grade, so they are summarised by their lowest area grade, said as
    /// such, never turned into a four-point grade.
    pub enum HeadlineOutcome ("inspection outcome") {
        Outstanding => ("outstanding", "Outstanding"),
        Good => ("good", "Good"),
        RequiresImprovement => ("requires-improvement", "Requires improvement"),
        Inadequate => ("inadequate", "Inadequate"),
        NoOverallGrade => ("no-overall-grade", "No overall grade (EIF from September 2024)"),
        ReportCardExceptional => ("report-card-exceptional", "Report card: every area exceptional"),
        ReportCardStrong => ("report-card-strong", "Report card: lowest area strong standard"),
        ReportCardExpected => ("report-card-expected", "Report card: lowest area expected standard"),
        ReportCardNeedsAttention => ("report-card-needs-attention", "Report card: an area needs attention"),
        ReportCardUrgentImprovement => ("report-card-urgent-improvement", "Report card: an area needs urgent improvement"),
        NotInspected => ("not-inspected", "Not yet inspected"),
    }
}

impl HeadlineOutcome {
    fn from_overall(grade: FourPointGrade) -> Self {
        match grade {
            FourPointGrade::Outstanding => HeadlineOutcome::Outstanding,
            FourPointGrade::Good => HeadlineOutcome::Good,
            FourPointGrade::RequiresImprovement => HeadlineOutcome::RequiresImprovement,
            FourPointGrade::Inadequate => HeadlineOutcome::Inadequate,
        }
    }

    fn from_lowest_report_card_grade(lowest: ReportCardGrade) -> Self {
        match lowest {
            ReportCardGrade::Exceptional => HeadlineOutcome::ReportCardExceptional,
            ReportCardGrade::StrongStandard => HeadlineOutcome::ReportCardStrong,
            ReportCardGrade::ExpectedStandard => HeadlineOutcome::ReportCardExpected,
            ReportCardGrade::NeedsAttention => HeadlineOutcome::ReportCardNeedsAttention,
            ReportCardGrade::UrgentImprovement => HeadlineOutcome::ReportCardUrgentImprovement,
        }
    }

    /// The GOV.UK tag colour that reads the outcome at a glance.
    pub fn tag_colour(self) -> &'static str {
        match self {
            HeadlineOutcome::Outstanding | HeadlineOutcome::ReportCardExceptional => "govuk-tag--green",
            HeadlineOutcome::Good | HeadlineOutcome::ReportCardStrong => "govuk-tag--teal",
            // The tag's own colour, blue.
            HeadlineOutcome::ReportCardExpected => "",
            HeadlineOutcome::RequiresImprovement | HeadlineOutcome::ReportCardNeedsAttention => "govuk-tag--yellow",
            HeadlineOutcome::Inadequate | HeadlineOutcome::ReportCardUrgentImprovement => "govuk-tag--red",
            HeadlineOutcome::NoOverallGrade | HeadlineOutcome::NotInspected => "govuk-tag--grey",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    fn urn() -> Urn {
        Urn::new(123_456).expect("valid urn")
    }

    fn fields(framework: Framework, started_on: NaiveDate, judgements: Vec<Judgement>) -> InspectionFields {
        InspectionFields {
            urn: urn(),
            framework,
            kind: InspectionKind::Graded,
            started_on,
            published_on: started_on + chrono::Days::new(30),
            judgements,
            ungraded_outcome: None,
            category_of_concern: None,
        }
    }

    fn four_point(area: EvaluationArea, grade: FourPointGrade) -> Judgement {
        Judgement {
            area,
            grade: Grade::FourPoint(grade),
        }
    }

    #[test]
    fn the_framework_follows_the_date() {
        assert_eq!(Framework::in_force_on(date(2019, 8, 31)), Some(Framework::Common2012));
        assert_eq!(Framework::in_force_on(date(2019, 9, 1)), Some(Framework::Education2019));
        assert_eq!(Framework::in_force_on(date(2024, 9, 1)), Some(Framework::Education2024));
        assert_eq!(
            Framework::in_force_on(date(2025, 11, 10)),
            Some(Framework::ReportCard2025)
        );
        assert_eq!(Framework::in_force_on(date(2012, 8, 31)), None);
    }

    #[test]
    fn an_inspection_keeps_the_framework_of_its_date() {
        let judgements = vec![four_point(EvaluationArea::OverallEffectiveness, FourPointGrade::Good)];
        let error = Inspection::new(fields(Framework::Education2019, date(2018, 5, 1), judgements))
            .expect_err("2018 is under the 2012 framework");
        assert!(matches!(
            error,
            InspectionError::WrongFramework {
                expected: Framework::Common2012,
                ..
            }
        ));
    }

    #[test]
    fn a_report_card_grade_is_refused_on_an_old_framework_and_the_reverse() {
        let report_card = Judgement {
            area: EvaluationArea::QualityOfEducation,
            grade: Grade::ReportCard(ReportCardGrade::StrongStandard),
        };
        assert!(Inspection::new(fields(Framework::Education2024, date(2025, 1, 8), vec![report_card])).is_err());
        let four_point_grade = four_point(EvaluationArea::Inclusion, FourPointGrade::Good);
        assert!(
            Inspection::new(fields(
                Framework::ReportCard2025,
                date(2026, 1, 8),
                vec![four_point_grade]
            ))
            .is_err()
        );
    }

    #[test]
    fn a_graded_2019_inspection_needs_an_overall_grade_and_a_2024_one_has_none() {
        let quality = four_point(EvaluationArea::QualityOfEducation, FourPointGrade::Good);
        assert!(Inspection::new(fields(Framework::Education2019, date(2022, 3, 1), vec![quality])).is_err());
        let overall = four_point(EvaluationArea::OverallEffectiveness, FourPointGrade::Good);
        assert!(matches!(
            Inspection::new(fields(Framework::Education2024, date(2025, 3, 1), vec![overall])),
            Err(InspectionError::AreaNotInFramework { .. })
        ));
    }

    #[test]
    fn a_report_card_is_summarised_by_its_lowest_area_not_mapped_to_a_grade() {
        let judgements = vec![
            Judgement {
                area: EvaluationArea::Inclusion,
                grade: Grade::ReportCard(ReportCardGrade::StrongStandard),
            },
            Judgement {
                area: EvaluationArea::AchievementOfPupils,
                grade: Grade::ReportCard(ReportCardGrade::NeedsAttention),
            },
            Judgement {
                area: EvaluationArea::Safeguarding,
                grade: Grade::Safeguarding { met: true },
            },
        ];
        let inspection = Inspection::new(fields(Framework::ReportCard2025, date(2026, 2, 3), judgements))
            .expect("valid report card");
        assert_eq!(inspection.headline(), HeadlineOutcome::ReportCardNeedsAttention);
    }

    #[test]
    fn a_2019_inspection_reads_by_its_overall_grade() {
        let judgements = vec![
            four_point(
                EvaluationArea::OverallEffectiveness,
                FourPointGrade::RequiresImprovement,
            ),
            four_point(EvaluationArea::QualityOfEducation, FourPointGrade::RequiresImprovement),
        ];
        let inspection =
            Inspection::new(fields(Framework::Education2019, date(2023, 2, 3), judgements)).expect("valid");
        assert_eq!(inspection.headline(), HeadlineOutcome::RequiresImprovement);
    }
}
