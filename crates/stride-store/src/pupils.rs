//! The one way pupils are read: kept to the reader's [`PupilScope`] before anything is shown,
//! counted or written out, and every pupil read written to the audit log with who, when and what.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use stride_core::Account;
use stride_core::pupils::{AuditAction, AuditEntry, Pupil, PupilScope};

use crate::{PupilFilter, Store, StoreError};

/// What a reader is doing, for the audit log.
#[derive(Debug, Clone)]
pub struct Purpose {
    pub action: AuditAction,
    /// In words without personal data: "attendance list of school 914001".
    pub what: String,
    pub at: DateTime<Utc>,
}

/// The pupils `filter` finds that `account` may see, with the officers whose caseload each is
/// on; each one read is written to the audit log. A pupil outside the scope is not returned, not
/// counted and not logged as read.
pub async fn read_pupils(
    store: &dyn Store,
    account: &Account,
    filter: PupilFilter<'_>,
    purpose: &Purpose,
) -> Result<Vec<Pupil>, StoreError> {
    let visible = in_scope(store, account, filter).await?;
    audit_read(store, account, &visible, purpose).await?;
    Ok(visible)
}

/// A page of the pupils `filter` finds that `account` may see, `limit` of them from `offset` in
/// the store's order, and how many there are in all. Only the pupils on the page count as read.
pub async fn read_pupils_page(
    store: &dyn Store,
    account: &Account,
    filter: PupilFilter<'_>,
    (offset, limit): (usize, usize),
    purpose: &Purpose,
) -> Result<(Vec<Pupil>, usize), StoreError> {
    let visible = in_scope(store, account, filter).await?;
    let total = visible.len();
    let page: Vec<Pupil> = visible.into_iter().skip(offset).take(limit).collect();
    audit_read(store, account, &page, purpose).await?;
    Ok((page, total))
}

async fn in_scope(store: &dyn Store, account: &Account, filter: PupilFilter<'_>) -> Result<Vec<Pupil>, StoreError> {
    let scope = PupilScope::of(account);
    if scope.is_none() {
        return Ok(Vec::new());
    }
    let caseloads = caseloads_by_pupil(store).await?;
    let found = store.pupils(filter).await?;
    Ok(found
        .into_iter()
        .filter(|pupil| {
            let school = pupil.latest_return().map(|latest| latest.urn);
            scope.includes(school, caseloads.get(&pupil.id).map_or(&[], Vec::as_slice))
        })
        .collect())
}

async fn audit_read(
    store: &dyn Store,
    account: &Account,
    pupils: &[Pupil],
    purpose: &Purpose,
) -> Result<(), StoreError> {
    let entries: Vec<AuditEntry> = pupils
        .iter()
        .map(|pupil| AuditEntry {
            at: purpose.at,
            account_id: account.id,
            action: purpose.action,
            pupil_id: Some(pupil.id),
            what: purpose.what.clone(),
        })
        .collect();
    store.record_audit(&entries).await
}

/// One pupil's record, or none where it is not held or not in scope (the two are answered
/// alike); an attempt outside the scope is logged as refused.
pub async fn read_pupil(
    store: &dyn Store,
    account: &Account,
    id: i64,
    purpose: &Purpose,
) -> Result<Option<Pupil>, StoreError> {
    let pupil = read_pupils(store, account, PupilFilter::Id(id), purpose).await?.pop();
    if pupil.is_none() && !store.pupils(PupilFilter::Id(id)).await?.is_empty() {
        store
            .record_audit(&[AuditEntry {
                at: purpose.at,
                account_id: account.id,
                action: AuditAction::Refused,
                pupil_id: Some(id),
                what: purpose.what.clone(),
            }])
            .await?;
    }
    Ok(pupil)
}

pub async fn caseloads_by_pupil(store: &dyn Store) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let mut by_pupil: HashMap<i64, Vec<i64>> = HashMap::new();
    for (pupil, officer) in store.caseloads().await? {
        by_pupil.entry(pupil).or_default().push(officer);
    }
    Ok(by_pupil)
}
