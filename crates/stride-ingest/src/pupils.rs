//! Pupil-level files a school returns to its LA: census returns (a row a pupil a census day) and
//! the register's session marks (a row a mark). Their values are personal data, so an error names
//! the row and column of a bad name, UPN or date of birth but never repeats it.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use stride_core::pupils::terms::summary_counts;
use stride_core::pupils::{
    AttendanceCode, CensusReturn, Characteristic, Gender, PupilCensusRecord, PupilMarks, SenNeed, Session, Term,
    TermOfYear, TermSummary, Upn, YearGroup, YearOfMarks,
};
use stride_core::{AcademicYear, Urn};

use crate::IngestError;
use crate::table::{Column, Errors, Row, Table};

/// The census's flag columns and the characteristic each records. Any may be left out of a file.
const FLAG_COLUMNS: &[(&str, Characteristic)] = &[
    ("FSMeligible", Characteristic::FreeSchoolMeals),
    ("EVERFSM_6", Characteristic::EverFsm6),
    ("EAL", Characteristic::EnglishAdditionalLanguage),
    ("LookedAfter", Characteristic::LookedAfter),
    ("ChildInNeed", Characteristic::ChildInNeed),
    ("ChildProtectionPlan", Characteristic::ChildProtectionPlan),
    ("YoungCarer", Characteristic::YoungCarer),
    ("ServiceChild", Characteristic::ServiceChild),
    ("AdoptedFromCare", Characteristic::AdoptedFromCare),
    ("YouthJustice", Characteristic::YouthJustice),
    ("UASC", Characteristic::UnaccompaniedAsylumSeeking),
    ("PrivatelyFostered", Characteristic::PrivatelyFostered),
    ("TemporaryAccommodation", Characteristic::TemporaryAccommodation),
    ("MedicalNeeds", Characteristic::MedicalNeeds),
    ("TeenageParent", Characteristic::TeenageParent),
];

const FLAG: &str = "a flag: 1 or 0, Y or N, true or false, or blank for no";
const DATE: &str = "a date: YYYY-MM-DD or DD/MM/YYYY";
const SESSIONS: &str = "a whole number of sessions";

pub fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "t" | "true" => Some(true),
        "0" | "n" | "no" | "f" | "false" | "" => Some(false),
        _ => None,
    }
}

fn urn(text: &str) -> Option<Urn> {
    text.trim().parse().ok().and_then(|value| Urn::new(value).ok())
}

fn upn(errors: &mut Errors, row: &Row<'_>, column: Column<'_>) -> Option<Upn> {
    match Upn::parse(row.get(column)) {
        Ok(upn) => Some(upn),
        Err(problem) => {
            errors.push_personal(row, column, &problem.to_string());
            None
        }
    }
}

fn personal_text(errors: &mut Errors, row: &Row<'_>, column: Column<'_>, expected: &str) -> Option<String> {
    let text = row.get(column).trim();
    if text.is_empty() {
        errors.push_personal(row, column, expected);
        return None;
    }
    Some(text.to_owned())
}

/// Census returns. A pupil may appear once a census day; their characteristics are the flags set.
pub fn census(table: &Table) -> Result<Vec<PupilCensusRecord>, IngestError> {
    let census_date = table.column("CensusDate")?;
    let urn_column = table.column("URN")?;
    let upn_column = table.column("UPN")?;
    let surname = table
        .optional_column("LegalSurname")
        .map_or_else(|| table.column("Surname"), Ok)?;
    let forename = table
        .optional_column("LegalForename")
        .map_or_else(|| table.column("Forename"), Ok)?;
    let birth = table.column("DOB")?;
    let gender = table.column("Gender")?;
    let year_group = table.column("NCyearActual")?;
    let sen_provision = table.optional_column("SENprovision");
    let sen_type = table.optional_column("PrimarySENtype");
    let flags: Vec<(Column<'_>, Characteristic)> = FLAG_COLUMNS
        .iter()
        .filter_map(|(name, characteristic)| table.optional_column(name).map(|column| (column, *characteristic)))
        .collect();
    let mut errors = Errors::new(table);
    let mut seen = HashSet::new();
    let mut records = Vec::with_capacity(table.len());
    let last = [
        census_date,
        urn_column,
        upn_column,
        surname,
        forename,
        birth,
        gender,
        year_group,
    ]
    .into_iter()
    .chain(flags.iter().map(|(column, _)| *column))
    .chain(sen_provision)
    .chain(sen_type)
    .max_by_key(|column| column.position)
    .unwrap_or(census_date);
    for row in table.rows() {
        if !row.has(last) {
            errors.push_row(
                &row,
                format!("the row ends before column {}: it was cut short", last.name),
            );
            continue;
        }
        let on = errors.required(&row, census_date, DATE, date);
        let school = errors.required(&row, urn_column, "a URN: six digits", urn);
        let pupil = upn(&mut errors, &row, upn_column);
        let surname = personal_text(&mut errors, &row, surname, "a surname");
        let forename = personal_text(&mut errors, &row, forename, "a forename");
        let born = date(row.get(birth));
        if born.is_none() {
            errors.push_personal(&row, birth, DATE);
        }
        let gender = errors.required(&row, gender, "M, F or U", |text| Gender::from_code(text.trim()).ok());
        let year = errors.required(&row, year_group, "a year group: N1, N2, R or 1 to 14", YearGroup::parse);
        let mut characteristics = BTreeSet::new();
        for (column, characteristic) in &flags {
            if errors.required(&row, *column, FLAG, flag) == Some(true) {
                characteristics.insert(*characteristic);
            }
        }
        if let Some(column) = sen_provision {
            match row.get(column).trim() {
                "" | "N" => {}
                "K" => {
                    characteristics.insert(Characteristic::SenSupport);
                }
                "E" | "S" => {
                    characteristics.insert(Characteristic::EhcPlan);
                }
                _ => errors.push(
                    &row,
                    column,
                    "N, K (SEN support) or E (education, health and care plan)",
                ),
            }
        }
        let sen_need = sen_type.and_then(|column| {
            errors.optional(&row, column, "a census type of need (SPLD, MLD, SEMH, ASD…)", |text| {
                SenNeed::from_code(&text.trim().to_ascii_uppercase()).ok()
            })
        });
        let (Some(on), Some(urn), Some(upn), Some(surname), Some(forename), Some(born), Some(gender), Some(year)) =
            (on, school, pupil, surname, forename, born, gender, year)
        else {
            continue;
        };
        if !seen.insert((upn.clone(), on)) {
            errors.push_row(
                &row,
                format!("the pupil of this row's UPN is returned a second time for the census of {on}"),
            );
            continue;
        }
        records.push(PupilCensusRecord {
            upn,
            surname,
            forename,
            date_of_birth: born,
            gender,
            census: CensusReturn {
                census_date: on,
                urn,
                year_group: year,
                characteristics,
                sen_need,
            },
        });
    }
    errors.finish(records)
}

/// Session marks, gathered into a year of marks for each pupil at each school. A blank mark or
/// `-` is a register not yet taken, and left out.
pub fn marks(table: &Table) -> Result<Vec<PupilMarks>, IngestError> {
    let upn_column = table.column("UPN")?;
    let urn_column = table.column("URN")?;
    let date_column = table.column("Date")?;
    let session_column = table.column("Session")?;
    let mark_column = table.column("Mark")?;
    let mut errors = Errors::new(table);
    let mut years: BTreeMap<(Upn, Urn, AcademicYear), YearOfMarks> = BTreeMap::new();
    for row in table.rows() {
        if !row.has(mark_column) {
            errors.push_row(
                &row,
                format!("the row ends before column {}: it was cut short", mark_column.name),
            );
            continue;
        }
        let text = row.get(mark_column).trim();
        if text.is_empty() || text == "-" {
            continue;
        }
        let pupil = upn(&mut errors, &row, upn_column);
        let school = errors.required(&row, urn_column, "a URN: six digits", urn);
        let day = errors.required(&row, date_column, DATE, date);
        let session = errors.required(&row, session_column, "AM or PM", Session::parse);
        let code = day.and_then(|day| match AttendanceCode::read(text, day) {
            Ok(code) => Some(code),
            Err(problem) => {
                errors.push(&row, mark_column, &problem.to_string());
                None
            }
        });
        let (Some(upn), Some(urn), Some(day), Some(session), Some(code)) = (pupil, school, day, session, code) else {
            continue;
        };
        let year = AcademicYear::containing(day);
        let marks = years.entry((upn, urn, year)).or_default();
        if marks.mark(year, day, session).is_some_and(|held| held != code) {
            errors.push_row(
                &row,
                format!("a second, different mark for the {} session of {day}", session.code()),
            );
            continue;
        }
        marks.set(year, day, session, code);
    }
    let marks = years
        .into_iter()
        .map(|((upn, urn, year), marks)| PupilMarks { upn, urn, year, marks })
        .collect();
    errors.finish(marks)
}

/// Termly attendance totals, a row a pupil a school a term, as the census's attendance module
/// returns them: for the years a school sends totals rather than every mark.
pub fn term_summaries(table: &Table) -> Result<Vec<TermSummary>, IngestError> {
    let upn_column = table.column("UPN")?;
    let urn_column = table.column("URN")?;
    let year_column = table.column("AcademicYear")?;
    let term_column = table.column("Term")?;
    let possible_column = table.column("SessionsPossible")?;
    let authorised_column = table.column("SessionsAuthorised")?;
    let unauthorised_column = table.column("SessionsUnauthorised")?;
    let last = [
        upn_column,
        urn_column,
        year_column,
        term_column,
        possible_column,
        authorised_column,
        unauthorised_column,
    ]
    .into_iter()
    .max_by_key(|column| column.position)
    .unwrap_or(upn_column);
    let sessions = |text: &str| text.trim().parse::<u32>().ok();
    let mut errors = Errors::new(table);
    let mut seen = HashSet::new();
    let mut summaries = Vec::with_capacity(table.len());
    for row in table.rows() {
        if !row.has(last) {
            errors.push_row(
                &row,
                format!("the row ends before column {}: it was cut short", last.name),
            );
            continue;
        }
        let pupil = upn(&mut errors, &row, upn_column);
        let school = errors.required(&row, urn_column, "a URN: six digits", urn);
        let year = errors.required(&row, year_column, "an academic year, such as 2025/26", |text| {
            text.trim().parse::<AcademicYear>().ok()
        });
        let term = errors.required(&row, term_column, "a term: Autumn, Spring or Summer", Term::parse);
        let possible = errors.required(&row, possible_column, SESSIONS, sessions);
        let authorised = errors.required(&row, authorised_column, SESSIONS, sessions);
        let unauthorised = errors.required(&row, unauthorised_column, SESSIONS, sessions);
        let (Some(upn), Some(urn), Some(year), Some(term), Some(possible), Some(authorised), Some(unauthorised)) =
            (pupil, school, year, term, possible, authorised, unauthorised)
        else {
            continue;
        };
        let Some(counts) = summary_counts(possible, authorised, unauthorised) else {
            errors.push_row(
                &row,
                format!("{authorised} authorised and {unauthorised} unauthorised sessions missed are more than the {possible} possible"),
            );
            continue;
        };
        let term = TermOfYear { year, term };
        if !seen.insert((upn.clone(), urn, term)) {
            errors.push_row(
                &row,
                format!("the pupil of this row's UPN is returned a second time for {term} at school {urn}"),
            );
            continue;
        }
        summaries.push(TermSummary { upn, urn, term, counts });
    }
    errors.finish(summaries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "CensusDate,URN,UPN,Surname,Forename,DOB,Gender,NCyearActual,FSMeligible,SENprovision,PrimarySENtype,LookedAfter";

    #[test]
    fn a_census_row_becomes_a_return_with_its_characteristics() {
        let text = format!(
            "{HEADER}\n2026-10-01,914001,B801200005001,Example,Pat,04/03/2015,F,5,1,K,SEMH,0\n2026-10-01,914001,P207000016049,Other,Sam,2016-01-01,M,R,,E,ASD,Y\n"
        );
        let records = census(&Table::from_text("census.csv", &text)).expect("reads");
        assert_eq!(records.len(), 2);
        let first = &records[0].census;
        assert!(first.characteristics.contains(&Characteristic::FreeSchoolMeals));
        assert!(first.characteristics.contains(&Characteristic::SenSupport));
        assert_eq!(first.sen_need, Some(SenNeed::SocialEmotionalAndMentalHealth));
        assert_eq!(records[1].census.year_group.number(), 0);
        assert!(records[1].census.characteristics.contains(&Characteristic::LookedAfter));
        assert!(records[1].census.characteristics.contains(&Characteristic::EhcPlan));
    }

    #[test]
    fn a_bad_upn_is_refused_naming_the_row_and_column_but_not_the_upn() {
        let text = format!("{HEADER}\n2026-10-01,914001,A801200005001,Example,Pat,2015-03-04,F,5,1,K,,0\n");
        let error = census(&Table::from_text("census.csv", &text))
            .expect_err("refused")
            .to_string();
        assert!(error.contains("census.csv"), "{error}");
        assert!(error.contains("row 2, column UPN"), "{error}");
        assert!(error.contains("check letter"), "{error}");
        assert!(!error.contains("801200005001"), "the UPN is not repeated: {error}");
        let text = format!("{HEADER}\n2026-10-01,914001,B801200005001,Example,Pat,31/02/2015,F,5,maybe,K,,0\n");
        let error = census(&Table::from_text("census.csv", &text))
            .expect_err("refused")
            .to_string();
        assert!(error.contains("column DOB"), "{error}");
        assert!(!error.contains("31/02/2015"), "{error}");
        assert!(error.contains("column FSMeligible: 'maybe'"), "{error}");
    }

    #[test]
    fn marks_gather_into_years_and_a_conflict_is_refused() {
        let text = "UPN,URN,Date,Session,Mark\nB801200005001,914001,2025-09-03,AM,/\nB801200005001,914001,2025-09-03,PM,I\nB801200005001,914001,2025-09-04,AM,-\n";
        let marks = marks(&Table::from_text("marks.csv", text)).expect("reads");
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].marks.counts(marks[0].year).possible, 2);
        let conflict =
            "UPN,URN,Date,Session,Mark\nB801200005001,914001,2025-09-03,AM,/\nB801200005001,914001,2025-09-03,AM,N\n";
        let error = super::marks(&Table::from_text("marks.csv", conflict))
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("row 3") && error.contains("second, different mark"),
            "{error}"
        );
        let withdrawn = "UPN,URN,Date,Session,Mark\nB801200005001,914001,2025-09-03,AM,H\n";
        let error = super::marks(&Table::from_text("marks.csv", withdrawn))
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("row 2, column Mark: 'H'") && error.contains("withdrawn"),
            "{error}"
        );
    }

    const SUMMARY_HEADER: &str = "UPN,URN,AcademicYear,Term,SessionsPossible,SessionsAuthorised,SessionsUnauthorised";

    #[test]
    fn termly_totals_become_sessions_and_impossible_ones_are_refused() {
        let text = format!(
            "{SUMMARY_HEADER}\nB801200005001,914001,2025/26,Autumn,144,10,5\nB801200005001,914001,2025/26,SPR,116,0,0\n"
        );
        let summaries = term_summaries(&Table::from_text("summaries.csv", &text)).expect("reads");
        assert_eq!(summaries.len(), 2);
        assert_eq!(summaries[0].counts.attended(), 129);
        assert!(summaries[0].counts.persistently_absent(), "15 of 144 is over 10%");
        assert_eq!(summaries[1].term.to_string(), "Spring 2025/26");
        let text = format!("{SUMMARY_HEADER}\nB801200005001,914001,2025/26,Autumn,14,10,5\n");
        let error = term_summaries(&Table::from_text("summaries.csv", &text))
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("row 2") && error.contains("more than the 14 possible"),
            "{error}"
        );
        let text = format!(
            "{SUMMARY_HEADER}\nB801200005001,914001,2025/26,Winter,144,1,0\nB801200005001,914001,2025/26,Autumn,lots,1,0\n"
        );
        let error = term_summaries(&Table::from_text("summaries.csv", &text))
            .expect_err("refused")
            .to_string();
        assert!(error.contains("row 2, column Term: 'Winter'"), "{error}");
        assert!(error.contains("row 3, column SessionsPossible: 'lots'"), "{error}");
        let twice = format!(
            "{SUMMARY_HEADER}\nB801200005001,914001,2025/26,AUT,144,1,0\nB801200005001,914001,2025/26,Autumn,144,1,0\n"
        );
        let error = term_summaries(&Table::from_text("summaries.csv", &twice))
            .expect_err("refused")
            .to_string();
        assert!(error.contains("row 3") && error.contains("second time"), "{error}");
        assert!(!error.contains("801200005001"), "the UPN is not repeated: {error}");
    }
}
