//! Who may see what. One place decides: handlers ask an [`Account`] for a [`VisibleSchool`], and
//! the storage methods that read one school's record take that proof, so a page cannot read a
//! school the user may not see without the compiler noticing.

use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;
use crate::identifiers::Urn;

coded_enum! {
    /// The roles of an LA's education service, as `DOMAIN.md` lists them.
    pub enum Role ("role") {
        DataManager => ("data-manager", "Data manager"),
        ImprovementManager => ("improvement-manager", "Improvement manager"),
        Adviser => ("adviser", "Adviser"),
        InclusionOfficer => ("inclusion-officer", "Inclusion officer"),
        Headteacher => ("headteacher", "Headteacher or chair of governors"),
        ElectedMember => ("elected-member", "Elected member"),
        Administrator => ("administrator", "Administrator"),
    }
}

impl Role {
    /// Inclusion officers work with pupil-level records, and a headteacher with their own
    /// school's; everyone else reads aggregates, with small numbers suppressed.
    pub fn has_pupil_access(self) -> bool {
        matches!(self, Role::InclusionOfficer | Role::Headteacher)
    }

    /// Data managers and administrators bring the published files in.
    pub fn can_import(self) -> bool {
        matches!(self, Role::DataManager | Role::Administrator)
    }

    /// Who may set a school's level by professional judgement, record a self-nomination and keep
    /// a categorisation run in the history.
    pub fn can_decide_categorisation(self) -> bool {
        matches!(self, Role::ImprovementManager | Role::Administrator)
    }

    /// Who works the Schools Causing Concern cycle, each within their scope: sees what is due,
    /// the register and the School Intervention Record, and records visits and meetings.
    pub fn works_cases(self) -> bool {
        matches!(self, Role::ImprovementManager | Role::Adviser)
    }

    /// Who reads the register of schools causing concern without working it: the data manager,
    /// who reports on it.
    pub fn can_see_register(self) -> bool {
        self.works_cases() || self == Role::DataManager
    }

    /// Who reads the audit log of pupil data, and checks its chain: the administrator, who
    /// answers the LA's information governance team.
    pub fn reads_audit_log(self) -> bool {
        self == Role::Administrator
    }

    /// Administrators can change who sees what, so a stolen password alone must not be enough:
    /// they sign in with a code from an authenticator too. Everyone else is offered it.
    pub fn requires_second_factor(self) -> bool {
        self == Role::Administrator
    }

    /// Who sets the cycle's clock rules and the LA's terms: the administrator.
    pub fn configures_cycle(self) -> bool {
        self == Role::Administrator
    }

    /// Who decides a school's steps on the escalation ladder and agrees its plan: the
    /// improvement manager, who owns the register.
    pub fn decides_steps(self) -> bool {
        self == Role::ImprovementManager
    }

    /// Who reads the reports for management, scrutiny and cabinet, each of the schools in their
    /// scope: they are of schools, not pupils, so elected members read them too; a headteacher
    /// has their own school's pages, and an inclusion officer's work is with pupils.
    pub fn can_read_reports(self) -> bool {
        matches!(
            self,
            Role::DataManager | Role::ImprovementManager | Role::Adviser | Role::ElectedMember | Role::Administrator
        )
    }

    /// Who keeps the LA's strategy action plans, entering tasks and their progress: the
    /// improvement manager, the inclusion officer (behaviour and attendance strategies are
    /// theirs), the data manager who writes the progress reports, and the administrator.
    pub fn keeps_action_plans(self) -> bool {
        matches!(
            self,
            Role::ImprovementManager | Role::InclusionOfficer | Role::DataManager | Role::Administrator
        )
    }

    /// Who reads the action plans and their progress reports: those who keep them, and every
    /// reader of reports (elected members scrutinise them).
    pub fn can_read_action_plans(self) -> bool {
        self.keeps_action_plans() || self.can_read_reports()
    }

    /// Who reads school data profiles, each of the schools in their scope: the readers of
    /// reports, and a headteacher or chair, whose own school's profile it is.
    pub fn can_read_school_profiles(self) -> bool {
        self.can_read_reports() || self == Role::Headteacher
    }

    /// Who may read schools' categorisation and its reasons, each within their scope. Elected
    /// members read it in aggregate, in reports; an inclusion officer's work is with pupils.
    pub fn can_see_categorisation(self) -> bool {
        matches!(
            self,
            Role::DataManager | Role::ImprovementManager | Role::Adviser | Role::Headteacher | Role::Administrator
        )
    }
}

/// The schools an account may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchoolScope {
    AllSchools,
    /// An adviser's assigned schools.
    Assigned(Vec<Urn>),
    /// A headteacher's or chair's own school.
    OwnSchool(Urn),
    NoSchools,
}

impl SchoolScope {
    /// The scope a role gives, from the assignments held for the account.
    pub fn for_role(role: Role, assigned: Vec<Urn>) -> SchoolScope {
        match role {
            Role::DataManager | Role::ImprovementManager | Role::ElectedMember | Role::Administrator => {
                SchoolScope::AllSchools
            }
            Role::Adviser => SchoolScope::Assigned(assigned),
            // An officer of an LA-wide service has no patch; one with a patch has its schools.
            Role::InclusionOfficer if assigned.is_empty() => SchoolScope::AllSchools,
            Role::InclusionOfficer => SchoolScope::Assigned(assigned),
            Role::Headteacher => match assigned.as_slice() {
                [own] => SchoolScope::OwnSchool(*own),
                _ => SchoolScope::NoSchools,
            },
        }
    }

    pub fn includes(&self, urn: Urn) -> bool {
        match self {
            SchoolScope::AllSchools => true,
            SchoolScope::Assigned(urns) => urns.contains(&urn),
            SchoolScope::OwnSchool(own) => *own == urn,
            SchoolScope::NoSchools => false,
        }
    }
}

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: SchoolScope,
    /// Whether the account signs in with a code from an authenticator as well as a password.
    pub second_factor: bool,
}

/// Proof that the account asking may see this school. Made only by [`Account::visible_school`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisibleSchool {
    urn: Urn,
}

impl VisibleSchool {
    pub fn urn(self) -> Urn {
        self.urn
    }
}

impl Account {
    pub fn visible_school(&self, urn: Urn) -> Option<VisibleSchool> {
        self.scope.includes(urn).then_some(VisibleSchool { urn })
    }

    pub fn can_see_school(&self, urn: Urn) -> bool {
        self.scope.includes(urn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urn(value: u32) -> Urn {
        Urn::new(value).expect("valid urn")
    }

    fn account(role: Role, assigned: Vec<Urn>) -> Account {
        Account {
            id: 1,
            username: "someone".into(),
            display_name: "Someone".into(),
            role,
            scope: SchoolScope::for_role(role, assigned),
            second_factor: false,
        }
    }

    #[test]
    fn an_adviser_sees_only_their_assigned_schools() {
        let adviser = account(Role::Adviser, vec![urn(100_001), urn(100_002)]);
        assert!(adviser.visible_school(urn(100_001)).is_some());
        assert!(adviser.visible_school(urn(100_003)).is_none());
    }

    #[test]
    fn a_headteacher_sees_only_their_own_school() {
        let head = account(Role::Headteacher, vec![urn(100_005)]);
        assert!(head.can_see_school(urn(100_005)));
        assert!(!head.can_see_school(urn(100_006)));
        let head_without_school = account(Role::Headteacher, vec![]);
        assert!(!head_without_school.can_see_school(urn(100_005)));
    }

    #[test]
    fn officers_with_an_la_wide_remit_see_every_school() {
        for role in [Role::DataManager, Role::ImprovementManager, Role::ElectedMember] {
            assert!(account(role, vec![]).can_see_school(urn(999_999)));
        }
    }

    #[test]
    fn only_inclusion_officers_and_headteachers_have_pupil_access() {
        let with_access: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|role| role.has_pupil_access())
            .collect();
        assert_eq!(with_access, vec![Role::InclusionOfficer, Role::Headteacher]);
    }
}
