//! A register marks file counted as it is read: each pupil's sessions at each school in each
//! year, without keeping the marks. This is how a year of an LA's marks (38 million for 100,000
//! pupils) is summarised in seconds and in little memory: the file is read in blocks, each block
//! cut at a line's end and counted on every core, consecutive marks of the same pupil sharing one
//! look-up. Every mark is checked as the importer checks it; a bad one refuses the file with its
//! row and column. Fields are plain (a register export has no quoted marks); a quote is refused.

use std::collections::HashMap;
use std::io::Read;
use std::num::NonZeroUsize;

use chrono::NaiveDate;
use stride_core::pupils::{AttendanceCode, SessionCounts, Upn};
use stride_core::{AcademicYear, Urn};

use crate::error::{IngestError, RowError, WITHHELD};

const BLOCK: usize = 32 << 20;
const COLUMNS: [&str; 5] = ["UPN", "URN", "Date", "Session", "Mark"];

/// One pupil's sessions at one school in one academic year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilSessions {
    pub upn: Upn,
    pub urn: Urn,
    pub year: AcademicYear,
    pub counts: SessionCounts,
}

type Key = ([u8; 13], u32, i32);

#[derive(Default)]
struct Counted {
    sessions: HashMap<Key, SessionCounts>,
    /// (line within the part, column, value or withheld, expected)
    errors: Vec<(u64, &'static str, String, String)>,
    lines: u64,
}

/// What has been counted so far, in the file's order.
struct Tally<'n> {
    name: &'n str,
    positions: Option<[usize; 5]>,
    line: u64,
    totals: HashMap<Key, SessionCounts>,
    errors: Vec<RowError>,
}

impl Tally<'_> {
    /// Counts whole lines, the first of the file being its header.
    fn lines(&mut self, mut lines: &[u8]) -> Result<(), IngestError> {
        if self.positions.is_none() && !lines.is_empty() {
            let header_end = lines
                .iter()
                .position(|byte| *byte == b'\n')
                .map_or(lines.len(), |at| at + 1);
            self.positions = Some(header(self.name, &lines[..header_end])?);
            lines = &lines[header_end..];
        }
        let Some(positions) = self.positions else { return Ok(()) };
        for part in count_in_parallel(lines, positions) {
            for (within, column, value, expected) in part.errors {
                self.errors.push(RowError {
                    row: self.line + within + 1,
                    column: column.to_owned(),
                    value,
                    expected,
                });
            }
            self.line += part.lines;
            for (key, counts) in part.sessions {
                self.totals.entry(key).or_default().add(&counts);
            }
        }
        Ok(())
    }
}

pub fn summarise_marks(name: &str, mut reader: impl Read) -> Result<Vec<PupilSessions>, IngestError> {
    let mut tally = Tally {
        name,
        positions: None,
        line: 1,
        totals: HashMap::new(),
        errors: Vec::new(),
    };
    let mut block = vec![0u8; BLOCK];
    // The line a block ended in the middle of, completed by the start of the next.
    let mut carried: Vec<u8> = Vec::new();
    loop {
        let read = fill(&mut reader, &mut block).map_err(|source| IngestError::Unreadable {
            file: name.to_owned(),
            source,
        })?;
        let data = &block[..read];
        let Some(first) = data.iter().position(|byte| *byte == b'\n') else {
            carried.extend_from_slice(data);
            if read == 0 {
                tally.lines(&carried)?;
                break;
            }
            continue;
        };
        carried.extend_from_slice(&data[..=first]);
        tally.lines(&carried)?;
        carried.clear();
        let last = data.iter().rposition(|byte| *byte == b'\n').unwrap_or(first);
        tally.lines(&data[first + 1..=last])?;
        carried.extend_from_slice(&data[last + 1..]);
    }
    let Tally { totals, mut errors, .. } = tally;
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(crate::ERRORS_LISTED);
        errors.truncate(crate::ERRORS_LISTED);
        return Err(IngestError::Rows {
            file: name.to_owned(),
            errors,
            more,
        });
    }
    let mut summary: Vec<PupilSessions> = totals
        .into_iter()
        .filter_map(|((upn, urn, year), counts)| {
            Some(PupilSessions {
                upn: Upn::parse(std::str::from_utf8(&upn).ok()?).ok()?,
                urn: Urn::new(urn).ok()?,
                year: AcademicYear::starting(year),
                counts,
            })
        })
        .collect();
    summary.sort_by(|a, b| (a.upn.as_str(), a.urn, a.year).cmp(&(b.upn.as_str(), b.urn, b.year)));
    Ok(summary)
}

/// Reads until the block is full or the file ends; the bytes read.
fn fill(reader: &mut impl Read, block: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < block.len() {
        match reader.read(&mut block[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

fn header(name: &str, line: &[u8]) -> Result<[usize; 5], IngestError> {
    let text = String::from_utf8_lossy(line);
    let names: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split(',')
        .map(str::trim)
        .collect();
    let mut positions = [0; 5];
    for (slot, column) in positions.iter_mut().zip(COLUMNS) {
        *slot = names
            .iter()
            .position(|name| *name == column)
            .ok_or_else(|| IngestError::MissingColumn {
                file: name.to_owned(),
                column: column.to_owned(),
            })?;
    }
    Ok(positions)
}

/// The lines cut into one part a core, each counted on its own thread, in order.
fn count_in_parallel(lines: &[u8], positions: [usize; 5]) -> Vec<Counted> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let mut parts = Vec::with_capacity(threads);
    let mut start = 0;
    for index in 1..=threads {
        let mut end = if index == threads {
            lines.len()
        } else {
            (lines.len() * index / threads).max(start)
        };
        // A part ends after a newline; one cut at the very start is empty, and stays so.
        while end > start && end < lines.len() && lines[end - 1] != b'\n' {
            end += 1;
        }
        parts.push(&lines[start..end]);
        start = end;
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || count(part, positions)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_default())
            .collect()
    })
}

/// The codes of one character, by their byte, looked up without comparing text.
fn single_byte_codes() -> [Option<AttendanceCode>; 256] {
    let mut table = [None; 256];
    for code in AttendanceCode::ALL {
        if let [byte] = code.code().as_bytes() {
            table[usize::from(*byte)] = Some(*code);
        }
    }
    table
}

fn count(part: &[u8], positions: [usize; 5]) -> Counted {
    let mut counted = Counted::default();
    if part.is_empty() {
        return counted;
    }
    let single = single_byte_codes();
    // A pupil's morning and afternoon share a date, so the last date read is kept.
    let mut last_date: (&[u8], Option<(NaiveDate, i32)>) = (&[], None);
    let mut last: Option<(Key, SessionCounts)> = None;
    // The UPN and URN of the last line as written: the next line of the same pupil is counted
    // without reading them again.
    let mut last_raw: (&[u8], &[u8]) = (&[], &[]);
    let mut pieces = 0u64;
    for (within, raw) in part.split(|byte| *byte == b'\n').enumerate() {
        pieces += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() {
            continue;
        }
        let mut fields: [&[u8]; 8] = [&[]; 8];
        let mut found = 0;
        for field in raw.split(|byte| *byte == b',').take(8) {
            fields[found] = field;
            found += 1;
        }
        let field = |column: usize| fields[positions[column]];
        let mut refuse = |column: usize, value: &[u8], expected: &str| {
            let value = if column == 0 {
                WITHHELD.to_owned()
            } else {
                String::from_utf8_lossy(value).into_owned()
            };
            counted
                .errors
                .push((within as u64, COLUMNS[column], value, expected.to_owned()));
        };
        if positions.iter().any(|position| *position >= found) {
            refuse(
                4,
                raw.get(..0).unwrap_or_default(),
                "a row of plain fields reaching column Mark",
            );
            continue;
        }
        let mark = field(4);
        if mark.is_empty() || mark == b"-" {
            continue;
        }
        if last_date.0 != field(2) {
            last_date = (
                field(2),
                date(field(2)).map(|day| (day, AcademicYear::containing(day).start_year())),
            );
        }
        let Some((day, year)) = last_date.1 else {
            refuse(2, field(2), "a date: YYYY-MM-DD");
            continue;
        };
        let code = match mark {
            [byte] => single[usize::from(*byte)],
            _ => std::str::from_utf8(mark)
                .ok()
                .and_then(|text| AttendanceCode::from_code(text).ok()),
        };
        let Some(code) = code else {
            refuse(4, mark, &AttendanceCode::unknown().to_string());
            continue;
        };
        if let Err(problem) = code.in_force_on(day) {
            refuse(4, mark, &problem.to_string());
            continue;
        }
        if !matches!(field(3), b"AM" | b"PM") {
            refuse(3, field(3), "AM or PM");
            continue;
        }
        if let Some(((_, _, held_year), counts)) = &mut last
            && last_raw == (field(0), field(1))
            && *held_year == year
        {
            counts.count(code);
            continue;
        }
        let Some(urn) = digits(field(1)).filter(|urn| Urn::new(*urn).is_ok()) else {
            refuse(1, field(1), "a URN: six digits");
            continue;
        };
        let Ok(upn) = <[u8; 13]>::try_from(field(0)) else {
            refuse(0, field(0), "a UPN of 13 characters");
            continue;
        };
        let key = (upn, urn, year);
        match &mut last {
            Some((held, counts)) if *held == key => counts.count(code),
            _ => {
                if std::str::from_utf8(&upn).map_or(true, |text| Upn::parse(text).is_err()) {
                    refuse(
                        0,
                        field(0),
                        "a UPN whose first character is the check letter of the other twelve",
                    );
                    continue;
                }
                if let Some((held, counts)) = last.take() {
                    counted.sessions.entry(held).or_default().add(&counts);
                }
                let mut counts = SessionCounts::default();
                counts.count(code);
                last = Some((key, counts));
                last_raw = (field(0), field(1));
            }
        }
    }
    if let Some((held, counts)) = last {
        counted.sessions.entry(held).or_default().add(&counts);
    }
    // A part ends with its last line's newline: the empty piece after it is not a line.
    counted.lines = pieces - u64::from(part.last() == Some(&b'\n'));
    counted
}

fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        text.iter()
            .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0')),
    )
}

fn date(text: &[u8]) -> Option<NaiveDate> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&text[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&text[5..7])?, digits(&text[8..])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Table;

    fn marks() -> String {
        let mut text = String::from("UPN,URN,Date,Session,Mark\r\n");
        for (serial, codes) in [
            (1, ["/", "\\", "I", "N", "#", "L"]),
            (2, ["/", "\\", "/", "\\", "/", "M"]),
        ] {
            let upn = Upn::with_check_letter(&format!("80120000500{serial}")).expect("valid");
            for (index, code) in codes.iter().enumerate() {
                let session = if index % 2 == 0 { "AM" } else { "PM" };
                text.push_str(&format!(
                    "{upn},914001,2025-09-{:02},{session},{code}\r\n",
                    8 + index / 2
                ));
            }
        }
        text
    }

    #[test]
    fn the_summary_counts_what_the_importer_counts() {
        let text = marks();
        let summary = summarise_marks("marks.csv", text.as_bytes()).expect("reads");
        let imported = crate::pupils::marks(&Table::from_text("marks.csv", &text)).expect("reads");
        assert_eq!(summary.len(), imported.len());
        for (summed, held) in summary.iter().zip(&imported) {
            assert_eq!(summed.upn, held.upn);
            assert_eq!(summed.counts, held.marks.counts(held.year));
        }
        assert_eq!(
            summary[0].counts.possible, 5,
            "the planned closure is not a possible session"
        );
    }

    #[test]
    fn a_bad_mark_is_refused_with_its_row_however_the_file_is_cut() {
        let mut text = marks();
        text = text.replacen(",N\r\n", ",A\r\n", 1);
        let error = summarise_marks("marks.csv", text.as_bytes())
            .expect_err("refused")
            .to_string();
        assert!(error.contains("row 5, column Mark: 'A'"), "{error}");
        let wrong_upn = marks().replacen("801200005002", "801200005003", 1);
        let error = summarise_marks("marks.csv", wrong_upn.as_bytes())
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("row 8, column UPN") && !error.contains("801200005003"),
            "{error}"
        );
        let missing = "UPN,URN,Day,Session,Mark\n";
        assert!(matches!(
            summarise_marks("marks.csv", missing.as_bytes()),
            Err(IngestError::MissingColumn { .. })
        ));
    }

    #[test]
    fn a_file_shorter_than_a_core_each_is_read() {
        // Found by the fuzzer: one short line, cut for two cores at its start.
        let upn = Upn::with_check_letter("801200005001").expect("valid");
        let summary = summarise_marks(
            "marks.csv",
            format!("UPN,URN,Date,Session,Mark\n{upn},914001,2025-09-08,AM,/").as_bytes(),
        );
        assert_eq!(summary.expect("reads")[0].counts.possible, 1);
        assert!(summarise_marks("marks.csv", &b"UPN,URN,Date,Session,Mark\nB"[..]).is_err());
        let crash = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/seeds/register-marks.csv"
        ))
        .expect("the seed");
        assert!(summarise_marks("marks.csv", crash.as_slice()).is_ok());
    }

    #[test]
    fn lines_cut_by_a_block_are_counted_whole_with_their_rows() {
        // Marks of one pupil until a block's end falls inside a line, then a bad mark.
        let upn = Upn::with_check_letter("801200005001").expect("valid");
        let line = format!("{upn},914001,2025-09-08,AM,/\n");
        let lines = BLOCK / line.len() + 3;
        let mut text = String::from("UPN,URN,Date,Session,Mark\n");
        for _ in 0..lines {
            text.push_str(&line);
        }
        let summary = summarise_marks("marks.csv", text.as_bytes()).expect("reads");
        assert_eq!(summary[0].counts.possible as usize, lines);
        text.push_str(&line.replace(",/", ",A"));
        let error = summarise_marks("marks.csv", text.as_bytes())
            .expect_err("refused")
            .to_string();
        assert!(error.contains(&format!("row {}, column Mark", lines + 2)), "{error}");
    }
}
