//! Prints a summary of a generated authority: `cargo run -p stride-synth --example summary -- SEED`.

use std::collections::BTreeMap;

use stride_core::{Comparator, Measure, PupilGroup};

fn main() {
    let seed = std::env::args().nth(1).and_then(|seed| seed.parse().ok()).unwrap_or(42);
    let started = std::time::Instant::now();
    let authority = stride_synth::generate(seed);
    let dataset = &authority.dataset;
    println!("generated in {:?}", started.elapsed());
    let mut phases = BTreeMap::new();
    for establishment in &dataset.establishments {
        *phases.entry(establishment.phase.label()).or_insert(0) += 1;
    }
    println!("establishments {}: {phases:?}", dataset.establishments.len());
    let academies = dataset
        .establishments
        .iter()
        .filter(|e| e.establishment_type.is_academy())
        .count();
    println!("academies {academies}");
    let mut outcomes = BTreeMap::new();
    for inspection in stride_synth::latest_full(&dataset.inspections) {
        *outcomes
            .entry(format!(
                "{} / {:?}",
                inspection.headline().label(),
                inspection.category_of_concern
            ))
            .or_insert(0) += 1;
    }
    for (outcome, count) in outcomes {
        println!("  {count:4} {outcome}");
    }
    let mut frameworks = BTreeMap::new();
    for inspection in &dataset.inspections {
        *frameworks
            .entry((inspection.framework.code(), inspection.kind.code()))
            .or_insert(0) += 1;
    }
    println!("inspections {}: {frameworks:?}", dataset.inspections.len());
    println!(
        "figures: school {} comparator {}",
        dataset.school_figures.len(),
        dataset.comparator_figures.len()
    );
    println!("intelligence {}", dataset.intelligence.len());
    for measure in Measure::ALL {
        for group in [PupilGroup::All, PupilGroup::Disadvantaged, PupilGroup::NotDisadvantaged] {
            let line: Vec<String> = Comparator::ALL
                .iter()
                .map(|comparator| {
                    let values: Vec<String> = dataset
                        .comparator_figures
                        .iter()
                        .filter(|f| f.comparator == *comparator && f.measure == *measure && f.group == group)
                        .filter(|f| f.phase_group == measure.comparator_phase_group(stride_core::Phase::Primary))
                        .map(|f| f.figure.display(*measure))
                        .collect();
                    format!("{}={}", comparator.code(), values.join(","))
                })
                .collect();
            println!("{} [{}] {}", measure.code(), group.code(), line.join(" "));
        }
    }
}
