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
    pub can_read_reports: bool,
    pub can_read_action_plans: bool,
    /// Whether Pupils is theirs: pupil records in their scope.
    pub has_pupil_access: bool,
    pub reads_audit_log: bool,
    /// Whether they may count pupils (vulnerable learners), suppressed without pupil access.
    pub can_count_pupils: bool,
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
        can_read_reports: account.role.can_read_reports(),
        can_read_action_plans: account.role.can_read_action_plans(),
        has_pupil_access: account.role.has_pupil_access(),
        reads_audit_log: account.role.reads_audit_log(),
        can_count_pupils: account.role.has_pupil_access() || account.role.can_read_reports(),
    }
}

/// A table as a page shows it: its caption, headings (with whether each is of numbers) and each
/// row's cells in words.
pub struct ShownTable {
    pub caption: String,
    pub headings: Vec<(String, bool)>,
    pub rows: Vec<Vec<ShownCell>>,
}

/// A cell in words, with where its figure came from where it says: a page links the figure
/// to the source's page, so that it can be traced to the file imported.
pub struct ShownCell {
    pub text: String,
    pub source: Option<(String, String)>,
}

impl ShownCell {
    fn of(cell: &stride_core::table::Cell) -> ShownCell {
        ShownCell {
            text: cell.display(),
            source: cell.source().map(|source| (source_href(source), source.to_owned())),
        }
    }
}

impl std::fmt::Display for ShownCell {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.text)
    }
}

/// The address of a source's page: what was imported under that name, when and by whom.
pub fn source_href(source: &str) -> String {
    format!(
        "/sources?{}",
        serde_urlencoded::to_string([("name", source)]).unwrap_or_default()
    )
}

impl ShownTable {
    pub fn of(table: &stride_core::table::Table) -> ShownTable {
        ShownTable {
            caption: table.title.clone(),
            headings: table
                .columns
                .iter()
                .map(|column| (column.heading.clone(), column.numeric))
                .collect(),
            rows: table
                .rows
                .iter()
                .map(|row| row.iter().map(ShownCell::of).collect())
                .collect(),
        }
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
