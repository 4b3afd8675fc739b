//! Attendance from the register's session marks. Each code counts as present, an approved
//! educational activity (which counts as attendance), authorised or unauthorised absence, or a
//! session that was not possible, as the DfE's guidance says. The codes changed on 19 August
//! 2024 (*Working together to improve school attendance*); marks before then are read in the
//! earlier set.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded_enum;

coded_enum! {
    /// A register mark, in either set. The code is as the register writes it.
    pub enum AttendanceCode ("attendance code") {
        PresentMorning => ("/", "Present (morning)"),
        PresentAfternoon => ("\\", "Present (afternoon)"),
        LateBeforeRegisterClosed => ("L", "Late, before the register closed"),
        LocalAuthorityProvision => ("K", "Attending education provision arranged by the local authority"),
        EducationalVisit => ("V", "Attending an educational visit or trip"),
        SportingActivity => ("P", "Participating in a supervised sporting activity"),
        WorkExperience => ("W", "Attending work experience"),
        OffSiteEducationalActivity => ("B", "Attending any other approved educational activity"),
        DualRegistered => ("D", "Attending another school at which the pupil is registered"),
        ApprovedEducationalActivityBefore2024 => ("J", "Interview (an approved educational activity before August 2024)"),
        Interview => ("J1", "Leave of absence for an interview"),
        LeaveOfAbsence => ("C", "Leave of absence for exceptional circumstances"),
        RegulatedPerformance => ("C1", "Leave of absence for a regulated performance or employment abroad"),
        PartTimeTimetable => ("C2", "Leave of absence for a temporary part-time timetable"),
        Suspended => ("E", "Suspended or permanently excluded, no alternative provision made"),
        Holiday => ("H", "Holiday authorised by the school (before August 2024)"),
        Illness => ("I", "Illness"),
        Medical => ("M", "Medical or dental appointment"),
        ReligiousObservance => ("R", "Religious observance"),
        StudyLeave => ("S", "Study leave"),
        Traveller => ("T", "Parent travelling for occupational purposes"),
        HolidayNotAuthorised => ("G", "Holiday not granted by the school"),
        ReasonNotProvided => ("N", "Reason for absence not yet provided"),
        NotAuthorised => ("O", "Absent in other or unknown circumstances"),
        LateAfterRegisterClosed => ("U", "Late, after the register closed"),
        NoAccessArrangements => ("Q", "Unable to attend because of a lack of access arrangements"),
        TransportNotAvailable => ("Y1", "Unable to attend because transport normally provided is not available"),
        WidespreadTravelDisruption => ("Y2", "Unable to attend because of widespread disruption to travel"),
        PartOfPremisesClosed => ("Y3", "Unable to attend because part of the school premises is closed"),
        WholeSchoolClosed => ("Y4", "Unable to attend because the whole school site is unexpectedly closed"),
        CriminalJustice => ("Y5", "Unable to attend as pupil is in criminal justice detention"),
        PublicHealthGuidance => ("Y6", "Unable to attend in accordance with public health guidance or law"),
        OtherExceptional => ("Y7", "Unable to attend because of other unavoidable circumstances"),
        EnforcedClosure => ("Y", "Unable to attend due to exceptional circumstances (before August 2024)"),
        NotRequiredToAttend => ("X", "Not required to be in school"),
        NotOnRoll => ("Z", "Prospective pupil not on admission register"),
        PlannedClosure => ("#", "Planned whole-school closure"),
    }
}

/// How a session counts in the attendance statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SessionMeaning {
    Present,
    /// Off-site, but attending: counted as attendance, not absence.
    ApprovedEducationalActivity,
    AuthorisedAbsence,
    UnauthorisedAbsence,
    /// Not a possible session: the pupil was not expected.
    NotPossible,
}

/// The day the 2024 regulations' codes came in.
pub fn codes_changed() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 8, 19).unwrap_or_default()
}

/// Why a mark cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("one of the DfE attendance codes ({0})")]
    Unknown(String),
    #[error("a code in use on that day: {code} was {when}")]
    NotInForce { code: &'static str, when: &'static str },
}

impl AttendanceCode {
    /// Reads a mark as the register wrote it, in the code set in force on its day.
    pub fn read(text: &str, day: NaiveDate) -> Result<AttendanceCode, MarkError> {
        let code = AttendanceCode::from_code(text.trim()).map_err(|_| AttendanceCode::unknown())?;
        code.in_force_on(day)?;
        Ok(code)
    }

    /// The error for a mark that is no code at all, listing the codes.
    pub fn unknown() -> MarkError {
        MarkError::Unknown(
            AttendanceCode::ALL
                .iter()
                .map(|code| code.code())
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    /// Whether the code was one of the set in force on a day.
    pub fn in_force_on(self, day: NaiveDate) -> Result<(), MarkError> {
        let from_2024 = day >= codes_changed();
        if from_2024 && self.withdrawn_in_2024() {
            return Err(MarkError::NotInForce {
                code: self.code(),
                when: "withdrawn on 19 August 2024",
            });
        }
        if !from_2024 && self.introduced_in_2024() {
            return Err(MarkError::NotInForce {
                code: self.code(),
                when: "introduced on 19 August 2024",
            });
        }
        Ok(())
    }

    fn withdrawn_in_2024(self) -> bool {
        matches!(
            self,
            AttendanceCode::Holiday
                | AttendanceCode::ApprovedEducationalActivityBefore2024
                | AttendanceCode::EnforcedClosure
        )
    }

    fn introduced_in_2024(self) -> bool {
        use AttendanceCode::*;
        matches!(
            self,
            LocalAuthorityProvision
                | Interview
                | RegulatedPerformance
                | PartTimeTimetable
                | NoAccessArrangements
                | TransportNotAvailable
                | WidespreadTravelDisruption
                | PartOfPremisesClosed
                | WholeSchoolClosed
                | CriminalJustice
                | PublicHealthGuidance
                | OtherExceptional
        )
    }

    pub fn meaning(self) -> SessionMeaning {
        use AttendanceCode::*;
        match self {
            PresentMorning | PresentAfternoon | LateBeforeRegisterClosed => SessionMeaning::Present,
            LocalAuthorityProvision
            | EducationalVisit
            | SportingActivity
            | WorkExperience
            | OffSiteEducationalActivity
            | ApprovedEducationalActivityBefore2024 => SessionMeaning::ApprovedEducationalActivity,
            Interview | LeaveOfAbsence | RegulatedPerformance | PartTimeTimetable | Suspended | Holiday | Illness
            | Medical | ReligiousObservance | StudyLeave | Traveller => SessionMeaning::AuthorisedAbsence,
            HolidayNotAuthorised | ReasonNotProvided | NotAuthorised | LateAfterRegisterClosed => {
                SessionMeaning::UnauthorisedAbsence
            }
            DualRegistered
            | NoAccessArrangements
            | TransportNotAvailable
            | WidespreadTravelDisruption
            | PartOfPremisesClosed
            | WholeSchoolClosed
            | CriminalJustice
            | PublicHealthGuidance
            | OtherExceptional
            | EnforcedClosure
            | NotRequiredToAttend
            | NotOnRoll
            | PlannedClosure => SessionMeaning::NotPossible,
        }
    }

    /// The code as one byte (never 0, which stands for no mark), for keeping a year of marks compactly.
    pub fn to_byte(self) -> u8 {
        let index = AttendanceCode::ALL
            .iter()
            .position(|code| *code == self)
            .unwrap_or_default();
        u8::try_from(index + 1).unwrap_or(u8::MAX)
    }

    pub fn from_byte(byte: u8) -> Option<AttendanceCode> {
        AttendanceCode::ALL.get(usize::from(byte).checked_sub(1)?).copied()
    }
}

/// Persistent absence: 10% or more of possible sessions missed.
pub const PERSISTENT_ABSENCE_PERCENT: f64 = 10.0;
/// Severe absence: 50% or more.
pub const SEVERE_ABSENCE_PERCENT: f64 = 50.0;
/// Close to persistent absence: within two points of it, where the termly targeting meeting
/// looks first.
pub const CLOSE_TO_PERSISTENT_PERCENT: f64 = 8.0;

/// Sessions counted by what they mean, for a pupil, a school or a group over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SessionCounts {
    pub possible: u32,
    pub present: u32,
    pub approved_educational_activity: u32,
    pub authorised: u32,
    pub unauthorised: u32,
}

/// Where a pupil's absence stands against the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AbsenceBand {
    Below,
    CloseToPersistent,
    Persistent,
    Severe,
}

impl AbsenceBand {
    pub fn label(self) -> &'static str {
        match self {
            AbsenceBand::Below => "Below persistent absence",
            AbsenceBand::CloseToPersistent => "Close to persistent absence",
            AbsenceBand::Persistent => "Persistent absence",
            AbsenceBand::Severe => "Severe absence",
        }
    }
}

impl SessionCounts {
    pub fn count(&mut self, code: AttendanceCode) {
        let meaning = code.meaning();
        if meaning != SessionMeaning::NotPossible {
            self.possible += 1;
        }
        match meaning {
            SessionMeaning::Present => self.present += 1,
            SessionMeaning::ApprovedEducationalActivity => self.approved_educational_activity += 1,
            SessionMeaning::AuthorisedAbsence => self.authorised += 1,
            SessionMeaning::UnauthorisedAbsence => self.unauthorised += 1,
            SessionMeaning::NotPossible => {}
        }
    }

    pub fn add(&mut self, other: &SessionCounts) {
        self.possible += other.possible;
        self.present += other.present;
        self.approved_educational_activity += other.approved_educational_activity;
        self.authorised += other.authorised;
        self.unauthorised += other.unauthorised;
    }

    pub fn attended(&self) -> u32 {
        self.present + self.approved_educational_activity
    }

    pub fn absent(&self) -> u32 {
        self.authorised + self.unauthorised
    }

    fn percent(&self, part: u32) -> Option<f64> {
        (self.possible > 0).then(|| f64::from(part) * 100.0 / f64::from(self.possible))
    }

    pub fn attendance_percent(&self) -> Option<f64> {
        self.percent(self.attended())
    }

    pub fn absence_percent(&self) -> Option<f64> {
        self.percent(self.absent())
    }

    pub fn authorised_percent(&self) -> Option<f64> {
        self.percent(self.authorised)
    }

    pub fn unauthorised_percent(&self) -> Option<f64> {
        self.percent(self.unauthorised)
    }

    /// The band, compared in whole sessions (absent × 100 against possible × threshold), so that
    /// a pupil exactly at 10% is persistently absent whatever floating point would make of it.
    pub fn band(&self) -> Option<AbsenceBand> {
        if self.possible == 0 {
            return None;
        }
        let at_least = |percent: f64| f64::from(self.absent()) * 100.0 >= f64::from(self.possible) * percent;
        Some(if at_least(SEVERE_ABSENCE_PERCENT) {
            AbsenceBand::Severe
        } else if at_least(PERSISTENT_ABSENCE_PERCENT) {
            AbsenceBand::Persistent
        } else if at_least(CLOSE_TO_PERSISTENT_PERCENT) {
            AbsenceBand::CloseToPersistent
        } else {
            AbsenceBand::Below
        })
    }

    pub fn persistently_absent(&self) -> bool {
        self.band().is_some_and(|band| band >= AbsenceBand::Persistent)
    }

    pub fn severely_absent(&self) -> bool {
        self.band() == Some(AbsenceBand::Severe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, date: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, date).expect("valid date")
    }

    fn counts(marks: &[&str], on: NaiveDate) -> SessionCounts {
        let mut counts = SessionCounts::default();
        for mark in marks {
            counts.count(AttendanceCode::read(mark, on).expect("a code in force"));
        }
        counts
    }

    #[test]
    fn a_week_of_marks_is_counted_as_the_guidance_says() {
        // Monday to Friday of a pupil in autumn 2024: late once, a medical appointment, an
        // unexplained afternoon, a trip, and Friday's planned closure (not possible).
        let week = ["/", "\\", "L", "\\", "M", "\\", "/", "N", "V", "V", "#", "#"];
        let counts = counts(&week, day(2024, 9, 16));
        assert_eq!(
            counts,
            SessionCounts {
                possible: 10,
                present: 6,
                approved_educational_activity: 2,
                authorised: 1,
                unauthorised: 1,
            }
        );
        assert_eq!(counts.attendance_percent(), Some(80.0));
        assert_eq!(counts.absence_percent(), Some(20.0));
        assert_eq!(counts.band(), Some(AbsenceBand::Persistent));
    }

    #[test]
    fn each_code_counts_where_the_guidance_puts_it() {
        use SessionMeaning::*;
        let after = day(2025, 1, 6);
        let before = day(2023, 1, 9);
        let expected = [
            ("K", after, ApprovedEducationalActivity),
            ("B", after, ApprovedEducationalActivity),
            ("J1", after, AuthorisedAbsence),
            ("J", before, ApprovedEducationalActivity),
            ("C2", after, AuthorisedAbsence),
            ("E", after, AuthorisedAbsence),
            ("H", before, AuthorisedAbsence),
            ("S", after, AuthorisedAbsence),
            ("G", after, UnauthorisedAbsence),
            ("U", after, UnauthorisedAbsence),
            ("O", before, UnauthorisedAbsence),
            ("D", after, NotPossible),
            ("Q", after, NotPossible),
            ("Y1", after, NotPossible),
            ("Y", before, NotPossible),
            ("X", after, NotPossible),
            ("Z", after, NotPossible),
        ];
        for (code, on, meaning) in expected {
            assert_eq!(
                AttendanceCode::read(code, on).map(AttendanceCode::meaning),
                Ok(meaning),
                "{code}"
            );
        }
    }

    #[test]
    fn codes_are_read_in_the_set_of_their_day() {
        assert!(AttendanceCode::read("H", day(2024, 8, 18)).is_ok());
        assert!(matches!(
            AttendanceCode::read("H", day(2024, 8, 19)),
            Err(MarkError::NotInForce { .. })
        ));
        assert!(matches!(
            AttendanceCode::read("K", day(2024, 7, 1)),
            Err(MarkError::NotInForce { .. })
        ));
        assert!(AttendanceCode::read("K", day(2024, 8, 19)).is_ok());
        assert!(matches!(
            AttendanceCode::read("A", day(2024, 9, 2)),
            Err(MarkError::Unknown(_))
        ));
    }

    #[test]
    fn persistent_and_severe_absence_at_their_boundaries() {
        let absent = |absent: u32, possible: u32| SessionCounts {
            possible,
            present: possible - absent,
            authorised: absent,
            ..SessionCounts::default()
        };
        assert_eq!(absent(9, 100).band(), Some(AbsenceBand::CloseToPersistent));
        assert_eq!(absent(7, 100).band(), Some(AbsenceBand::Below));
        assert_eq!(absent(8, 100).band(), Some(AbsenceBand::CloseToPersistent));
        assert_eq!(absent(10, 100).band(), Some(AbsenceBand::Persistent));
        // 19 of 190 is exactly 10%; 18 of 190 is 9.47%.
        assert!(absent(19, 190).persistently_absent());
        assert!(!absent(18, 190).persistently_absent());
        assert!(!absent(49, 100).severely_absent());
        assert!(absent(50, 100).severely_absent());
        assert!(absent(50, 100).persistently_absent());
        assert_eq!(SessionCounts::default().band(), None);
    }

    #[test]
    fn every_code_survives_its_byte() {
        for code in AttendanceCode::ALL {
            assert_eq!(AttendanceCode::from_byte(code.to_byte()), Some(*code));
        }
        assert_eq!(AttendanceCode::from_byte(0), None);
    }
}
