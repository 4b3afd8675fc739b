"""The reference for `stride bench import`: DuckDB loading the same published files as untyped
text (every column VARCHAR), each into a table of its own in a new database file, in one run.
A zip archive's CSVs are loaded from the archive's members. DuckDB reads no workbook without an
extension fetched at run time, so the few small .xlsx files are left out here."""

import os
import resource
import sys
import tempfile
import time
import zipfile

import duckdb


def published_files(folder):
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            lower = name.lower()
            if lower.endswith((".csv", ".csv.gz", ".zip", ".parquet")):
                found.append(os.path.join(root, name))
    return sorted(found)


# Tried in turn, as a person loading these files would: DuckDB's parallel reader first; the
# single-threaded one where quoted newlines meet short rows; latin-1 for files saved from Excel
# in Windows-1252.
ATTEMPTS = (("utf-8", "true"), ("utf-8", "false"), ("latin-1", "false"))


def load(connection, path, table):
    # all_varchar: untyped text; null_padding: DfE rows can be shorter than the header.
    for number, (encoding, parallel) in enumerate(ATTEMPTS):
        try:
            connection.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, all_varchar = true, header = true, "
                f"null_padding = true, sample_size = -1, encoding = '{encoding}', parallel = {parallel})",
                [path],
            )
            break
        except duckdb.Error:
            if number == len(ATTEMPTS) - 1:
                raise
    return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data")
    started = time.perf_counter()
    rows = files = 0
    with tempfile.TemporaryDirectory() as scratch:
        connection = duckdb.connect(os.path.join(scratch, "bench-import.duckdb"))
        for number, path in enumerate(published_files(folder)):
            if path.lower().endswith(".zip"):
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        if member.lower().endswith(".csv"):
                            extracted = archive.extract(member, scratch)
                            rows += load(connection, extracted, f"file_{number}_{files}")
                            files += 1
            elif path.lower().endswith(".parquet"):
                table = f"file_{number}"
                connection.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [path])
                rows += connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                files += 1
            else:
                rows += load(connection, path, f"file_{number}")
                files += 1
        connection.close()
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"duckdb {duckdb.__version__}: {files} files ({rows} rows) loaded as text in {seconds:.2f} s, "
          f"peak resident memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
