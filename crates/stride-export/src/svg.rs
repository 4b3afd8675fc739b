//! Charts drawn as SVG on the server: lines of a measure over the years, and differences with
//! their intervals. Each chart sits beside the table of its figures, so nothing is only in the
//! picture.

use std::fmt::Write;

use stride_core::report::{Chart, ChartLine, LineStyle, tick_step, value_range};

const WIDTH: f64 = 460.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 36.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 34.0;

/// An accessible SVG line chart, or none when there are no values to draw.
pub fn line_chart(id: &str, chart: &Chart) -> Option<String> {
    let (low, high) = chart.range()?;
    let count = chart.years.len();
    let x = |index: usize| LEFT + (WIDTH - LEFT - RIGHT) * index as f64 / (count.max(2) - 1) as f64;
    let y = |value: f64| TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="stride-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&chart.title),
        escape(&chart.text_alternative()),
    );
    for value in chart.gridlines() {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(value) + 4.0,
            escape(&chart.measure.format(value)),
            y = y(value),
        );
    }
    for (index, year) in chart.years.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(index),
            HEIGHT - 10.0,
            escape(year)
        );
    }
    for (number, line) in chart.lines.iter().enumerate() {
        draw_line(&mut svg, line, number, &x, &y);
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn draw_line(svg: &mut String, line: &ChartLine, number: usize, x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64) {
    let colour = if number == 0 { "#1d70b8" } else { "#0b0c0c" };
    let dash = LineStyle::of_line(number)
        .dashes()
        .map_or(String::new(), |(dash, gap)| {
            format!(r#" stroke-dasharray="{dash} {gap}""#)
        });
    // A missing year breaks the line rather than joining across it.
    let mut segment: Vec<String> = Vec::new();
    let flush = |segment: &mut Vec<String>, svg: &mut String| {
        if segment.len() > 1 {
            let _ = write!(
                svg,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="3"{dash} points="{}"/>"#,
                segment.join(" ")
            );
        }
        segment.clear();
    };
    for (index, value) in line.values.iter().enumerate() {
        match value {
            Some(value) => {
                segment.push(format!("{:.1},{:.1}", x(index), y(*value)));
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"/>"#,
                    x(index),
                    y(*value)
                );
            }
            None => flush(&mut segment, svg),
        }
    }
    flush(&mut segment, svg);
    let legend_x = LEFT + number as f64 * 130.0;
    let _ = write!(
        svg,
        r#"<line x1="{legend_x}" x2="{}" y1="14" y2="14" stroke="{colour}" stroke-width="3"{dash}/><text x="{}" y="18">{}</text>"#,
        legend_x + 24.0,
        legend_x + 30.0,
        escape(&line.label)
    );
}

/// One row of an interval chart: a difference with its interval, or none where the group is
/// too small to give one.
pub struct Interval {
    pub label: String,
    pub estimate: Option<(f64, f64, f64)>,
}

/// An accessible SVG chart of differences with their 95 % intervals, one row each (its label
/// above its bar, so a long name never runs into the plot), about a line at no difference, with
/// the better direction marked; a row too small for an estimate is said in words, not drawn.
pub fn interval_chart(id: &str, title: &str, rows: &[Interval], better_when_lower: bool) -> Option<String> {
    let values: Vec<f64> = rows
        .iter()
        .filter_map(|row| row.estimate)
        .flat_map(|(_, lower, upper)| [lower, upper])
        .chain([0.0])
        .collect();
    if values.len() < 2 {
        return None;
    }
    let (low, high) = value_range(values.iter().copied())?;
    let width = WIDTH + 200.0;
    let (left, right) = (16.0, 16.0);
    let row_height = 44.0;
    let axis = TOP + row_height * rows.len() as f64;
    let height = axis + BOTTOM + 24.0;
    let x = |value: f64| left + (width - left - right) * (value - low) / (high - low);
    let description = rows
        .iter()
        .map(|row| match row.estimate {
            Some((difference, lower, upper)) => {
                format!(
                    "{}: {difference:+.2} (95% interval {lower:+.2} to {upper:+.2}).",
                    row.label
                )
            }
            None => format!("{}: too few schools to say.", row.label),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="stride-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&description),
    );
    let step = tick_step((high - low) / 5.0);
    let mut tick = (low / step).ceil() * step;
    while tick <= high + step * 1e-9 {
        let _ = write!(
            svg,
            r##"<line x1="{at:.1}" x2="{at:.1}" y1="{TOP}" y2="{axis}" stroke="#b1b4b6" stroke-width="1"/><text x="{at:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            axis + 16.0,
            escape(&format!("{tick:+}").replace("+0", "0").replace("-0", "0")),
            at = x(tick),
        );
        tick += step;
    }
    let _ = write!(
        svg,
        r##"<line x1="{zero:.1}" x2="{zero:.1}" y1="{TOP}" y2="{axis}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="4 3"/><text x="{zero:.1}" y="{}" text-anchor="middle">No difference</text>"##,
        axis + 34.0,
        zero = x(0.0),
    );
    let (better_x, anchor, arrow) = if better_when_lower {
        (left, "start", "← Better")
    } else {
        (width - right, "end", "Better →")
    };
    let _ = write!(
        svg,
        r#"<text x="{better_x}" y="{:.1}" text-anchor="{anchor}" font-weight="bold">{arrow}</text>"#,
        axis + 34.0
    );
    for (index, row) in rows.iter().enumerate() {
        let top = TOP + row_height * index as f64;
        let _ = write!(
            svg,
            r#"<text x="{left}" y="{:.1}">{}</text>"#,
            top + 14.0,
            escape(&row.label)
        );
        let y = top + 30.0;
        match row.estimate {
            Some((difference, lower, upper)) => {
                let _ = write!(
                    svg,
                    r##"<line x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#1d70b8" stroke-width="3"/><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="#0b0c0c"/>"##,
                    x(lower),
                    x(upper),
                    x(difference) - 5.0,
                    y - 5.0,
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r#"<text x="{left}" y="{:.1}" font-style="italic">Too few schools to say</text>"#,
                    y + 4.0
                );
            }
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An UpSet chart of an overlap: a bar for each of the largest combinations, and under it a row
/// of dots a characteristic, filled where the combination holds it. Suppressed counts have no bar
/// and say so. None when there is no combination with members.
pub fn upset_chart(
    id: &str,
    title: &str,
    overlap: &stride_core::pupils::overlap::Overlap,
    most: usize,
) -> Option<String> {
    use stride_core::suppression::Count;
    let combinations: Vec<_> = overlap
        .combinations
        .iter()
        .filter(|each| !each.members.is_empty())
        .take(most)
        .collect();
    if combinations.is_empty() {
        return None;
    }
    let label_width = 250.0;
    let column = 30.0;
    let bars_height = 150.0;
    let row = 20.0;
    let top = 24.0;
    let width = label_width + column * combinations.len() as f64 + 10.0;
    let height = top + bars_height + 10.0 + row * overlap.characteristics.len() as f64;
    let largest = combinations
        .iter()
        .filter_map(|each| each.count.shown())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let words: Vec<String> = combinations
        .iter()
        .map(|each| {
            let names: Vec<&str> = each.members.iter().map(|member| member.label()).collect();
            format!("{}: {}", names.join(" and "), each.count)
        })
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="stride-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">Pupils with exactly each combination, largest first. {}. A c is a count withheld because it is small or would give a small one away.</desc>"#,
        escape(title),
        escape(&words.join("; ")),
    );
    for (index, combination) in combinations.iter().enumerate() {
        let x = label_width + column * index as f64 + column / 2.0;
        match combination.count {
            Count::Shown(count) => {
                let bar = bars_height * count as f64 / largest;
                let _ = write!(
                    svg,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}" fill="#1d70b8"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11">{count}</text>"##,
                    x - column * 0.35,
                    top + bars_height - bar,
                    column * 0.7,
                    top + bars_height - bar - 4.0,
                );
            }
            Count::Suppressed => {
                let _ = write!(
                    svg,
                    r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11">c</text>"##,
                    top + bars_height - 4.0,
                );
            }
        }
        let rows: Vec<f64> = overlap
            .characteristics
            .iter()
            .enumerate()
            .filter(|(_, characteristic)| combination.members.contains(characteristic))
            .map(|(position, _)| top + bars_height + 10.0 + row * position as f64 + row / 2.0)
            .collect();
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            let _ = write!(
                svg,
                r##"<line x1="{x:.1}" x2="{x:.1}" y1="{first:.1}" y2="{last:.1}" stroke="#0b0c0c" stroke-width="2"/>"##
            );
        }
        for position in 0..overlap.characteristics.len() {
            let y = top + bars_height + 10.0 + row * position as f64 + row / 2.0;
            let filled = rows.contains(&y);
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{}" stroke="#0b0c0c"/>"##,
                if filled { "#0b0c0c" } else { "#ffffff" }
            );
        }
    }
    for (position, characteristic) in overlap.characteristics.iter().enumerate() {
        let y = top + bars_height + 10.0 + row * position as f64 + row / 2.0 + 4.0;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{y:.1}" text-anchor="end" font-size="12">{} ({})</text>"#,
            label_width - 8.0,
            escape(characteristic.label()),
            overlap
                .with_each
                .get(position)
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years() -> Vec<String> {
        ["2021/22", "2022/23", "2023/24"].map(String::from).to_vec()
    }

    fn chart(title: &str, lines: Vec<ChartLine>) -> Chart {
        Chart {
            title: title.to_owned(),
            measure: stride_core::Measure::Ks2ReadingWritingMathsExpected,
            years: years(),
            lines,
        }
    }

    #[test]
    fn a_missing_year_breaks_the_line_and_is_said_in_the_description() {
        let school = ChartLine {
            label: "School".into(),
            values: vec![Some(60.0), None, Some(64.0)],
        };
        let england = ChartLine {
            label: "England".into(),
            values: vec![Some(59.0), Some(60.0), Some(61.0)],
        };
        let svg = line_chart("c", &chart("KS2 <RWM>", vec![school, england])).expect("drawn");
        assert!(svg.contains(r#"stroke-dasharray="6 4""#), "England's line is dashed");
        assert_eq!(svg.matches("<polyline").count(), 1, "only England's line is unbroken");
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains("School: 2021/22 60.0%, 2022/23 no figure, 2023/24 64.0%."));
        assert!(svg.contains("KS2 &lt;RWM&gt;"));
    }

    #[test]
    fn an_interval_chart_draws_each_estimate_and_says_where_a_group_is_too_small() {
        let rows = [
            Interval {
                label: "Leaders of education".into(),
                estimate: Some((6.5, 2.0, 11.0)),
            },
            Interval {
                label: "Governance reviews".into(),
                estimate: None,
            },
        ];
        let svg = interval_chart("i", "Impact", &rows, false).expect("drawn");
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains("Leaders of education: +6.50 (95% interval +2.00 to +11.00)."));
        assert!(svg.contains("Governance reviews: too few schools to say."));
        assert!(svg.contains(">Too few schools to say</text>"));
        assert!(svg.contains("Better →"));
        assert!(
            interval_chart("i", "Impact", &rows, true)
                .expect("drawn")
                .contains("← Better")
        );
        assert!(
            interval_chart("i", "Impact", &rows[1..], false).is_none(),
            "nothing to draw"
        );
    }

    #[test]
    fn gridlines_fall_on_round_values() {
        assert_eq!(tick_step(13.0), 20.0);
        assert_eq!(tick_step(0.3), 0.5);
        assert_eq!(tick_step(4.0), 5.0);
    }

    #[test]
    fn nothing_is_drawn_without_values() {
        let empty = ChartLine {
            label: "School".into(),
            values: vec![None, None, None],
        };
        assert!(line_chart("c", &chart("t", vec![empty])).is_none());
    }

    #[test]
    fn an_upset_chart_draws_a_bar_a_combination_and_says_what_is_withheld() {
        use stride_core::pupils::Characteristic::{Disadvantaged, SenSupport};
        use stride_core::pupils::overlap::overlap;
        let mut sets: Vec<std::collections::BTreeSet<_>> = vec![[Disadvantaged].into_iter().collect(); 5];
        sets.push([Disadvantaged, SenSupport].into_iter().collect());
        sets.extend(vec![[SenSupport].into_iter().collect(); 4]);
        let shown = overlap(&sets, &[Disadvantaged, SenSupport], Some(3));
        let svg = upset_chart("o", "Overlap", &shown, 10).expect("a chart");
        // One pupil with both is withheld, and with the totals shown so must the others be.
        let drawn = shown.combinations.iter().filter(|each| !each.members.is_empty());
        let bars = drawn
            .clone()
            .filter(|each| each.count != stride_core::suppression::Count::Suppressed)
            .count();
        assert_eq!(svg.matches("<rect").count(), bars);
        assert!(svg.contains("Disadvantaged and SEN support: c"), "{svg}");
        assert_eq!(svg.matches(">c</text>").count(), drawn.count() - bars);
        let open =
            upset_chart("o", "Overlap", &overlap(&sets, &[Disadvantaged, SenSupport], None), 10).expect("a chart");
        assert_eq!(open.matches("<rect").count(), 3);
        assert!(open.contains("Disadvantaged and SEN support: 1"));
        assert_eq!(
            open.matches("<circle").count(),
            6,
            "a dot per characteristic per combination"
        );
        assert_eq!(
            upset_chart(
                "o",
                "Overlap",
                &overlap(&[std::collections::BTreeSet::new()], &[Disadvantaged], None),
                10
            ),
            None
        );
    }
}
