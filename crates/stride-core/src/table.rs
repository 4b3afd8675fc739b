//! A table of figures as a report holds it: typed cells that a page, a CSV file and an XLSX
//! workbook each write in their own way, so that all three show the same figures.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub heading: String,
    pub numeric: bool,
}

impl Column {
    pub fn text(heading: impl Into<String>) -> Column {
        Column {
            heading: heading.into(),
            numeric: false,
        }
    }

    pub fn number(heading: impl Into<String>) -> Column {
        Column {
            heading: heading.into(),
            numeric: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Number {
        value: f64,
        decimals: usize,
    },
    Date(NaiveDate),
    /// No value, with the mark that says why (for example SUPP for suppressed).
    Missing(String),
    /// A figure with the source it was imported from, which a page links it to.
    Sourced {
        value: f64,
        decimals: usize,
        source: String,
    },
}

impl Cell {
    /// A count as a reader is shown it: the number, or `c` where it is withheld.
    pub fn of_count(count: crate::suppression::Count) -> Cell {
        match count {
            crate::suppression::Count::Shown(count) => Cell::Integer(i64::try_from(count).unwrap_or(i64::MAX)),
            crate::suppression::Count::Suppressed => Cell::Missing("c".into()),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Cell::Text(text) | Cell::Missing(text) => text.clone(),
            Cell::Integer(value) => value.to_string(),
            Cell::Number { value, decimals } | Cell::Sourced { value, decimals, .. } => format!("{value:.decimals$}"),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// Where the figure came from, where the cell says.
    pub fn source(&self) -> Option<&str> {
        match self {
            Cell::Sourced { source, .. } => Some(source),
            _ => None,
        }
    }

    /// A figure's cell with its source: the value where there is one, otherwise the mark that
    /// says why not.
    pub fn of_figure(figure: crate::figure::Figure, decimals: usize, source: &str) -> Cell {
        match figure {
            crate::figure::Figure::Value(value) => Cell::Sourced {
                value,
                decimals,
                source: source.to_owned(),
            },
            crate::figure::Figure::Missing(reason) => Cell::Missing(reason.mark().to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}
