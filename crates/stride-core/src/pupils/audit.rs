//! The audit log: who read or changed which pupil's data, when, and what they did. It names a
//! pupil by Stride's own number, never by UPN or name, and storage refuses to edit or delete it.
//! Each entry is sealed to the one before by a hash, so that an entry edited or removed behind
//! storage's back (with the database file open in another tool) is found by checking the chain.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

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

/// The hash that seals an entry to the one before it: SHA-256 of the previous entry's hash and
/// this entry's number and fields, so that editing, removing or reordering an entry breaks every
/// seal after it. The first entry's previous hash is empty.
pub fn seal(previous: &str, id: i64, entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    for part in [
        previous,
        &id.to_string(),
        &entry.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        &entry.account_id.to_string(),
        entry.action.code(),
        &entry.pupil_id.map_or_else(String::new, |pupil| pupil.to_string()),
        &entry.what,
    ] {
        // Each part's length first, so that no two different entries join into the same text.
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// An entry as held, with its number and seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedEntry {
    pub id: i64,
    pub entry: AuditEntry,
    pub seal: Option<String>,
}

/// Where the chain is broken: the first entry whose seal does not follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit entry {id} has no seal")]
    Unsealed { id: i64 },
    #[error("audit entry {id} does not match its seal: it, or an entry before it, was changed or removed")]
    Mismatch { id: i64 },
}

/// Checks every seal in order of number; the number of entries checked, or the first break.
pub fn verify_chain(entries: &[SealedEntry]) -> Result<usize, ChainBreak> {
    let mut previous = String::new();
    for sealed in entries {
        let Some(seal_held) = &sealed.seal else {
            return Err(ChainBreak::Unsealed { id: sealed.id });
        };
        let expected = seal(&previous, sealed.id, &sealed.entry);
        if *seal_held != expected {
            return Err(ChainBreak::Mismatch { id: sealed.id });
        }
        previous = expected;
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(what: &str) -> AuditEntry {
        AuditEntry {
            at: DateTime::parse_from_rfc3339("2026-11-20T09:30:00.123456Z")
                .expect("a time")
                .with_timezone(&Utc),
            account_id: 4,
            action: AuditAction::ViewPupil,
            pupil_id: Some(17),
            what: what.to_owned(),
        }
    }

    fn chain(whats: &[&str]) -> Vec<SealedEntry> {
        let mut previous = String::new();
        whats
            .iter()
            .enumerate()
            .map(|(index, what)| {
                let id = index as i64 + 1;
                let entry = entry(what);
                previous = seal(&previous, id, &entry);
                SealedEntry {
                    id,
                    entry,
                    seal: Some(previous.clone()),
                }
            })
            .collect()
    }

    #[test]
    fn an_edited_removed_or_unsealed_entry_breaks_the_chain_where_it_is() {
        let sealed = chain(&["pupil's record", "attendance of school 914001", "pupil's record"]);
        assert_eq!(verify_chain(&sealed), Ok(3));
        let mut edited = sealed.clone();
        edited[1].entry.what = "nothing to see".into();
        assert_eq!(verify_chain(&edited), Err(ChainBreak::Mismatch { id: 2 }));
        let mut moved = sealed.clone();
        moved[0].entry.pupil_id = Some(18);
        assert_eq!(verify_chain(&moved), Err(ChainBreak::Mismatch { id: 1 }));
        let removed = vec![sealed[0].clone(), sealed[2].clone()];
        assert_eq!(verify_chain(&removed), Err(ChainBreak::Mismatch { id: 3 }));
        let mut unsealed = sealed;
        unsealed[2].seal = None;
        assert_eq!(verify_chain(&unsealed), Err(ChainBreak::Unsealed { id: 3 }));
        // Fields are joined with their lengths, so moving text between them changes the seal.
        let a = AuditEntry {
            what: "1x".into(),
            ..entry("")
        };
        assert_ne!(seal("", 1, &a), seal("", 1, &entry("1x ")));
        assert_eq!(seal("", 1, &a).len(), 64);
    }
}
