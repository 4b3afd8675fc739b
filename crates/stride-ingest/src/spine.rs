//! The performance tables' school information, the "spine": every school in the tables with
//! its type, phases and ages, in the tables' own words, not GIAS's. GIAS is the register, so
//! storage adds a school from the spine only where GIAS has not given it.

use chrono::NaiveDate;
use stride_core::import::EstablishmentRecord;
use stride_core::{DfeNumber, EstablishmentStatus, EstablishmentType, LaCode, Phase, Urn};

use crate::IngestError;
use crate::table::{Errors, Table};

pub fn is_school_information(has: impl Fn(&str) -> bool) -> bool {
    has("URN") && has("NFTYPE") && has("ISPRIMARY")
}

fn establishment_type(name: &str) -> Option<EstablishmentType> {
    use EstablishmentType::*;
    // The tables write "Free school  16-19" with two spaces.
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match name.as_str() {
        "Community school" => Community,
        "Foundation school" => Foundation,
        "Voluntary aided school" => VoluntaryAided,
        "Voluntary controlled school" => VoluntaryControlled,
        "Academy - Converter mainstream" => AcademyConverter,
        "Academy sponsor led mainstream" => AcademySponsorLed,
        "Free school - Mainstream" => FreeSchool,
        "Community special school" => CommunitySpecial,
        "Foundation special school" => FoundationSpecial,
        "Academy - Converter special school" | "Academy - Sponsor led special school" => AcademySpecial,
        "Free school - Special" => FreeSchoolSpecial,
        "Non-maintained special school" => NonMaintainedSpecial,
        "Academy 16-19 converter" | "Academy 16-19 sponsor led" | "Free school 16-19" => Academy16To19,
        "Studio school" => StudioSchool,
        "University technical college" => UniversityTechnicalCollege,
        "Other independent school" => Independent,
        "Other independent special school" => IndependentSpecial,
        "General further education college"
        | "Sixth form college"
        | "Sixth form centre/consortia"
        | "Agriculture and horticulture college"
        | "Specialist designated college"
        | "Art, design and performing art college" => FurtherEducation,
        "Pupil referral unit" => PupilReferralUnit,
        "Academy - Alternative provision" | "Free school - Alternative provision" => AlternativeProvisionAcademy,
        "City technology college"
        | "Service childrens education"
        | "Institution funded by other government department" => Other,
        _ => return None,
    })
}

const TYPES: &str = "a type of school as the performance tables name it, such as 'Community school' or \
     'Academy - Converter mainstream'";

/// The phase from the tables' primary, secondary and post-16 flags and the age range; special
/// schools and alternative provision have their own, as GIAS's readers give them.
fn phase(kind: EstablishmentType, flags: (bool, bool, bool), ages: (Option<u8>, Option<u8>)) -> Phase {
    if kind.is_special() {
        return Phase::Special;
    }
    if matches!(
        kind,
        EstablishmentType::PupilReferralUnit | EstablishmentType::AlternativeProvisionAcademy
    ) {
        return Phase::AlternativeProvision;
    }
    match (flags, ages) {
        ((true, true, _), (Some(low), Some(high))) if low >= 8 && high <= 14 => Phase::Middle,
        ((true, true, _), _) => Phase::AllThrough,
        ((true, false, _), _) => Phase::Primary,
        ((false, true, _), _) => Phase::Secondary,
        ((false, false, true), _) => Phase::SixteenPlus,
        _ => Phase::NotApplicable,
    }
}

/// ICLOSE: 1 open, 2 closed (with its date), 3 open but closing (maintained schools on their way
/// to conversion, with neither date).
fn status(code: &str) -> Option<EstablishmentStatus> {
    Some(match code {
        "1" | "0" => EstablishmentStatus::Open,
        "2" => EstablishmentStatus::Closed,
        "3" => EstablishmentStatus::ProposedToClose,
        _ => return None,
    })
}

/// Dates as the tables' spreadsheet writes them (2018-12-31 00:00:00), or dd/mm/yyyy.
fn date(value: &str) -> Option<NaiveDate> {
    let day = value.split_whitespace().next().unwrap_or(value);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(day, "%d/%m/%Y"))
        .ok()
}

fn flag(value: &str) -> Option<bool> {
    match value {
        "1" => Some(true),
        "0" | "" => Some(false),
        _ => None,
    }
}

pub fn school_information(table: &Table) -> Result<Vec<EstablishmentRecord>, IngestError> {
    let column = |name| table.column(name);
    let (urn_column, la_column, number_column, name_column, type_column) = (
        column("URN")?,
        column("LA")?,
        column("ESTAB")?,
        column("SCHNAME")?,
        column("NFTYPE")?,
    );
    let (primary_column, secondary_column, post16_column) =
        (column("ISPRIMARY")?, column("ISSECONDARY")?, column("ISPOST16")?);
    let (low_column, high_column, close_column, opened_column, closed_column) = (
        column("AGEL")?,
        column("AGEH")?,
        column("ICLOSE")?,
        column("OPENDATE")?,
        column("CLOSEDATE")?,
    );
    let mut errors = Errors::new(table);
    let mut records = Vec::with_capacity(table.len());
    for row in table.rows() {
        let urn = errors.required(&row, urn_column, "a URN", |value| value.parse::<Urn>().ok());
        let la = errors.required(&row, la_column, "an LA code: three digits", |value| {
            value.parse().ok().and_then(|code| LaCode::new(code).ok())
        });
        let number = errors.optional(&row, number_column, "an establishment number: four digits", |value| {
            value.parse::<u16>().ok()
        });
        let name = errors.required(&row, name_column, "the school's name", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let kind = errors.required(&row, type_column, TYPES, establishment_type);
        let flag_of = |errors: &mut Errors, column| errors.required(&row, column, "1 or 0", flag);
        let flags = (
            flag_of(&mut errors, primary_column),
            flag_of(&mut errors, secondary_column),
            flag_of(&mut errors, post16_column),
        );
        let age = "an age in years";
        let low = errors.optional(&row, low_column, age, |value| value.parse::<u8>().ok());
        let high = errors.optional(&row, high_column, age, |value| value.parse::<u8>().ok());
        let status = errors.required(&row, close_column, "1 (open), 2 (closed) or 3 (closing)", status);
        let opened_on = errors.optional(&row, opened_column, "a date", date);
        let closed_on = errors.optional(&row, closed_column, "a date", date);
        let (Some(urn), Some(la), Some(name), Some(kind), (Some(primary), Some(secondary), Some(post16)), Some(status)) =
            (urn, la, name, kind, flags, status)
        else {
            continue;
        };
        records.push(EstablishmentRecord {
            urn,
            la,
            dfe_number: number.and_then(|number| DfeNumber::new(la, number).ok()),
            name,
            establishment_type: kind,
            phase: phase(kind, (primary, secondary, post16), (low, high)),
            status,
            opened_on,
            closed_on,
            statutory_low_age: low,
            statutory_high_age: high,
            trust: None,
            diocese: None,
            district: None,
            last_changed_on: None,
            location: None,
        });
    }
    errors.finish(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "URN,LA,ESTAB,SCHNAME,NFTYPE,ISPRIMARY,ISSECONDARY,ISPOST16,AGEL,AGEH,ICLOSE,OPENDATE,CLOSEDATE\n";

    #[test]
    fn a_school_is_read_in_the_tables_words() {
        let text = format!(
            "{HEADER}100000,201,3614,Sir John Cass's,Voluntary aided school,1,0,0,3,11,1,,\n\
             100050,202,4100,Middle School,Free school  16-19,1,1,0,9,13,2,,2018-12-31 00:00:00\n"
        );
        let records = school_information(&Table::from_text("spine.csv", &text)).expect("reads");
        assert_eq!(records[0].phase, Phase::Primary);
        assert_eq!(
            records[0].dfe_number.map(|number| number.to_string()),
            Some("201/3614".into())
        );
        assert_eq!(records[1].establishment_type, EstablishmentType::Academy16To19);
        assert_eq!(records[1].phase, Phase::Middle);
        assert_eq!(records[1].closed_on, NaiveDate::from_ymd_opt(2018, 12, 31));
        assert_eq!(records[1].status, EstablishmentStatus::Closed);
    }

    #[test]
    fn an_unknown_type_is_refused_with_its_place() {
        let text = format!("{HEADER}100000,201,3614,A school,Grammar-ish,1,0,0,3,11,1,,\n");
        let message = school_information(&Table::from_text("spine.csv", &text))
            .expect_err("refused")
            .to_string();
        assert!(
            message.contains("row 2, column NFTYPE: 'Grammar-ish' is not a type of school"),
            "{message}"
        );
    }
}
