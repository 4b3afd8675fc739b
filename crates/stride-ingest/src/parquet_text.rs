//! A parquet file's rows written out as CSV under its columns' names, as LAIT's CSV copy of its
//! data set has them. Each row group is read column by column (the crate's row-by-row reader
//! builds a value per cell and took a second for LAIT's 641,070 rows), and a table of flat
//! columns of text, numbers and true/false is all Stride reads: anything else is refused by name.

use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::file::reader::{FileReader, RowGroupReader, SerializedFileReader};
use parquet::schema::types::ColumnDescriptor;

/// Why a parquet file could not be read, in words for the person importing it.
pub type Refusal = String;

/// The file's text as CSV.
pub fn as_csv(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    let reader = SerializedFileReader::new(bytes::Bytes::copy_from_slice(bytes)).map_err(|error| error.to_string())?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    for column in schema.columns() {
        readable(column)?;
    }
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer
        .write_record(schema.columns().iter().map(|column| column.name()))
        .map_err(|error| error.to_string())?;
    for group in 0..reader.num_row_groups() {
        let row_group = reader.get_row_group(group).map_err(|error| error.to_string())?;
        let rows = usize::try_from(row_group.metadata().num_rows()).map_err(|error| error.to_string())?;
        let columns = (0..schema.num_columns())
            .map(|column| {
                column_text(
                    row_group.as_ref(),
                    column,
                    schema.column(column).max_def_level() > 0,
                    rows,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..rows {
            writer
                .write_record(columns.iter().map(|column| column[row].as_str()))
                .map_err(|error| error.to_string())?;
        }
    }
    writer.into_inner().map_err(|error| error.to_string())
}

fn readable(column: &ColumnDescriptor) -> Result<(), Refusal> {
    let flat = column.max_rep_level() == 0 && column.max_def_level() <= 1;
    let plain = match column.logical_type_ref() {
        None | Some(LogicalType::String) => true,
        Some(LogicalType::Integer { .. }) => {
            matches!(column.physical_type(), PhysicalType::INT32 | PhysicalType::INT64)
        }
        Some(_) => false,
    };
    let kind = matches!(
        column.physical_type(),
        PhysicalType::BYTE_ARRAY
            | PhysicalType::DOUBLE
            | PhysicalType::FLOAT
            | PhysicalType::INT32
            | PhysicalType::INT64
            | PhysicalType::BOOLEAN
    );
    if flat && plain && kind {
        Ok(())
    } else {
        Err(format!(
            "its column '{}' is not a flat column of text, numbers or true/false, which is all Stride reads",
            column.name()
        ))
    }
}

/// Every cell of one column of a row group as text; a null is blank.
fn column_text(
    row_group: &dyn RowGroupReader,
    column: usize,
    nullable: bool,
    rows: usize,
) -> Result<Vec<String>, Refusal> {
    let reader = row_group.get_column_reader(column).map_err(|error| error.to_string())?;
    let shape = Shape { nullable, rows };
    match reader {
        ColumnReader::ByteArrayColumnReader(reader) => cells(reader, shape, |value| {
            String::from_utf8_lossy(value.data()).into_owned()
        }),
        ColumnReader::DoubleColumnReader(reader) => cells(reader, shape, |value| number_text(*value)),
        ColumnReader::FloatColumnReader(reader) => cells(reader, shape, |value| number_text(f64::from(*value))),
        ColumnReader::Int32ColumnReader(reader) => cells(reader, shape, i32::to_string),
        ColumnReader::Int64ColumnReader(reader) => cells(reader, shape, i64::to_string),
        ColumnReader::BoolColumnReader(reader) => cells(reader, shape, bool::to_string),
        _ => Err(format!("its column {} is of a kind Stride does not read", column + 1)),
    }
}

/// As pandas writes a float column to CSV: 301.0.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        // Whole and well inside i64, so written as an integer: the same digits as `{:.1}` would
        // give, without the slow exact float formatting that took a share of the reading.
        let sign = if number == 0.0 && number.is_sign_negative() {
            "-"
        } else {
            ""
        };
        format!("{sign}{}.0", number as i64)
    } else {
        number.to_string()
    }
}

/// A column in a row group: whether a cell may be null (then each has a definition level: 0 for
/// null), and how many rows there are.
#[derive(Clone, Copy)]
struct Shape {
    nullable: bool,
    rows: usize,
}

fn cells<T: DataType>(
    mut reader: ColumnReaderImpl<T>,
    Shape { nullable, rows }: Shape,
    text: impl Fn(&T::T) -> String,
) -> Result<Vec<String>, Refusal> {
    let (mut levels, mut values) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
    let mut read = 0;
    while read < rows {
        let (records, _, _) = reader
            .read_records(rows - read, Some(&mut levels), None, &mut values)
            .map_err(|error| error.to_string())?;
        if records == 0 {
            return Err(format!("a row group says it has {rows} rows but holds {read}"));
        }
        read += records;
    }
    let mut values = values.iter();
    let mut column = Vec::with_capacity(rows);
    for row in 0..rows {
        let present = !nullable || levels.get(row).is_some_and(|level| *level > 0);
        let cell = if present {
            values.next().map(&text)
        } else {
            Some(String::new())
        };
        column.push(cell.ok_or_else(|| "a column holds fewer values than its rows say".to_owned())?);
    }
    Ok(column)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    use super::*;

    #[test]
    fn a_number_is_written_as_pandas_writes_a_float_column() {
        for number in [
            0.0_f64,
            -0.0,
            301.0,
            -7.0,
            999_999_999_999_999.0,
            1e15,
            12.13,
            -0.5,
            1e-7,
        ] {
            let expected = if number.fract() == 0.0 && number.abs() < 1e15 {
                format!("{number:.1}")
            } else {
                number.to_string()
            };
            assert_eq!(number_text(number), expected, "{number}");
        }
        assert_eq!(number_text(301.0), "301.0");
        assert_eq!(number_text(-0.0), "-0.0");
    }

    /// A parquet file of `schema` with two row groups, its columns written by `columns`.
    fn parquet(
        schema: &str,
        columns: impl Fn(usize, &mut parquet::file::writer::SerializedColumnWriter<'_>),
    ) -> Vec<u8> {
        let schema = Arc::new(parse_message_type(schema).expect("a schema"));
        let mut bytes = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut bytes, schema, Default::default()).expect("a writer");
        for _ in 0..2 {
            let mut row_group = writer.next_row_group().expect("a row group");
            let mut position = 0;
            while let Some(mut column) = row_group.next_column().expect("a column") {
                columns(position, &mut column);
                column.close().expect("closed");
                position += 1;
            }
            row_group.close().expect("closed");
        }
        writer.close().expect("closed");
        bytes
    }

    #[test]
    fn text_numbers_and_nulls_read_as_a_csv_copy_would_have_them() {
        let bytes = parquet(
            "message schema { REQUIRED INT64 urn; OPTIONAL BYTE_ARRAY name (UTF8); OPTIONAL DOUBLE number; }",
            |position, column| match position {
                0 => {
                    column
                        .typed::<Int64Type>()
                        .write_batch(&[100001, 100002], None, None)
                        .expect("written");
                }
                1 => {
                    // The second school's name is null.
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&[ByteArray::from("Ash, \"Elm\"")], Some(&[1, 0]), None)
                        .expect("written");
                }
                _ => {
                    column
                        .typed::<DoubleType>()
                        .write_batch(&[301.0, 12.13], Some(&[1, 1]), None)
                        .expect("written");
                }
            },
        );
        let text = String::from_utf8(as_csv(&bytes).expect("reads")).expect("utf-8");
        assert_eq!(
            text,
            "urn,name,number\n100001,\"Ash, \"\"Elm\"\"\",301.0\n100002,,12.13\n\
             100001,\"Ash, \"\"Elm\"\"\",301.0\n100002,,12.13\n"
        );
    }

    #[test]
    fn a_column_of_dates_is_refused_by_name() {
        let bytes = parquet("message schema { REQUIRED INT32 opened (DATE); }", |_, column| {
            column
                .typed::<parquet::data_type::Int32Type>()
                .write_batch(&[19000], None, None)
                .expect("written");
        });
        let refusal = as_csv(&bytes).expect_err("refused");
        assert!(refusal.contains("'opened'"), "{refusal}");
    }
}
