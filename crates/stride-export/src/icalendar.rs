//! Due dates as an iCalendar feed (RFC 5545) that a person subscribes to in Outlook or another
//! calendar: one all-day event per item.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across fetches, so that a calendar updates the event rather than adding another.
    pub uid: String,
    pub on: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Text escaped as RFC 5545 §3.3.11 asks: backslash, semicolon, comma and newlines.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// A content line folded at 75 octets (§3.1), never inside a character.
fn folded(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for character in line.chars() {
        let octets = character.len_utf8();
        if width + octets > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(character);
        width += octets;
    }
    out.push_str("\r\n");
    out
}

/// The events as a calendar named `name`, stamped at `now`.
pub fn to_icalendar(name: &str, events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut text = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Stride//Schools Causing Concern//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("X-WR-CALNAME:{}", escaped(name)),
    ] {
        text.push_str(&folded(&line));
    }
    for event in events {
        let next_day = event.on + Duration::days(1);
        for line in [
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escaped(&event.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", event.on.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.format("%Y%m%d")),
            format!("SUMMARY:{}", escaped(&event.summary)),
            format!("DESCRIPTION:{}", escaped(&event.description)),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
        ] {
            text.push_str(&folded(&line));
        }
    }
    text.push_str(&folded("END:VCALENDAR"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_and_text_is_escaped() {
        let event = CalendarEvent {
            uid: "post-inspection-visit/914001/2026-11-02@stride".to_owned(),
            on: NaiveDate::from_ymd_opt(2026, 11, 16).expect("a date"),
            summary:
                "Visit the school and complete the post-inspection record of actions: St Mary's, Hartwell; Oakhanger"
                    .to_owned(),
            description: "Overdue\nHelen Carter".to_owned(),
        };
        let now = DateTime::from_timestamp(1_764_000_000, 0).expect("a time");
        let text = to_icalendar("Helen Carter's due dates", &[event], now);
        assert!(text.lines().all(|line| line.trim_end_matches('\r').len() <= 75));
        assert!(text.contains("DTSTART;VALUE=DATE:20261116\r\nDTEND;VALUE=DATE:20261117\r\n"));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Visit the school and complete the post-inspection record of actions: St Mary's\\, Hartwell\\; Oakhanger\r\n"));
        assert!(unfolded.contains("DESCRIPTION:Overdue\\nHelen Carter\r\n"));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    }
}
