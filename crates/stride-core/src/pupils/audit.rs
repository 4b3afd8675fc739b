//! The audit log: who read or changed which pupil's data, when, and what they did. It names a
//! pupil by Stride's own number, never by UPN or name, and storage refuses to edit or delete it.

use chrono::{DateTime, Utc};

use crate::coded::coded_enum;

coded_enum! {
    pub enum AuditAction ("audit action") {
        ViewPupil => ("view-pupil", "Viewed a pupil's record"),
        ListPupils => ("list-pupils", "Listed pupils"),
        SearchPupils => ("search-pupils", "Searched for pupils"),
        ExportPupils => ("export-pupils", "Downloaded pupil data"),
        ImportPupils => ("import-pupils", "Imported pupil data"),
        ChangePupil => ("change-pupil", "Changed a pupil's record"),
        CountPupils => ("count-pupils", "Counted pupils (no pupil named)"),
        Refused => ("refused", "Asked for a pupil's record outside their scope"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub account_id: i64,
    pub action: AuditAction,
    pub pupil_id: Option<i64>,
    /// What was done, in words without personal data: "attendance list of school 914001".
    pub what: String,
}
