//! Soft evidence an officer records about a school: dated and attributed, because it feeds
//! categorisation and may be challenged.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::identifiers::Urn;

coded_enum! {
    pub enum IntelligenceKind ("kind of intelligence") {
        NewHeadteacher => ("new-headteacher", "New headteacher"),
        AbsentHeadteacher => ("absent-headteacher", "Headteacher absent"),
        SeniorStaffTurnover => ("senior-staff-turnover", "Senior staff turnover"),
        Grievance => ("grievance", "Staff grievance"),
        ParentalComplaints => ("parental-complaints", "Parental complaints"),
        SafeguardingConcern => ("safeguarding-concern", "Safeguarding concern"),
        BudgetDeficit => ("budget-deficit", "Budget deficit"),
        LargeSurplus => ("large-surplus", "Large budget surplus"),
        FallingRoll => ("falling-roll", "Falling roll"),
        BuildingCondition => ("building-condition", "Building condition"),
        BullyingReports => ("bullying-reports", "Bullying reports"),
        /// The school asked, with its governing body's commitment, to be placed on the Schools
        /// Causing Concern register.
        SelfNomination => ("self-nomination", "Self-nominated for the Schools Causing Concern register"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntelligenceItem {
    pub urn: Urn,
    pub kind: IntelligenceKind,
    pub recorded_on: NaiveDate,
    pub summary: String,
    pub recorded_by: String,
}
