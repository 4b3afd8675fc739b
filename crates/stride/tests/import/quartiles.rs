//! The national quartiles categorisation reads, on the real files: Progress 8 in the 2018/19
//! provisional key stage 4 tables of every school in England, with each school's phase from the
//! performance tables' school information.

use std::collections::HashMap;

use stride_core::categorisation::national_quartiles;
use stride_core::{AcademicYear, Measure, PhaseGroup, PupilGroup};

use crate::{data, fresh_store, import, import_stated};

/// QUARTILE.INC, written again here so that the test does not lean on the code it checks.
fn quartile(sorted: &[f64], share: f64) -> f64 {
    let position = share * (sorted.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

#[tokio::test]
async fn the_quartiles_of_progress_8_equal_those_computed_from_the_file() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (store, _) = fresh_store(&directory).await;
    import(
        &store,
        &data("performance_tables/2017-2018_england/england_spine_2017-2018.csv"),
        false,
    )
    .await;
    let results = data("performance_tables/2018-2019_england/england_ks4provisional.csv");
    let stated = stride_ingest::Stated {
        year: Some(AcademicYear::starting(2018)),
        release: None,
    };
    import_stated(&store, &results, stated, false).await;
    // Quartiles kept by the pages are remade when figures are imported, and only then.
    let version = store.figures_version().await.expect("reads");
    import_stated(&store, &results, stated, false).await;
    assert_eq!(
        store.figures_version().await.expect("reads"),
        version,
        "the same file again changes nothing"
    );
    assert!(version > 0);

    let evidence = store
        .categorisation_evidence(
            None,
            &stride_core::categorisation::EvidenceWanted {
                figures: Vec::new(),
                national: vec![(Measure::Ks4Progress8, PupilGroup::All)],
            },
        )
        .await
        .expect("reads");
    let phase_of: HashMap<u32, PhaseGroup> = evidence
        .national
        .iter()
        .map(|(phase, figure)| (figure.urn.get(), *phase))
        .collect();
    let stride = national_quartiles(&evidence.national);

    // From the file: every school row's Progress 8 that is a number, by the school's phase.
    let mut reader = csv::Reader::from_path(&results).expect("readable");
    let headers = reader.headers().expect("headers").clone();
    let at = |name: &str| {
        headers
            .iter()
            .position(|header| header.trim_start_matches('\u{feff}') == name)
            .expect("column")
    };
    let (rectype, urn, progress) = (at("RECTYPE"), at("URN"), at("P8MEA"));
    let mut values: HashMap<PhaseGroup, Vec<f64>> = HashMap::new();
    for record in reader.records() {
        let record = record.expect("a record");
        let (Ok(urn), Ok(value)) = (record[urn].parse::<u32>(), record[progress].parse::<f64>()) else {
            continue;
        };
        if &record[rectype] != "1" {
            continue;
        }
        if let Some(phase) = phase_of.get(&urn) {
            values.entry(*phase).or_default().push(value);
        }
    }
    let secondary = values.get(&PhaseGroup::Secondary).map_or(0, Vec::len);
    assert!(
        secondary > 3000,
        "most secondary schools have a Progress 8 score: {secondary}"
    );
    for (phase, mut values) in values {
        values.sort_by(f64::total_cmp);
        let held = stride[&(
            Measure::Ks4Progress8,
            PupilGroup::All,
            AcademicYear::starting(2018),
            phase,
        )];
        assert_eq!(held.schools, values.len(), "{phase:?}");
        for (share, stride_value) in [(0.25, held.lower), (0.5, held.median), (0.75, held.upper)] {
            let expected = quartile(&values, share);
            assert!(
                (stride_value - expected).abs() < 1e-9,
                "{phase:?} {share}: {stride_value} against {expected}"
            );
        }
    }
}
