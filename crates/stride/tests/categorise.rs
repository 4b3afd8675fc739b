//! `stride categorise` on the synthetic authority, run as a user runs it: the shipped rule set's
//! distribution of levels, and a named school's reasons checked against the generated figures.

use std::path::Path;
use std::process::Command;

use stride_core::{Figure, Measure, PhaseGroup, PupilGroup};

mod common;

const SEED: u64 = 2026;
const AS_OF: &str = "2026-11-22";

/// The authority generated once by `stride generate`; each test has a copy of its own.
fn generated_database(directory: &Path) -> String {
    common::copy_of_template(SEED, directory, "stride")
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

    // A named school: every verdict and reason, rebuilt from the generated data independently.
    let name = "Alfriston Down School";
    let (level, outcomes) = outcomes_of(&database, "national-2025", name);
    let generated = Generated::new();
    let school = generated.school(name);
    assert_eq!(outcomes, national_findings(&generated, school));
    assert_eq!(level, "high-level-support");

    // Each finding names the publications its figures came from: the school's and England's
    // Attainment 8, the pupils on roll of both years, none for an inspection.
    let sources = |code: &str| -> Vec<String> {
        let outcome = schools
            .iter()
            .find(|school| school["name"] == name)
            .and_then(|school| school["categorisation"]["outcomes"].as_array())
            .and_then(|outcomes| outcomes.iter().find(|outcome| outcome["code"] == code))
            .expect("the finding");
        serde_json::from_value(outcome["sources"].clone()).expect("sources")
    };
    let year = generated.latest(school, Measure::Ks4Attainment8).0;
    let attainment = dataset
        .school_figures
        .iter()
        .find(|figure| {
            figure.urn == school.urn
                && figure.measure == Measure::Ks4Attainment8
                && figure.group == PupilGroup::All
                && figure.year == year
        })
        .expect("the school's figure");
    let england = dataset
        .comparator_figures
        .iter()
        .find(|figure| {
            figure.comparator == stride_core::Comparator::England
                && figure.measure == Measure::Ks4Attainment8
                && figure.group == PupilGroup::All
                && figure.year == year
        })
        .expect("England's figure");
    let mut expected = vec![attainment.source.clone()];
    if england.source != attainment.source {
        expected.push(england.source.clone());
    }
    assert_eq!(sources("ks4-attainment-below-england"), expected);
    assert!(expected[0].contains("key stage 4"), "{expected:?}");
    let roll: Vec<String> = sources("roll-falling");
    assert_eq!(roll.len(), 1);
    assert!(roll[0].contains("census"), "{roll:?}");
    assert!(sources("category-of-concern").is_empty());
    assert!(sources("ks2-bottom-quartile").is_empty(), "it does not apply");
}

/// What the national rule set should find for a secondary school whose latest graded inspection
/// is a 2025 report card, read from the generated data.
fn national_findings(generated: &Generated, school: &stride_core::Establishment) -> Vec<(String, String, String)> {
    use stride_core::IntelligenceKind as Kind;
    use stride_core::inspection::{Framework, HeadlineOutcome};
    let primary = "primary, middle, all-through";
    let current = stride_core::AcademicYear::containing(generated.as_of);
    let latest_year = current.previous();
    // Progress 8 is not published for the latest year (its pupils sat no KS2 tests in 2020).
    assert!(
        generated
            .series(school, Measure::Ks4Progress8, PupilGroup::All)
            .iter()
            .all(|(year, _)| *year < latest_year)
    );
    let (year, persistent) = generated.latest(school, Measure::PersistentAbsence);
    let inspections = generated.inspections(school);
    let graded: Vec<_> = inspections
        .iter()
        .filter(|inspection| inspection.is_full())
        .take(2)
        .collect();
    assert_eq!(graded[0].framework, Framework::ReportCard2025);
    let report_card = (
        matches!(
            graded[0].headline(),
            HeadlineOutcome::ReportCardNeedsAttention | HeadlineOutcome::ReportCardUrgentImprovement
        ),
        format!(
            "Latest graded inspection, published {} under the {}: {}.",
            graded[0].published_on,
            graded[0].framework.label(),
            graded[0].headline().label()
        ),
    );
    let successive = graded
        .iter()
        .map(|inspection| format!("{} ({})", inspection.headline().label(), inspection.published_on))
        .collect::<Vec<_>>()
        .join(", ");
    let all_ri = graded
        .iter()
        .all(|inspection| inspection.headline() == HeadlineOutcome::RequiresImprovement);
    let text = |code: &str, verdict: &str, reason: String| (code.to_owned(), verdict.to_owned(), reason);
    vec![
        not_applicable("ks2-bottom-quartile", primary),
        not_applicable("ks2-below-england", primary),
        not_applicable("ks2-declining", primary),
        not_applicable("ks2-disadvantaged-gap-widening", primary),
        text(
            "ks4-progress-bottom-quartile",
            "not-enough-evidence",
            format!("KS4: Progress 8 {latest_year}: no value, or a cohort below 11."),
        ),
        finding(
            "ks4-attainment-below-england",
            generated.against_by(
                stride_core::Comparator::England,
                school,
                Measure::Ks4Attainment8,
                "KS4: Attainment 8",
                5.0,
            ),
        ),
        finding(
            "absence-high",
            generated.below_quartile(school, Measure::OverallAbsence, "Overall absence"),
        ),
        finding(
            "persistent-absence-high",
            (
                persistent > 25.0,
                format!(
                    "Persistent absence {year}: {}, against the rule set's {}.",
                    Generated::show(Measure::PersistentAbsence, persistent),
                    Generated::show(Measure::PersistentAbsence, 25.0)
                ),
            ),
        ),
        finding(
            "persistent-absence-rising",
            generated.rising(school, Measure::PersistentAbsence, "Persistent absence"),
        ),
        finding(
            "suspensions-high",
            generated.below_quartile(school, Measure::SuspensionRate, "Suspensions"),
        ),
        finding("roll-falling", generated.roll_falling(school, 10.0)),
        finding("report-card-concern", report_card),
        text(
            "eif-requires-improvement",
            "not-enough-evidence",
            format!(
                "The latest graded inspection ({}) was under the {}, which this indicator does not read.",
                graded[0].published_on,
                graded[0].framework.label()
            ),
        ),
        finding("category-of-concern", generated.category(school)),
        finding(
            "successive-requires-improvement",
            (all_ri, format!("The last 2 graded inspections: {successive}.")),
        ),
        finding(
            "safeguarding-concern",
            generated.intelligence(school, &[Kind::SafeguardingConcern], 12),
        ),
        finding(
            "leadership-change",
            generated.intelligence(
                school,
                &[Kind::NewHeadteacher, Kind::AbsentHeadteacher, Kind::SeniorStaffTurnover],
                12,
            ),
        ),
        finding(
            "complaints-or-deficit",
            generated.intelligence(
                school,
                &[Kind::ParentalComplaints, Kind::Grievance, Kind::BudgetDeficit],
                12,
            ),
        ),
        finding(
            "self-nominated",
            generated.intelligence(school, &[Kind::SelfNomination], 12),
        ),
    ]
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
    let database = stride_store::scratch::database(directory.path(), "empty");
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
    std::fs::write(
        directory.path().join("wealdshire.toml"),
        own.replace("at_least = 4", "at_least = 3"),
    )
    .expect("written");
    let refused = stride(&["rules", "keep", "--db", &database, &file]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("new `version`"));
    let changed =
        own.replace("at_least = 4", "at_least = 3")
            .replacen("version = \"2012.1\"", "version = \"2026.1\"", 1);
    std::fs::write(directory.path().join("wealdshire.toml"), changed).expect("written");
    assert!(stride(&["rules", "keep", "--db", &database, &file]).status.success());
    let listed = String::from_utf8_lossy(&stride(&["rules", "list", "--db", &database]).stdout).into_owned();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 5, "{listed}");
    assert!(
        lines[3].starts_with("wealdshire-2026") && lines[3].contains("version 2026.1"),
        "{listed}"
    );
    assert!(lines[4].contains("version 2012.1, kept by A data manager"), "{listed}");
    // The latest version is the one a name chooses: a lower bar moves schools up.
    let latest = categorise(&database, "wealdshire-2026", "json");
    let json: serde_json::Value = serde_json::from_slice(&latest.stdout).expect("JSON");
    assert_eq!(json["version"], "2026.1");
}

/// The generated authority read directly, as the rule sets' reasons should describe it: each
/// reason rebuilt here from the generated data, not through the engine.
struct Generated {
    dataset: stride_core::Dataset,
    as_of: chrono::NaiveDate,
}

impl Generated {
    fn new() -> Generated {
        Generated {
            dataset: stride_synth::generate(SEED).dataset,
            as_of: AS_OF.parse().expect("a date"),
        }
    }

    fn school(&self, name: &str) -> &stride_core::Establishment {
        self.dataset
            .establishments
            .iter()
            .find(|school| school.name == name)
            .expect("generated")
    }

    /// The school's figures of a measure and group, by year, of years before the categorisation's.
    fn series(
        &self,
        school: &stride_core::Establishment,
        measure: Measure,
        group: PupilGroup,
    ) -> Vec<(stride_core::AcademicYear, f64)> {
        let current = stride_core::AcademicYear::containing(self.as_of);
        let mut series: Vec<_> = self
            .dataset
            .school_figures
            .iter()
            .filter(|figure| figure.urn == school.urn && figure.measure == measure && figure.group == group)
            .filter(|figure| figure.year < current)
            .filter_map(|figure| figure.figure.value().map(|value| (figure.year, value)))
            .collect();
        series.sort_by_key(|(year, _)| *year);
        series
    }

    fn latest(&self, school: &stride_core::Establishment, measure: Measure) -> (stride_core::AcademicYear, f64) {
        *self.series(school, measure, PupilGroup::All).last().expect("a figure")
    }

    fn comparator(
        &self,
        comparator: stride_core::Comparator,
        school: &stride_core::Establishment,
        measure: Measure,
        year: stride_core::AcademicYear,
    ) -> f64 {
        let of = |phase_group| {
            self.dataset.comparator_figures.iter().find(|figure| {
                figure.comparator == comparator
                    && figure.phase_group == phase_group
                    && figure.measure == measure
                    && figure.group == PupilGroup::All
                    && figure.year == year
            })
        };
        of(school.phase.comparator_group())
            .or_else(|| of(PhaseGroup::AllSchools))
            .and_then(|figure| figure.figure.value())
            .expect("a comparator figure")
    }

    /// QUARTILE.INC of every school of the phase in the year: the lower, or the upper where a
    /// low figure is good; with the number of schools.
    fn quartile(
        &self,
        school: &stride_core::Establishment,
        measure: Measure,
        year: stride_core::AcademicYear,
    ) -> (f64, usize) {
        let phase = school.phase.comparator_group();
        let mut values: Vec<f64> = self
            .dataset
            .school_figures
            .iter()
            .filter(|figure| figure.measure == measure && figure.group == PupilGroup::All && figure.year == year)
            .filter(|figure| {
                self.dataset
                    .establishments
                    .iter()
                    .any(|other| other.urn == figure.urn && other.phase.comparator_group() == phase)
            })
            .filter_map(|figure| figure.figure.value())
            .collect();
        let share = match measure.polarity() {
            stride_core::Polarity::LowIsGood => 0.75,
            _ => 0.25,
        };
        let schools = values.len();
        (quartile(&mut values, share), schools)
    }

    fn show(measure: Measure, value: f64) -> String {
        Figure::Value(value).display(measure)
    }

    fn below_quartile(&self, school: &stride_core::Establishment, measure: Measure, described: &str) -> (bool, String) {
        let (year, value) = self.latest(school, measure);
        let (bar, schools) = self.quartile(school, measure, year);
        let (worse, side) = match measure.polarity() {
            stride_core::Polarity::LowIsGood => (value > bar, "upper"),
            _ => (value < bar, "lower"),
        };
        let phase = school.phase.comparator_group().label().to_lowercase();
        let reason = format!(
            "{described} {year}: {}; the {side} quartile of {schools} {phase} schools is {}.",
            Self::show(measure, value),
            Self::show(measure, bar)
        );
        (worse, reason)
    }

    fn against(
        &self,
        comparator: stride_core::Comparator,
        school: &stride_core::Establishment,
        measure: Measure,
        described: &str,
    ) -> (bool, String) {
        self.against_by(comparator, school, measure, described, 0.0)
    }

    fn against_by(
        &self,
        comparator: stride_core::Comparator,
        school: &stride_core::Establishment,
        measure: Measure,
        described: &str,
        margin: f64,
    ) -> (bool, String) {
        let (year, value) = self.latest(school, measure);
        let compared = self.comparator(comparator, school, measure, year);
        let worse = match measure.polarity() {
            stride_core::Polarity::LowIsGood => value > compared + margin,
            _ => value < compared - margin,
        };
        let reason = format!(
            "{described} {year}: {}, {} {} (a margin of {margin} allowed).",
            Self::show(measure, value),
            comparator.label(),
            Self::show(measure, compared)
        );
        (worse, reason)
    }

    /// The last three years' figures, oldest first, and whether none was better than the one before.
    fn not_improving(&self, school: &stride_core::Establishment, measure: Measure, described: &str) -> (bool, String) {
        let series = self.series(school, measure, PupilGroup::All);
        let run = &series[series.len() - 3..];
        let fired = run.windows(2).all(|pair| pair[1].1 <= pair[0].1);
        let text: Vec<String> = run
            .iter()
            .map(|(year, value)| format!("{year} {}", Self::show(measure, *value)))
            .collect();
        (fired, format!("{described}: {}.", text.join(", ")))
    }

    fn rising(&self, school: &stride_core::Establishment, measure: Measure, described: &str) -> (bool, String) {
        let series = self.series(school, measure, PupilGroup::All);
        let run = &series[series.len() - 3..];
        let fired = run.windows(2).all(|pair| pair[1].1 > pair[0].1);
        let text: Vec<String> = run
            .iter()
            .map(|(year, value)| format!("{year} {}", Self::show(measure, *value)))
            .collect();
        (fired, format!("{described}: {}.", text.join(", ")))
    }

    fn roll_falling(&self, school: &stride_core::Establishment, percent: f64) -> (bool, String) {
        let series = self.series(school, Measure::PupilsOnRoll, PupilGroup::All);
        let (latest, now) = series[series.len() - 1];
        let (earliest, then) = series[series.len() - 4];
        let change = (now - then) / then * 100.0;
        (
            -change > percent,
            format!("Pupils on roll: {then:.0} in {earliest}, {now:.0} in {latest}, a change of {change:.1}%."),
        )
    }

    fn intelligence(
        &self,
        school: &stride_core::Establishment,
        kinds: &[stride_core::IntelligenceKind],
        months: u32,
    ) -> (bool, String) {
        let since = self
            .as_of
            .checked_sub_months(chrono::Months::new(months))
            .expect("a date");
        let mut found: Vec<_> = self
            .dataset
            .intelligence
            .iter()
            .filter(|item| item.urn == school.urn && kinds.contains(&item.kind))
            .filter(|item| item.recorded_on >= since && item.recorded_on <= self.as_of)
            .collect();
        found.sort_by_key(|item| std::cmp::Reverse(item.recorded_on));
        match found.first() {
            Some(item) => (
                true,
                format!(
                    "{} recorded {} by {} ({} such in {months} months).",
                    item.kind.label(),
                    item.recorded_on,
                    item.recorded_by,
                    found.len()
                ),
            ),
            None => (false, format!("Nothing of these kinds recorded since {since}.")),
        }
    }

    /// The school's inspections published by the date, newest first.
    fn inspections(&self, school: &stride_core::Establishment) -> Vec<&stride_core::Inspection> {
        let mut held: Vec<_> = self
            .dataset
            .inspections
            .iter()
            .filter(|inspection| inspection.urn == school.urn && inspection.published_on <= self.as_of)
            .collect();
        held.sort_by_key(|inspection| std::cmp::Reverse(inspection.published_on));
        held
    }

    fn graded(
        &self,
        school: &stride_core::Establishment,
        outcome: stride_core::inspection::HeadlineOutcome,
    ) -> (bool, String) {
        let inspections = self.inspections(school);
        let latest = inspections
            .iter()
            .find(|inspection| inspection.is_full())
            .expect("a graded inspection");
        (
            latest.headline() == outcome,
            format!(
                "Latest graded inspection, published {} under the {}: {}.",
                latest.published_on,
                latest.framework.label(),
                latest.headline().label()
            ),
        )
    }

    fn category(&self, school: &stride_core::Establishment) -> (bool, String) {
        let inspections = self.inspections(school);
        let latest = inspections.first().expect("an inspection");
        match latest.category_of_concern {
            Some(category) => (
                true,
                format!(
                    "Placed in {} by the inspection published {}.",
                    category.label().to_lowercase(),
                    latest.published_on
                ),
            ),
            None => (
                false,
                format!(
                    "The latest inspection, published {}, placed it in no category.",
                    latest.published_on
                ),
            ),
        }
    }
}

/// Every indicator's code, verdict and reason for a named school under a rule set, as
/// `stride categorise` gives them.
fn outcomes_of(database: &str, rules: &str, name: &str) -> (String, Vec<(String, String, String)>) {
    let output = categorise(database, rules, "json");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let school = json["schools"]
        .as_array()
        .expect("schools")
        .iter()
        .find(|school| school["name"] == name)
        .expect("the school")
        .clone();
    let text = |value: &serde_json::Value| value.as_str().expect("text").to_owned();
    let outcomes = school["categorisation"]["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|outcome| {
            (
                text(&outcome["code"]),
                text(&outcome["verdict"]),
                text(&outcome["reason"]),
            )
        })
        .collect();
    (text(&school["categorisation"]["level"]), outcomes)
}

/// An expected finding: fired or not, with its reason.
fn finding(code: &str, (fired, reason): (bool, String)) -> (String, String, String) {
    let verdict = if fired { "fired" } else { "not-fired" };
    (code.to_owned(), verdict.to_owned(), reason)
}

fn not_applicable(code: &str, phases: &str) -> (String, String, String) {
    (
        code.to_owned(),
        "not-applicable".to_owned(),
        format!("Applies only to {phases} schools."),
    )
}

#[test]
fn a_named_primary_school_is_judged_under_the_oxfordshire_rule_set_with_every_reason_in_full() {
    use stride_core::IntelligenceKind as Kind;
    use stride_core::inspection::HeadlineOutcome;
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    let generated = Generated::new();
    let name = "Firle Community Primary School";
    let school = generated.school(name);
    let rwm = Measure::Ks2ReadingWritingMathsExpected;
    let rwm_text = "KS2: reading, writing and maths at the expected standard";
    let (_, gap) = {
        // The disadvantaged pupils' shortfall against England's other pupils, three years.
        let series = generated.series(school, rwm, PupilGroup::Disadvantaged);
        let run = &series[series.len() - 3..];
        let gaps: Vec<(stride_core::AcademicYear, f64)> = run
            .iter()
            .map(|(year, value)| {
                let england = generated
                    .dataset
                    .comparator_figures
                    .iter()
                    .find(|figure| {
                        figure.comparator == stride_core::Comparator::England
                            && figure.measure == rwm
                            && figure.group == PupilGroup::NotDisadvantaged
                            && figure.year == *year
                    })
                    .and_then(|figure| figure.figure.value())
                    .expect("England's figure");
                (*year, england - value)
            })
            .collect();
        let text: Vec<String> = gaps.iter().map(|(year, gap)| format!("{year} {gap:.1}")).collect();
        let widening = gaps.windows(2).all(|pair| pair[1].1 > pair[0].1);
        (
            (),
            (
                widening,
                format!(
                    "Gap between {rwm_text} (disadvantaged) and England not disadvantaged: {}.",
                    text.join(", ")
                ),
            ),
        )
    };
    let secondary = "secondary, all-through";
    let expected = vec![
        finding("ks2-bottom-quartile", generated.below_quartile(school, rwm, rwm_text)),
        finding(
            "ks2-progress-bottom-quartile",
            generated.below_quartile(school, Measure::Ks2MathsProgress, "KS2: maths progress"),
        ),
        finding("ks2-disadvantaged-gap-widening", gap),
        finding("ks2-not-improving", generated.not_improving(school, rwm, rwm_text)),
        not_applicable("ks4-bottom-quartile", secondary),
        not_applicable("ks4-progress-bottom-quartile", secondary),
        not_applicable("ks4-english-maths-not-improving", secondary),
        finding(
            "safeguarding-concern",
            generated.intelligence(school, &[Kind::SafeguardingConcern], 12),
        ),
        finding(
            "bullying-reports",
            generated.intelligence(school, &[Kind::BullyingReports], 12),
        ),
        finding(
            "absence-high",
            generated.below_quartile(school, Measure::OverallAbsence, "Overall absence"),
        ),
        finding(
            "absence-increasing",
            generated.rising(school, Measure::OverallAbsence, "Overall absence"),
        ),
        finding(
            "exclusions-high",
            generated.below_quartile(school, Measure::SuspensionRate, "Suspensions"),
        ),
        finding("roll-falling", generated.roll_falling(school, 10.0)),
        finding(
            "leaders-absent",
            generated.intelligence(school, &[Kind::AbsentHeadteacher], 12),
        ),
        finding(
            "staff-turnover",
            generated.intelligence(school, &[Kind::SeniorStaffTurnover, Kind::Grievance], 12),
        ),
        finding(
            "parental-complaints",
            generated.intelligence(school, &[Kind::ParentalComplaints], 12),
        ),
        finding(
            "budget",
            generated.intelligence(school, &[Kind::BudgetDeficit, Kind::LargeSurplus], 12),
        ),
        finding(
            "ofsted-requires-improvement",
            generated.graded(school, HeadlineOutcome::RequiresImprovement),
        ),
        finding("ofsted-category", generated.category(school)),
        finding(
            "ofsted-inadequate",
            generated.graded(school, HeadlineOutcome::Inadequate),
        ),
        finding(
            "self-nominated",
            generated.intelligence(school, &[Kind::SelfNomination], 12),
        ),
    ];
    let (level, outcomes) = outcomes_of(&database, "oxfordshire-2013", name);
    assert_eq!(outcomes, expected);
    // Five concerns, one short of the six that make high-level support, and neither requires
    // improvement nor a safeguarding concern among them: additional support, for three or more.
    let fired = expected.iter().filter(|(_, verdict, _)| verdict == "fired").count();
    assert_eq!(fired, 5);
    assert_eq!(level, "additional-support");
}

#[test]
fn a_named_primary_school_is_judged_under_the_southend_rule_set_with_every_reason_in_full() {
    use stride_core::Comparator;
    use stride_core::IntelligenceKind as Kind;
    use stride_core::inspection::HeadlineOutcome;
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = generated_database(directory.path());
    let generated = Generated::new();
    let name = "Firle Community Primary School";
    let school = generated.school(name);
    let rwm = Measure::Ks2ReadingWritingMathsExpected;
    let rwm_text = "KS2: reading, writing and maths at the expected standard";
    let expected = vec![
        finding(
            "judged-3",
            generated.graded(school, HeadlineOutcome::RequiresImprovement),
        ),
        finding("judged-4", generated.graded(school, HeadlineOutcome::Inadequate)),
        finding("in-a-category", generated.category(school)),
        finding(
            "new-headteacher",
            generated.intelligence(school, &[Kind::NewHeadteacher], 24),
        ),
        finding(
            "senior-staff-changes",
            generated.intelligence(school, &[Kind::SeniorStaffTurnover], 12),
        ),
        finding(
            "budget-deficit",
            generated.intelligence(school, &[Kind::BudgetDeficit], 12),
        ),
        finding("falling-roll", generated.roll_falling(school, 5.0)),
        finding(
            "building-condition",
            generated.intelligence(school, &[Kind::BuildingCondition], 24),
        ),
        finding(
            "ks2-below-la",
            generated.against(Comparator::LocalAuthority, school, rwm, rwm_text),
        ),
        finding(
            "ks2-below-similar",
            generated.against(Comparator::StatisticalNeighbours, school, rwm, rwm_text),
        ),
        not_applicable("ks4-below-national", "secondary, all-through"),
        finding(
            "attendance-below-national",
            generated.against(Comparator::England, school, Measure::OverallAbsence, "Overall absence"),
        ),
        finding(
            "self-nominated",
            generated.intelligence(school, &[Kind::SelfNomination], 12),
        ),
    ];
    let (level, outcomes) = outcomes_of(&database, "southend-2012", name);
    assert_eq!(outcomes, expected);
    // Four or more concerns, not judged 4 nor in a category: a termly review.
    let fired = expected.iter().filter(|(_, verdict, _)| verdict == "fired").count();
    assert_eq!(fired, 5);
    assert_eq!(level, "termly-review");
}
