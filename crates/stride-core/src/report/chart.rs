//! A line chart as a report holds it: a measure over the years for a few lines (a school, the
//! LA, England), with the geometry every drawing of it shares (the range and its gridlines) and
//! the words that say the same as the picture, so that an SVG on a page and the lines of a PDF
//! show one chart and nothing is only in the picture.

use crate::measure::Measure;

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub measure: Measure,
    /// The labels along the bottom, oldest first.
    pub years: Vec<String>,
    pub lines: Vec<ChartLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartLine {
    pub label: String,
    /// One per year; none where no figure is held, which breaks the line.
    pub values: Vec<Option<f64>>,
}

/// How a line is drawn, by its place in the chart, so that lines differ by more than colour and
/// read in black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
}

impl LineStyle {
    pub fn of_line(number: usize) -> LineStyle {
        match number % 3 {
            0 => LineStyle::Solid,
            1 => LineStyle::Dashed,
            _ => LineStyle::Dotted,
        }
    }

    /// The dash pattern, dash then gap, or none for a solid line.
    pub fn dashes(self) -> Option<(f64, f64)> {
        match self {
            LineStyle::Solid => None,
            LineStyle::Dashed => Some((6.0, 4.0)),
            LineStyle::Dotted => Some((2.0, 3.0)),
        }
    }
}

impl Chart {
    fn values(&self) -> impl Iterator<Item = f64> + Clone + '_ {
        self.lines.iter().flat_map(|line| line.values.iter().flatten().copied())
    }

    pub fn has_values(&self) -> bool {
        self.values().next().is_some()
    }

    /// The vertical range, or none when there is nothing to draw.
    pub fn range(&self) -> Option<(f64, f64)> {
        value_range(self.values())
    }

    /// The values the gridlines are drawn at: round steps within the range.
    pub fn gridlines(&self) -> Vec<f64> {
        let Some((low, high)) = self.range() else {
            return Vec::new();
        };
        let step = tick_step((high - low) / 4.0);
        let mut lines = Vec::new();
        let mut value = (low / step).ceil() * step;
        while value <= high + step * 1e-9 {
            lines.push(value);
            value += step;
        }
        lines
    }

    /// What the chart shows, in words: each line's figure year by year.
    pub fn text_alternative(&self) -> String {
        self.lines
            .iter()
            .map(|line| {
                let points: Vec<String> = self
                    .years
                    .iter()
                    .zip(&line.values)
                    .map(|(year, value)| {
                        format!(
                            "{year} {}",
                            value.map_or("no figure".to_owned(), |value| self.measure.format(value))
                        )
                    })
                    .collect();
                format!("{}: {}.", line.label, points.join(", "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The range a chart of these values is drawn over: the values with a margin, widened so that a
/// flat line is not drawn as a dramatic one.
pub fn value_range(values: impl Iterator<Item = f64> + Clone) -> Option<(f64, f64)> {
    let low = values.clone().reduce(f64::min)?;
    let high = values.reduce(f64::max)?;
    let span = (high - low).max(high.abs() * 0.1).max(1.0);
    Some((low - span * 0.15, high + span * 0.15))
}

/// A round step between gridlines: 1, 2 or 5 times a power of ten.
pub fn tick_step(rough: f64) -> f64 {
    let power = 10f64.powf(rough.log10().floor());
    let fraction = rough / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<Option<f64>>) -> Chart {
        Chart {
            title: "Absence".to_owned(),
            measure: Measure::OverallAbsence,
            years: vec!["2023/24".to_owned(), "2024/25".to_owned(), "2025/26".to_owned()],
            lines: vec![ChartLine {
                label: "School".to_owned(),
                values,
            }],
        }
    }

    #[test]
    fn gridlines_fall_on_round_values_within_the_range() {
        let chart = chart(vec![Some(4.2), Some(6.9), None]);
        let (low, high) = chart.range().expect("a range");
        assert!(low < 4.2 && high > 6.9);
        let lines = chart.gridlines();
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|value| (value * 2.0).fract().abs() < 1e-9 && *value >= low && *value <= high)
        );
    }

    #[test]
    fn the_words_say_every_figure_and_every_gap() {
        let words = chart(vec![Some(4.2), None, Some(5.0)]).text_alternative();
        assert_eq!(words, "School: 2023/24 4.2%, 2024/25 no figure, 2025/26 5.0%.");
    }

    #[test]
    fn a_chart_without_values_has_no_range() {
        assert_eq!(chart(vec![None, None, None]).range(), None);
        assert!(chart(vec![None, None, None]).gridlines().is_empty());
    }

    #[test]
    fn lines_differ_by_their_dashes() {
        assert_eq!(LineStyle::of_line(0).dashes(), None);
        assert_ne!(LineStyle::of_line(1).dashes(), LineStyle::of_line(2).dashes());
        assert!(LineStyle::of_line(2).dashes().is_some());
    }
}
