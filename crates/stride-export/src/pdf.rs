//! A report as a PDF for a committee pack: A4 landscape, Helvetica (one of the fonts every PDF
//! reader has, so nothing is embedded and the text can be copied and searched), the title and the
//! day it is as at, each section's heading, its sentences wrapped, and its tables with their
//! header repeated on each page they run onto. Black and white throughout.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use stride_core::report::{Chart, LineStyle, Report};
use stride_core::table::Table;

use crate::ExportError;

const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;
const MARGIN: f32 = 42.0;
const FULL_WIDTH: f32 = WIDTH - 2.0 * MARGIN;
const BODY: f32 = 10.0;
const TABLE: f32 = 7.5;

/// Helvetica's advance widths (per 1000 units of the font size) for the printable ASCII
/// characters, from Adobe's font metrics; other characters are taken at the width of a digit.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|character| {
            let code = character as u32;
            if (32..127).contains(&code) {
                u32::from(HELVETICA[(code - 32) as usize])
            } else {
                556
            }
        })
        .sum();
    // Helvetica Bold runs about a twentieth wider; near enough to wrap by.
    units as f32 * size / 1000.0 * if bold { 1.05 } else { 1.0 }
}

/// Text in the PDF's WinAnsi encoding: the pound sign and the dashes and quotes people type;
/// anything else outside it as a question mark, never dropped silently.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|character| match character {
            ' '..='~' => character as u8,
            '£' => 0xA3,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '…' => 0x85,
            '·' => 0xB7,
            '←' | '→' => b'-',
            _ => b'?',
        })
        .collect()
}

/// The lines a text wraps to in a width.
fn wrap(text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pages being written: those finished, the page being written, and where its next line goes.
struct Pages {
    /// Each finished page's content, encoded and compressed as it is finished, so that a batch
    /// of hundreds of pages does not hold every drawing operation until the end.
    finished: Vec<Stream>,
    /// Why a page could not be encoded, where one could not.
    failed: Option<String>,
    page: Vec<Operation>,
    y: f32,
    footer: String,
    /// The column text and tables are written in: its left edge and width, the page's unless
    /// charts take its right side.
    left: f32,
    width: f32,
}

impl Pages {
    fn new(footer: String) -> Pages {
        let mut pages = Pages {
            finished: Vec::new(),
            failed: None,
            page: Vec::new(),
            y: HEIGHT - MARGIN,
            footer,
            left: MARGIN,
            width: FULL_WIDTH,
        };
        pages.write_footer();
        pages
    }

    fn write_footer(&mut self) {
        let footer = format!("{} · page {}", self.footer, self.finished.len() + 1);
        self.text(&footer, MARGIN, MARGIN / 2.0, 7.0, false);
    }

    fn new_page(&mut self) {
        self.finish_page();
        self.y = HEIGHT - MARGIN;
        self.write_footer();
    }

    fn finish_page(&mut self) {
        let operations = std::mem::take(&mut self.page);
        match (Content { operations }).encode() {
            Ok(content) => {
                let mut stream = Stream::new(dictionary! {}, content);
                // Compressed where it makes the file smaller; a reader inflates it either way.
                let _ = stream.compress();
                self.finished.push(stream);
            }
            Err(error) => self.failed = Some(error.to_string()),
        }
    }

    fn into_pages(mut self) -> Result<Vec<Stream>, ExportError> {
        self.finish_page();
        match self.failed {
            Some(failed) => Err(ExportError::Pdf(failed)),
            None => Ok(self.finished),
        }
    }

    /// Room for this much more on the page, or a new one.
    fn room_for(&mut self, height: f32) -> bool {
        if self.y - height < MARGIN {
            self.new_page();
            return false;
        }
        true
    }

    fn text(&mut self, text: &str, x: f32, y: f32, size: f32, bold: bool) {
        self.page.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![if bold { "F2" } else { "F1" }.into(), size.into()]),
            Operation::new("Td", vec![x.into(), y.into()]),
            Operation::new("Tj", vec![Object::string_literal(win_ansi(text))]),
            Operation::new("ET", vec![]),
        ]);
    }

    /// A line under a table's row, as wide as the table.
    fn rule(&mut self, y: f32, weight: f32, width: f32) {
        self.page.extend([
            Operation::new("w", vec![weight.into()]),
            Operation::new("m", vec![self.left.into(), y.into()]),
            Operation::new("l", vec![(self.left + width).into(), y.into()]),
            Operation::new("S", vec![]),
        ]);
    }

    /// A line through the points, dashed as given; fewer than two points draw nothing.
    fn line(&mut self, points: &[(f32, f32)], weight: f32, dashes: Option<(f64, f64)>) {
        let [(first_x, first_y), rest @ ..] = points else {
            return;
        };
        if rest.is_empty() {
            return;
        }
        let pattern: Vec<Object> =
            dashes.map_or_else(Vec::new, |(dash, gap)| vec![(dash as f32).into(), (gap as f32).into()]);
        self.page.extend([
            Operation::new("w", vec![weight.into()]),
            Operation::new("d", vec![pattern.into(), 0.into()]),
            Operation::new("m", vec![(*first_x).into(), (*first_y).into()]),
        ]);
        for (x, y) in rest {
            self.page.push(Operation::new("l", vec![(*x).into(), (*y).into()]));
        }
        self.page.extend([
            Operation::new("S", vec![]),
            Operation::new("d", vec![Vec::<Object>::new().into(), 0.into()]),
        ]);
    }

    /// A small filled square at a figure.
    fn mark(&mut self, (x, y): (f32, f32)) {
        self.page.extend([
            Operation::new("re", vec![(x - 2.0).into(), (y - 2.0).into(), 4.0.into(), 4.0.into()]),
            Operation::new("f", vec![]),
        ]);
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, after: f32) {
        let leading = size * 1.3;
        for line in wrap(text, self.width, size, bold) {
            self.room_for(leading);
            self.y -= leading;
            self.text(&line, self.left, self.y, size, bold);
        }
        self.y -= after;
    }
}

/// The width a table would take with no column squeezed.
fn natural_width(table: &Table) -> f32 {
    column_widths(table, f32::INFINITY).iter().sum()
}

/// Each column's width: its widest cell, shared out to fill the page if they overflow it.
fn column_widths(table: &Table, available: f32) -> Vec<f32> {
    let natural: Vec<f32> = table
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let longest_heading_word = column
                .heading
                .split_whitespace()
                .map(|word| text_width(word, TABLE, true))
                .fold(0.0, f32::max);
            let widest_cell = table
                .rows
                .iter()
                .filter_map(|row| row.get(index))
                .map(|cell| text_width(&cell.display(), TABLE, false))
                .fold(0.0, f32::max);
            longest_heading_word.max(widest_cell).min(220.0) + 6.0
        })
        .collect();
    let total: f32 = natural.iter().sum();
    if total <= available {
        natural
    } else {
        natural.iter().map(|width| width * available / total).collect()
    }
}

fn table_row(pages: &mut Pages, cells: &[String], widths: &[f32], numeric: &[bool], bold: bool) {
    let leading = TABLE * 1.25;
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .map(|(cell, width)| wrap(cell, width - 6.0, TABLE, bold))
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let top = pages.y;
    let mut x = pages.left;
    for ((lines_of_cell, width), right_aligned) in wrapped.iter().zip(widths).zip(numeric) {
        for (number, line) in lines_of_cell.iter().enumerate() {
            let y = top - leading * (number as f32 + 1.0);
            let at = if *right_aligned {
                x + width - 6.0 - text_width(line, TABLE, bold)
            } else {
                x
            };
            pages.text(line, at, y, TABLE, bold);
        }
        x += width;
    }
    pages.y = top - leading * lines as f32 - 3.0;
    pages.rule(pages.y + 1.5, if bold { 0.8 } else { 0.2 }, widths.iter().sum());
}

fn table(pages: &mut Pages, table: &Table) {
    let widths = column_widths(table, pages.width);
    let numeric: Vec<bool> = table.columns.iter().map(|column| column.numeric).collect();
    let headings: Vec<String> = table.columns.iter().map(|column| column.heading.clone()).collect();
    pages.room_for(60.0);
    pages.paragraph(&table.title, 9.0, true, 2.0);
    table_row(pages, &headings, &widths, &numeric, true);
    if table.rows.is_empty() {
        pages.paragraph("None.", TABLE, false, 0.0);
    }
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|cell| cell.display()).collect();
        if !pages.room_for(TABLE * 1.25 * 3.0) {
            pages.paragraph(&format!("{} (continued)", table.title), 9.0, true, 2.0);
            table_row(pages, &headings, &widths, &numeric, true);
        }
        table_row(pages, &cells, &widths, &numeric, false);
    }
    pages.y -= 12.0;
}

/// Charts sit in a column beside their section's sentences, so that a page holds both.
const CHART_WIDTH: f32 = 300.0;
const CHART_HEIGHT: f32 = 96.0;
const CHART_LEFT: f32 = 40.0;
const CHART_GAP: f32 = 24.0;
/// What a chart takes down the page: its title, legend, plot, years and words.
const CHART_BLOCK: f32 = CHART_HEIGHT + 84.0;
const SENTENCE_WIDTH: f32 = FULL_WIDTH - CHART_WIDTH - CHART_GAP;

/// A chart drawn in lines from `top` in the column at `left`: its title, a legend, gridlines
/// with their values, each line in its own dash pattern with square marks at its figures, and
/// the chart's words below it, which say everything it shows. Gives where it ends.
fn chart(pages: &mut Pages, chart: &Chart, left: f32, top: f32) -> f32 {
    let Some((low, high)) = chart.range() else {
        return top;
    };
    let mut line_y = top;
    for line in wrap(&chart.title, CHART_WIDTH, 8.5, true) {
        line_y -= 11.0;
        pages.text(&line, left, line_y, 8.5, true);
    }
    let legend = line_y - 12.0;
    let plot_top = legend - 10.0;
    let bottom = plot_top - CHART_HEIGHT;
    let plot_left = left + CHART_LEFT;
    let right = left + CHART_WIDTH - 10.0;
    let count = chart.years.len().max(2);
    let x = |index: usize| plot_left + (right - plot_left) * index as f32 / (count - 1) as f32;
    let y = |value: f64| bottom + (plot_top - bottom) * ((value - low) / (high - low)) as f32;
    pages.page.push(Operation::new("G", vec![0.7.into()]));
    for value in chart.gridlines() {
        pages.line(&[(plot_left, y(value)), (right, y(value))], 0.4, None);
        let label = chart.measure.format(value);
        pages.text(
            &label,
            plot_left - 4.0 - text_width(&label, TABLE, false),
            y(value) - 2.5,
            TABLE,
            false,
        );
    }
    pages.page.push(Operation::new("G", vec![0.0.into()]));
    for (index, year) in chart.years.iter().enumerate() {
        pages.text(
            year,
            x(index) - text_width(year, TABLE, false) / 2.0,
            bottom - 11.0,
            TABLE,
            false,
        );
    }
    for (number, line) in chart.lines.iter().enumerate() {
        let dashes = LineStyle::of_line(number).dashes();
        let mut segment: Vec<(f32, f32)> = Vec::new();
        for (index, value) in line.values.iter().enumerate() {
            match value {
                Some(value) => {
                    let point = (x(index), y(*value));
                    pages.mark(point);
                    segment.push(point);
                }
                None => pages.line(&std::mem::take(&mut segment), 1.5, dashes),
            }
        }
        pages.line(&segment, 1.5, dashes);
        let legend_x = left + number as f32 * 100.0;
        pages.line(
            &[(legend_x, legend + 2.5), (legend_x + 18.0, legend + 2.5)],
            1.5,
            dashes,
        );
        pages.text(&line.label, legend_x + 21.0, legend, TABLE, false);
    }
    let mut words_y = bottom - 16.0;
    for line in wrap(
        &format!("The chart shows: {}", chart.text_alternative()),
        CHART_WIDTH,
        6.5,
        false,
    ) {
        words_y -= 8.0;
        pages.text(&line, left, words_y, 6.5, false);
    }
    words_y - 10.0
}

/// A section's sentences and tables, with its charts in a column on the right beside them where
/// it has any, so that a page holds both.
fn section(pages: &mut Pages, section: &stride_core::report::Section) {
    let (top, first_page) = (pages.y, pages.finished.len());
    let mut charts_end = top;
    if !section.charts.is_empty() {
        for shown in &section.charts {
            if charts_end - CHART_BLOCK < MARGIN {
                break;
            }
            charts_end = chart(pages, shown, MARGIN + SENTENCE_WIDTH + CHART_GAP, charts_end);
        }
        pages.width = SENTENCE_WIDTH;
    }
    for sentence in section.sentences.iter().cloned().chain(section.sources_in_words()) {
        pages.paragraph(&sentence, BODY, false, 3.0);
    }
    pages.y -= 6.0;
    for shown in &section.tables {
        let beside_charts = pages.finished.len() == first_page && pages.y > charts_end;
        if beside_charts && natural_width(shown) > SENTENCE_WIDTH * 1.2 {
            // Too wide to sit beside the charts: below them, across the page.
            pages.y = charts_end;
        }
        pages.width = if pages.finished.len() == first_page && pages.y > charts_end {
            SENTENCE_WIDTH
        } else {
            FULL_WIDTH
        };
        table(pages, shown);
    }
    pages.width = FULL_WIDTH;
    if pages.finished.len() == first_page {
        pages.y = pages.y.min(charts_end);
    }
}

/// Reports written one after another into one PDF, each from a new page with its own footer:
/// a batch of school data profiles as one file to print.
pub struct PdfPack {
    title: String,
    pages: Option<Pages>,
}

impl PdfPack {
    pub fn new(title: &str) -> PdfPack {
        PdfPack {
            title: title.to_owned(),
            pages: None,
        }
    }

    pub fn add(&mut self, report: &Report) {
        let as_of = report.as_of.format("%-d %B %Y").to_string();
        let footer = format!("{}, as at {as_of}", report.title);
        let pages = match self.pages.as_mut() {
            Some(pages) => {
                pages.footer = footer;
                pages.new_page();
                pages
            }
            None => self.pages.insert(Pages::new(footer)),
        };
        write_report(pages, report, &as_of);
    }

    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        let pages = self.pages.unwrap_or_else(|| Pages::new(self.title.clone()));
        write(&self.title, pages.into_pages()?)
    }
}

fn write_report(pages: &mut Pages, report: &Report, as_of: &str) {
    pages.paragraph(&report.title, 18.0, true, 4.0);
    pages.paragraph(
        &format!("As at {as_of}. Produced by Stride from the data it holds."),
        BODY,
        false,
        10.0,
    );
    for section in &report.sections {
        // A heading is kept with what follows it, and a section's first chart with its heading.
        let chart_room = section.charts.first().map_or(0.0, |_| CHART_BLOCK);
        pages.room_for(80.0_f32.max(chart_room + 24.0));
        pages.paragraph(&section.heading, 13.0, true, 4.0);
        self::section(pages, section);
    }
}

/// The report as a PDF's bytes.
pub fn report_to_pdf(report: &Report) -> Result<Vec<u8>, ExportError> {
    let mut pack = PdfPack::new(&report.title);
    pack.add(report);
    pack.finish()
}

fn write(title: &str, pages: Vec<Stream>) -> Result<Vec<u8>, ExportError> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font = |document: &mut Document, name: &str| {
        document.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
        })
    };
    let regular = font(&mut document, "Helvetica");
    let bold = font(&mut document, "Helvetica-Bold");
    let resources = document.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let mut kids = Vec::with_capacity(pages.len());
    for stream in pages {
        let contents = document.add_object(stream);
        kids.push(
            document
                .add_object(dictionary! {
                    "Type" => "Page",
                    "Parent" => pages_id,
                    "Contents" => contents,
                })
                .into(),
        );
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), WIDTH.into(), HEIGHT.into()],
        }),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    let info = document.add_object(dictionary! {
        "Title" => Object::string_literal(win_ansi(title)),
        "Producer" => Object::string_literal("Stride"),
    });
    document.trailer.set("Info", info);
    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .map_err(|error| ExportError::Pdf(error.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stride_core::report::Section;
    use stride_core::table::{Cell, Column};

    fn report(rows: usize) -> Report {
        Report {
            name: "test",
            title: "Monthly county data set".to_owned(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date"),
            sections: vec![Section {
                sources: vec!["ofsted_mi.csv".to_owned()],
                charts: Vec::new(),
                heading: "Headlines".to_owned(),
                sentences: vec![
                    "On 24 November 2026, 180 of 203 schools were good or outstanding (88.7%), costing £1,200."
                        .to_owned(),
                ],
                tables: vec![Table {
                    title: "Schools by phase".to_owned(),
                    columns: vec![Column::text("Schools"), Column::number("Good or outstanding (%)")],
                    rows: (0..rows)
                        .map(|row| {
                            vec![
                                Cell::Text(format!("Group {row}")),
                                Cell::Number {
                                    value: 88.66,
                                    decimals: 1,
                                },
                            ]
                        })
                        .collect(),
                }],
            }],
        }
    }

    fn text_of(bytes: &[u8]) -> String {
        let document = Document::load_mem(bytes).expect("a valid PDF");
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        document.extract_text(&pages).expect("its text")
    }

    #[test]
    fn the_pdf_opens_and_its_text_holds_the_headings_sentences_and_figures() {
        let bytes = report_to_pdf(&report(3)).expect("written");
        assert!(bytes.starts_with(b"%PDF-1.5"));
        let text = text_of(&bytes);
        for expected in [
            "Monthly county data set",
            "Headlines",
            "Counts made from: ofsted_mi.csv.",
            "88.7%",
            "£1,200",
            "Group 2",
            "88.7",
            "Good or",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }

    #[test]
    fn a_long_table_runs_onto_further_pages_with_its_header_repeated() {
        let bytes = report_to_pdf(&report(200)).expect("written");
        let document = Document::load_mem(&bytes).expect("a valid PDF");
        let pages = document.get_pages();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let last = *pages.keys().max().expect("pages");
        let text = document.extract_text(&[last]).expect("text");
        assert!(text.contains("Schools by phase (continued)"), "{text}");
        assert!(text.contains("Group 199"));
        assert!(text.contains(&format!("page {last}")));
    }

    #[test]
    fn text_wraps_within_its_width() {
        let lines = wrap("the quick brown fox jumps over the lazy dog", 60.0, 10.0, false);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|line| text_width(line, 10.0, false) <= 60.0));
        assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");
    }
}
