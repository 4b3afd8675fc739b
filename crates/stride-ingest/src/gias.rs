//! Get Information about Schools: the establishment extracts (the all-data extract with `(code)`
//! and `(name)` columns, and the search-results download with `(name)` columns only: both carry
//! the names, which are read here) and the links file.

use chrono::NaiveDate;
use stride_core::import::{EstablishmentLink, EstablishmentRecord, LinkKind};
use stride_core::support::GridReference;
use stride_core::{DfeNumber, EstablishmentStatus, EstablishmentType, LaCode, Phase, Urn};

use crate::IngestError;
use crate::table::{Errors, Table};

/// GIAS writes dates as 31-08-2021.
fn date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%d-%m-%Y").ok()
}

fn parse_urn(value: &str) -> Option<Urn> {
    value.parse().ok()
}

/// GIAS's words for "nothing here".
fn present(value: &str) -> Option<String> {
    match value {
        "" | "Not applicable" | "Does not apply" | "None" => None,
        other => Some(other.to_owned()),
    }
}

fn establishment_type(name: &str) -> Option<EstablishmentType> {
    use EstablishmentType::*;
    Some(match name {
        "Community school" => Community,
        "Foundation school" => Foundation,
        "Voluntary aided school" => VoluntaryAided,
        "Voluntary controlled school" => VoluntaryControlled,
        "Academy converter" => AcademyConverter,
        "Academy sponsor led" => AcademySponsorLed,
        "Free schools" => FreeSchool,
        "Community special school" => CommunitySpecial,
        "Foundation special school" => FoundationSpecial,
        "Academy special converter" | "Academy special sponsor led" => AcademySpecial,
        "Free schools special" => FreeSchoolSpecial,
        "Local authority nursery school" => NurserySchool,
        "Pupil referral unit" => PupilReferralUnit,
        "Academy alternative provision converter"
        | "Academy alternative provision sponsor led"
        | "Free schools alternative provision" => AlternativeProvisionAcademy,
        "Academy 16-19 converter" | "Academy 16 to 19 sponsor led" | "Free schools 16 to 19" => Academy16To19,
        "Studio schools" => StudioSchool,
        "University technical college" => UniversityTechnicalCollege,
        "Non-maintained special school" => NonMaintainedSpecial,
        "Other independent school" | "Independent schools approved for SEN pupils" => Independent,
        "Other independent special school" => IndependentSpecial,
        "Children's centre" | "Children's centre linked site" => ChildrensCentre,
        "Further education" | "Sixth form centres" => FurtherEducation,
        "Higher education institutions" => HigherEducation,
        "Special post 16 institution" => SpecialPost16,
        "Miscellaneous"
        | "Welsh establishment"
        | "Secure units"
        | "Service children's education"
        | "Offshore schools"
        | "British schools overseas"
        | "Institution funded by other government department"
        | "Online provider" => Other,
        _ => return None,
    })
}

/// The phase, with special schools and pupil referral units given their own whatever GIAS says
/// (it gives most of them 'Not applicable'), because they are compared with their own kind.
fn phase(name: &str, establishment_type: Option<EstablishmentType>) -> Option<Phase> {
    if establishment_type.is_some_and(EstablishmentType::is_special) {
        return Some(Phase::Special);
    }
    if matches!(
        establishment_type,
        Some(EstablishmentType::PupilReferralUnit | EstablishmentType::AlternativeProvisionAcademy)
    ) {
        return Some(Phase::AlternativeProvision);
    }
    Some(match name {
        "Nursery" => Phase::Nursery,
        "Primary" => Phase::Primary,
        "Middle deemed primary" | "Middle deemed secondary" => Phase::Middle,
        "Secondary" => Phase::Secondary,
        "All-through" => Phase::AllThrough,
        "16 plus" => Phase::SixteenPlus,
        "Not applicable" => Phase::NotApplicable,
        _ => return None,
    })
}

fn status(name: &str) -> Option<EstablishmentStatus> {
    Some(match name {
        "Open" => EstablishmentStatus::Open,
        "Closed" => EstablishmentStatus::Closed,
        "Open, but proposed to close" => EstablishmentStatus::ProposedToClose,
        "Proposed to open" => EstablishmentStatus::ProposedToOpen,
        _ => return None,
    })
}

const TYPES: &str = "a GIAS type of establishment, such as 'Community school' or 'Academy converter'";

pub fn establishments(table: &Table) -> Result<Vec<EstablishmentRecord>, IngestError> {
    let column = |name| table.column(name);
    let (urn_column, la_column, number_column, name_column) = (
        column("URN")?,
        column("LA (code)")?,
        column("EstablishmentNumber")?,
        column("EstablishmentName")?,
    );
    let (type_column, phase_column, status_column) = (
        column("TypeOfEstablishment (name)")?,
        column("PhaseOfEducation (name)")?,
        column("EstablishmentStatus (name)")?,
    );
    let (opened_column, closed_column, low_column, high_column) = (
        column("OpenDate")?,
        column("CloseDate")?,
        column("StatutoryLowAge")?,
        column("StatutoryHighAge")?,
    );
    let changed_column = table.optional_column("LastChangedDate");
    let (trust_column, diocese_column, district_column) = (
        table.optional_column("Trusts (name)"),
        table.optional_column("Diocese (name)"),
        table.optional_column("DistrictAdministrative (name)"),
    );
    let (easting_column, northing_column) = (table.optional_column("Easting"), table.optional_column("Northing"));
    let mut errors = Errors::new(table);
    let mut records = Vec::with_capacity(table.len());
    for row in table.rows() {
        let urn = errors.required(&row, urn_column, "a URN: a whole number of up to six digits", parse_urn);
        let la = errors.required(&row, la_column, "an LA code: three digits", |value| {
            value.parse().ok().and_then(|code| LaCode::new(code).ok())
        });
        let number = errors.optional(&row, number_column, "an establishment number: four digits", |value| {
            value.parse::<u16>().ok()
        });
        let dfe_number = match (la, number) {
            (Some(la), Some(number)) => DfeNumber::new(la, number).ok(),
            _ => None,
        };
        let name = errors.required(&row, name_column, "the establishment's name", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let kind = errors.required(&row, type_column, TYPES, establishment_type);
        let phase = errors.required(
            &row,
            phase_column,
            "a GIAS phase of education, such as 'Primary'",
            |value| phase(value, kind),
        );
        let status = errors.required(
            &row,
            status_column,
            "'Open', 'Closed', 'Open, but proposed to close' or 'Proposed to open'",
            status,
        );
        let opened_on = errors.optional(&row, opened_column, "a date written dd-mm-yyyy", date);
        let closed_on = errors.optional(&row, closed_column, "a date written dd-mm-yyyy", date);
        let age = "an age in years";
        let low = errors.optional(&row, low_column, age, |value| value.parse::<u8>().ok());
        let high = errors.optional(&row, high_column, age, |value| value.parse::<u8>().ok());
        let last_changed_on =
            changed_column.and_then(|column| errors.optional(&row, column, "a date written dd-mm-yyyy", date));
        let text = |column: Option<crate::table::Column<'_>>| column.and_then(|column| present(row.get(column)));
        let grid = |column: Option<crate::table::Column<'_>>, errors: &mut Errors, limit: u32| {
            column.and_then(|column| {
                errors.optional(
                    &row,
                    column,
                    "metres on the British National Grid: a whole number",
                    |value| value.parse::<u32>().ok().filter(|metres| *metres <= limit),
                )
            })
        };
        let easting = grid(easting_column, &mut errors, 800_000);
        let northing = grid(northing_column, &mut errors, 1_400_000);
        if let (Some(urn), Some(la), Some(name), Some(establishment_type), Some(phase), Some(status)) =
            (urn, la, name, kind, phase, status)
        {
            records.push(EstablishmentRecord {
                urn,
                la,
                dfe_number,
                name,
                establishment_type,
                phase,
                status,
                opened_on,
                closed_on,
                statutory_low_age: low,
                statutory_high_age: high,
                trust: text(trust_column),
                diocese: text(diocese_column),
                district: text(district_column),
                last_changed_on,
                location: easting
                    .zip(northing)
                    .map(|(easting, northing)| GridReference { easting, northing }),
            });
        }
    }
    errors.finish(records)
}

fn link_kind(link_type: &str) -> LinkKind {
    if link_type.starts_with("Predecessor") {
        LinkKind::Predecessor
    } else if link_type.starts_with("Successor") {
        LinkKind::Successor
    } else {
        LinkKind::Other
    }
}

pub fn links(table: &Table) -> Result<Vec<EstablishmentLink>, IngestError> {
    let (urn_column, linked_column, name_column, type_column, date_column) = (
        table.column("URN")?,
        table.column("LinkURN")?,
        table.column("LinkName")?,
        table.column("LinkType")?,
        table.column("LinkEstablishedDate")?,
    );
    let mut errors = Errors::new(table);
    let mut links = Vec::with_capacity(table.len());
    for row in table.rows() {
        let urn = errors.required(&row, urn_column, "a URN: a whole number of up to six digits", parse_urn);
        let linked_urn = errors.required(
            &row,
            linked_column,
            "a URN: a whole number of up to six digits",
            parse_urn,
        );
        let link_type = errors.required(&row, type_column, "a kind of link, such as 'Successor'", |value| {
            (!value.is_empty()).then(|| value.to_owned())
        });
        let established_on = errors.optional(&row, date_column, "a date written dd-mm-yyyy", date);
        if let (Some(urn), Some(linked_urn), Some(link_type)) = (urn, linked_urn, link_type) {
            links.push(EstablishmentLink {
                urn,
                linked_urn,
                linked_name: row.get(name_column).to_owned(),
                kind: link_kind(&link_type),
                link_type,
                established_on,
            });
        }
    }
    errors.finish(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_text("gias.csv", text)
    }

    const HEADER: &str = "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),OpenDate,CloseDate,PhaseOfEducation (name),StatutoryLowAge,StatutoryHighAge,Diocese (name),Trusts (name)\n";

    #[test]
    fn a_row_reads_into_a_record() {
        let table = table(&format!(
            "{HEADER}140001,936,Surrey,2001,Ash Academy,Academy converter,Open,01-09-2013,,Primary,4,11,Not applicable,GLF SCHOOLS\n"
        ));
        let records = establishments(&table).expect("reads");
        let record = &records[0];
        assert_eq!(record.urn.get(), 140_001);
        assert_eq!(
            record.dfe_number.map(|number| number.to_string()),
            Some("936/2001".to_owned())
        );
        assert_eq!(record.establishment_type, EstablishmentType::AcademyConverter);
        assert_eq!(record.opened_on, NaiveDate::from_ymd_opt(2013, 9, 1));
        assert_eq!(record.diocese, None);
        assert_eq!(record.trust.as_deref(), Some("GLF SCHOOLS"));
    }

    #[test]
    fn a_special_school_is_special_whatever_its_gias_phase() {
        let table = table(&format!(
            "{HEADER}125001,936,Surrey,7001,Oak School,Community special school,Open,,,Not applicable,2,19,,\n"
        ));
        assert_eq!(establishments(&table).expect("reads")[0].phase, Phase::Special);
    }

    #[test]
    fn every_bad_value_is_listed_with_its_place() {
        let table = table(&format!(
            "{HEADER}14000X,936,Surrey,2001,Ash,Academy converter,Open,,,Primary,4,11,,\n140002,936,Surrey,2002,Beech,Castle,Open,31-02-2020,,Primary,4,11,,\n"
        ));
        let error = establishments(&table).expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("row 2, column URN: '14000X' is not a URN"),
            "{message}"
        );
        assert!(
            message.contains("row 3, column TypeOfEstablishment (name): 'Castle'"),
            "{message}"
        );
        assert!(
            message.contains("row 3, column OpenDate: '31-02-2020' is not a date written dd-mm-yyyy"),
            "{message}"
        );
    }

    #[test]
    fn links_say_which_way_they_point() {
        let table = table(
            "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n100012,100021,Rhyl,Successor - merged,31-08-2021\n100016,132245,Kingsgate,Predecessor,\n",
        );
        let links = links(&table).expect("reads");
        assert_eq!(links[0].kind, LinkKind::Successor);
        assert_eq!(links[0].established_on, NaiveDate::from_ymd_opt(2021, 8, 31));
        assert_eq!((links[1].kind, links[1].established_on), (LinkKind::Predecessor, None));
    }
}
