//! Support on a school's record: commissioning it from the directory (or from a provider not in
//! it), the days used, and the evaluation at its end; and the rows the record shows of it.

use std::collections::HashMap;

use chrono::NaiveDate;
use stride_core::intervention::{CaseChange, PlanPriority, Support, SupportKind};
use stride_core::support::{Commission, Evaluation, FundingSource, ObjectiveOutcome, Pence, Provider};

use crate::view::long_date;

/// A form field's value, trimmed; empty when absent.
fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", |value| value.trim())
}

fn days(fields: &HashMap<String, String>, name: &str) -> Option<f64> {
    field(fields, name)
        .parse::<f64>()
        .ok()
        .filter(|days| (0.0..=365.0).contains(days))
}

/// A problem with the form: the field to go to and what to do.
pub(super) type Refusal = (&'static str, &'static str);

/// The commission the form describes: a provider chosen from the directory costs its day rate
/// unless a cost is given.
pub(super) fn commission_from(
    fields: &HashMap<String, String>,
    providers: &[Provider],
    commissioned_on: NaiveDate,
) -> Result<CaseChange, Refusal> {
    let kind =
        SupportKind::from_code(field(fields, "kind")).map_err(|_| ("support-kind", "Choose the kind of support"))?;
    let chosen = match field(fields, "provider-id") {
        "" | "other" => None,
        id => Some(
            id.parse::<i64>()
                .ok()
                .and_then(|id| providers.iter().find(|provider| provider.id == id))
                .ok_or((
                    "provider-id",
                    "Choose a provider from the directory, or another and write its name",
                ))?,
        ),
    };
    let provider = match chosen {
        Some(provider) => provider.name.clone(),
        None => field(fields, "provider").to_owned(),
    };
    if provider.is_empty() {
        return Err((
            "provider-id",
            "Choose a provider from the directory, or another and write its name",
        ));
    }
    let days_allocated =
        days(fields, "days-allocated").ok_or(("days-allocated", "Give the days allocated, 0 to 365"))?;
    let cost = match field(fields, "cost") {
        "" => chosen.map(|provider| Pence::for_days(provider.day_rate, days_allocated)),
        written => {
            Some(Pence::from_pounds(written).ok_or(("cost", "Give the cost in pounds, such as 2250 or 2,250.50"))?)
        }
    };
    let funding = match field(fields, "funding") {
        "" => None,
        code => Some(FundingSource::from_code(code).map_err(|_| ("funding", "Choose who pays"))?),
    };
    let objective = match field(fields, "objective") {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| ("objective", "Choose the priority of the plan it serves"))?,
        ),
    };
    Ok(CaseChange::CommissionSupport(Commission {
        kind,
        provider,
        provider_id: chosen.map(|provider| provider.id),
        purpose: field(fields, "purpose").to_owned(),
        commissioned_on,
        days_allocated,
        cost,
        funding,
        objective,
    }))
}

pub(super) fn days_used_from(fields: &HashMap<String, String>) -> Result<CaseChange, Refusal> {
    match (field(fields, "support").parse::<i64>().ok(), days(fields, "days-used")) {
        (Some(support), Some(days_used)) => Ok(CaseChange::RecordDaysUsed { support, days_used }),
        _ => Err(("support", "Give the days used in all, 0 to 365")),
    }
}

pub(super) fn evaluation_from(fields: &HashMap<String, String>, today: NaiveDate) -> Result<CaseChange, Refusal> {
    let support = field(fields, "support")
        .parse::<i64>()
        .map_err(|_| ("support", "Choose the support to evaluate"))?;
    let outcome = ObjectiveOutcome::from_code(field(fields, "outcome"))
        .map_err(|_| ("support", "Choose whether the objective was met, partly met or not met"))?;
    let evidence = field(fields, "evidence");
    if evidence.is_empty() {
        return Err(("support", "Write the evidence the evaluation rests on"));
    }
    Ok(CaseChange::EvaluateSupport {
        support,
        evaluation: Evaluation {
            outcome,
            evidence: evidence.to_owned(),
            evaluated_on: today,
        },
    })
}

/// Support as the record shows it.
pub(super) struct SupportRow {
    pub id: i64,
    pub provider: String,
    pub provider_id: Option<i64>,
    pub kind: &'static str,
    pub purpose: String,
    pub commissioned_on: String,
    pub days_allocated: f64,
    pub days_used: f64,
    pub cost: String,
    pub funding: &'static str,
    pub objective: String,
    pub evaluation: Option<String>,
}

impl SupportRow {
    pub(super) fn of(support: &Support, plan: &[PlanPriority]) -> SupportRow {
        SupportRow {
            id: support.id,
            provider: support.provider.clone(),
            provider_id: support.provider_id,
            kind: support.kind.label(),
            purpose: support.purpose.clone(),
            commissioned_on: long_date(support.commissioned_on),
            days_allocated: support.days_allocated,
            days_used: support.days_used,
            cost: support
                .cost
                .map_or_else(|| "Not recorded".to_owned(), |cost| cost.to_string()),
            funding: support.funding.map_or("Not recorded", FundingSource::label),
            objective: support
                .objective
                .and_then(|id| plan.iter().find(|priority| priority.id == id))
                .map_or_else(String::new, |priority| priority.title.clone()),
            evaluation: support.evaluation.as_ref().map(|evaluation| {
                format!(
                    "{} on {}: {}",
                    evaluation.outcome.label(),
                    long_date(evaluation.evaluated_on),
                    evaluation.evidence
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stride_core::Phase;
    use stride_core::support::{ApprovalStatus, ProviderKind, Specialism};

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn directory() -> Vec<Provider> {
        vec![Provider {
            id: 4,
            name: "Helen Marsden".into(),
            kind: ProviderKind::LocalLeaderOfEducation,
            organisation: String::new(),
            specialisms: vec![Specialism::Leadership],
            phases: vec![Phase::Primary],
            approval: ApprovalStatus::Approved,
            approval_review_on: NaiveDate::from_ymd_opt(2027, 7, 31).unwrap(),
            day_rate: Pence(40_000),
            location: None,
        }]
    }

    #[test]
    fn a_provider_from_the_directory_is_costed_at_its_day_rate_unless_a_cost_is_given() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let form = [
            ("kind", "leader-of-education"),
            ("provider-id", "4"),
            ("days-allocated", "5"),
            ("funding", "central"),
        ];
        let Ok(CaseChange::CommissionSupport(commission)) = commission_from(&fields(&form), &directory(), on) else {
            panic!("a commission");
        };
        assert_eq!(
            (commission.provider.as_str(), commission.provider_id),
            ("Helen Marsden", Some(4))
        );
        assert_eq!(commission.cost, Some(Pence(200_000)));
        let mut costed = form.to_vec();
        costed.push(("cost", "1,750"));
        let Ok(CaseChange::CommissionSupport(commission)) = commission_from(&fields(&costed), &directory(), on) else {
            panic!("a commission");
        };
        assert_eq!(commission.cost, Some(Pence(175_000)));
    }

    #[test]
    fn a_commission_without_provider_or_with_a_bad_cost_is_refused_at_its_field() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let none = fields(&[
            ("kind", "brokered-provider"),
            ("provider-id", "other"),
            ("days-allocated", "2"),
        ]);
        assert_eq!(
            commission_from(&none, &directory(), on).err().map(|refusal| refusal.0),
            Some("provider-id")
        );
        let unknown = fields(&[
            ("kind", "brokered-provider"),
            ("provider-id", "99"),
            ("days-allocated", "2"),
        ]);
        assert_eq!(
            commission_from(&unknown, &directory(), on)
                .err()
                .map(|refusal| refusal.0),
            Some("provider-id")
        );
        let cost = fields(&[
            ("kind", "brokered-provider"),
            ("provider", "A firm"),
            ("days-allocated", "2"),
            ("cost", "lots"),
        ]);
        assert_eq!(
            commission_from(&cost, &directory(), on).err().map(|refusal| refusal.0),
            Some("cost")
        );
        let evaluation = fields(&[("support", "3"), ("outcome", "met")]);
        assert_eq!(
            evaluation_from(&evaluation, on).err().map(|refusal| refusal.1),
            Some("Write the evidence the evaluation rests on")
        );
    }
}
