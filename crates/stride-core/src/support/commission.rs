//! What is commissioned on a school's record: who, what, when, the days planned and used, the
//! cost and who pays it, the objective of the school's plan it serves, and the evaluation at
//! the end.

use chrono::NaiveDate;
use serde::Serialize;

use super::provider::Pence;
use crate::coded::coded_enum;
use crate::intervention::SupportKind;

coded_enum! {
    /// Who pays for support.
    pub enum FundingSource ("funding source") {
        CentralFund => ("central", "The LA's central school improvement fund"),
        DelegatedBudget => ("delegated", "The school's delegated budget"),
        Traded => ("traded", "Traded service bought by the school"),
    }
}

coded_enum! {
    /// Whether support met the objective it was commissioned for.
    pub enum ObjectiveOutcome ("outcome") {
        Met => ("met", "Objective met"),
        PartlyMet => ("partly-met", "Objective partly met"),
        NotMet => ("not-met", "Objective not met"),
    }
}

/// The evaluation of support at its end, with the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub outcome: ObjectiveOutcome,
    pub evidence: String,
    pub evaluated_on: NaiveDate,
}

/// Support being commissioned: what a person enters on the school's record.
#[derive(Debug, Clone, PartialEq)]
pub struct Commission {
    pub kind: SupportKind,
    /// The provider's name as it stands in the directory, or as written for one not in it.
    pub provider: String,
    pub provider_id: Option<i64>,
    /// What the support is to do.
    pub purpose: String,
    pub commissioned_on: NaiveDate,
    pub days_allocated: f64,
    pub cost: Option<Pence>,
    pub funding: Option<FundingSource>,
    /// The priority of the school's plan the support serves.
    pub objective: Option<i64>,
}

/// How many of a provider's or a kind's commissions met their objective, as evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OutcomeRecord {
    pub met: usize,
    pub partly_met: usize,
    pub not_met: usize,
    /// Commissions not yet evaluated.
    pub open: usize,
}

impl OutcomeRecord {
    pub fn of<'a>(evaluations: impl IntoIterator<Item = Option<&'a Evaluation>>) -> OutcomeRecord {
        let mut record = OutcomeRecord::default();
        for evaluation in evaluations {
            match evaluation.map(|evaluation| evaluation.outcome) {
                Some(ObjectiveOutcome::Met) => record.met += 1,
                Some(ObjectiveOutcome::PartlyMet) => record.partly_met += 1,
                Some(ObjectiveOutcome::NotMet) => record.not_met += 1,
                None => record.open += 1,
            }
        }
        record
    }

    pub fn evaluated(&self) -> usize {
        self.met + self.partly_met + self.not_met
    }

    /// "3 met, 1 partly, 0 not met of 4 evaluated"; never a rate without its count.
    pub fn describe(&self) -> String {
        if self.evaluated() == 0 {
            return match self.open {
                0 => "Not yet commissioned".to_owned(),
                open => format!("None evaluated yet ({open} under way)"),
            };
        }
        format!(
            "{} met, {} partly, {} not met of {} evaluated",
            self.met,
            self.partly_met,
            self.not_met,
            self.evaluated()
        )
    }
}
