//! Support and its impact: the directory of providers the LA brokers, what was commissioned on
//! each school's record and how it was evaluated, finding support for a school's priority, and
//! whether support worked, against similar schools that had none.
//!
//! Invariants: no I/O and no clock; no figure of impact is given without the size of the groups
//! it rests on, and a group too small gives no finding.

mod commission;
mod find;
mod impact;
mod progress;
mod provider;
mod tables;

#[cfg(test)]
mod tests;

pub use commission::{Commission, Evaluation, FundingSource, ObjectiveOutcome, OutcomeRecord};
pub use find::{Candidate, commissions_of, find_support};
pub use impact::{
    Comparison, Estimate, Finding, GroupBy, ImpactEvidence, InspectionMoves, SIMILAR_PER_SCHOOL, SMALLEST_GROUP,
    Spread, SupportGroup, difference_in_words, impact,
};
pub use progress::{InCategory, Inspected, InspectionMovement, Progress, inspected_in, movement, schools_in_category};
pub use provider::{
    ApprovalStatus, GridReference, Pence, Provider, ProviderEntry, ProviderKind, ProviderProblem, Specialism,
};
pub use tables::{directory_table, impact_table, in_category_table, inspected_table, provider_record_table};

use crate::identifiers::Urn;
use crate::intervention::{Case, Support};

/// Every commission held, by the school it was for, from the support kept by case.
pub fn commissions_by_school(cases: &[Case], support: &[(i64, Support)]) -> Vec<(Urn, Support)> {
    support
        .iter()
        .filter_map(|(case_id, support)| {
            let case = cases.iter().find(|case| case.id == *case_id)?;
            Some((case.urn, support.clone()))
        })
        .collect()
}

/// The commissions of the schools' open cases: the support they have now.
pub fn current_commissions(cases: &[Case], support: &[(i64, Support)]) -> Vec<(Urn, Support)> {
    let open: Vec<Case> = cases.iter().filter(|case| case.is_open()).cloned().collect();
    commissions_by_school(&open, support)
}
