//! The second factor: a time-based one-time password (RFC 6238, HMAC-SHA1, six digits, a new
//! code every 30 seconds), as Microsoft Authenticator, Google Authenticator and the like make
//! from a key scanned once as a QR code.

use qrcode::QrCode;
use qrcode::render::svg;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds each code lasts.
const STEP_SECONDS: i64 = 30;
/// A code of the step before or after is taken too, since phones' clocks drift and a code
/// typed at the end of its half-minute arrives in the next.
const STEPS_EITHER_SIDE: i64 = 1;

/// A new key: 160 random bits, the length RFC 4226 recommends, in base32 as apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn generator(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECONDS as u64, bytes).ok()
}

/// The step of the code matched, if the code is this key's at a step near `now_unix` and later
/// than `last_used`: a code once used is refused, so one seen over a shoulder is worthless.
pub fn matching_step(secret: &str, code: &str, now_unix: i64, last_used: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|character| !character.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let generator = generator(secret)?;
    let now_step = now_unix.div_euclid(STEP_SECONDS);
    (now_step - STEPS_EITHER_SIDE..=now_step + STEPS_EITHER_SIDE)
        .filter(|step| last_used.is_none_or(|used| *step > used) && *step >= 0)
        .find(|step| {
            let expected = generator.generate((step * STEP_SECONDS) as u64);
            crate::auth::same_secret(&expected, &code)
        })
}

/// The address an authenticator app reads from the QR code (Google's key URI format, which
/// every app takes).
pub fn key_uri(secret: &str, username: &str) -> String {
    let label: String = serde_urlencoded::to_string([("", format!("Stride:{username}"))])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned();
    format!("otpauth://totp/{label}?secret={secret}&issuer=Stride&algorithm=SHA1&digits=6&period={STEP_SECONDS}")
}

/// The key URI as a QR code, an SVG image to put in the page.
pub fn qr_code_svg(uri: &str) -> String {
    QrCode::new(uri.as_bytes())
        .map(|code| {
            code.render::<svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The key in groups of four, easier to type into an app than one long string.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238's test key "12345678901234567890", in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn the_codes_are_rfc_6238s_for_its_test_key() {
        // Appendix B gives eight digits; six are their last six.
        assert_eq!(matching_step(RFC_KEY, "287082", 59, None), Some(1));
        assert_eq!(matching_step(RFC_KEY, "081804", 1_111_111_109, None), Some(37_037_036));
        assert_eq!(matching_step(RFC_KEY, "050471", 1_111_111_111, None), Some(37_037_037));
        assert_eq!(matching_step(RFC_KEY, "005924", 1_234_567_890, None), Some(41_152_263));
        assert_eq!(matching_step(RFC_KEY, "279037", 2_000_000_000, None), Some(66_666_666));
    }

    #[test]
    fn a_code_is_taken_a_step_either_side_and_never_twice() {
        // 081804 is the code of the step of 1,111,111,109 seconds (37,037,036).
        assert_eq!(
            matching_step(RFC_KEY, "081804", 1_111_111_109 + 30, None),
            Some(37_037_036)
        );
        assert_eq!(matching_step(RFC_KEY, "081804", 1_111_111_109 + 60, None), None);
        assert_eq!(matching_step(RFC_KEY, "081804", 1_111_111_109, Some(37_037_036)), None);
        assert_eq!(matching_step(RFC_KEY, "081 804", 1_111_111_109, None), Some(37_037_036));
        assert_eq!(matching_step(RFC_KEY, "08180", 1_111_111_109, None), None);
        assert_eq!(matching_step("not base32!", "081804", 1_111_111_109, None), None);
    }

    #[test]
    fn a_new_key_makes_codes_and_a_qr_code() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        assert_ne!(secret, new_secret());
        let uri = key_uri(&secret, "data.manager");
        assert!(uri.starts_with("otpauth://totp/Stride%3Adata.manager?secret="), "{uri}");
        assert!(qr_code_svg(&uri).contains("<svg"));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
