//! How guessing passwords is slowed: a username with too many wrong passwords in a short window
//! is refused for a while, whatever is typed, then may try again. The NCSC advises throttling
//! like this rather than locking accounts until someone unlocks them, which would let anyone
//! lock an officer out for good.

use chrono::{DateTime, Duration, Utc};

/// Wrong passwords within [`WINDOW`] that lock a username.
pub const ATTEMPTS: usize = 5;
pub const WINDOW: Duration = Duration::minutes(15);

/// Until when a username is refused at `now`, given the times of its wrong passwords: from the
/// [`ATTEMPTS`]th wrong password in the window until the earliest of those leaves it.
pub fn locked_until(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let mut recent: Vec<DateTime<Utc>> = failures
        .iter()
        .copied()
        .filter(|at| *at <= now && now - *at < WINDOW)
        .collect();
    if recent.len() < ATTEMPTS {
        return None;
    }
    recent.sort();
    Some(recent[recent.len() - ATTEMPTS] + WINDOW)
}

/// Whole minutes left, rounded up, for telling the person when to try again.
pub fn minutes_left(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_seconds() + 59).div_euclid(60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
            .expect("a time")
            .with_timezone(&Utc)
            + Duration::minutes(minute)
    }

    #[test]
    fn the_fifth_wrong_password_in_fifteen_minutes_locks_until_the_first_leaves_the_window() {
        let four = [at(0), at(1), at(2), at(3)];
        assert_eq!(locked_until(&four, at(4)), None, "four are allowed");
        let five = [at(0), at(1), at(2), at(3), at(4)];
        assert_eq!(locked_until(&five, at(4)), Some(at(15)));
        assert_eq!(minutes_left(at(15), at(4)), 11);
        assert_eq!(locked_until(&five, at(15)), None, "the first has left the window");
        let spread = [at(0), at(10), at(20), at(30), at(40)];
        assert_eq!(locked_until(&spread, at(41)), None, "slow guessing is not locked");
        let six = [at(9), at(0), at(5), at(6), at(7), at(8)];
        assert_eq!(
            locked_until(&six, at(10)),
            Some(at(20)),
            "the latest five count, in any order"
        );
    }
}
