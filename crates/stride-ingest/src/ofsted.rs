//! Ofsted's management information on state-funded schools: one row per school, carrying up to
//! three inspections side by side (the latest full one, which from November 2025 is a report
//! card; the latest graded one under the education inspection framework; the latest ungraded
//! one), or in the older layouts one inspection with an overall effectiveness grade. Each is
//! read under the framework in force on its date, never converted to another's scale.

use std::collections::HashMap;

use chrono::NaiveDate;
use stride_core::inspection::{
    CategoryOfConcern, EvaluationArea, FourPointGrade, Grade, Inspection, InspectionFields, InspectionKind, Judgement,
    ReportCardGrade, UngradedOutcome,
};
use stride_core::{Framework, Urn};

use crate::IngestError;
use crate::table::{Column, Errors, Row, Table};

/// Where one inspection sits in a row: the columns that hold it.
struct Block {
    label: &'static str,
    kind: InspectionKind,
    started: &'static str,
    published: &'static str,
    /// "Does the … inspection relate to the URN of the current school?": where it says no, the
    /// inspection was of the predecessor, under the URN the next column gives.
    relates: &'static str,
    urn_then: &'static str,
    category: &'static str,
    graded: &'static [(&'static str, EvaluationArea)],
    safeguarding: &'static str,
    outcome: &'static str,
}

const NONE: &str = "";

const REPORT_CARD: Block = Block {
    label: "latest full inspection",
    kind: InspectionKind::Graded,
    started: "Inspection start date",
    published: "Publication date",
    relates: "Does the latest full inspection relate to the URN of the current school?",
    urn_then: "URN at time of latest full inspection",
    category: "Category of concern",
    graded: &[
        ("Inclusion", EvaluationArea::Inclusion),
        ("Curriculum and teaching", EvaluationArea::CurriculumAndTeaching),
        ("Achievement", EvaluationArea::AchievementOfPupils),
        ("Attendance and behaviour", EvaluationArea::AttendanceAndBehaviour),
        (
            "Personal development and wellbeing",
            EvaluationArea::PersonalDevelopmentAndWellbeing,
        ),
        ("Early years (where applicable)", EvaluationArea::EarlyYears),
        ("Post-16 provision (where applicable)", EvaluationArea::SixthForm),
        ("Leadership and governance", EvaluationArea::LeadershipAndGovernance),
    ],
    safeguarding: "Safeguarding standards",
    outcome: NONE,
};

const LATEST_GRADED: Block = Block {
    label: "latest OEIF graded inspection",
    kind: InspectionKind::Graded,
    started: "Inspection start date of latest OEIF graded inspection",
    published: "Publication date of latest OEIF graded inspection",
    relates: "Does the latest OEIF graded inspection relate to the URN of the current school?",
    urn_then: "URN at time of latest OEIF graded inspection",
    category: "Latest OEIF category of concern",
    graded: &[
        (
            "Latest OEIF overall effectiveness",
            EvaluationArea::OverallEffectiveness,
        ),
        ("Latest OEIF quality of education", EvaluationArea::QualityOfEducation),
        (
            "Latest OEIF behaviour and attitudes",
            EvaluationArea::BehaviourAndAttitudes,
        ),
        ("Latest OEIF personal development", EvaluationArea::PersonalDevelopment),
        (
            "Latest OEIF effectiveness of leadership and management",
            EvaluationArea::LeadershipAndManagement,
        ),
        (
            "Latest OEIF early years provision (where applicable)",
            EvaluationArea::EarlyYears,
        ),
        (
            "Latest OEIF sixth form provision (where applicable)",
            EvaluationArea::SixthForm,
        ),
    ],
    // Ofsted's header has two spaces here.
    safeguarding: "Latest OEIF  safeguarding is effective?",
    outcome: NONE,
};

const LATEST_UNGRADED: Block = Block {
    label: "latest ungraded inspection",
    kind: InspectionKind::Ungraded,
    started: "Date of latest ungraded inspection",
    published: "Ungraded inspection publication date",
    relates: "Does the ungraded inspection relate to the URN of the current school?",
    urn_then: "URN at time of the ungraded inspection",
    category: NONE,
    graded: &[],
    safeguarding: NONE,
    outcome: "Ungraded inspection overall outcome",
};

/// The layouts before 2025/26: the latest full inspection with an overall effectiveness grade,
/// under the 2019 framework's names and the 2015 common framework's.
const OVERALL_EFFECTIVENESS: Block = Block {
    label: "latest full inspection",
    kind: InspectionKind::Graded,
    started: "Inspection start date",
    published: "Publication date",
    relates: "Does the latest full inspection relate to the URN of the current school?",
    urn_then: "URN at time of latest full inspection",
    category: "Category of concern",
    graded: &[
        ("Overall effectiveness", EvaluationArea::OverallEffectiveness),
        ("Quality of education", EvaluationArea::QualityOfEducation),
        ("Behaviour and attitudes", EvaluationArea::BehaviourAndAttitudes),
        ("Personal development", EvaluationArea::PersonalDevelopment),
        (
            "Effectiveness of leadership and management",
            EvaluationArea::LeadershipAndManagement,
        ),
        ("Early years provision (where applicable)", EvaluationArea::EarlyYears),
        ("Sixth form provision (where applicable)", EvaluationArea::SixthForm),
        ("Outcomes for pupils", EvaluationArea::Achievement),
        (
            "Quality of teaching, learning and assessment",
            EvaluationArea::QualityOfTeaching,
        ),
        (
            "Personal development, behaviour and welfare",
            EvaluationArea::BehaviourAndSafety,
        ),
    ],
    safeguarding: "Safeguarding is effective?",
    outcome: NONE,
};

/// Whether a header is Ofsted's MI: a URN and the start date of an inspection.
pub fn is_inspections_file(has: impl Fn(&str) -> bool) -> bool {
    has("URN") && (has(REPORT_CARD.started) || has(LATEST_GRADED.started) || has(LATEST_UNGRADED.started))
}

/// The blocks this file's header holds. A 2025/26 file's latest full inspection is a report
/// card; an older file's carries an overall effectiveness grade.
/// An inspection's start date needs its publication date beside it.
fn blocks(table: &Table) -> Result<Vec<&'static Block>, IngestError> {
    let has = |name: &str| table.optional_column(name).is_some();
    let full = if has("Overall effectiveness") {
        &OVERALL_EFFECTIVENESS
    } else {
        &REPORT_CARD
    };
    let blocks: Vec<&'static Block> = [full, &LATEST_GRADED, &LATEST_UNGRADED]
        .into_iter()
        .filter(|block| has(block.started))
        .collect();
    for block in &blocks {
        table.column(block.published)?;
    }
    Ok(blocks)
}

/// Ofsted writes NULL, or nothing, where there is nothing; 9 where an area does not apply.
fn present(value: &str) -> Option<&str> {
    match value {
        "" | "NULL" | "9" | "Not judged" | "Not applicable" => None,
        other => Some(other),
    }
}

/// A reader of a value that may be absent: `Some(None)` where Ofsted says there is nothing,
/// `None` where the value is there but unreadable.
fn unless_absent<T>(parse: impl Fn(&str) -> Option<T>) -> impl Fn(&str) -> Option<Option<T>> {
    move |value| match present(value) {
        None => Some(None),
        Some(value) => parse(value).map(Some),
    }
}

fn date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
        .ok()
}

fn four_point(value: &str) -> Option<FourPointGrade> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "outstanding" => Some(FourPointGrade::Outstanding),
        "2" | "good" => Some(FourPointGrade::Good),
        "3" | "requires improvement" => Some(FourPointGrade::RequiresImprovement),
        "4" | "inadequate" => Some(FourPointGrade::Inadequate),
        _ => None,
    }
}

fn report_card(value: &str) -> Option<ReportCardGrade> {
    ReportCardGrade::ALL
        .iter()
        .copied()
        .find(|grade| grade.label().eq_ignore_ascii_case(value))
}

fn safeguarding(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "met" => Some(true),
        "no" | "not met" => Some(false),
        _ => None,
    }
}

fn category(value: &str) -> Option<Option<CategoryOfConcern>> {
    match value.to_ascii_lowercase().as_str() {
        "" | "null" | "none" => Some(None),
        "sm" | "special measures" => Some(Some(CategoryOfConcern::SpecialMeasures)),
        "swk" | "sw" | "serious weaknesses" => Some(Some(CategoryOfConcern::SeriousWeaknesses)),
        _ => None,
    }
}

/// Ofsted's words for what an ungraded inspection found, across the years' handbooks.
fn ungraded_outcome(value: &str) -> Option<UngradedOutcome> {
    let value = value.to_ascii_lowercase();
    if value.contains("(concerns)") {
        Some(UngradedOutcome::Concerns)
    } else if value.contains("(improving)") || value.starts_with("improvement seen") {
        Some(UngradedOutcome::MayImprove)
    } else if value.starts_with("school remains") || value == "standards maintained" {
        Some(UngradedOutcome::StandardsMaintained)
    } else if value == "some aspects not as strong" {
        Some(UngradedOutcome::SomeAspectsNotAsStrong)
    } else if value.starts_with("not taking effective action") {
        Some(UngradedOutcome::NotTakingEffectiveAction)
    } else if value.starts_with("taking effective action") {
        Some(UngradedOutcome::TakingEffectiveAction)
    } else {
        None
    }
}

const UNGRADED_OUTCOMES: &str = "an ungraded outcome such as 'School remains Good', 'Standards maintained', \
     'School remains Good (Concerns) - S5 Next' or 'Some aspects not as strong'";

/// Every inspection the file states, each once, under its own framework.
pub fn inspections(table: &Table) -> Result<Vec<Inspection>, IngestError> {
    let urn_column = table.column("URN")?;
    let blocks = blocks(table)?;
    // Ofsted's rows are all as long as its header: a shorter one was cut short.
    let last_column = table.headers().last().and_then(|name| table.optional_column(name));
    let mut errors = Errors::new(table);
    let mut held: HashMap<(Urn, NaiveDate, InspectionKind), (Inspection, u64)> = HashMap::new();
    let mut order = Vec::new();
    for row in table.rows() {
        if let Some(last_column) = last_column
            && !row.has(last_column)
        {
            errors.push(&row, last_column, "a value: the row ends before this column");
            continue;
        }
        let Some(urn) = errors.required(&row, urn_column, "a URN: a whole number of up to six digits", |value| {
            value.parse::<Urn>().ok()
        }) else {
            continue;
        };
        for block in &blocks {
            let Some(inspection) = read_block(table, &row, urn, block, &mut errors) else {
                continue;
            };
            let key = (inspection.urn, inspection.started_on, inspection.kind);
            match held.get(&key) {
                None => {
                    order.push(key);
                    held.insert(key, (inspection, row.line));
                }
                Some((kept, _)) if kept.judgements.len() >= inspection.judgements.len() && same(kept, &inspection) => {}
                // The same inspection as a later block with its grades, as a 2024/25 file's
                // latest full inspection repeats its latest graded one without them.
                Some((kept, _)) if kept.judgements.is_empty() => {
                    held.insert(key, (inspection, row.line));
                }
                Some((_, first_line)) => errors.push_row(
                    &row,
                    format!(
                        "the {} of URN {} on {} is given differently on row {first_line}",
                        block.label, key.0, key.1
                    ),
                ),
            }
        }
    }
    let inspections = order
        .into_iter()
        .filter_map(|key| held.remove(&key).map(|(inspection, _)| inspection))
        .collect();
    errors.finish(inspections)
}

/// Two rows that give one inspection agree on what it found (a row's judgements may be fewer).
fn same(kept: &Inspection, other: &Inspection) -> bool {
    other
        .judgements
        .iter()
        .all(|judgement| kept.judgements.contains(judgement))
        && kept.published_on == other.published_on
        && kept.category_of_concern == other.category_of_concern
        && kept.ungraded_outcome == other.ungraded_outcome
}

fn read_block(
    table: &Table,
    row: &Row<'_>,
    current_urn: Urn,
    block: &Block,
    errors: &mut Errors,
) -> Option<Inspection> {
    let column = |name: &'static str| (!name.is_empty()).then(|| table.optional_column(name)).flatten();
    let started_column = column(block.started)?;
    present(row.get(started_column))?;
    let started_on = errors.required(row, started_column, "a date written dd/mm/yyyy", date);
    let published_on = column(block.published).and_then(|published| {
        errors.required(
            row,
            published,
            "the report's publication date, written dd/mm/yyyy",
            |value| present(value).and_then(date),
        )
    });
    let urn = urn_at_time(row, current_urn, block, column, errors);
    let category_of_concern = match column(block.category) {
        Some(category_column) => errors.required(
            row,
            category_column,
            "a category of concern: SM, SWK or blank",
            category,
        )?,
        None => None,
    };
    let ungraded_outcome = column(block.outcome)
        .and_then(|outcome| errors.optional(row, outcome, UNGRADED_OUTCOMES, unless_absent(ungraded_outcome)))
        .flatten();
    let framework = started_on.and_then(Framework::in_force_on);
    if started_on.is_some() && framework.is_none() {
        errors.push(
            row,
            started_column,
            "a date from 1 September 2012, when the oldest framework Stride holds began",
        );
    }
    let judgements = judgements(row, block, framework?, column, errors);
    let fields = InspectionFields {
        urn: urn?,
        framework: framework?,
        kind: block.kind,
        started_on: started_on?,
        published_on: published_on?,
        judgements: judgements?,
        ungraded_outcome,
        category_of_concern,
    };
    Inspection::new(fields)
        .map_err(|error| errors.push_row(row, format!("the {}: {error}", block.label)))
        .ok()
}

fn urn_at_time<'a>(
    row: &Row<'_>,
    current_urn: Urn,
    block: &Block,
    column: impl Fn(&'static str) -> Option<Column<'a>>,
    errors: &mut Errors,
) -> Option<Urn> {
    let relates = column(block.relates).map(|relates| row.get(relates));
    match (relates, column(block.urn_then)) {
        (Some("No"), Some(urn_then)) => {
            errors.required(row, urn_then, "the URN the school had when it was inspected", |value| {
                value.parse::<Urn>().ok()
            })
        }
        _ => Some(current_urn),
    }
}

/// The grades of a block, each on its framework's scale; a grade given for an area the framework
/// does not judge is left to [`Inspection::new`] to refuse.
fn judgements<'a>(
    row: &Row<'_>,
    block: &Block,
    framework: Framework,
    column: impl Fn(&'static str) -> Option<Column<'a>>,
    errors: &mut Errors,
) -> Option<Vec<Judgement>> {
    let mut judgements = Vec::new();
    let mut readable = true;
    for (name, area) in block.graded {
        let Some(grade_column) = column(name) else {
            continue;
        };
        let grade = if framework.uses_report_card_scale() {
            errors
                .optional(
                    row,
                    grade_column,
                    "a report card grade, such as 'Expected standard'",
                    unless_absent(report_card),
                )
                .map(|grade| grade.map(Grade::ReportCard))
        } else {
            errors
                .optional(
                    row,
                    grade_column,
                    "a grade from 1 (outstanding) to 4 (inadequate), or 9",
                    unless_absent(four_point),
                )
                .map(|grade| grade.map(Grade::FourPoint))
        };
        readable &= grade.is_some() || present(row.get(grade_column)).is_none();
        if let Some(Some(grade)) = grade {
            judgements.push(Judgement { area: *area, grade });
        }
    }
    if let Some(safeguarding_column) = column(block.safeguarding) {
        let met = errors.optional(
            row,
            safeguarding_column,
            "'Yes', 'No', 'Met' or 'Not met'",
            unless_absent(safeguarding),
        );
        readable &= met.is_some() || present(row.get(safeguarding_column)).is_none();
        if let Some(Some(met)) = met
            && framework.areas().contains(&EvaluationArea::Safeguarding)
        {
            judgements.push(Judgement {
                area: EvaluationArea::Safeguarding,
                grade: Grade::Safeguarding { met },
            });
        }
    }
    readable.then_some(judgements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_text("mi.csv", text)
    }

    const HEADER: &str = "URN,Inspection start date,Publication date,Category of concern,Safeguarding standards,Inclusion,Achievement,\
Inspection start date of latest OEIF graded inspection,Publication date of latest OEIF graded inspection,\
Does the latest OEIF graded inspection relate to the URN of the current school?,URN at time of latest OEIF graded inspection,\
Latest OEIF category of concern,Latest OEIF overall effectiveness,Latest OEIF quality of education,Latest OEIF  safeguarding is effective?,\
Date of latest ungraded inspection,Ungraded inspection publication date,Ungraded inspection overall outcome\n";

    #[test]
    fn a_row_gives_a_report_card_a_graded_and_an_ungraded_inspection_each_under_its_framework() {
        let text = format!(
            "{HEADER}107809,25/11/2025,01/02/2026,,Met,Needs attention,Expected standard,\
             12/03/2024,20/04/2024,No,100001,,2,1,Yes,14/06/2023,26/07/2023,School remains Good (Concerns) - S5 Next\n"
        );
        let inspections = inspections(&table(&text)).expect("reads");
        assert_eq!(inspections.len(), 3);
        assert_eq!(inspections[0].framework, Framework::ReportCard2025);
        assert_eq!(
            inspections[0].grade_of(EvaluationArea::Inclusion),
            Some(Grade::ReportCard(ReportCardGrade::NeedsAttention))
        );
        assert_eq!(inspections[1].framework, Framework::Education2019);
        assert_eq!(
            inspections[1].urn.get(),
            100_001,
            "inspected under its predecessor's URN"
        );
        assert_eq!(
            inspections[1].grade_of(EvaluationArea::OverallEffectiveness),
            Some(Grade::FourPoint(FourPointGrade::Good))
        );
        assert_eq!(inspections[2].kind, InspectionKind::Ungraded);
        assert_eq!(inspections[2].ungraded_outcome, Some(UngradedOutcome::Concerns));
    }

    #[test]
    fn an_overall_grade_after_september_2024_and_an_unknown_grade_are_refused_with_their_place() {
        let text = format!(
            "{HEADER}107809,NULL,NULL,NULL,NULL,NULL,NULL,12/10/2024,20/11/2024,Yes,107809,,2,1,Yes,NULL,NULL,NULL\n\
             107810,NULL,NULL,NULL,NULL,NULL,NULL,12/03/2023,20/04/2023,Yes,107810,,Good-ish,1,Yes,NULL,NULL,NULL\n"
        );
        let message = inspections(&table(&text)).expect_err("refused").to_string();
        assert!(
            message.contains("row 2: the latest OEIF graded inspection"),
            "{message}"
        );
        assert!(message.contains("no judgement of Overall effectiveness"), "{message}");
        assert!(
            message.contains("row 3, column Latest OEIF overall effectiveness: 'Good-ish' is not a grade"),
            "{message}"
        );
    }

    #[test]
    fn an_older_layout_is_read_by_its_overall_effectiveness_under_the_framework_of_each_date() {
        let text = "URN,Inspection start date,Publication date,Overall effectiveness,Category of concern,\
Quality of education,Behaviour and attitudes,Personal development,Effectiveness of leadership and management,\
Early years provision (where applicable),Sixth form provision (where applicable),Safeguarding is effective?,\
Outcomes for pupils,\"Quality of teaching, learning and assessment\",\"Personal development, behaviour and welfare\"\n\
100001,12/10/2021,20/11/2021,2,,2,1,2,2,9,NULL,Yes,NULL,NULL,NULL\n\
100002,03/03/2016,30/03/2016,4,SM,NULL,NULL,NULL,4,3,9,NULL,4,4,3\n";
        let inspections = inspections(&table(text)).expect("reads");
        assert_eq!(inspections[0].framework, Framework::Education2019);
        assert_eq!(
            inspections[0].grade_of(EvaluationArea::Safeguarding),
            Some(Grade::Safeguarding { met: true })
        );
        assert_eq!(
            inspections[0].grade_of(EvaluationArea::EarlyYears),
            None,
            "9 is not applicable"
        );
        assert_eq!(inspections[1].framework, Framework::Common2012);
        assert_eq!(
            inspections[1].category_of_concern,
            Some(CategoryOfConcern::SpecialMeasures)
        );
        assert_eq!(
            inspections[1].grade_of(EvaluationArea::QualityOfTeaching),
            Some(Grade::FourPoint(FourPointGrade::Inadequate))
        );
        assert_eq!(inspections[1].judgements.len(), 6);
    }
}
