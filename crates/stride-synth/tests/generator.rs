//! Properties of the synthetic local authority that an LA officer would check by eye.

use std::collections::HashMap;

use proptest::prelude::*;
use stride_core::inspection::HeadlineOutcome;
use stride_core::{Comparator, Figure, Framework, Measure, MissingReason, Phase, PupilGroup, Urn};
use stride_synth::{SyntheticLocalAuthority, generate, latest_full};

fn count_phase(authority: &SyntheticLocalAuthority, phase: Phase) -> usize {
    authority
        .dataset
        .establishments
        .iter()
        .filter(|establishment| establishment.phase == phase)
        .count()
}

#[test]
fn the_same_seed_gives_the_same_authority_and_another_seed_another() {
    let first = generate(11);
    let again = generate(11);
    assert_eq!(first.dataset, again.dataset);
    assert_eq!(first.accounts, again.accounts);
    let other = generate(12);
    assert_ne!(first.dataset.school_figures, other.dataset.school_figures);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    #[test]
    fn every_figure_is_within_its_measures_range(seed in 0u64..10_000) {
        let authority = generate(seed);
        for figure in &authority.dataset.school_figures {
            if let Figure::Value(value) = figure.figure {
                prop_assert!(figure.measure.valid_range().contains(&value), "{:?} {} out of range", figure.measure, value);
                prop_assert!(figure.measure.applies_to(
                    authority.dataset.establishments.iter().find(|e| e.urn == figure.urn).map(|e| e.phase).unwrap_or(Phase::Primary)
                ));
            }
        }
        for figure in &authority.dataset.comparator_figures {
            if let Figure::Value(value) = figure.figure {
                prop_assert!(figure.measure.valid_range().contains(&value));
            }
        }
    }

    #[test]
    fn the_mix_of_establishments_is_a_shire_countys(seed in 0u64..10_000) {
        let authority = generate(seed);
        let total = authority.dataset.establishments.len();
        prop_assert!((230..=270).contains(&total), "{total} establishments");
        prop_assert!((175..=200).contains(&count_phase(&authority, Phase::Primary)));
        prop_assert!((30..=40).contains(&count_phase(&authority, Phase::Secondary)));
        for phase in [Phase::AllThrough, Phase::Middle, Phase::Special, Phase::Nursery] {
            prop_assert!(count_phase(&authority, phase) >= 2, "{phase} missing");
        }
        prop_assert!((1..=2).contains(&count_phase(&authority, Phase::AlternativeProvision)));
        prop_assert!((6..=9).contains(&authority.dataset.localities.len()));
        let academies = authority.dataset.establishments.iter().filter(|e| e.establishment_type.is_academy()).count();
        let share = academies as f64 / total as f64;
        prop_assert!((0.3..=0.6).contains(&share), "academy share {share}");
    }

    #[test]
    fn inspection_outcomes_have_believable_shares(seed in 0u64..10_000) {
        let authority = generate(seed);
        let latest = latest_full(&authority.dataset.inspections);
        let inspected = latest.len() as f64;
        prop_assert!(inspected >= 235.0, "only {inspected} schools inspected");
        let share = |predicate: &dyn Fn(HeadlineOutcome) -> bool| {
            latest.iter().filter(|inspection| predicate(inspection.headline())).count() as f64 / inspected
        };
        let in_category = latest.iter().filter(|inspection| inspection.category_of_concern.is_some()).count();
        prop_assert!((5..=18).contains(&in_category), "{in_category} schools in a category");
        let outstanding = share(&|outcome| outcome == HeadlineOutcome::Outstanding);
        prop_assert!((0.03..=0.2).contains(&outstanding), "outstanding {outstanding}");
        let good = share(&|outcome| outcome == HeadlineOutcome::Good);
        prop_assert!((0.3..=0.6).contains(&good), "good {good}");
        let report_cards = share(&|outcome| outcome.code().starts_with("report-card"));
        prop_assert!((0.2..=0.5).contains(&report_cards), "report cards {report_cards}");
        for framework in Framework::ALL {
            prop_assert!(authority.dataset.inspections.iter().any(|inspection| inspection.framework == *framework));
        }
    }
}

fn value(
    figures: &HashMap<(Urn, Measure, i32, PupilGroup), Figure>,
    key: (Urn, Measure, i32, PupilGroup),
) -> Option<f64> {
    figures.get(&key).and_then(|figure| figure.value())
}

#[test]
fn groups_add_up_to_the_whole_and_the_disadvantage_gap_is_there() {
    let authority = generate(5);
    let figures: HashMap<_, _> = authority
        .dataset
        .school_figures
        .iter()
        .map(|figure| {
            (
                (figure.urn, figure.measure, figure.year.start_year(), figure.group),
                figure.figure,
            )
        })
        .collect();
    let cohorts: HashMap<_, _> = authority
        .dataset
        .school_figures
        .iter()
        .map(|figure| {
            (
                (figure.urn, figure.measure, figure.year.start_year(), figure.group),
                figure.cohort,
            )
        })
        .collect();
    let mut checked = 0;
    for establishment in authority
        .dataset
        .establishments
        .iter()
        .filter(|e| e.phase == Phase::Primary)
    {
        let key = |group| (establishment.urn, Measure::Ks2ReadingWritingMathsExpected, 2024, group);
        let (Some(all), Some(disadvantaged), Some(other)) = (
            value(&figures, key(PupilGroup::All)),
            value(&figures, key(PupilGroup::Disadvantaged)),
            value(&figures, key(PupilGroup::NotDisadvantaged)),
        ) else {
            continue;
        };
        let size = |group| {
            cohorts
                .get(&key(group))
                .copied()
                .flatten()
                .map(f64::from)
                .unwrap_or(0.0)
        };
        let (whole, part, rest) = (
            size(PupilGroup::All),
            size(PupilGroup::Disadvantaged),
            size(PupilGroup::NotDisadvantaged),
        );
        assert_eq!(whole, part + rest, "cohorts of {} do not add up", establishment.urn);
        let weighted = (disadvantaged * part + other * rest) / whole;
        // Each published percentage is rounded to one decimal place.
        assert!(
            (weighted - all).abs() < 0.1,
            "{} : {weighted} against {all}",
            establishment.urn
        );
        checked += 1;
    }
    assert!(checked > 50, "only {checked} schools had both groups published");
    for year in stride_synth::DATA_YEARS {
        let la = |group| {
            authority
                .dataset
                .comparator_figures
                .iter()
                .find(|f| {
                    f.comparator == Comparator::LocalAuthority
                        && f.measure == Measure::Ks2ReadingWritingMathsExpected
                        && f.year.start_year() == year
                        && f.group == group
                })
                .and_then(|f| f.figure.value())
        };
        let gap = la(PupilGroup::NotDisadvantaged)
            .zip(la(PupilGroup::Disadvantaged))
            .map(|(other, disadvantaged)| other - disadvantaged);
        assert!(
            gap.is_some_and(|gap| (10.0..35.0).contains(&gap)),
            "gap {gap:?} in {year}"
        );
    }
}

#[test]
fn schools_keep_their_standing_from_year_to_year_and_small_groups_are_suppressed() {
    let authority = generate(9);
    let by_year = |year: i32| -> HashMap<Urn, f64> {
        authority
            .dataset
            .school_figures
            .iter()
            .filter(|f| {
                f.measure == Measure::Ks2ReadingWritingMathsExpected
                    && f.group == PupilGroup::All
                    && f.year.start_year() == year
            })
            .filter_map(|f| f.figure.value().map(|value| (f.urn, value)))
            .collect()
    };
    let (this_year, last_year) = (by_year(2025), by_year(2024));
    let pairs: Vec<(f64, f64)> = this_year
        .iter()
        .filter_map(|(urn, value)| last_year.get(urn).map(|last| (*last, *value)))
        .collect();
    assert!(
        correlation(&pairs) > 0.3,
        "year-to-year correlation {}",
        correlation(&pairs)
    );
    let suppressed = authority
        .dataset
        .school_figures
        .iter()
        .filter(|f| f.figure == Figure::Missing(MissingReason::Suppressed))
        .count();
    assert!(suppressed > 1_000, "only {suppressed} suppressed figures");
    assert!(authority.dataset.school_figures.iter().all(|f| match f.figure {
        Figure::Missing(MissingReason::Suppressed) => f.cohort.is_some_and(|cohort| (1..=5).contains(&cohort)),
        Figure::Value(_) => f.cohort.is_none_or(|cohort| cohort > 5),
        _ => true,
    }));
}

fn correlation(pairs: &[(f64, f64)]) -> f64 {
    let count = pairs.len() as f64;
    let (mean_x, mean_y) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / count,
        pairs.iter().map(|p| p.1).sum::<f64>() / count,
    );
    let covariance: f64 = pairs.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let spread_x: f64 = pairs.iter().map(|(x, _)| (x - mean_x).powi(2)).sum::<f64>().sqrt();
    let spread_y: f64 = pairs.iter().map(|(_, y)| (y - mean_y).powi(2)).sum::<f64>().sqrt();
    covariance / (spread_x * spread_y)
}
