//! Pupils and what happens to them: the UPN, census returns and characteristics over time,
//! attendance from the register's marks, the vulnerability overlap, and who may see whom.
//!
//! Pupil data is special-category personal data. Nothing here prints a name or a UPN in a
//! `Debug`, and everything that reads a pupil takes a [`PupilScope`], so a caller cannot read a
//! child without saying whose eyes it is for.

pub mod attendance;
pub mod audit;
pub mod episodes;
pub mod exclusions;
pub mod marks;
pub mod overlap;
pub mod record;
pub mod scope;
pub mod tables;
pub mod terms;
pub mod trend;
mod upn;

pub use attendance::{AbsenceBand, AttendanceCode, SessionCounts, SessionMeaning};
pub use audit::{AuditAction, AuditEntry, ChainBreak, SealedEntry};
pub use marks::{PupilMarks, Session, YearOfMarks};
pub use record::{
    CensusReturn, Characteristic, CharacteristicSpan, Gender, Placement, Pupil, PupilCensusRecord, SenNeed, YearGroup,
};
pub use scope::PupilScope;
pub use terms::{Term, TermOfYear, TermSummary};
pub use upn::{Upn, UpnError};
