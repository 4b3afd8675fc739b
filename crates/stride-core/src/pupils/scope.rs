//! Whose records an account may read. A pupil outside the scope does not exist for that account:
//! not in a page, a search, a download or a count.

use serde::Serialize;

use crate::access::{Account, Role, SchoolScope};
use crate::identifiers::Urn;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PupilScope {
    /// An LA-wide service (attendance, children missing education): every pupil.
    AllPupils,
    /// Pupils on roll at these schools (a headteacher's own, an officer's patch), and the
    /// children on the officer's caseload wherever they are.
    Schools {
        schools: Vec<Urn>,
        caseload_of: Option<i64>,
    },
    NoPupils,
}

impl PupilScope {
    pub fn of(account: &Account) -> PupilScope {
        match (account.role, &account.scope) {
            (Role::InclusionOfficer, SchoolScope::AllSchools) => PupilScope::AllPupils,
            (Role::InclusionOfficer, SchoolScope::Assigned(schools)) => PupilScope::Schools {
                schools: schools.clone(),
                caseload_of: Some(account.id),
            },
            (Role::Headteacher, SchoolScope::OwnSchool(own)) => PupilScope::Schools {
                schools: vec![*own],
                caseload_of: None,
            },
            _ => PupilScope::NoPupils,
        }
    }

    pub fn is_none(&self) -> bool {
        *self == PupilScope::NoPupils
    }

    /// Whether a pupil on roll at `school` (their latest return), on a caseload of the accounts
    /// in `caseload`, is in the scope.
    pub fn includes(&self, school: Option<Urn>, caseload: &[i64]) -> bool {
        match self {
            PupilScope::AllPupils => true,
            PupilScope::Schools { schools, caseload_of } => {
                school.is_some_and(|school| schools.contains(&school))
                    || caseload_of.is_some_and(|officer| caseload.contains(&officer))
            }
            PupilScope::NoPupils => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, assigned: Vec<Urn>) -> Account {
        Account {
            id: 7,
            username: "someone".into(),
            display_name: "Someone".into(),
            role,
            scope: SchoolScope::for_role(role, assigned),
            second_factor: false,
        }
    }

    fn urn(value: u32) -> Urn {
        Urn::new(value).expect("valid urn")
    }

    #[test]
    fn each_role_reads_the_pupils_of_its_remit() {
        let service = PupilScope::of(&account(Role::InclusionOfficer, vec![]));
        assert!(service.includes(Some(urn(914_001)), &[]));
        let patch = PupilScope::of(&account(Role::InclusionOfficer, vec![urn(914_001)]));
        assert!(patch.includes(Some(urn(914_001)), &[]));
        assert!(!patch.includes(Some(urn(914_002)), &[]));
        assert!(
            patch.includes(Some(urn(914_002)), &[3, 7]),
            "a child on their caseload, wherever they are"
        );
        assert!(!patch.includes(None, &[3]));
        let head = PupilScope::of(&account(Role::Headteacher, vec![urn(914_002)]));
        assert!(head.includes(Some(urn(914_002)), &[]));
        assert!(!head.includes(Some(urn(914_001)), &[7]));
        for role in [
            Role::DataManager,
            Role::ImprovementManager,
            Role::Adviser,
            Role::ElectedMember,
            Role::Administrator,
        ] {
            assert!(PupilScope::of(&account(role, vec![urn(914_001)])).is_none(), "{role}");
        }
    }
}
