//! The Schools Causing Concern cycle in the browser: what is due for the signed-in user (My
//! work), the register, and each school's Intervention Record, where visits, meetings and steps
//! on the ladder are recorded.

mod commission;
mod cycle;
mod documents;
mod feed;
mod my_work;
mod record;
mod register;

pub use cycle::{calendar, clocks, keep_clocks, set_terms, summary, terms};
pub use documents::{LARGEST_DOCUMENT, attach as attach_document, download as download_document};
pub use feed::{feed, new_feed};
pub use my_work::{download_csv, download_xlsx, my_work};
pub use record::{agree_plan, change_plan, open_case, record, record_activity, take_step};
pub use register::register;

use stride_core::intervention::{Assigned, InterventionEvidence, what_is_due};

use crate::{AppState, WebError};
use stride_core::Account;

/// What is due today for the LA's schools the user may see, with what it was worked out from.
struct Work {
    evidence: InterventionEvidence,
    items: Vec<Assigned>,
    today: chrono::NaiveDate,
    /// The LA's calendar the items were counted on.
    calendar: stride_core::calendar::Calendar,
}

/// The record of the LA's schools the user may see: their schools, cases (and so support) and
/// activities, and the LA's own.
pub(crate) async fn scoped_evidence(state: &AppState, account: &Account) -> Result<InterventionEvidence, WebError> {
    Ok(stride_store::scoped_intervention_evidence(state.store.as_ref(), account).await?)
}

async fn work(state: &AppState, account: &Account) -> Result<Work, WebError> {
    let evidence = scoped_evidence(state, account).await?;
    let today = state.today();
    let (rules, _, calendar) = state.store.cycle().await?;
    let items = what_is_due(&rules, &evidence, &calendar, today);
    Ok(Work {
        evidence,
        items,
        today,
        calendar,
    })
}

/// A date as a person entered it in the GOV.UK date input's three fields.
pub(crate) fn entered_date(day: &str, month: &str, year: &str) -> Option<chrono::NaiveDate> {
    let number = |text: &str| text.trim().parse::<u32>().ok();
    let year = i32::try_from(number(year)?)
        .ok()
        .filter(|year| (2000..=2100).contains(year))?;
    chrono::NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_date_is_read_from_its_three_fields_or_refused() {
        assert_eq!(
            super::entered_date("3", "11", "2026"),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 3)
        );
        assert_eq!(super::entered_date("31", "2", "2026"), None);
        assert_eq!(super::entered_date("3", "11", "26"), None, "a year in full");
        assert_eq!(super::entered_date("", "11", "2026"), None);
    }
}
