//! The escalation ladder of a school causing concern, as the Oxfordshire flowcharts and the
//! statutory guidance on schools causing concern set it out: light touch, additional support,
//! high-level support, then the LA's formal powers, and back down on improvement.
//!
//! The LA's powers differ by governance: for a maintained school it issues a warning notice and
//! may appoint an Interim Executive Board; for an academy it has no such powers and instead
//! alerts the DfE's regional team, whose decision a structural solution then is.

use serde::Serialize;

use crate::coded::coded_enum;
use crate::establishment::Governance;

coded_enum! {
    pub enum Stage ("stage of the escalation ladder") {
        LightTouch => ("light-touch", "Light touch"),
        AdditionalSupport => ("additional-support", "Additional support"),
        HighLevelSupport => ("high-level-support", "High-level support"),
        /// A performance, standards and safety warning notice (Education and Inspections Act
        /// 2006, section 60), maintained schools only.
        WarningNotice => ("warning-notice", "Warning notice issued"),
        /// The LA's concern about an academy raised with the DfE regional team.
        DfeAlerted => ("dfe-alerted", "DfE regional team alerted"),
        InterimExecutiveBoard => ("interim-executive-board", "Interim Executive Board"),
        /// Partnership, hard federation or academy conversion.
        StructuralSolution => ("structural-solution", "Structural solution"),
        Closed => ("closed", "Case closed"),
    }
}

coded_enum! {
    pub enum StructuralSolution ("structural solution") {
        Partnership => ("partnership", "Partnership with another school"),
        HardFederation => ("hard-federation", "Hard federation"),
        AcademyConversion => ("academy-conversion", "Academy conversion"),
    }
}

/// What the LA may do about a school itself: intervene, in a maintained school; or, for an
/// academy, raise its concern with the DfE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Powers {
    Intervene,
    AlertDfe,
}

impl Powers {
    pub fn of(governance: &Governance) -> Powers {
        match governance {
            Governance::Maintained => Powers::Intervene,
            Governance::Academy { .. } => Powers::AlertDfe,
        }
    }
}

impl Stage {
    /// Whether the school's case is open at this stage.
    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }

    /// The stages the sources allow next: one step up, one step down on improvement, and the
    /// formal steps open to the LA for the school's governance.
    pub fn next_stages(self, powers: Powers) -> Vec<Stage> {
        use Stage::*;
        let maintained = powers == Powers::Intervene;
        let formal = if maintained { WarningNotice } else { DfeAlerted };
        match self {
            LightTouch => vec![AdditionalSupport, Closed],
            AdditionalSupport => vec![HighLevelSupport, LightTouch],
            HighLevelSupport if maintained => {
                vec![formal, InterimExecutiveBoard, StructuralSolution, AdditionalSupport]
            }
            HighLevelSupport => vec![formal, AdditionalSupport],
            // A notice complied with, or not: the LA's powers of intervention follow.
            WarningNotice => vec![InterimExecutiveBoard, StructuralSolution, HighLevelSupport],
            DfeAlerted => vec![StructuralSolution, HighLevelSupport],
            InterimExecutiveBoard => vec![StructuralSolution, HighLevelSupport],
            StructuralSolution => vec![HighLevelSupport, Closed],
            Closed => vec![LightTouch, AdditionalSupport, HighLevelSupport],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepRefused {
    #[error("a case at '{from}' cannot move to '{to}': from there it may move to {allowed}")]
    NotAllowed { from: Stage, to: Stage, allowed: String },
    #[error("'{0}' is a power the LA holds over maintained schools: for an academy, alert the DfE regional team")]
    NotForAcademies(Stage),
    #[error("a step needs the evidence it was decided on")]
    NoEvidence,
    #[error("a structural solution needs its kind: partnership, hard federation or academy conversion")]
    NoSolution,
}

/// A step to take on the ladder, with who decided, on what evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepDecision {
    pub to: Stage,
    pub solution: Option<StructuralSolution>,
    pub evidence: String,
}

/// Whether the ladder allows the step for a school of this governance.
pub fn check_step(from: Stage, powers: Powers, decision: &StepDecision) -> Result<(), StepRefused> {
    if powers == Powers::AlertDfe && matches!(decision.to, Stage::WarningNotice | Stage::InterimExecutiveBoard) {
        return Err(StepRefused::NotForAcademies(decision.to));
    }
    let allowed = from.next_stages(powers);
    if !allowed.contains(&decision.to) {
        return Err(StepRefused::NotAllowed {
            from,
            to: decision.to,
            allowed: allowed
                .iter()
                .map(|stage| format!("'{stage}'"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if decision.evidence.trim().is_empty() {
        return Err(StepRefused::NoEvidence);
    }
    if decision.to == Stage::StructuralSolution && decision.solution.is_none() {
        return Err(StepRefused::NoSolution);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(to: Stage) -> StepDecision {
        StepDecision {
            to,
            solution: None,
            evidence: "Two successive monitoring visits found no improvement".to_owned(),
        }
    }

    #[test]
    fn the_ladder_is_climbed_a_step_at_a_time_and_descended_on_improvement() {
        let maintained = Powers::Intervene;
        assert!(check_step(Stage::LightTouch, maintained, &decision(Stage::AdditionalSupport)).is_ok());
        assert!(check_step(Stage::AdditionalSupport, maintained, &decision(Stage::HighLevelSupport)).is_ok());
        assert!(check_step(Stage::HighLevelSupport, maintained, &decision(Stage::WarningNotice)).is_ok());
        assert!(
            check_step(
                Stage::WarningNotice,
                maintained,
                &decision(Stage::InterimExecutiveBoard)
            )
            .is_ok()
        );
        assert!(check_step(Stage::HighLevelSupport, maintained, &decision(Stage::AdditionalSupport)).is_ok());
        let skipped = check_step(Stage::LightTouch, maintained, &decision(Stage::WarningNotice)).expect_err("refused");
        assert_eq!(
            skipped.to_string(),
            "a case at 'Light touch' cannot move to 'Warning notice issued': from there it may move to 'Additional support', 'Case closed'"
        );
    }

    #[test]
    fn for_an_academy_the_la_alerts_the_dfe_and_issues_no_notice() {
        let academy = Powers::AlertDfe;
        assert_eq!(
            check_step(Stage::HighLevelSupport, academy, &decision(Stage::WarningNotice)),
            Err(StepRefused::NotForAcademies(Stage::WarningNotice))
        );
        assert!(check_step(Stage::HighLevelSupport, academy, &decision(Stage::DfeAlerted)).is_ok());
        assert!(
            check_step(
                Stage::HighLevelSupport,
                academy,
                &decision(Stage::InterimExecutiveBoard)
            )
            .is_err()
        );
    }

    #[test]
    fn a_step_needs_its_evidence_and_a_structural_solution_its_kind() {
        let maintained = Powers::Intervene;
        let unexplained = StepDecision {
            evidence: "  ".to_owned(),
            ..decision(Stage::AdditionalSupport)
        };
        assert_eq!(
            check_step(Stage::LightTouch, maintained, &unexplained),
            Err(StepRefused::NoEvidence)
        );
        assert_eq!(
            check_step(Stage::WarningNotice, maintained, &decision(Stage::StructuralSolution)),
            Err(StepRefused::NoSolution)
        );
        let federation = StepDecision {
            solution: Some(StructuralSolution::HardFederation),
            ..decision(Stage::StructuralSolution)
        };
        assert!(check_step(Stage::WarningNotice, maintained, &federation).is_ok());
    }
}
