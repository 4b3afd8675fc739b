//! Pupils, their census returns and register marks, caseloads and the audit log. Census returns
//! are staged and compared in a few statements, as figures are; a year of marks is laid over the
//! year held, so that the same marks imported again change nothing.

use std::collections::{BTreeSet, HashMap};

use super::engine::{self, Db, DbRow, Pool};
use super::{Dynamic, query, query_scalar};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Transaction};
use stride_core::import::ImportSummary;
use stride_core::pupils::terms::summary_counts;
use stride_core::pupils::{
    AuditAction, AuditEntry, CensusReturn, Characteristic, Gender, Pupil, PupilCensusRecord, PupilMarks, SealedEntry,
    SenNeed, SessionCounts, Term, TermOfYear, TermSummary, Upn, YearGroup, YearOfMarks,
};
use stride_core::{AcademicYear, Urn};

use super::import_figures::{execute, scalar};
use super::urn;
use super::write::placeholders;
use crate::{PupilFilter, StoreError};

const ROWS_PER_STATEMENT: usize = 300;

fn unreadable(column: &'static str, detail: String) -> StoreError {
    StoreError::Unreadable {
        table: "pupils",
        column,
        detail,
    }
}

fn characteristics_text(characteristics: &BTreeSet<Characteristic>) -> String {
    characteristics
        .iter()
        .map(|each| each.code())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes census returns: a pupil new to Stride is added; one held takes the names of their
/// latest return; each return is added, replaced where it differs, or left alone.
pub(super) async fn census(
    transaction: &mut Transaction<'_, Db>,
    records: &[PupilCensusRecord],
    import_id: Option<i64>,
) -> Result<ImportSummary, StoreError> {
    execute(
        transaction,
        "CREATE TEMP TABLE IF NOT EXISTS incoming_pupil_census (upn TEXT, surname TEXT, forename TEXT,
             date_of_birth DATE, gender TEXT, census_date DATE, urn BIGINT, year_group BIGINT,
             characteristics TEXT, sen_need TEXT)"
            .into(),
    )
    .await?;
    execute(transaction, "DELETE FROM incoming_pupil_census".into()).await?;
    execute(
        transaction,
        "CREATE INDEX IF NOT EXISTS incoming_pupil_census_by_upn ON incoming_pupil_census (upn, census_date)".into(),
    )
    .await?;
    for batch in records.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO incoming_pupil_census VALUES {}",
            placeholders(batch.len(), 10)
        );
        // Constant text and placeholders; every value is bound.
        let mut query = query(Dynamic(sql));
        for record in batch {
            query = query
                .bind(record.upn.as_str())
                .bind(&record.surname)
                .bind(&record.forename)
                .bind(record.date_of_birth)
                .bind(record.gender.code())
                .bind(record.census.census_date)
                .bind(i64::from(record.census.urn.get()))
                .bind(i64::from(record.census.year_group.number()))
                .bind(characteristics_text(&record.census.characteristics))
                .bind(record.census.sen_need.map(SenNeed::code));
        }
        query.execute(&mut **transaction).await?;
    }
    // A pupil's names are those of their latest return, in the file or held.
    let renamed = scalar(
        transaction,
        "SELECT COUNT(*) FROM pupils held JOIN incoming_pupil_census incoming ON incoming.upn = held.upn
         WHERE incoming.census_date = (SELECT MAX(census_date) FROM incoming_pupil_census WHERE upn = held.upn)
           AND NOT EXISTS (SELECT 1 FROM pupil_census WHERE pupil_id = held.id AND census_date > incoming.census_date)
           AND (held.surname IS DISTINCT FROM incoming.surname OR held.forename IS DISTINCT FROM incoming.forename
                OR held.date_of_birth IS DISTINCT FROM incoming.date_of_birth OR held.gender IS DISTINCT FROM incoming.gender)"
            .into(),
    )
    .await?;
    execute(
        transaction,
        "UPDATE pupils SET (surname, forename, date_of_birth, gender) = (
             SELECT incoming.surname, incoming.forename, incoming.date_of_birth, incoming.gender
             FROM incoming_pupil_census incoming WHERE incoming.upn = pupils.upn ORDER BY incoming.census_date DESC LIMIT 1)
         WHERE upn IN (SELECT upn FROM incoming_pupil_census)
           AND NOT EXISTS (SELECT 1 FROM pupil_census WHERE pupil_id = pupils.id
               AND census_date > (SELECT MAX(census_date) FROM incoming_pupil_census WHERE upn = pupils.upn))"
            .into(),
    )
    .await?;
    execute(
        transaction,
        "INSERT INTO pupils (upn, surname, forename, date_of_birth, gender)
         SELECT upn, surname, forename, date_of_birth, gender FROM incoming_pupil_census incoming
         WHERE census_date = (SELECT MAX(census_date) FROM incoming_pupil_census latest WHERE latest.upn = incoming.upn)
         ON CONFLICT (upn) DO NOTHING"
            .into(),
    )
    .await?;
    let incoming_with_held = "FROM incoming_pupil_census incoming JOIN pupils ON pupils.upn = incoming.upn
         LEFT JOIN pupil_census held ON held.pupil_id = pupils.id AND held.census_date = incoming.census_date";
    let differs = "(held.urn IS DISTINCT FROM incoming.urn OR held.year_group IS DISTINCT FROM incoming.year_group
         OR held.characteristics IS DISTINCT FROM incoming.characteristics OR held.sen_need IS DISTINCT FROM incoming.sen_need)";
    let added = scalar(
        transaction,
        format!("SELECT COUNT(*) {incoming_with_held} WHERE held.pupil_id IS NULL"),
    )
    .await?;
    let changed = scalar(
        transaction,
        format!("SELECT COUNT(*) {incoming_with_held} WHERE held.pupil_id IS NOT NULL AND {differs}"),
    )
    .await?;
    let sql = format!(
        "INSERT INTO pupil_census (pupil_id, census_date, urn, year_group, characteristics, sen_need, import_id)
         SELECT pupils.id, incoming.census_date, incoming.urn, incoming.year_group, incoming.characteristics,
                incoming.sen_need, ? {incoming_with_held} WHERE held.pupil_id IS NULL OR {differs}
         ON CONFLICT (pupil_id, census_date) DO UPDATE SET urn = excluded.urn, year_group = excluded.year_group,
             characteristics = excluded.characteristics, sen_need = excluded.sen_need, import_id = excluded.import_id"
    );
    query(Dynamic(sql)).bind(import_id).execute(&mut **transaction).await?;
    Ok(ImportSummary {
        added,
        changed: changed + renamed,
        unchanged: records.len().saturating_sub(added + changed),
        ..ImportSummary::default()
    })
}

/// Lays each pupil's year of marks over the one held. Every pupil must have been returned by a
/// census first: marks alone do not say who the child is.
pub(super) async fn marks(
    transaction: &mut Transaction<'_, Db>,
    marks: &[PupilMarks],
    import_id: Option<i64>,
) -> Result<ImportSummary, StoreError> {
    let ids = pupil_ids(transaction).await?;
    let unknown = marks.iter().filter(|each| !ids.contains_key(each.upn.as_str())).count();
    if unknown > 0 {
        return Err(StoreError::Refused(format!(
            "{unknown} pupils' marks name a UPN that no census return has given: import the census returns first"
        )));
    }
    let years: BTreeSet<i32> = marks.iter().map(|each| each.year.start_year()).collect();
    let mut held: HashMap<(i64, u32, i32), YearOfMarks> = HashMap::new();
    for year in years {
        let rows = query("SELECT pupil_id, urn, marks FROM attendance_marks WHERE academic_year = ?")
            .bind(year)
            .fetch_all(&mut **transaction)
            .await?;
        for row in rows {
            let urn: i64 = row.get("urn");
            held.insert(
                (row.get("pupil_id"), u32::try_from(urn).unwrap_or_default(), year),
                YearOfMarks::from_bytes(row.get("marks")),
            );
        }
    }
    let mut summary = ImportSummary::default();
    let mut written: Vec<(i64, u32, i32, Vec<u8>)> = Vec::new();
    for each in marks {
        let pupil = ids.get(each.upn.as_str()).copied().unwrap_or_default();
        let key = (pupil, each.urn.get(), each.year.start_year());
        match held.get_mut(&key) {
            Some(year) => {
                if year.overlay(&each.marks) {
                    summary.changed += 1;
                    written.push((pupil, key.1, key.2, year.as_bytes().to_vec()));
                } else {
                    summary.unchanged += 1;
                }
            }
            None => {
                summary.added += 1;
                written.push((pupil, key.1, key.2, each.marks.as_bytes().to_vec()));
            }
        }
    }
    for batch in written.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO attendance_marks (pupil_id, urn, academic_year, marks, import_id) VALUES {}
             ON CONFLICT (pupil_id, urn, academic_year) DO UPDATE SET marks = excluded.marks, import_id = excluded.import_id",
            placeholders(batch.len(), 5)
        );
        let mut query = query(Dynamic(sql));
        for (pupil, urn, year, bytes) in batch {
            query = query
                .bind(pupil)
                .bind(i64::from(*urn))
                .bind(year)
                .bind(bytes.as_slice())
                .bind(import_id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(summary)
}

/// A summary as held: (pupil, school, academic year, term) and its three figures.
type HeldSummary = ((i64, i64, i32, u8), [u32; 3]);

fn sessions(counts: &SessionCounts) -> [u32; 3] {
    [counts.possible, counts.authorised, counts.unauthorised]
}

/// Writes pupils' termly totals, each replacing the one held for its pupil, school and term.
/// As with marks, every pupil must have been returned by a census first.
pub(super) async fn summaries(
    transaction: &mut Transaction<'_, Db>,
    summaries: &[TermSummary],
    import_id: Option<i64>,
) -> Result<ImportSummary, StoreError> {
    let ids = pupil_ids(transaction).await?;
    let unknown = summaries
        .iter()
        .filter(|each| !ids.contains_key(each.upn.as_str()))
        .count();
    if unknown > 0 {
        return Err(StoreError::Refused(format!(
            "{unknown} termly totals name a UPN that no census return has given: import the census returns first"
        )));
    }
    let held: HashMap<(i64, i64, i32, u8), [u32; 3]> = query(
        "SELECT pupil_id, urn, academic_year, term, possible, authorised, unauthorised FROM attendance_summaries",
    )
    .fetch_all(&mut **transaction)
    .await?
    .into_iter()
    .map(|row| {
        let term: i64 = row.get("term");
        let figure = |name: &str| u32::try_from(row.get::<i64, _>(name)).unwrap_or_default();
        (
            (
                row.get("pupil_id"),
                row.get("urn"),
                row.get::<i64, _>("academic_year") as i32,
                u8::try_from(term).unwrap_or_default(),
            ),
            [figure("possible"), figure("authorised"), figure("unauthorised")],
        )
    })
    .collect();
    let mut summary = ImportSummary::default();
    let mut written: Vec<HeldSummary> = Vec::new();
    for each in summaries {
        let pupil = ids.get(each.upn.as_str()).copied().unwrap_or_default();
        let key = (
            pupil,
            i64::from(each.urn.get()),
            each.term.year.start_year(),
            each.term.term.number(),
        );
        let figures = sessions(&each.counts);
        match held.get(&key) {
            Some(before) if *before == figures => summary.unchanged += 1,
            Some(_) => {
                summary.changed += 1;
                written.push((key, figures));
            }
            None => {
                summary.added += 1;
                written.push((key, figures));
            }
        }
    }
    for batch in written.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO attendance_summaries (pupil_id, urn, academic_year, term, possible, authorised, unauthorised, import_id)
             VALUES {} ON CONFLICT (pupil_id, urn, academic_year, term) DO UPDATE SET possible = excluded.possible,
             authorised = excluded.authorised, unauthorised = excluded.unauthorised, import_id = excluded.import_id",
            placeholders(batch.len(), 8)
        );
        let mut query = query(Dynamic(sql));
        for ((pupil, urn, year, term), [possible, authorised, unauthorised]) in batch {
            query = query
                .bind(pupil)
                .bind(urn)
                .bind(year)
                .bind(i64::from(*term))
                .bind(i64::from(*possible))
                .bind(i64::from(*authorised))
                .bind(i64::from(*unauthorised))
                .bind(import_id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(summary)
}

/// The termly totals held of every pupil, one pupil or those at one school: (pupil, school,
/// term, sessions).
pub(super) async fn attendance_summaries(
    pool: &Pool,
    of: crate::MarksOf,
) -> Result<Vec<(i64, Urn, TermOfYear, SessionCounts)>, StoreError> {
    let select =
        "SELECT pupil_id, urn, academic_year, term, possible, authorised, unauthorised FROM attendance_summaries";
    let rows = match of {
        crate::MarksOf::Everyone => query(select).fetch_all(pool).await?,
        crate::MarksOf::Pupil(id) => {
            query(Dynamic(format!("{select} WHERE pupil_id = ?1")))
                .bind(id)
                .fetch_all(pool)
                .await?
        }
        crate::MarksOf::School(urn) => {
            query(Dynamic(format!("{select} WHERE urn = ?1")))
                .bind(i64::from(urn.get()))
                .fetch_all(pool)
                .await?
        }
    };
    rows.into_iter()
        .map(|row| {
            let urn = urn(&row, "attendance_summaries")?;
            let term: i64 = row.get("term");
            let term = u8::try_from(term)
                .ok()
                .and_then(Term::from_number)
                .ok_or_else(|| unreadable("term", format!("{term}")))?;
            let figure = |name: &'static str| {
                let value: i64 = row.get(name);
                u32::try_from(value).map_err(|_| unreadable(name, format!("{value}")))
            };
            let counts = summary_counts(figure("possible")?, figure("authorised")?, figure("unauthorised")?)
                .ok_or_else(|| unreadable("possible", "fewer sessions possible than missed".to_owned()))?;
            let year: i64 = row.get("academic_year");
            let year = i32::try_from(year)
                .map(AcademicYear::starting)
                .map_err(|_| unreadable("academic_year", format!("{year}")))?;
            Ok((row.get("pupil_id"), urn, TermOfYear { year, term }, counts))
        })
        .collect()
}

async fn pupil_ids(transaction: &mut Transaction<'_, Db>) -> Result<HashMap<String, i64>, StoreError> {
    let rows = query("SELECT id, upn FROM pupils")
        .fetch_all(&mut **transaction)
        .await?;
    Ok(rows.into_iter().map(|row| (row.get("upn"), row.get("id"))).collect())
}

/// Puts pupils on an officer's caseload, by UPN.
pub(super) async fn assign_caseload(
    transaction: &mut Transaction<'_, Db>,
    assignments: &[(Upn, i64)],
    since: NaiveDate,
) -> Result<(), StoreError> {
    for (upn, account) in assignments {
        query(
            "INSERT INTO caseloads (pupil_id, account_id, since)
             SELECT id, ?, ? FROM pupils WHERE upn = ? ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(since)
        .bind(upn.as_str())
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

pub(super) async fn set_caseload(
    pool: &Pool,
    pupil_id: i64,
    account_id: i64,
    since: Option<NaiveDate>,
) -> Result<(), StoreError> {
    match since {
        Some(since) => {
            query("INSERT INTO caseloads (pupil_id, account_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(pupil_id)
                .bind(account_id)
                .bind(since)
                .execute(pool)
                .await?;
        }
        None => {
            query("DELETE FROM caseloads WHERE pupil_id = ? AND account_id = ?")
                .bind(pupil_id)
                .bind(account_id)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

const LATEST_AT_SCHOOL: &str = "SELECT pupil_id FROM pupil_census latest WHERE latest.urn = ?
     AND latest.census_date = (SELECT MAX(census_date) FROM pupil_census WHERE pupil_id = latest.pupil_id)";

pub(super) async fn pupils(pool: &Pool, filter: PupilFilter<'_>) -> Result<Vec<Pupil>, StoreError> {
    let select = "SELECT pupils.id, upn, surname, forename, date_of_birth, gender, census_date, urn, year_group,
             characteristics, sen_need
         FROM pupils JOIN pupil_census ON pupil_census.pupil_id = pupils.id";
    let order = "ORDER BY surname, forename, pupils.id, census_date";
    let rows = match filter {
        PupilFilter::All => query(Dynamic(format!("{select} {order}"))).fetch_all(pool).await?,
        PupilFilter::Id(id) => {
            query(Dynamic(format!("{select} WHERE pupils.id = ? {order}")))
                .bind(id)
                .fetch_all(pool)
                .await?
        }
        PupilFilter::AtSchool(urn) => {
            query(Dynamic(format!("{select} WHERE pupils.id IN ({LATEST_AT_SCHOOL}) {order}")))
                .bind(i64::from(urn.get()))
                .fetch_all(pool)
                .await?
        }
        PupilFilter::OnCaseload(account) => {
            query(Dynamic(format!(
                "{select} WHERE pupils.id IN (SELECT pupil_id FROM caseloads WHERE account_id = ?) {order}"
            )))
            .bind(account)
            .fetch_all(pool)
            .await?
        }
        PupilFilter::Ids(ids) => {
            // The ids as a JSON array, so that the statement is the same whatever their number.
            let list = serde_json::to_string(ids).map_err(|error| unreadable("id", error.to_string()))?;
            query(Dynamic(format!(
                "{select} WHERE pupils.id IN (SELECT CAST(asked.value AS BIGINT) FROM {asked}) {order}",
                asked = engine::bound_json_scalars("asked")
            )))
                .bind(list)
                .fetch_all(pool)
                .await?
        }
        PupilFilter::Named(text) => {
            query(Dynamic(format!(
                "{select} WHERE pupils.upn = upper(?1) OR lower(pupils.surname) LIKE lower(?2) OR lower(pupils.forename || ' ' || pupils.surname) LIKE lower(?2) {order}"
            )))
            .bind(text.trim())
            .bind(format!("{}%", text.trim().replace(['%', '_'], "")))
            .fetch_all(pool)
            .await?
        }
    };
    let mut pupils: Vec<Pupil> = Vec::new();
    for row in rows {
        let id: i64 = row.get("id");
        let census = census_return(&row)?;
        match pupils.last_mut() {
            Some(pupil) if pupil.id == id => pupil.returns.push(census),
            _ => pupils.push(Pupil {
                id,
                upn: Upn::parse(row.get("upn")).map_err(|error| unreadable("upn", format!("pupil {id}: {error}")))?,
                surname: row.get("surname"),
                forename: row.get("forename"),
                date_of_birth: row.get("date_of_birth"),
                gender: Gender::from_code(row.get("gender")).map_err(|error| unreadable("code", error.to_string()))?,
                returns: vec![census],
            }),
        }
    }
    Ok(pupils)
}

fn census_return(row: &DbRow) -> Result<CensusReturn, StoreError> {
    let corrupt = |what: String| unreadable("pupil_census", what);
    let urn: i64 = row.get("urn");
    let year: i64 = row.get("year_group");
    let characteristics: String = row.get("characteristics");
    let sen_need: Option<String> = row.get("sen_need");
    Ok(CensusReturn {
        census_date: row.get("census_date"),
        urn: u32::try_from(urn)
            .ok()
            .and_then(|urn| Urn::new(urn).ok())
            .ok_or_else(|| corrupt(format!("census URN {urn}")))?,
        year_group: i8::try_from(year)
            .ok()
            .and_then(YearGroup::from_number)
            .ok_or_else(|| corrupt(format!("year group {year}")))?,
        characteristics: characteristics
            .split_whitespace()
            .map(Characteristic::from_code)
            .collect::<Result<_, _>>()
            .map_err(|error| corrupt(error.to_string()))?,
        sen_need: sen_need
            .map(|code| SenNeed::from_code(&code))
            .transpose()
            .map_err(|error| corrupt(error.to_string()))?,
    })
}

pub(super) async fn pupil_characteristics(
    pool: &Pool,
    on: NaiveDate,
) -> Result<Vec<stride_core::pupils::overlap::CountedPupil>, StoreError> {
    let rows = query(
        "SELECT pupil_id, census_date, urn, year_group, characteristics, sen_need FROM pupil_census returned
         WHERE census_date = (SELECT MAX(census_date) FROM pupil_census WHERE pupil_id = returned.pupil_id
                              AND census_date <= ?1)",
    )
    .bind(on)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let census = census_return(&row)?;
            Ok(stride_core::pupils::overlap::CountedPupil {
                pupil_id: row.get("pupil_id"),
                urn: census.urn,
                year_group: census.year_group,
                characteristics: stride_core::pupils::record::with_derived(census.characteristics),
            })
        })
        .collect()
}

/// Every caseload: (pupil, officer) pairs.
pub(super) async fn caseloads(pool: &Pool) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = query("SELECT pupil_id, account_id FROM caseloads")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.get("pupil_id"), row.get("account_id")))
        .collect())
}

/// The marks of a year: every pupil's, one pupil's, or those at one school.
pub(super) async fn attendance_marks(
    pool: &Pool,
    year: AcademicYear,
    of: crate::MarksOf,
) -> Result<Vec<(i64, Urn, YearOfMarks)>, StoreError> {
    // Three statements, not one with optional conditions, so that each uses its index.
    let select = "SELECT pupil_id, urn, marks FROM attendance_marks WHERE academic_year = ?1";
    let query = |sql: String| query(Dynamic(sql)).bind(year.start_year());
    let rows = match of {
        crate::MarksOf::Everyone => query(select.to_owned()).fetch_all(pool).await?,
        crate::MarksOf::Pupil(id) => {
            query(format!("{select} AND pupil_id = ?2"))
                .bind(id)
                .fetch_all(pool)
                .await?
        }
        crate::MarksOf::School(urn) => {
            query(format!("{select} AND urn = ?2"))
                .bind(i64::from(urn.get()))
                .fetch_all(pool)
                .await?
        }
    };
    rows.into_iter()
        .map(|row| {
            let urn = urn(&row, "attendance_marks")?;
            Ok((row.get("pupil_id"), urn, YearOfMarks::from_bytes(row.get("marks"))))
        })
        .collect()
}

pub(super) async fn record_audit(pool: &Pool, entries: &[AuditEntry]) -> Result<(), StoreError> {
    let mut transaction = engine::begin_writing(pool).await?;
    // One writer of the log at a time, from before its entries are numbered until they are
    // sealed: otherwise an entry numbered first but committed last would be left unsealed.
    engine::one_writer_at_a_time(&mut transaction, "audit_log").await?;
    for batch in entries.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO audit_log (at, account_id, action, pupil_id, what) VALUES {}",
            placeholders(batch.len(), 5)
        );
        let mut query = query(Dynamic(sql));
        for entry in batch {
            query = query
                .bind(entry.at)
                .bind(entry.account_id)
                .bind(entry.action.code())
                .bind(entry.pupil_id)
                .bind(&entry.what);
        }
        query.execute(&mut *transaction).await?;
    }
    // On SQLite the entries, written first, take the write lock for the transaction while it
    // reads the last seal: two writers cannot seal to the same one.
    seal_unsealed(&mut transaction).await?;
    transaction.commit().await?;
    Ok(())
}

fn audit_entry(row: &DbRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        at: row.get("at"),
        account_id: row.get("account_id"),
        action: AuditAction::from_code(row.get("action")).map_err(|error| unreadable("action", error.to_string()))?,
        pupil_id: row.get("pupil_id"),
        what: row.get("what"),
    })
}

/// Seals every entry after the last sealed one, in order, each to the seal before it.
async fn seal_unsealed(transaction: &mut Transaction<'_, Db>) -> Result<(), StoreError> {
    let last = query("SELECT entry_id, seal FROM audit_seals ORDER BY entry_id DESC LIMIT 1")
        .fetch_optional(&mut **transaction)
        .await?;
    let (after, mut previous): (i64, String) =
        last.map_or((0, String::new()), |row| (row.get("entry_id"), row.get("seal")));
    let rows = query("SELECT id, at, account_id, action, pupil_id, what FROM audit_log WHERE id > ?1 ORDER BY id")
        .bind(after)
        .fetch_all(&mut **transaction)
        .await?;
    let mut seals = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.get("id");
        previous = stride_core::pupils::audit::seal(&previous, id, &audit_entry(row)?);
        seals.push((id, previous.clone()));
    }
    for batch in seals.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO audit_seals (entry_id, seal) VALUES {}",
            placeholders(batch.len(), 2)
        );
        let mut query = query(Dynamic(sql));
        for (id, seal) in batch {
            query = query.bind(id).bind(seal);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// Every entry with its seal, in order: what `stride audit verify` checks.
pub(super) async fn audit_chain(pool: &Pool) -> Result<Vec<SealedEntry>, StoreError> {
    let rows = query(
        "SELECT audit_log.id, at, account_id, action, pupil_id, what, audit_seals.seal FROM audit_log
         LEFT JOIN audit_seals ON audit_seals.entry_id = audit_log.id ORDER BY audit_log.id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SealedEntry {
                id: row.get("id"),
                entry: audit_entry(row)?,
                seal: row.get("seal"),
            })
        })
        .collect()
}

/// The entries an administrator asks for, newest first, with their numbers.
pub(super) async fn audit_search(
    pool: &Pool,
    search: &crate::AuditSearch,
    limit: u32,
) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
    let rows = query(
        "SELECT id, at, account_id, action, pupil_id, what FROM audit_log
         WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR action = ?2)
           AND (?3 IS NULL OR pupil_id = ?3) AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5)
         ORDER BY id DESC LIMIT ?6",
    )
    .bind(search.account_id)
    .bind(search.action.map(AuditAction::code))
    .bind(search.pupil_id)
    .bind(search.from.map(|day| day.and_time(chrono::NaiveTime::MIN).and_utc()))
    .bind(
        search
            .to
            .map(|day| (day + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN).and_utc()),
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(|row| Ok((row.get("id"), audit_entry(row)?))).collect()
}

/// The latest entries, newest first; of one pupil where one is named.
pub(super) async fn audit_log(pool: &Pool, pupil: Option<i64>, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = query(
        "SELECT at, account_id, action, pupil_id, what FROM audit_log
         WHERE ?1 IS NULL OR pupil_id = ?1 ORDER BY id DESC LIMIT ?2",
    )
    .bind(pupil)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_entry).collect()
}

/// Records an episode: a new one, or a new version of one held for the same pupil and of the
/// same kind. None where the episode named is not that pupil's or not of that kind.
pub(super) async fn record_episode(
    transaction: &mut Transaction<'_, Db>,
    pupil_id: i64,
    episode_id: Option<i64>,
    kind: &stride_core::pupils::episodes::EpisodeKind,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let detail = serde_json::to_value(kind).map_err(|error| unreadable("detail", error.to_string()))?;
    let tag = detail["kind"].as_str().unwrap_or_default().to_owned();
    let id = match episode_id {
        Some(id) => {
            let held: Option<String> = query_scalar("SELECT kind FROM pupil_episodes WHERE id = ? AND pupil_id = ?")
                .bind(id)
                .bind(pupil_id)
                .fetch_optional(&mut **transaction)
                .await?;
            if held.as_deref() != Some(tag.as_str()) {
                return Ok(None);
            }
            id
        }
        None => {
            query_scalar::<i64>("INSERT INTO pupil_episodes (pupil_id, kind) VALUES (?, ?) RETURNING id")
                .bind(pupil_id)
                .bind(&tag)
                .fetch_one(&mut **transaction)
                .await?
        }
    };
    // Two versions recorded at once would otherwise both read the same last one (on PostgreSQL).
    engine::one_writer_at_a_time(transaction, "pupil_episode_versions").await?;
    query(
        "INSERT INTO pupil_episode_versions (episode_id, version, detail, recorded_by, recorded_at)
         SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4 FROM pupil_episode_versions WHERE episode_id = ?1",
    )
    .bind(id)
    .bind(detail.to_string())
    .bind(by)
    .bind(at)
    .execute(&mut **transaction)
    .await?;
    Ok(Some(id))
}

/// Every episode as its latest version stands; of one pupil where one is named.
pub(super) async fn episodes(
    pool: &Pool,
    pupil: Option<i64>,
) -> Result<Vec<stride_core::pupils::episodes::Episode>, StoreError> {
    let rows = query(
        "SELECT episodes.id, episodes.pupil_id, versions.detail FROM pupil_episodes episodes
         JOIN pupil_episode_versions versions ON versions.episode_id = episodes.id
         WHERE versions.version = (SELECT MAX(version) FROM pupil_episode_versions WHERE episode_id = episodes.id)
           AND (?1 IS NULL OR episodes.pupil_id = ?1)
         ORDER BY episodes.pupil_id, episodes.id",
    )
    .bind(pupil)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let detail: String = row.get("detail");
            Ok(stride_core::pupils::episodes::Episode {
                id: row.get("id"),
                pupil_id: row.get("pupil_id"),
                kind: serde_json::from_str(&detail).map_err(|error| unreadable("detail", error.to_string()))?,
            })
        })
        .collect()
}

/// Writes the generated episodes, each by its pupil's UPN, as first versions.
pub(super) async fn write_episodes(
    transaction: &mut Transaction<'_, Db>,
    episodes: &[(Upn, stride_core::pupils::episodes::EpisodeKind)],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let ids = pupil_ids(transaction).await?;
    for (upn, kind) in episodes {
        if let Some(pupil) = ids.get(upn.as_str()) {
            record_episode(transaction, *pupil, None, kind, "Stride (generated)", at).await?;
        }
    }
    Ok(())
}
