//! What nearly every request reads and seldom changes, kept for a moment so that a burst of
//! requests reads it once: the account a session has signed in, and the figures version with
//! the deployment's LA. A school's page was six round trips to SQLite's thread, most of them
//! these.
//!
//! Nothing kept outlives a change this server makes: every request that may change something
//! (any but GET and HEAD), and the work that changes things away from a request (an upload's
//! import finishing, a sign-in through the identity provider, the page that offers an
//! authenticator's key), counts a change, and a value read before the latest change is not given
//! again. A handler of GET that changes a session or an account must call [`Recent::changed`]. A change made by another process (the command
//! line revoking an account's sessions, or importing) is seen within the moment a value is kept.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use stride_core::LocalAuthority;

use crate::AppState;
use crate::session::SignedIn;

/// How long a session's signed-in account is kept: a revocation from the command line takes
/// effect within it.
pub const SESSIONS_KEPT_FOR: Duration = Duration::from_secs(1);
/// How long the figures version is kept: an import from the command line shows within it.
pub const IMPORTED_KEPT_FOR: Duration = Duration::from_secs(1);
/// Sessions kept at most, so that memory stays bounded however many sign in.
const MOST_SESSIONS: usize = 10_000;

/// The figures version (which changes with every import) and the deployment's own LA.
#[derive(Debug, Clone)]
pub struct Imported {
    pub figures_version: i64,
    pub local_authority: Option<LocalAuthority>,
}

struct Kept<T> {
    at: Instant,
    /// The count of changes when the value was read.
    changes: u64,
    value: T,
}

#[derive(Default)]
pub struct Recent {
    changes: AtomicU64,
    sessions: Mutex<HashMap<String, Kept<SignedIn>>>,
    imported: Mutex<Option<Kept<Imported>>>,
}

impl Recent {
    /// The count of changes so far: read it before reading what is to be kept.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    /// Something may have changed: nothing read before now is given again.
    pub fn changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    fn fresh<T: Clone>(&self, kept: Option<&Kept<T>>, kept_for: Duration) -> Option<T> {
        kept.filter(|kept| kept.changes == self.changes() && kept.at.elapsed() < kept_for)
            .map(|kept| kept.value.clone())
    }

    /// The account the session (by its token's hash) was found signed in to a moment ago.
    pub fn signed_in(&self, token_hash: &str) -> Option<SignedIn> {
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        self.fresh(sessions.get(token_hash), SESSIONS_KEPT_FOR)
    }

    pub fn keep_signed_in(&self, token_hash: String, signed_in: SignedIn, changes: u64) {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if sessions.len() >= MOST_SESSIONS {
            sessions.clear();
        }
        sessions.insert(
            token_hash,
            Kept {
                at: Instant::now(),
                changes,
                value: signed_in,
            },
        );
    }

    pub fn imported(&self) -> Option<Imported> {
        let imported = self.imported.lock().unwrap_or_else(PoisonError::into_inner);
        self.fresh(imported.as_ref(), IMPORTED_KEPT_FOR)
    }

    pub fn keep_imported(&self, imported: Imported, changes: u64) {
        *self.imported.lock().unwrap_or_else(PoisonError::into_inner) = Some(Kept {
            at: Instant::now(),
            changes,
            value: imported,
        });
    }
}

/// Counts a change once a request that may have changed something is answered, before its
/// answer leaves: whoever reads the answer then reads afresh.
pub async fn note_changes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let may_change = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if may_change {
        state.recent.changed();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(version: i64) -> Imported {
        Imported {
            figures_version: version,
            local_authority: None,
        }
    }

    #[test]
    fn a_value_is_given_again_until_something_changes() {
        let recent = Recent::default();
        assert!(recent.imported().is_none());
        recent.keep_imported(imported(4), recent.changes());
        assert_eq!(recent.imported().map(|kept| kept.figures_version), Some(4));
        recent.changed();
        assert!(recent.imported().is_none(), "read before the change");
    }

    #[test]
    fn a_value_read_before_a_change_is_not_kept_as_fresh() {
        let recent = Recent::default();
        let changes = recent.changes();
        // A change lands while the value is being read.
        recent.changed();
        recent.keep_imported(imported(4), changes);
        assert!(recent.imported().is_none());
    }

    #[test]
    fn a_value_is_not_given_after_its_moment() {
        let recent = Recent::default();
        *recent.imported.lock().expect("not poisoned") = Some(Kept {
            at: Instant::now() - IMPORTED_KEPT_FOR,
            changes: recent.changes(),
            value: imported(4),
        });
        assert!(recent.imported().is_none());
    }
}
