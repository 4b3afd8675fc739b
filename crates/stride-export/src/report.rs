//! A report as CSV, as a workbook and as a standalone HTML document, each holding the same
//! sentences and tables as its page and its PDF.

use rust_xlsxwriter::{Format, Workbook};
use stride_core::report::Report;

use crate::{ExportError, protect_formula, sheet_name, write_sheet};

/// Every table of the report, each under its title and apart from the next by a blank line.
pub fn report_to_csv(report: &Report) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    writer.write_record([report.title.as_str(), &format!("As at {}", report.as_of)])?;
    for table in report.tables() {
        writer.write_record(std::iter::empty::<&str>())?;
        writer.write_record([table.title.as_str()])?;
        writer.write_record(table.columns.iter().map(|column| column.heading.as_str()))?;
        for row in &table.rows {
            writer.write_record(row.iter().map(|cell| protect_formula(cell.display())))?;
        }
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Finish(error.to_string()))
}

/// A first sheet with the report's words, then a sheet for each table.
pub fn report_to_xlsx(report: &Report) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let words = workbook.add_worksheet();
    words.set_name("Report")?;
    words.set_column_width(0, 120)?;
    let title = Format::new().set_bold().set_font_size(16);
    let heading = Format::new().set_bold().set_font_size(12);
    let wrapped = Format::new().set_text_wrap();
    words.write_string_with_format(0, 0, &report.title, &title)?;
    words.write_string(1, 0, format!("As at {}", report.as_of.format("%-d %B %Y")))?;
    let mut row = 3;
    for section in &report.sections {
        words.write_string_with_format(row, 0, &section.heading, &heading)?;
        row += 1;
        for sentence in section.sentences.iter().cloned().chain(section.sources_in_words()) {
            words.write_string_with_format(row, 0, &sentence, &wrapped)?;
            row += 1;
        }
        row += 1;
    }
    let mut names: Vec<String> = vec!["Report".to_owned()];
    for table in report.tables() {
        let mut name = sheet_name(&table.title);
        let mut number = 2;
        while names.iter().any(|taken| taken.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" ({number})");
            name = format!(
                "{}{suffix}",
                sheet_name(&table.title)
                    .chars()
                    .take(31 - suffix.len())
                    .collect::<String>()
            );
            number += 1;
        }
        write_sheet(&mut workbook, table, &name)?;
        names.push(name);
    }
    Ok(workbook.save_to_buffer()?)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as one HTML file to keep, mail or print: its own styles, no script.
pub fn report_to_html(report: &Report) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>body{{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:2em;max-width:72em}}table{{border-collapse:collapse;margin:0 0 2em;font-size:0.9em}}caption{{text-align:left;font-weight:bold;padding:0.5em 0}}th,td{{border-bottom:1px solid #b1b4b6;padding:0.3em 0.6em;text-align:left;vertical-align:top}}td.number,th.number{{text-align:right}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p>As at {as_of}. Produced by Stride from the data it holds.</p>\n",
        title = escape(&report.title),
        as_of = report.as_of.format("%-d %B %Y"),
    );
    for (section_number, section) in report.sections.iter().enumerate() {
        html.push_str(&format!("<h2>{}</h2>\n", escape(&section.heading)));
        for sentence in section.sentences.iter().cloned().chain(section.sources_in_words()) {
            html.push_str(&format!("<p>{}</p>\n", escape(&sentence)));
        }
        for (number, chart) in section.charts.iter().enumerate() {
            if let Some(svg) = crate::svg::line_chart(&format!("chart-{section_number}-{number}"), chart) {
                html.push_str(&format!("<figure>{svg}</figure>\n"));
            }
        }
        for table in &section.tables {
            html.push_str(&format!(
                "<table>\n<caption>{}</caption>\n<thead><tr>",
                escape(&table.title)
            ));
            for column in &table.columns {
                let class = if column.numeric { " class=\"number\"" } else { "" };
                html.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(&column.heading)));
            }
            html.push_str("</tr></thead>\n<tbody>\n");
            for row in &table.rows {
                html.push_str("<tr>");
                for (cell, column) in row.iter().zip(&table.columns) {
                    let class = if column.numeric { " class=\"number\"" } else { "" };
                    html.push_str(&format!("<td{class}>{}</td>", escape(&cell.display())));
                }
                html.push_str("</tr>\n");
            }
            html.push_str("</tbody>\n</table>\n");
        }
    }
    html.push_str("</body>\n</html>\n");
    html
}
