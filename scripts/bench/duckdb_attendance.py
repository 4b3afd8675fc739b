"""The reference for `stride bench attendance`: DuckDB counting the same register marks into each
pupil's possible sessions and absence, persistent (10%+) and severe (50%+) absence, then by school
and by group, in one run, printing the same totals as Stride so that the two can be compared."""

import resource
import sys
import time

import duckdb

# Each code as the DfE's guidance counts it ('x': not a possible session).
MEANINGS = {
    "/": "p", "\\": "p", "L": "p", "K": "p", "V": "p", "P": "p", "W": "p", "B": "p", "J": "p",
    "C": "a", "C1": "a", "C2": "a", "E": "a", "H": "a", "I": "a", "M": "a", "R": "a", "S": "a", "T": "a", "J1": "a",
    "G": "u", "N": "u", "O": "u", "U": "u",
    "D": "x", "Q": "x", "X": "x", "Y": "x", "Y1": "x", "Y2": "x", "Y3": "x", "Y4": "x", "Y5": "x", "Y6": "x",
    "Y7": "x", "Z": "x", "#": "x",
}


def main():
    marks, pupils = sys.argv[1], sys.argv[2]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE meanings (code VARCHAR, meaning VARCHAR)")
    connection.executemany("INSERT INTO meanings VALUES (?, ?)", list(MEANINGS.items()))
    started = time.perf_counter()
    connection.execute(
        """CREATE TABLE per_pupil AS
           SELECT upn, urn,
                  count(*) FILTER (WHERE meaning <> 'x') AS possible,
                  count(*) FILTER (WHERE meaning IN ('a', 'u')) AS absent
           FROM read_csv(?, header = true, columns = {'UPN': 'VARCHAR', 'URN': 'INTEGER', 'Date': 'DATE',
                         'Session': 'VARCHAR', 'Mark': 'VARCHAR'}) AS marks(upn, urn, day, session, mark)
           JOIN meanings ON meanings.code = marks.mark
           GROUP BY upn, urn""",
        [marks],
    )
    counted = time.perf_counter() - started
    connection.execute(
        """CREATE TABLE flagged AS SELECT *, absent * 10 >= possible AS persistent, absent * 2 >= possible AS severe
           FROM per_pupil WHERE possible > 0"""
    )
    schools = connection.execute(
        "SELECT count(*), sum(persistent), sum(severe), sum(pupils), sum(possible) FROM "
        "(SELECT urn, count(*) AS pupils, sum(persistent::INT) AS persistent, sum(severe::INT) AS severe, "
        "sum(possible) AS possible FROM flagged GROUP BY urn)"
    ).fetchone()
    groups = connection.execute(
        """WITH roll AS (SELECT * FROM read_csv(?, header = true))
           SELECT 'All pupils', count(*), sum(persistent::INT), 100.0 * sum(absent) / sum(possible) FROM flagged
           UNION ALL SELECT 'Disadvantaged', count(*), sum(persistent::INT), 100.0 * sum(absent) / sum(possible)
             FROM flagged JOIN roll ON roll.UPN = flagged.upn WHERE roll.Disadvantaged = 1
           UNION ALL SELECT 'SenSupport', count(*), sum(persistent::INT), 100.0 * sum(absent) / sum(possible)
             FROM flagged JOIN roll ON roll.UPN = flagged.upn WHERE roll.SenSupport = 1
           UNION ALL SELECT 'EhcPlan', count(*), sum(persistent::INT), 100.0 * sum(absent) / sum(possible)
             FROM flagged JOIN roll ON roll.UPN = flagged.upn WHERE roll.EhcPlan = 1""",
        [pupils],
    ).fetchall()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"duckdb {duckdb.__version__}: {schools[3]} pupils at {schools[0]} schools, {schools[4]} possible sessions "
        f"counted in {seconds:.2f} s ({counted:.2f} s reading and counting the marks), peak resident memory {peak:.0f} MiB"
    )
    print(f"duckdb: persistently absent {schools[1]}, severely absent {schools[2]}")
    for name, count, persistent, absence in groups:
        print(f"duckdb: {name}: {count} pupils, {persistent} persistently absent, absence {absence:.2f}%")


if __name__ == "__main__":
    main()
