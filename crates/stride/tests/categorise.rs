//! `stride categorise` on the synthetic authority, run as a user runs it: the shipped rule set's
//! distribution of levels, and a named school's reasons checked against the generated figures.

use std::path::Path;
use std::process::Command;

use stride_core::{Figure, Measure, PhaseGroup, PupilGroup};

const SEED: u64 = 2026;
const AS_OF: &str = "2026-11-22";

fn generated_database(directory: &Path) -> String {
    let database = directory.join("stride.sqlite").display().to_string();
    let status = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(["generate", "--db", &database, "--seed", &SEED.to_string()])
        .output()
        .expect("runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    database
}

fn categorise(database: &str, rules: &str, format: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stride"))
        .args([
            "categorise",
            "--db",
            database,
            "--rules",
            rules,
            "--as-of",
            AS_OF,
            "--format",
            format,
        ])
        .output()
        .expect("runs")
}

/// QUARTILE.INC, written again here so that the test does not lean on the code it checks.
fn quartile(values: &mut [f64], share: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let position = share * (values.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    values[below] + (values[above] - values[below]) * (position - below as f64)
}

#[test]
fn the_national_rule_set_categorises_every_school_of_the_synthetic_authority_with_reasons() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    let output = categorise(&database, "national-2025", "json");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let schools = json["schools"].as_array().expect("schools");
    let dataset = stride_synth::generate(SEED).dataset;
    let categorised = dataset
        .establishments
        .iter()
        .filter(|school| school.phase != stride_core::Phase::NotApplicable && school.closed_on.is_none())
        .count();
    assert_eq!(schools.len(), categorised);

    // The stated distribution: most schools light touch, about a quarter additional support,
    // and fewer than one in six high-level support, which is exactly the register.
    let share = |level: &str| {
        let count = schools
            .iter()
            .filter(|school| school["categorisation"]["level"] == level)
            .count();
        count as f64 / schools.len() as f64
    };
    assert!(
        (0.5..0.75).contains(&share("light-touch")),
        "light touch {}",
        share("light-touch")
    );
    assert!((0.15..0.35).contains(&share("additional-support")));
    assert!((0.03..0.16).contains(&share("high-level-support")));
    for school in schools {
        let categorisation = &school["categorisation"];
        assert_eq!(
            categorisation["on_register"].as_bool(),
            Some(categorisation["level"] == "high-level-support")
        );
        assert_eq!(categorisation["outcomes"].as_array().map(Vec::len), Some(19));
    }

    // A named school: every verdict, and the figures behind two reasons, read from the
    // generated data independently.
    let name = "Alfriston Down School";
    let school = schools
        .iter()
        .find(|school| school["name"] == name)
        .expect("the school");
    let verdicts: Vec<(String, String)> = school["categorisation"]["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|outcome| {
            (
                outcome["code"].as_str().expect("code").to_owned(),
                outcome["verdict"].as_str().expect("verdict").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("ks2-bottom-quartile", "not-applicable"),
        ("ks2-below-england", "not-applicable"),
        ("ks2-declining", "not-applicable"),
        ("ks2-disadvantaged-gap-widening", "not-applicable"),
        ("ks4-progress-bottom-quartile", "not-enough-evidence"),
        ("ks4-attainment-below-england", "fired"),
        ("absence-high", "fired"),
        ("persistent-absence-high", "fired"),
        ("persistent-absence-rising", "not-fired"),
        ("suspensions-high", "fired"),
        ("roll-falling", "not-fired"),
        ("report-card-concern", "fired"),
        ("eif-requires-improvement", "not-enough-evidence"),
        ("category-of-concern", "fired"),
        ("successive-requires-improvement", "not-fired"),
        ("safeguarding-concern", "not-fired"),
        ("leadership-change", "not-fired"),
        ("complaints-or-deficit", "not-fired"),
        ("self-nominated", "not-fired"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(code, verdict)| ((*code).to_owned(), (*verdict).to_owned()))
        .collect();
    assert_eq!(verdicts, expected);
    assert_eq!(school["categorisation"]["level"], "high-level-support");

    let establishment = dataset
        .establishments
        .iter()
        .find(|establishment| establishment.name == name)
        .expect("generated");
    let latest = |measure: Measure| {
        dataset
            .school_figures
            .iter()
            .filter(|figure| {
                figure.urn == establishment.urn && figure.measure == measure && figure.group == PupilGroup::All
            })
            .filter(|figure| figure.figure.value().is_some())
            .max_by_key(|figure| figure.year)
            .expect("a figure")
    };
    let attainment = latest(Measure::Ks4Attainment8);
    let england = dataset
        .comparator_figures
        .iter()
        .find(|figure| {
            figure.comparator == stride_core::Comparator::England
                && figure.measure == Measure::Ks4Attainment8
                && figure.group == PupilGroup::All
                && figure.year == attainment.year
        })
        .expect("England's figure");
    let reason = |code: &str| {
        school["categorisation"]["outcomes"]
            .as_array()
            .expect("outcomes")
            .iter()
            .find(|outcome| outcome["code"] == code)
            .and_then(|outcome| outcome["reason"].as_str())
            .expect("a reason")
            .to_owned()
    };
    assert_eq!(
        reason("ks4-attainment-below-england"),
        format!(
            "KS4: Attainment 8 {}: {}, England {} (a margin of 5 allowed).",
            attainment.year,
            attainment.figure.display(Measure::Ks4Attainment8),
            england.figure.display(Measure::Ks4Attainment8)
        )
    );
    let absence = latest(Measure::OverallAbsence);
    let mut secondary_absence: Vec<f64> = dataset
        .school_figures
        .iter()
        .filter(|figure| figure.measure == Measure::OverallAbsence && figure.group == PupilGroup::All)
        .filter(|figure| figure.year == absence.year)
        .filter(|figure| {
            dataset
                .establishments
                .iter()
                .any(|other| other.urn == figure.urn && other.phase.comparator_group() == PhaseGroup::Secondary)
        })
        .filter_map(|figure| figure.figure.value())
        .collect();
    let schools_compared = secondary_absence.len();
    let upper = quartile(&mut secondary_absence, 0.75);
    assert_eq!(
        reason("absence-high"),
        format!(
            "Overall absence {}: {}; the upper quartile of {schools_compared} secondary schools is {}.",
            absence.year,
            absence.figure.display(Measure::OverallAbsence),
            Figure::Value(upper).display(Measure::OverallAbsence)
        )
    );
}

#[test]
fn a_run_saved_from_the_command_line_is_kept_with_every_school() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    let output = Command::new(env!("CARGO_BIN_EXE_stride"))
        .args([
            "categorise",
            "--db",
            &database,
            "--rules",
            "southend-2012",
            "--as-of",
            AS_OF,
            "--format",
            "csv",
            "--save",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Saved as run 1."));
    let rows = String::from_utf8_lossy(&output.stdout).lines().count() - 1;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (runs, levels) = runtime.block_on(async {
        let store = stride_store::open(&database).await.expect("opens");
        let runs = store.categorisation_runs().await.expect("reads");
        let levels = store.saved_levels(runs[0].id).await.expect("reads");
        (runs, levels)
    });
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].rule_set.as_str(), runs[0].version.as_str()),
        ("southend-2012", "2012.1")
    );
    assert_eq!(runs[0].as_of.to_string(), AS_OF);
    assert_eq!(runs[0].schools, rows);
    assert_eq!(levels.len(), rows);
}

#[test]
fn a_rule_set_that_is_neither_shipped_nor_a_file_is_refused_naming_those_shipped() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("empty.sqlite").display().to_string();
    let output = categorise(&database, "national-2024", "table");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("national-2025"), "{message}");

    let file = directory.path().join("mine.toml");
    std::fs::write(&file, "name = \"mine\"\ntitle = \"Mine\"\nversion = \"1\"\nlevel = 3\n").expect("written");
    let output = categorise(&database, &file.display().to_string(), "table");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("mine.toml") && message.contains("line 4"), "{message}");
}

/// A rule set's three levels, least support first, each with the share of schools stated.
type StatedShares = [(&'static str, std::ops::Range<f64>); 3];

#[test]
fn each_shipped_rule_set_gives_its_stated_distribution_and_flags_its_top_level_for_the_register() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    // Each rule set's levels, least support first, with the share of schools stated for each.
    let stated: [(&str, StatedShares); 2] = [
        (
            "oxfordshire-2013",
            [
                ("light-touch", 0.6..0.85),
                ("additional-support", 0.1..0.35),
                ("high-level-support", 0.01..0.1),
            ],
        ),
        (
            "southend-2012",
            [
                ("celebrate-strengths", 0.75..0.95),
                ("termly-review", 0.04..0.2),
                ("raising-achievement-plan", 0.0..0.05),
            ],
        ),
    ];
    for (rules, levels) in stated {
        let output = categorise(&database, rules, "json");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let schools = json["schools"].as_array().expect("schools");
        for (level, share) in &levels {
            let count = schools
                .iter()
                .filter(|school| school["categorisation"]["level"] == *level)
                .count();
            let found = count as f64 / schools.len() as f64;
            assert!(share.contains(&found), "{rules}: {level} {found}");
        }
        let top = levels[2].0;
        for school in schools {
            assert_eq!(
                school["categorisation"]["on_register"].as_bool(),
                Some(school["categorisation"]["level"] == top),
                "{rules}"
            );
        }
    }
}

fn stride(arguments: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stride"))
        .args(arguments)
        .output()
        .expect("runs")
}

#[test]
fn a_rule_set_kept_from_the_command_line_is_categorised_by_its_name_and_each_version_stays() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    let shipped = stride_core::categorisation::shipped("southend-2012")
        .expect("shipped")
        .expect("checked")
        .1;
    let own = shipped.replacen("name = \"southend-2012\"", "name = \"wealdshire-2026\"", 1);
    let file = directory.path().join("wealdshire.toml");
    std::fs::write(&file, &own).expect("written");
    let file = file.display().to_string();
    let kept = stride(&["rules", "keep", "--db", &database, "--by", "A data manager", &file]);
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    assert_eq!(
        String::from_utf8_lossy(&kept.stdout),
        "Kept version 2012.1 of wealdshire-2026 (Southend Improving Learning Together 2012).\n"
    );
    let again = stride(&["rules", "keep", "--db", &database, &file]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));

    // Kept under its own name, it judges every school as the rule set it was copied from.
    let by_name = categorise(&database, "wealdshire-2026", "csv");
    assert!(by_name.status.success(), "{}", String::from_utf8_lossy(&by_name.stderr));
    let shipped_run = categorise(&database, "southend-2012", "csv");
    let body = |output: &std::process::Output| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(body(&by_name), body(&shipped_run));
    assert!(body(&by_name).len() > 200);

    // The same version with other rules is refused and nothing is kept; a new version is.
    std::fs::write(directory.path().join("wealdshire.toml"), own.replace("at_least = 4", "at_least = 3"))
        .expect("written");
    let refused = stride(&["rules", "keep", "--db", &database, &file]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("new `version`"));
    let changed = own
        .replace("at_least = 4", "at_least = 3")
        .replacen("version = \"2012.1\"", "version = \"2026.1\"", 1);
    std::fs::write(directory.path().join("wealdshire.toml"), changed).expect("written");
    assert!(stride(&["rules", "keep", "--db", &database, &file]).status.success());
    let listed = String::from_utf8_lossy(&stride(&["rules", "list", "--db", &database]).stdout).into_owned();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 5, "{listed}");
    assert!(lines[3].starts_with("wealdshire-2026") && lines[3].contains("version 2026.1"), "{listed}");
    assert!(lines[4].contains("version 2012.1, kept by A data manager"), "{listed}");
    // The latest version is the one a name chooses: a lower bar moves schools up.
    let latest = categorise(&database, "wealdshire-2026", "json");
    let json: serde_json::Value = serde_json::from_slice(&latest.stdout).expect("JSON");
    assert_eq!(json["version"], "2026.1");
}
