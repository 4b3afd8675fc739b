//! How vulnerabilities overlap: of a set of pupils, how many have each exact combination of the
//! chosen characteristics (the intersections an UpSet chart draws), and how many have each.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Characteristic;
use crate::suppression::{Count, Relation, shown_counts};

/// The groups the overlap is drawn for: seed 000's vulnerable groups that the census and the
/// children's services returns record for most children.
pub const VULNERABLE_GROUPS: [Characteristic; 8] = [
    Characteristic::Disadvantaged,
    Characteristic::SenSupport,
    Characteristic::EhcPlan,
    Characteristic::EnglishAdditionalLanguage,
    Characteristic::ChildInNeed,
    Characteristic::ChildProtectionPlan,
    Characteristic::LookedAfter,
    Characteristic::YoungCarer,
];

/// A pupil as counted: where they are on roll and what they are, not who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedPupil {
    pub pupil_id: i64,
    pub urn: crate::identifiers::Urn,
    pub year_group: super::YearGroup,
    pub characteristics: BTreeSet<Characteristic>,
}

/// One exact combination: pupils with these characteristics and none of the others chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Combination {
    pub members: Vec<Characteristic>,
    pub count: Count,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub characteristics: Vec<Characteristic>,
    pub pupils: Count,
    /// Pupils with each characteristic, in the order of `characteristics`.
    pub with_each: Vec<Count>,
    /// Every combination held by at least one pupil, most pupils first; the pupils with none of
    /// the characteristics are the combination without members.
    pub combinations: Vec<Combination>,
}

/// Counts the overlap of `chosen` among pupils' characteristic sets; `threshold` suppresses small
/// counts (and any that would give one away) for readers without pupil access.
pub fn overlap<'a>(
    pupils: impl IntoIterator<Item = &'a BTreeSet<Characteristic>>,
    chosen: &[Characteristic],
    threshold: Option<u64>,
) -> Overlap {
    let mut combinations: BTreeMap<Vec<Characteristic>, u64> = BTreeMap::new();
    for characteristics in pupils {
        let members: Vec<Characteristic> = chosen
            .iter()
            .copied()
            .filter(|each| characteristics.contains(each))
            .collect();
        *combinations.entry(members).or_default() += 1;
    }
    let mut combinations: Vec<(Vec<Characteristic>, u64)> = combinations.into_iter().collect();
    combinations.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.len().cmp(&b.0.len()))
            .then_with(|| a.0.cmp(&b.0))
    });
    // Cells: each combination, then the pupils with each characteristic, then all pupils.
    let mut counts: Vec<u64> = combinations.iter().map(|(_, count)| *count).collect();
    let each_start = counts.len();
    let mut relations = Vec::new();
    for (position, characteristic) in chosen.iter().enumerate() {
        let parts: Vec<usize> = (0..combinations.len())
            .filter(|&index| combinations[index].0.contains(characteristic))
            .collect();
        counts.push(parts.iter().map(|&index| combinations[index].1).sum());
        relations.push(Relation {
            total: each_start + position,
            parts,
        });
    }
    let all = counts.len();
    counts.push(combinations.iter().map(|(_, count)| count).sum());
    relations.push(Relation {
        total: all,
        parts: (0..combinations.len()).collect(),
    });
    let shown = shown_counts(&counts, &relations, threshold);
    Overlap {
        characteristics: chosen.to_vec(),
        pupils: shown[all],
        with_each: shown[each_start..all].to_vec(),
        combinations: combinations
            .into_iter()
            .zip(&shown)
            .map(|((members, _), count)| Combination { members, count: *count })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suppression::recoverable;
    use Characteristic::*;

    fn set(characteristics: &[Characteristic]) -> BTreeSet<Characteristic> {
        characteristics.iter().copied().collect()
    }

    #[test]
    fn each_pupil_falls_in_one_combination() {
        let pupils = [
            set(&[Disadvantaged, SenSupport]),
            set(&[Disadvantaged]),
            set(&[Disadvantaged, SenSupport, LookedAfter]),
            set(&[]),
            set(&[Disadvantaged, EnglishAdditionalLanguage]),
        ];
        let overlap = overlap(&pupils, &[Disadvantaged, SenSupport], None);
        assert_eq!(overlap.pupils, Count::Shown(5));
        assert_eq!(overlap.with_each, vec![Count::Shown(4), Count::Shown(2)]);
        assert_eq!(
            overlap.combinations[0],
            Combination {
                members: vec![Disadvantaged],
                count: Count::Shown(2)
            }
        );
        let total: u64 = overlap.combinations.iter().filter_map(|each| each.count.shown()).sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn suppressed_overlaps_give_nothing_away() {
        let mut pupils = vec![set(&[]); 40];
        pupils.extend(vec![set(&[Disadvantaged]); 12]);
        pupils.extend(vec![set(&[SenSupport]); 6]);
        pupils.push(set(&[Disadvantaged, SenSupport, LookedAfter]));
        pupils.extend(vec![set(&[Disadvantaged, SenSupport]); 4]);
        let chosen = [Disadvantaged, SenSupport, LookedAfter];
        let overlap = overlap(&pupils, &chosen, Some(3));
        assert_eq!(overlap.with_each[2], Count::Suppressed, "one looked-after pupil");
        let hidden_combination = overlap
            .combinations
            .iter()
            .find(|each| each.members.len() == 3)
            .map(|each| each.count);
        assert_eq!(hidden_combination, Some(Count::Suppressed));
        // Rebuild the sums from what is shown and check none of the hidden cells follows.
        let cells: Vec<Count> = overlap
            .combinations
            .iter()
            .map(|each| each.count)
            .chain(overlap.with_each.iter().copied())
            .chain([overlap.pupils])
            .collect();
        let combinations = overlap.combinations.len();
        let mut relations: Vec<Relation> = chosen
            .iter()
            .enumerate()
            .map(|(position, characteristic)| Relation {
                total: combinations + position,
                parts: (0..combinations)
                    .filter(|&index| overlap.combinations[index].members.contains(characteristic))
                    .collect(),
            })
            .collect();
        relations.push(Relation {
            total: cells.len() - 1,
            parts: (0..combinations).collect(),
        });
        let hidden: Vec<bool> = cells.iter().map(|cell| *cell == Count::Suppressed).collect();
        assert!(recoverable(cells.len(), &hidden, &relations).is_empty());
        assert!(hidden.iter().filter(|hidden| **hidden).count() >= 2);
    }
}
