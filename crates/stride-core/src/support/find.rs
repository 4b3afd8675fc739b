//! Finding support for a school's priority: the providers whose specialism and phase fit, with
//! their record of outcomes, nearest first where both places are known.

use chrono::NaiveDate;
use serde::Serialize;

use super::commission::OutcomeRecord;
use super::provider::{GridReference, Provider, Specialism};
use crate::establishment::Phase;
use crate::identifiers::Urn;
use crate::intervention::Support;

/// A provider who fits, with what they have done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate<'a> {
    pub provider: &'a Provider,
    pub kilometres: Option<f64>,
    pub outcomes: OutcomeRecord,
    pub schools_supported: usize,
}

/// The commissions of one provider, oldest first.
pub fn commissions_of(provider_id: i64, commissions: &[(Urn, Support)]) -> Vec<&(Urn, Support)> {
    let mut theirs: Vec<&(Urn, Support)> = commissions
        .iter()
        .filter(|(_, support)| support.provider_id == Some(provider_id))
        .collect();
    theirs.sort_by_key(|(urn, support)| (support.commissioned_on, *urn, support.id));
    theirs
}

/// The approved providers who offer the specialism in the school's phase, nearest first; those
/// whose place is not known after, by outcomes met, then by name.
pub fn find_support<'a>(
    providers: &'a [Provider],
    commissions: &[(Urn, Support)],
    need: Specialism,
    phase: Phase,
    school_at: Option<GridReference>,
    on: NaiveDate,
) -> Vec<Candidate<'a>> {
    let mut candidates: Vec<Candidate> = providers
        .iter()
        .filter(|provider| provider.specialisms.contains(&need) && provider.works_in(phase) && provider.approved_on(on))
        .map(|provider| {
            let theirs = commissions_of(provider.id, commissions);
            let mut schools: Vec<Urn> = theirs.iter().map(|(urn, _)| *urn).collect();
            schools.sort();
            schools.dedup();
            Candidate {
                provider,
                kilometres: school_at
                    .zip(provider.location)
                    .map(|(school, base)| school.kilometres_to(base)),
                outcomes: OutcomeRecord::of(theirs.iter().map(|(_, support)| support.evaluation.as_ref())),
                schools_supported: schools.len(),
            }
        })
        .collect();
    candidates.sort_by(|left, right| {
        let distance = |candidate: &Candidate| candidate.kilometres.unwrap_or(f64::INFINITY);
        distance(left)
            .total_cmp(&distance(right))
            .then(right.outcomes.met.cmp(&left.outcomes.met))
            .then(left.provider.name.cmp(&right.provider.name))
    });
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intervention::SupportKind;
    use crate::support::{ApprovalStatus, Evaluation, ObjectiveOutcome, Pence, ProviderKind};

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn provider(id: i64, name: &str, specialisms: &[Specialism], phases: &[Phase], at: Option<(u32, u32)>) -> Provider {
        Provider {
            id,
            name: name.into(),
            kind: ProviderKind::LocalLeaderOfEducation,
            organisation: String::new(),
            specialisms: specialisms.to_vec(),
            phases: phases.to_vec(),
            approval: ApprovalStatus::Approved,
            approval_review_on: day("2027-08-31"),
            day_rate: Pence(45_000),
            location: at.map(|(easting, northing)| GridReference { easting, northing }),
        }
    }

    fn commissioned(provider_id: i64, urn: u32, outcome: Option<ObjectiveOutcome>) -> (Urn, Support) {
        (
            Urn::new(urn).expect("a URN"),
            Support {
                id: i64::from(urn),
                kind: SupportKind::LeaderOfEducation,
                provider: String::new(),
                provider_id: Some(provider_id),
                purpose: String::new(),
                commissioned_on: day("2024-10-01"),
                days_allocated: 5.0,
                days_used: 5.0,
                cost: None,
                funding: None,
                objective: None,
                evaluation: outcome.map(|outcome| Evaluation {
                    outcome,
                    evidence: "Seen".into(),
                    evaluated_on: day("2025-07-01"),
                }),
            },
        )
    }

    #[test]
    fn providers_who_fit_come_nearest_first_then_by_outcomes_and_the_rest_are_left_out() {
        let mut withdrawn = provider(
            5,
            "Withdrawn",
            &[Specialism::Mathematics],
            &[],
            Some((451_000, 200_000)),
        );
        withdrawn.approval = ApprovalStatus::Withdrawn;
        let providers = vec![
            provider(
                1,
                "Far",
                &[Specialism::Mathematics],
                &[Phase::Primary],
                Some((470_000, 200_000)),
            ),
            provider(
                2,
                "Near",
                &[Specialism::Mathematics, Specialism::English],
                &[],
                Some((452_000, 200_000)),
            ),
            provider(
                3,
                "Unplaced, two met",
                &[Specialism::Mathematics],
                &[Phase::Primary],
                None,
            ),
            provider(
                4,
                "Unplaced, one met",
                &[Specialism::Mathematics],
                &[Phase::Primary],
                None,
            ),
            provider(
                6,
                "Secondary only",
                &[Specialism::Mathematics],
                &[Phase::Secondary],
                Some((450_000, 200_000)),
            ),
            provider(
                7,
                "Governance only",
                &[Specialism::Governance],
                &[],
                Some((450_000, 200_000)),
            ),
            withdrawn,
        ];
        let commissions = vec![
            commissioned(3, 100_001, Some(ObjectiveOutcome::Met)),
            commissioned(3, 100_002, Some(ObjectiveOutcome::Met)),
            commissioned(4, 100_003, Some(ObjectiveOutcome::Met)),
            commissioned(4, 100_004, None),
        ];
        let school = Some(GridReference {
            easting: 450_000,
            northing: 200_000,
        });
        let found = find_support(
            &providers,
            &commissions,
            Specialism::Mathematics,
            Phase::Primary,
            school,
            day("2026-11-24"),
        );
        let names: Vec<&str> = found.iter().map(|candidate| candidate.provider.name.as_str()).collect();
        assert_eq!(names, ["Near", "Far", "Unplaced, two met", "Unplaced, one met"]);
        assert_eq!(found[0].kilometres, Some(2.0));
        assert_eq!(
            found[3].outcomes.describe(),
            "1 met, 0 partly, 0 not met of 1 evaluated"
        );
        assert_eq!(found[3].schools_supported, 2);
    }
}
