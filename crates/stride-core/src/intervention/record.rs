//! The School Intervention Record: a school's case with its steps on the ladder, its plan, and
//! what was done: visits with their notes, meetings, statements and reviews.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clocks::ActivityKind;
use super::ladder::{Stage, StructuralSolution};
use crate::coded::coded_enum;
use crate::identifiers::Urn;
use crate::support::{Commission, Evaluation, FundingSource, Pence};

/// A step on the ladder, as decided: who, when, on what evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LadderStep {
    pub stage: Stage,
    pub taken_on: NaiveDate,
    pub solution: Option<StructuralSolution>,
    /// The end of the compliance period a warning notice states.
    pub compliance_ends: Option<NaiveDate>,
    pub evidence: String,
    pub decided_by: String,
}

/// A school's case: opened when it needs more than light touch, with every step kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: i64,
    pub urn: Urn,
    pub opened_on: NaiveDate,
    /// Oldest first; the last is where the case stands.
    pub steps: Vec<LadderStep>,
    /// When the school's Raising Achievement Plan was agreed, if it has one.
    pub plan_agreed_on: Option<NaiveDate>,
    /// Changes with every edit, so that a second person saving over the first is told.
    pub revision: i64,
}

impl Case {
    pub fn stage(&self) -> Stage {
        self.steps.last().map_or(Stage::LightTouch, |step| step.stage)
    }

    pub fn current_step(&self) -> Option<&LadderStep> {
        self.steps.last()
    }

    pub fn is_open(&self) -> bool {
        self.stage().is_open()
    }

    /// The day the case reached one of these stages and has stood among them since.
    pub fn among_since(&self, stages: &[Stage]) -> Option<NaiveDate> {
        let mut since = None;
        for step in self.steps.iter().rev() {
            if !stages.contains(&step.stage) {
                break;
            }
            since = Some(step.taken_on);
        }
        since
    }
}

/// One of the judgements a school evaluates itself on, graded 1 to 4 on a note of visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfEvaluationGrade {
    pub judgement: String,
    pub grade: u8,
}

/// The note of a visit, on the School Support Partner template (Southend, seed 003): the
/// priorities and their impact, the school's self-evaluation grades as agreed, and the risk
/// characteristics found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NoteOfVisit {
    pub focus: String,
    pub priorities_and_impact: String,
    pub grades: Vec<SelfEvaluationGrade>,
    pub risks: Vec<String>,
    pub next_steps: String,
}

/// Something done and recorded: a visit, a meeting, a statement or a review. A school's, or
/// the LA's as a whole (a School Review Group meeting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub id: i64,
    pub urn: Option<Urn>,
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub attendees: String,
    /// What was done or decided.
    pub summary: String,
    /// For a meeting: the actions agreed, who will do what.
    pub actions: String,
    pub note: Option<NoteOfVisit>,
}

/// The judgements a note of visit grades 1 (outstanding) to 4 (inadequate), as the School
/// Self-Evaluation Summary Profile of Southend's School Support Partner visit template names them.
pub const SELF_EVALUATION_JUDGEMENTS: [&str; 5] = [
    "Overall effectiveness",
    "Achievement of pupils at the school",
    "Quality of teaching in the school",
    "Behaviour and safety of pupils at the school",
    "Quality of leadership in and management of the school",
];

/// The characteristics the template asks the grader to consider, word for word.
pub const RISK_CHARACTERISTICS: [&str; 6] = [
    "New and/or inexperienced headteacher",
    "Significant staff changes at senior level",
    "Budget deficit",
    "Falling roll over a period of three years",
    "Building(s) in poor condition",
    "Performance has only recently shown improvement",
];

coded_enum! {
    /// Where a plan's action stands, as the action plans of seed 004 report it.
    pub enum ActionStatus ("status of an action") {
        NotStarted => ("not-started", "Not started"),
        OnTarget => ("on-target", "On target"),
        Delayed => ("delayed", "Delayed"),
        Completed => ("completed", "Completed"),
    }
}

/// An action of a priority in the school's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAction {
    pub id: i64,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
}

/// A priority of the school's plan, with the impact recorded against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanPriority {
    pub id: i64,
    pub title: String,
    pub impact: String,
    pub actions: Vec<PlanAction>,
}

coded_enum! {
    /// Who provides support the LA commissions (Oxfordshire's framework, section E).
    pub enum SupportKind ("kind of support") {
        AdviserDays => ("adviser-days", "The LA's adviser days"),
        BrokeredProvider => ("brokered-provider", "A provider brokered from the Approved Providers List"),
        LeaderOfEducation => ("leader-of-education", "A National, Local or Specialist Leader of Education"),
        SchoolToSchool => ("school-to-school", "A school-to-school partner"),
        /// The Team Around the School actions of Oxfordshire's section E.
        GovernanceReview => ("governance-review", "A review of governance"),
        ThemedReview => ("themed-review", "A themed review (SEND, behaviour, attendance)"),
        SubjectProgramme => ("subject-programme", "A specialised programme for English or maths"),
    }
}

/// Support commissioned for a school: who, what, the days allocated and used, the cost and
/// who pays, the objective of the plan it serves, and its evaluation once ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Support {
    pub id: i64,
    pub kind: SupportKind,
    pub provider: String,
    /// The provider in the directory; none for support commissioned before it was kept.
    pub provider_id: Option<i64>,
    pub purpose: String,
    pub commissioned_on: NaiveDate,
    pub days_allocated: f64,
    pub days_used: f64,
    pub cost: Option<Pence>,
    pub funding: Option<FundingSource>,
    /// The priority of the school's plan it serves.
    pub objective: Option<i64>,
    pub evaluation: Option<Evaluation>,
}

impl Support {
    pub fn commissioned(id: i64, commission: &Commission) -> Support {
        Support {
            id,
            kind: commission.kind,
            provider: commission.provider.clone(),
            provider_id: commission.provider_id,
            purpose: commission.purpose.clone(),
            commissioned_on: commission.commissioned_on,
            days_allocated: commission.days_allocated,
            days_used: 0.0,
            cost: commission.cost,
            funding: commission.funding,
            objective: commission.objective,
            evaluation: None,
        }
    }
}

/// A change to a case, made by someone who read it at a revision: it is saved only if no one
/// else changed the case since.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseChange {
    /// A step on the ladder, checked by [`check_step`](super::check_step) against the stage
    /// the case stood at when it was read.
    Step(LadderStep),
    /// The school's Raising Achievement Plan agreed on a day.
    PlanAgreed(NaiveDate),
    AddPriority {
        title: String,
    },
    AddAction {
        priority: i64,
        description: String,
        owner: String,
        due_on: NaiveDate,
    },
    SetActionStatus {
        action: i64,
        status: ActionStatus,
    },
    RecordImpact {
        priority: i64,
        impact: String,
    },
    CommissionSupport(Commission),
    /// The days of a commission used so far, in all.
    RecordDaysUsed {
        support: i64,
        days_used: f64,
    },
    /// The evaluation of a commission at its end.
    EvaluateSupport {
        support: i64,
        evaluation: Evaluation,
    },
}

impl CaseChange {
    /// The change in words, for the record's history.
    pub fn describe(&self) -> String {
        match self {
            CaseChange::Step(step) => {
                let solution = step.solution.map_or_else(String::new, |solution| {
                    format!(" ({})", solution.label().to_lowercase())
                });
                format!(
                    "Moved to {}{solution} on {}: {}",
                    step.stage.label().to_lowercase(),
                    step.taken_on,
                    step.evidence
                )
            }
            CaseChange::PlanAgreed(on) => format!("Raising Achievement Plan agreed on {on}"),
            CaseChange::AddPriority { title } => format!("Priority added to the plan: {title}"),
            CaseChange::AddAction {
                description,
                owner,
                due_on,
                ..
            } => format!("Action added: {description} ({owner}, by {due_on})"),
            CaseChange::SetActionStatus { status, .. } => format!("An action marked {}", status.label().to_lowercase()),
            CaseChange::RecordImpact { impact, .. } => format!("Impact recorded: {impact}"),
            CaseChange::CommissionSupport(commission) => format!(
                "Support commissioned: {} ({}), {} days{}",
                commission.provider,
                commission.kind.label().to_lowercase(),
                commission.days_allocated,
                commission.cost.map_or_else(String::new, |cost| format!(", {cost}"))
            ),
            CaseChange::RecordDaysUsed { days_used, .. } => format!("Support used: {days_used} days in all"),
            CaseChange::EvaluateSupport { evaluation, .. } => format!(
                "Support evaluated: {}: {}",
                evaluation.outcome.label().to_lowercase(),
                evaluation.evidence
            ),
        }
    }
}

/// One change in a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub revision: i64,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub change: String,
}

/// What saving a change to a case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSaved {
    /// Saved, making this revision.
    Saved(i64),
    /// Someone else changed the case since it was read: nothing was saved, and these are their
    /// changes, for the person to see before they decide again.
    Conflict { changes_since: Vec<HistoryEntry> },
    /// The priority or action the change names is not this case's: nothing was saved.
    NotThisCase,
}

/// What opening a case did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOpening {
    Opened(i64),
    /// The school has an open case already (someone opened it first): this one.
    AlreadyOpen(i64),
}

/// A document attached to a school's record, as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: i64,
    pub urn: Urn,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// The media type a document is served as, by the ending of its name: the kinds an LA's
/// records are kept in, else plain bytes, so that a browser never runs what it is given.
pub fn document_type(file_name: &str) -> &'static str {
    let ending = file_name
        .rsplit_once('.')
        .map_or("", |(_, ending)| ending)
        .to_ascii_lowercase();
    match ending.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}
