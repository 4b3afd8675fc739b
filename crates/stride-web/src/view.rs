//! What every page's layout needs, and how dates and figures are written on a page.

use chrono::NaiveDate;
use stride_core::Account;

use crate::session::SignedIn;

/// The signed-in user as the header shows them, with the token the sign-out form returns.
pub struct UserChrome {
    pub display_name: String,
    pub role: &'static str,
    pub csrf_token: String,
    /// Whether the Imports page is theirs to use.
    pub can_import: bool,
    pub can_see_categorisation: bool,
    /// Whether My work is theirs: they work the Schools Causing Concern cycle.
    pub works_cases: bool,
    pub can_see_register: bool,
}

/// What the layout shows around every page.
pub struct Chrome {
    pub user: Option<UserChrome>,
    pub current: &'static str,
}

impl Chrome {
    pub fn anonymous() -> Chrome {
        Chrome {
            user: None,
            current: "",
        }
    }

    pub fn for_user(signed_in: &SignedIn, current: &'static str) -> Chrome {
        Chrome {
            user: Some(user(&signed_in.account, &signed_in.session.csrf_token)),
            current,
        }
    }
}

fn user(account: &Account, csrf_token: &str) -> UserChrome {
    UserChrome {
        display_name: account.display_name.clone(),
        role: account.role.label(),
        csrf_token: csrf_token.to_owned(),
        can_import: account.role.can_import(),
        can_see_categorisation: account.role.can_see_categorisation(),
        works_cases: account.role.works_cases(),
        can_see_register: account.role.can_see_register(),
    }
}

/// A date as GOV.UK writes it: 4 June 2025.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_gov_uk_way() {
        let date = NaiveDate::from_ymd_opt(2025, 6, 4).expect("valid date");
        assert_eq!(long_date(date), "4 June 2025");
    }
}
