//! Every statistic Stride holds as published, beyond its own measures: LAIT's indicators and
//! the Explore Education Statistics data sets, one figure per row, each with its period, filters
//! and source file, for `stride export statistics`.

use serde::Serialize;

use crate::figure::{Figure, Release};
use crate::held_figures::SourceFileRecord;
use crate::table::{Cell, Column, Table};

/// The data set name LAIT's indicators are held under.
pub const LAIT_DATA_SET: &str = "LAIT";

#[derive(Debug, Clone, PartialEq)]
pub struct HeldStatistic {
    /// `LAIT`, or an Explore Education Statistics data set's name.
    pub data_set: String,
    /// An area's kind (`la`, `region`, `england`), `school` or `school-laestab`.
    pub subject: String,
    pub code: String,
    pub time_period: String,
    pub time_identifier: String,
    pub filters: String,
    pub indicator: String,
    pub figure: Figure,
    pub release: Release,
    pub file: Option<SourceFileRecord>,
}

/// A held statistic as one flat JSON object.
#[derive(Debug, Serialize)]
pub struct HeldStatisticRecord<'a> {
    pub data_set: &'a str,
    pub subject: &'a str,
    pub code: &'a str,
    pub time_period: &'a str,
    pub time_identifier: &'a str,
    pub filters: &'a str,
    pub indicator: &'a str,
    pub value: Option<f64>,
    pub missing_reason: Option<&'static str>,
    pub release: &'static str,
    pub file: Option<&'a SourceFileRecord>,
}

impl HeldStatistic {
    pub fn record(&self) -> HeldStatisticRecord<'_> {
        let (value, missing_reason) = match self.figure {
            Figure::Value(value) => (Some(value), None),
            Figure::Missing(reason) => (None, Some(reason.code())),
        };
        HeldStatisticRecord {
            data_set: &self.data_set,
            subject: &self.subject,
            code: &self.code,
            time_period: &self.time_period,
            time_identifier: &self.time_identifier,
            filters: &self.filters,
            indicator: &self.indicator,
            value,
            missing_reason,
            release: self.release.code(),
            file: self.file.as_ref(),
        }
    }
}

pub fn held_statistics_table(statistics: &[HeldStatistic]) -> Table {
    let columns = vec![
        Column::text("Data set"),
        Column::text("Subject"),
        Column::text("Code"),
        Column::text("Time period"),
        Column::text("Time identifier"),
        Column::text("Filters"),
        Column::text("Indicator"),
        Column::number("Value"),
        Column::text("Missing reason"),
        Column::text("Release"),
        Column::text("Source file"),
        Column::text("Source file SHA-256"),
        Column::text("Imported at"),
    ];
    let rows = statistics
        .iter()
        .map(|held| {
            let text = |value: &str| Cell::Text(value.to_owned());
            vec![
                text(&held.data_set),
                text(&held.subject),
                text(&held.code),
                text(&held.time_period),
                text(&held.time_identifier),
                text(&held.filters),
                text(&held.indicator),
                match held.figure {
                    // Written with every decimal it was published with.
                    Figure::Value(value) => Cell::Number {
                        value,
                        decimals: format!("{value}")
                            .split_once('.')
                            .map_or(0, |(_, decimals)| decimals.len()),
                    },
                    Figure::Missing(reason) => Cell::Missing(reason.mark().to_owned()),
                },
                text(held.record().missing_reason.unwrap_or("")),
                text(held.release.code()),
                text(held.file.as_ref().map_or("", |file| file.file_name.as_str())),
                text(held.file.as_ref().map_or("", |file| file.sha256.as_str())),
                Cell::Text(held.file.as_ref().map_or(String::new(), |file| {
                    file.imported_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                })),
            ]
        })
        .collect();
    Table {
        title: "Statistics held".to_owned(),
        columns,
        rows,
    }
}
