//! The identifiers the DfE gives establishments and local authorities.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("'{0}' is not a URN: a URN is a whole number of up to six digits")]
    Urn(String),
    #[error("'{0}' is not an LA code: an LA code is three digits, from 201 to 999")]
    LaCode(String),
    #[error("'{0}' is not a DfE number: expected an LA code, then four digits, as 9902001 or 990/2001")]
    DfeNumber(String),
}

/// Unique Reference Number of an establishment. Schools' URNs have six digits, but GIAS gives
/// children's centres and some other establishments shorter ones (20115), so any whole number
/// up to 999999 is a URN. A new URN is issued when a school converts to an academy, so one
/// school's history can span two URNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Urn(u32);

impl Urn {
    pub fn new(value: u32) -> Result<Self, IdentifierError> {
        if (1..=999_999).contains(&value) {
            Ok(Urn(value))
        } else {
            Err(IdentifierError::Urn(value.to_string()))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Urn {
    type Error = IdentifierError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Urn::new(value)
    }
}

impl From<Urn> for u32 {
    fn from(urn: Urn) -> u32 {
        urn.0
    }
}

impl FromStr for Urn {
    type Err = IdentifierError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.len() > 6 || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(IdentifierError::Urn(text.to_owned()));
        }
        trimmed
            .parse::<u32>()
            .map_err(|_| IdentifierError::Urn(text.to_owned()))
            .and_then(Urn::new)
    }
}

impl fmt::Display for Urn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// A local authority's three-digit code, as in the DfE number and LAIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LaCode(u16);

impl LaCode {
    pub fn new(value: u16) -> Result<Self, IdentifierError> {
        if (201..=999).contains(&value) {
            Ok(LaCode(value))
        } else {
            Err(IdentifierError::LaCode(value.to_string()))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl FromStr for LaCode {
    type Err = IdentifierError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if trimmed.len() != 3 || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(IdentifierError::LaCode(text.to_owned()));
        }
        trimmed
            .parse::<u16>()
            .map_err(|_| IdentifierError::LaCode(text.to_owned()))
            .and_then(LaCode::new)
    }
}

impl fmt::Display for LaCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// The DfE number: the LA code and the four-digit establishment number, written 990/2001.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DfeNumber {
    pub la: LaCode,
    establishment_number: u16,
}

impl DfeNumber {
    pub fn new(la: LaCode, establishment_number: u16) -> Result<Self, IdentifierError> {
        if (1000..=9999).contains(&establishment_number) {
            Ok(DfeNumber {
                la,
                establishment_number,
            })
        } else {
            Err(IdentifierError::DfeNumber(format!("{la}{establishment_number}")))
        }
    }

    pub fn establishment_number(self) -> u16 {
        self.establishment_number
    }
}

impl FromStr for DfeNumber {
    type Err = IdentifierError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text.chars().filter(|c| *c != '/').collect();
        let error = || IdentifierError::DfeNumber(text.to_owned());
        if digits.len() != 7 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(error());
        }
        let la = digits[..3].parse::<u16>().map_err(|_| error())?;
        let number = digits[3..].parse::<u16>().map_err(|_| error())?;
        DfeNumber::new(LaCode::new(la).map_err(|_| error())?, number).map_err(|_| error())
    }
}

impl fmt::Display for DfeNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.la, self.establishment_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_urn_is_a_whole_number_of_up_to_six_digits() {
        assert_eq!("123456".parse::<Urn>().map(Urn::get), Ok(123_456));
        assert_eq!("20115".parse::<Urn>().map(Urn::get), Ok(20_115));
        assert!("1234567".parse::<Urn>().is_err());
        assert!("12a456".parse::<Urn>().is_err());
        assert!("".parse::<Urn>().is_err());
        assert!("000000".parse::<Urn>().is_err());
        assert!(Urn::new(0).is_err());
    }

    #[test]
    fn a_dfe_number_reads_with_or_without_its_slash() {
        let number: DfeNumber = "990/2001".parse().expect("valid");
        assert_eq!(number, "9902001".parse().expect("valid"));
        assert_eq!(number.to_string(), "990/2001");
        assert!("990/201".parse::<DfeNumber>().is_err());
        assert!("100/2001".parse::<DfeNumber>().is_err());
    }
}
