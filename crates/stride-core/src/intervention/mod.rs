//! Schools Causing Concern: the escalation ladder, the clocks that say what is due and when, and
//! the School Intervention Record that stops them.
//!
//! Invariants: no clock and no I/O (every answer is for the date it is given); the ladder
//! refuses a step its sources do not allow, and a power the LA does not hold over a school.

mod clocks;
mod due;
mod evidence;
mod ladder;
mod record;
mod summary;

pub use clocks::{
    ActivityKind, ClockRule, ClockRules, ClockRulesError, DayOfYear, KeptClockRules, Owner, SHIPPED_CLOCKS, Trigger,
};
pub use due::{ClockSchool, DUE_SOON_WORKING_DAYS, DueItem, DueState, due_items};
pub use evidence::{Assigned, InterventionEvidence, KeptLevel, SchoolAdviser, due_table, latest_case, what_is_due};
pub use ladder::{Powers, Stage, StepDecision, StepRefused, StructuralSolution, check_step};
pub use record::{
    ActionStatus, Activity, Case, CaseChange, CaseOpening, CaseSaved, Document, HistoryEntry, LadderStep, NoteOfVisit,
    PlanAction, PlanPriority, RISK_CHARACTERISTICS, SELF_EVALUATION_JUDGEMENTS, SelfEvaluationGrade, Support,
    SupportKind, document_type,
};
pub use summary::{CycleDate, Movement, TermlySummary, cycle_calendar, termly_summary};
