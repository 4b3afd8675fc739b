//! Small-number suppression for readers without pupil access. A count under the threshold is
//! hidden (primary suppression), and then enough others that no hidden count can be worked out
//! from the ones shown and the sums the table states (secondary suppression): not by one
//! subtraction, nor by any combination of them.

use serde::Serialize;

/// The LA's default: counts under three are hidden, as seed 003's tables hide them.
pub const DEFAULT_THRESHOLD: u64 = 3;

/// A sum a table states: the cell `total` is the sum of the cells `parts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// A count as a reader without pupil access sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Count {
    Shown(u64),
    Suppressed,
}

impl Count {
    pub fn shown(self) -> Option<u64> {
        match self {
            Count::Shown(count) => Some(count),
            Count::Suppressed => None,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Shown(count) => write!(formatter, "{count}"),
            // The statistical service's symbol for a figure withheld to protect confidentiality.
            Count::Suppressed => formatter.write_str("c"),
        }
    }
}

/// Which cells to hide. A count of none is shown: it identifies no one.
pub fn suppress(counts: &[u64], relations: &[Relation], threshold: u64) -> Vec<bool> {
    suppress_keeping(counts, relations, threshold, &[])
}

/// As [`suppress`], never hiding the cells `kept`: totals shown elsewhere on the same page,
/// which hiding here would not hide there.
pub fn suppress_keeping(counts: &[u64], relations: &[Relation], threshold: u64, kept: &[usize]) -> Vec<bool> {
    let mut hidden: Vec<bool> = counts.iter().map(|&count| count > 0 && count < threshold).collect();
    let mut never: Vec<bool> = vec![false; counts.len()];
    for &cell in kept {
        hidden[cell] = false;
        never[cell] = true;
    }
    while let Some(exposed) = recoverable(counts.len(), &hidden, relations).first().copied() {
        let blocked: Vec<bool> = hidden
            .iter()
            .zip(&never)
            .map(|(hidden, never)| *hidden || *never)
            .collect();
        match companion(counts, &blocked, relations, exposed) {
            Some(cell) => hidden[cell] = true,
            None => break,
        }
    }
    hidden
}

/// The cell to hide beside an exposed one: the smallest shown count (other than none, where
/// there is a choice) in a sum with it, else in any sum with something hidden.
fn companion(counts: &[u64], hidden: &[bool], relations: &[Relation], exposed: usize) -> Option<usize> {
    let cells = |relation: &Relation| std::iter::once(relation.total).chain(relation.parts.clone());
    let smallest = |candidates: Vec<usize>| {
        candidates
            .into_iter()
            .filter(|&cell| !hidden[cell])
            .min_by_key(|&cell| (counts[cell] == 0, counts[cell], cell))
    };
    let beside: Vec<usize> = relations
        .iter()
        .filter(|relation| cells(relation).any(|cell| cell == exposed))
        .flat_map(cells)
        .collect();
    smallest(beside).or_else(|| {
        smallest(
            relations
                .iter()
                .filter(|relation| cells(relation).any(|cell| hidden[cell]))
                .flat_map(cells)
                .collect(),
        )
    })
}

/// The hidden cells whose value follows from the shown ones through the stated sums: cell `i` is
/// determined exactly when the unit vector at `i` is in the row space of the sums restricted to
/// the hidden cells, which reduced row echelon form shows as a row with one entry.
pub fn recoverable(cells: usize, hidden: &[bool], relations: &[Relation]) -> Vec<usize> {
    let columns: Vec<usize> = (0..cells).filter(|&cell| hidden[cell]).collect();
    if columns.is_empty() {
        return Vec::new();
    }
    let column_of = |cell: usize| columns.iter().position(|&column| column == cell);
    let mut rows: Vec<Vec<f64>> = relations
        .iter()
        .map(|relation| {
            let mut row = vec![0.0; columns.len()];
            if let Some(column) = column_of(relation.total) {
                row[column] += 1.0;
            }
            for &part in &relation.parts {
                if let Some(column) = column_of(part) {
                    row[column] -= 1.0;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|value| *value != 0.0))
        .collect();
    reduce(&mut rows, columns.len());
    rows.iter()
        .filter_map(|row| {
            let mut nonzero = row.iter().enumerate().filter(|(_, value)| value.abs() > 1e-9);
            match (nonzero.next(), nonzero.next()) {
                (Some((column, _)), None) => Some(columns[column]),
                _ => None,
            }
        })
        .collect()
}

/// Reduced row echelon form, in place, with partial pivoting.
fn reduce(rows: &mut [Vec<f64>], columns: usize) {
    let mut pivot_row = 0;
    for column in 0..columns {
        if pivot_row == rows.len() {
            break;
        }
        let Some(best) =
            (pivot_row..rows.len()).max_by(|&a, &b| rows[a][column].abs().total_cmp(&rows[b][column].abs()))
        else {
            break;
        };
        if rows[best][column].abs() < 1e-9 {
            continue;
        }
        rows.swap(pivot_row, best);
        let pivot = rows[pivot_row][column];
        for value in rows[pivot_row].iter_mut() {
            *value /= pivot;
        }
        let pivot_values = rows[pivot_row].clone();
        for (index, row) in rows.iter_mut().enumerate() {
            let factor = row[column];
            if index != pivot_row && factor.abs() > 1e-12 {
                for (value, pivot_value) in row.iter_mut().zip(&pivot_values) {
                    *value -= factor * pivot_value;
                }
            }
        }
        pivot_row += 1;
    }
}

/// The counts of parts that make a whole, measure by measure, as a reader is shown them: each
/// part's and the whole's (their sums, never withheld, since the whole is shown beside the parts).
pub fn parts_of_whole<const N: usize>(parts: &[[u64; N]], threshold: Option<u64>) -> (Vec<[Count; N]>, [Count; N]) {
    let mut counts: Vec<u64> = parts.iter().flatten().copied().collect();
    let whole_at = counts.len();
    let whole: [u64; N] = std::array::from_fn(|measure| parts.iter().map(|part| part[measure]).sum());
    counts.extend(whole);
    let relations: Vec<Relation> = (0..N)
        .map(|measure| Relation {
            total: whole_at + measure,
            parts: (0..parts.len()).map(|part| part * N + measure).collect(),
        })
        .collect();
    let kept: Vec<usize> = (whole_at..whole_at + N).collect();
    let hidden = match threshold {
        Some(threshold) => suppress_keeping(&counts, &relations, threshold, &kept),
        None => vec![false; counts.len()],
    };
    let shown = |cell: usize| {
        if hidden[cell] {
            Count::Suppressed
        } else {
            Count::Shown(counts[cell])
        }
    };
    let rows = (0..parts.len())
        .map(|part| std::array::from_fn(|measure| shown(part * N + measure)))
        .collect();
    (rows, std::array::from_fn(|measure| shown(whole_at + measure)))
}

/// Counts as shown to a reader: all of them with pupil access, else suppressed.
pub fn shown_counts(counts: &[u64], relations: &[Relation], threshold: Option<u64>) -> Vec<Count> {
    let hidden = match threshold {
        Some(threshold) => suppress(counts, relations, threshold),
        None => vec![false; counts.len()],
    };
    counts
        .iter()
        .zip(hidden)
        .map(|(&count, hidden)| if hidden { Count::Suppressed } else { Count::Shown(count) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A row of parts with its total last.
    fn row(parts: usize) -> Vec<Relation> {
        vec![Relation {
            total: parts,
            parts: (0..parts).collect(),
        }]
    }

    #[test]
    fn one_small_count_in_a_row_with_its_total_takes_another_with_it() {
        let counts = [40, 2, 17, 59];
        let hidden = suppress(&counts, &row(3), 3);
        assert_eq!(
            hidden,
            vec![false, true, true, false],
            "the next smallest part goes too"
        );
        assert!(recoverable(4, &hidden, &row(3)).is_empty());
    }

    #[test]
    fn a_one_subtraction_leak_is_found() {
        let hidden = [false, true, false, false];
        assert_eq!(recoverable(4, &hidden, &row(3)), vec![1]);
    }

    #[test]
    fn leaks_through_two_sums_are_found_too() {
        // A two-by-two table with row and column totals: hiding a and d alone leaves each row
        // with two unknowns, but a = row₁ - b and so on, one sum at a time.
        // cells: a b | r1 ; c d | r2 ; columns k1 k2 ; grand g
        let relations = vec![
            Relation {
                total: 2,
                parts: vec![0, 1],
            },
            Relation {
                total: 5,
                parts: vec![3, 4],
            },
            Relation {
                total: 6,
                parts: vec![0, 3],
            },
            Relation {
                total: 7,
                parts: vec![1, 4],
            },
            Relation {
                total: 8,
                parts: vec![2, 5],
            },
        ];
        let mut hidden = vec![false; 9];
        hidden[0] = true;
        hidden[1] = true;
        // Row one has two unknowns, but column one gives a, and then b follows.
        assert_eq!(recoverable(9, &hidden, &relations), vec![0, 1]);
        hidden[3] = true;
        hidden[4] = true;
        assert!(recoverable(9, &hidden, &relations).is_empty(), "a b c d hidden is safe");
    }

    #[test]
    fn a_total_kept_shown_makes_another_part_go_instead() {
        let counts = [40, 2, 17, 59];
        let hidden = suppress_keeping(&counts, &row(3), 3, &[3]);
        assert_eq!(hidden, vec![false, true, true, false]);
        // Two parts only: with the total kept, both parts must go.
        let hidden = suppress_keeping(&[2, 50, 52], &row(2), 3, &[2]);
        assert_eq!(hidden, vec![true, true, false]);
        assert!(recoverable(3, &hidden, &row(2)).is_empty());
    }

    #[test]
    fn nothing_is_hidden_when_nothing_is_small() {
        assert_eq!(suppress(&[10, 20, 30], &row(2), 3), vec![false; 3]);
        assert_eq!(
            shown_counts(&[1, 2, 3], &row(2), None),
            vec![Count::Shown(1), Count::Shown(2), Count::Shown(3)]
        );
    }

    proptest! {
        #[test]
        fn no_suppressed_count_can_be_worked_out(parts in proptest::collection::vec(0u64..12, 2..6), second in proptest::collection::vec(0u64..12, 2..6)) {
            // Two rows of parts, each with a total, and a grand total of both.
            let first_total = parts.len();
            let second_start = first_total + 1;
            let second_total = second_start + second.len();
            let grand = second_total + 1;
            let mut counts = parts.clone();
            counts.push(parts.iter().sum());
            counts.extend(&second);
            counts.push(second.iter().sum());
            counts.push(parts.iter().sum::<u64>() + second.iter().sum::<u64>());
            let relations = vec![
                Relation { total: first_total, parts: (0..first_total).collect() },
                Relation { total: second_total, parts: (second_start..second_total).collect() },
                Relation { total: grand, parts: vec![first_total, second_total] },
            ];
            let hidden = suppress(&counts, &relations, 3);
            for (cell, &count) in counts.iter().enumerate() {
                if count > 0 && count < 3 {
                    prop_assert!(hidden[cell], "small count {} shown", count);
                }
            }
            prop_assert!(recoverable(counts.len(), &hidden, &relations).is_empty());
        }
    }
}
