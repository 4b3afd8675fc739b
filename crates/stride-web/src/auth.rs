//! Passwords (argon2id) and the random tokens of sessions and forms.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::WebError;

/// Hashes a password with argon2id and a random salt, in the PHC string format.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|error| WebError::Password(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| WebError::Password(error.to_string()))
}

/// Whether the password matches the stored hash. A hash that cannot be read matches nothing.
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A hash to check a password against when the username is unknown, so that a wrong username
/// takes as long to refuse as a wrong password and does not reveal which accounts exist.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c3RyaWRlZGVjb3lzYWx0$7X8hBv6jbFjbTVpHtZ1pWQ0e1Sx3Hjl1uPLMHHb3xN8"
}

/// The shortest password taken: the NCSC's minimum.
pub const SHORTEST_PASSWORD: usize = 8;
/// The longest: long passphrases are welcome, but hashing a megabyte is a way to tie up a server.
pub const LONGEST_PASSWORD: usize = 256;

/// Why a new password is refused, if it is. The NCSC advises against rules of composition
/// (a capital, a digit, a symbol) and for refusing the passwords attackers try first: this
/// refuses those zxcvbn finds quickly, from its list of 30,000 common passwords, English words
/// and names, keyboard patterns, dates and repeats, and from the account's own names and the
/// service's. The web and the command line both ask here, so both refuse the same passwords.
pub fn password_problem(password: &str, username: &str, display_name: &str) -> Option<String> {
    let length = password.chars().count();
    if length < SHORTEST_PASSWORD {
        return Some(format!("Enter a password of at least {SHORTEST_PASSWORD} characters"));
    }
    if length > LONGEST_PASSWORD {
        return Some(format!("Enter a password of {LONGEST_PASSWORD} characters or fewer"));
    }
    let estimate = zxcvbn::zxcvbn(password, &[username, display_name, "stride"]);
    if u8::from(estimate.score()) >= 3 {
        return None;
    }
    let why = estimate
        .feedback()
        .and_then(|feedback| feedback.warning())
        .map(|warning| format!(" ({warning})"))
        .unwrap_or_default();
    Some(format!(
        "Enter a password that is harder to guess{why}: a few unrelated words together make a good one"
    ))
}

/// 32 random bytes, as hex, from the thread's cryptographically secure generator (seeded and
/// reseeded from the operating system).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The SHA-256 of a session token, which is what the database keeps.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery staple").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery staple"));
        assert!(!verify_password(&hash, "Correct horse battery staple"));
        assert!(!verify_password("not a hash", "anything"));
    }

    #[test]
    fn common_and_short_passwords_are_refused_and_passphrases_taken() {
        for refused in [
            "password1",
            "Password123!",
            "qwertyuiop",
            "letmein2024",
            "sunshine",
            "short",
        ] {
            assert!(password_problem(refused, "", "").is_some(), "{refused} refused");
        }
        assert!(
            password_problem("wealdshire.manager", "wealdshire.manager", "").is_some(),
            "own name"
        );
        assert!(password_problem(&"x".repeat(257), "", "").is_some());
        for taken in [
            "correct horse battery staple",
            "otter kettle marmalade 1987",
            "stride-demo-2026",
        ] {
            assert_eq!(password_problem(taken, "", ""), None, "{taken} taken");
        }
    }

    #[test]
    fn the_decoy_hash_is_readable_and_matches_nothing_likely() {
        assert!(PasswordHash::new(decoy_hash()).is_ok());
        assert!(!verify_password(decoy_hash(), "stride-demo-2026"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (first, second) = (random_token(), random_token());
        assert_eq!(first.len(), 64);
        assert_ne!(first, second);
        assert_eq!(token_hash(&first).len(), 64);
        assert_ne!(token_hash(&first), first);
        assert!(same_secret(&first, &first.clone()));
        assert!(!same_secret(&first, &second));
    }
}
