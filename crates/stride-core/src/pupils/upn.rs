//! The Unique Pupil Number: a check letter, the LA and establishment that allocated it, the year,
//! and a serial (a temporary UPN ends in a letter). The DfE's check is a weighted sum modulo 23.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The letters a check letter (and a temporary UPN's last character) is written in: the alphabet
/// without I, O and S, which read like 1, 0 and 5.
const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Why a text is not a UPN. The text itself is never repeated: a UPN is personal data, and errors
/// end up in logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UpnError {
    #[error("a UPN of 13 characters")]
    Length,
    #[error("a UPN whose characters 2 to 12 are digits and whose 13th is a digit or a letter other than I, O or S")]
    Form,
    #[error("a UPN whose first character is the check letter of the other twelve")]
    CheckLetter,
}

/// A UPN whose form and check letter have been checked. Its `Debug` hides the number, so that a
/// record printed in a log does not identify the child.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

impl Upn {
    pub fn parse(text: &str) -> Result<Upn, UpnError> {
        let text = text.trim().to_ascii_uppercase();
        let bytes = text.as_bytes();
        if bytes.len() != 13 {
            return Err(UpnError::Length);
        }
        let body = &bytes[1..];
        let expected = check_letter(body).ok_or(UpnError::Form)?;
        if bytes[0] != expected {
            return Err(UpnError::CheckLetter);
        }
        Ok(Upn(text))
    }

    /// The UPN for twelve characters, with its check letter put in front: how the synthetic LA
    /// and tests make valid numbers.
    pub fn with_check_letter(body: &str) -> Result<Upn, UpnError> {
        let letter = check_letter(body.as_bytes()).ok_or(UpnError::Form)?;
        Upn::parse(&format!("{}{body}", letter as char))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check letter of characters 2 to 13: each character times its position (2 to 13), a
/// temporary UPN's final letter counting as its place in `LETTERS`, summed modulo 23.
fn check_letter(body: &[u8]) -> Option<u8> {
    if body.len() != 12 {
        return None;
    }
    let mut sum = 0usize;
    for (index, &character) in body.iter().enumerate() {
        let value = if character.is_ascii_digit() {
            usize::from(character - b'0')
        } else if index == 11 {
            LETTERS.iter().position(|&letter| letter == character)?
        } else {
            return None;
        };
        sum += value * (index + 2);
    }
    Some(LETTERS[sum % 23])
}

impl fmt::Display for Upn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl fmt::Debug for Upn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Upn(…)")
    }
}

impl TryFrom<String> for Upn {
    type Error = UpnError;
    fn try_from(text: String) -> Result<Upn, UpnError> {
        Upn::parse(&text)
    }
}

impl From<Upn> for String {
    fn from(upn: Upn) -> String {
        upn.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_worked_examples_check() {
        // The example python-stdnum documents as valid, and the one it documents as failing.
        assert!(Upn::parse("B801200005001").is_ok());
        assert_eq!(Upn::parse("A801200005001"), Err(UpnError::CheckLetter));
        assert_eq!(Upn::parse("B207000016049"), Err(UpnError::CheckLetter));
    }

    #[test]
    fn the_check_letter_is_the_weighted_sum_modulo_23() {
        // MIS suppliers' census guidance works this one as 2×2 + 4×7 + 9×1 + 10×6 + 12×4 + 13×9
        // and calls it 267, so Q; the terms sum to 266 = 11 × 23 + 13, the 14th letter, P.
        assert_eq!(check_letter(b"207000016049"), Some(b'P'));
        assert_eq!(
            Upn::with_check_letter("207000016049").map(|upn| upn.to_string()),
            Ok("P207000016049".into())
        );
        // 8×2 + 1×4 + 2×5 + 5×10 + 1×13 = 93 = 4 × 23 + 1 → B.
        assert_eq!(check_letter(b"801200005001"), Some(b'B'));
    }

    #[test]
    fn a_temporary_upn_counts_its_last_letter_by_its_place() {
        let temporary = Upn::with_check_letter("80120000500A").expect("valid temporary UPN");
        assert!(Upn::parse(temporary.as_str()).is_ok());
        // A temporary UPN may not end in I, O or S, nor have a letter elsewhere.
        assert_eq!(Upn::with_check_letter("80120000500I"), Err(UpnError::Form));
        assert_eq!(Upn::parse("X80120000A001"), Err(UpnError::Form));
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let upn = "B801200005001";
        for position in 1..13 {
            for digit in b'0'..=b'9' {
                let mut changed = upn.as_bytes().to_vec();
                if changed[position] == digit {
                    continue;
                }
                changed[position] = digit;
                let changed = String::from_utf8(changed).expect("ascii");
                assert!(Upn::parse(&changed).is_err(), "{changed} should fail its check");
            }
        }
    }

    #[test]
    fn lengths_and_debug() {
        assert_eq!(Upn::parse("B80120000500"), Err(UpnError::Length));
        assert_eq!(
            Upn::parse(" b801200005001 ").map(|upn| upn.to_string()),
            Ok("B801200005001".into())
        );
        let upn = Upn::parse("B801200005001").expect("valid");
        assert!(!format!("{upn:?}").contains("801"));
    }
}
