use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::establishment::{Establishment, EstablishmentType, PhaseGroup};
use crate::figure::{Comparator, ComparatorFigure, Figure, Release, SchoolFigure};
use crate::identifiers::Urn;
use crate::inspection::{
    EvaluationArea, FourPointGrade, Framework, Grade, Inspection, InspectionFields, InspectionKind, Judgement,
};
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// An open community primary school of LA 990.
fn primary(urn: u32) -> Establishment {
    crate::testing::school(urn)
}

fn figure(urn: u32, measure: Measure, group: PupilGroup, year: i32, value: f64, cohort: u32) -> SchoolFigure {
    SchoolFigure {
        urn: Urn::new(urn).expect("a URN"),
        measure,
        year: AcademicYear::starting(year),
        group,
        figure: Figure::Value(value),
        cohort: Some(cohort),
        source: "test".into(),
        release: Release::Final,
    }
}

fn england(measure: Measure, group: PupilGroup, year: i32, value: f64) -> ComparatorFigure {
    ComparatorFigure {
        comparator: Comparator::England,
        phase_group: PhaseGroup::AllSchools,
        measure,
        year: AcademicYear::starting(year),
        group,
        figure: Figure::Value(value),
        source: "test".into(),
        release: Release::Final,
    }
}

fn requires_improvement(urn: u32, published: &str) -> Inspection {
    Inspection::new(InspectionFields {
        urn: Urn::new(urn).expect("a URN"),
        framework: Framework::Education2019,
        kind: InspectionKind::Graded,
        started_on: date(published),
        published_on: date(published),
        judgements: vec![Judgement {
            area: EvaluationArea::OverallEffectiveness,
            grade: Grade::FourPoint(FourPointGrade::RequiresImprovement),
        }],
        ungraded_outcome: None,
        category_of_concern: None,
    })
    .expect("a valid inspection")
}

/// A national spread of KS2 results (100 primary schools, 40% to 89.5%) and one school of the
/// LA's, 100001, whose results fell from 60% to 45% to 38% while England's stayed at 61%.
fn evidence() -> CategorisationEvidence {
    let rwm = Measure::Ks2ReadingWritingMathsExpected;
    let mut national = Vec::new();
    for school in 0..100 {
        let value = 40.0 + f64::from(school) * 0.5;
        national.push((
            PhaseGroup::Primary,
            figure(200_000 + school, rwm, PupilGroup::All, 2024, value, 30),
        ));
    }
    let ours = [(2022, 60.0), (2023, 45.0), (2024, 38.0)];
    let figures: Vec<SchoolFigure> = ours
        .iter()
        .map(|(year, value)| figure(100_001, rwm, PupilGroup::All, *year, *value, 30))
        .collect();
    national.extend(figures.iter().cloned().map(|figure| (PhaseGroup::Primary, figure)));
    CategorisationEvidence {
        schools: vec![primary(100_001), primary(100_002)],
        figures,
        comparators: (2022..=2024)
            .map(|year| england(rwm, PupilGroup::All, year, 61.0))
            .collect(),
        inspections: vec![
            requires_improvement(100_001, "2021-03-01"),
            requires_improvement(100_001, "2024-03-01"),
        ],
        intelligence: Vec::new(),
        national,
    }
}

fn shipped_national() -> RuleSet {
    shipped("national-2025").expect("shipped").expect("valid").0
}

fn outcome<'a>(categorisation: &'a Categorisation, code: &str) -> &'a IndicatorOutcome {
    categorisation
        .outcomes
        .iter()
        .find(|outcome| outcome.code == code)
        .expect("an outcome for every indicator")
}

#[test]
fn quartiles_are_those_of_a_spreadsheets_quartile_inc() {
    let quartiles = Quartiles::of(&mut [4.0, 1.0, 3.0, 2.0]).expect("values");
    assert_eq!((quartiles.lower, quartiles.median, quartiles.upper), (1.75, 2.5, 3.25));
    assert_eq!(Quartiles::of(&mut []), None);
}

#[test]
fn a_school_whose_results_fell_is_judged_with_its_figures_and_comparators() {
    let results = categorise(&shipped_national(), &evidence(), date("2025-11-01"));
    let falling = &results[0].categorisation;
    let quartile = outcome(falling, "ks2-bottom-quartile");
    assert_eq!(quartile.verdict, Verdict::Fired);
    assert!(quartile.reason.contains("38"), "{}", quartile.reason);
    assert!(
        quartile.reason.contains("of 101 primary schools"),
        "{}",
        quartile.reason
    );
    assert_eq!(outcome(falling, "ks2-below-england").verdict, Verdict::Fired);
    assert_eq!(outcome(falling, "ks2-declining").verdict, Verdict::Fired);
    assert_eq!(
        outcome(falling, "successive-requires-improvement").verdict,
        Verdict::Fired
    );
    assert_eq!(outcome(falling, "eif-requires-improvement").verdict, Verdict::Fired);
    // The 2025 report-card indicator does not read a 2019 framework grade.
    assert_eq!(
        outcome(falling, "report-card-concern").verdict,
        Verdict::NotEnoughEvidence
    );
    assert_eq!(falling.level, "high-level-support");
    assert!(falling.on_register);
    assert_eq!(
        outcome(falling, "ks4-progress-bottom-quartile").verdict,
        Verdict::NotApplicable
    );
}

#[test]
fn a_school_with_no_evidence_is_never_passed_silently() {
    let results = categorise(&shipped_national(), &evidence(), date("2025-11-01"));
    let unknown = &results[1].categorisation;
    assert_eq!(unknown.level, "light-touch");
    assert!(!unknown.on_register);
    // Intelligence is a record of events: that none was recorded is itself what is known.
    let rules = shipped_national();
    for (indicator, outcome) in rules.indicators.iter().zip(&unknown.outcomes) {
        if !matches!(indicator.test, Test::Intelligence { .. }) {
            assert_ne!(
                outcome.verdict,
                Verdict::NotFired,
                "{} passed on no evidence",
                outcome.code
            );
        }
    }
    assert_eq!(
        outcome(unknown, "ks2-bottom-quartile").verdict,
        Verdict::NotEnoughEvidence
    );
}

#[test]
fn missing_evidence_counts_as_a_concern_where_the_rule_set_says_so() {
    let mut rules = shipped_national();
    for indicator in &mut rules.indicators {
        indicator.when_missing = WhenMissing::Concern;
    }
    let results = categorise(&rules, &evidence(), date("2025-11-01"));
    assert!(results[1].categorisation.concerns() >= 5);
    assert_eq!(results[1].categorisation.level, "high-level-support");
}

#[test]
fn evidence_after_the_date_is_not_read() {
    // Before the 2024 inspection was published and before the 2023/24 results.
    let results = categorise(&shipped_national(), &evidence(), date("2023-11-01"));
    let then = &results[0].categorisation;
    assert_eq!(
        outcome(then, "successive-requires-improvement").verdict,
        Verdict::NotEnoughEvidence
    );
    assert!(!outcome(then, "ks2-below-england").reason.contains("2023/24"));
}

#[test]
fn a_small_cohort_is_not_enough_evidence() {
    let mut evidence = evidence();
    for figure in &mut evidence.figures {
        figure.cohort = Some(5);
    }
    let results = categorise(&shipped_national(), &evidence, date("2025-11-01"));
    assert_eq!(
        outcome(&results[0].categorisation, "ks2-bottom-quartile").verdict,
        Verdict::NotEnoughEvidence
    );
}

const SMALL: &str = r#"
name = "small"
title = "Small"
version = "1"

[[indicator]]
code = "rwm"
name = "RWM below a value"
test = "worse-than"
measure = "ks2-rwm-expected"
value = 50

[[level]]
code = "light"
name = "Light"
adviser_days = [0, 1]

[[level]]
code = "more"
name = "More"
adviser_days = [1, 3]
when = { any_of = ["rwm"] }

[register]
levels = ["more"]
"#;

#[test]
fn a_rule_set_with_an_unknown_measure_is_refused_naming_the_indicator_and_field() {
    let error = RuleSet::from_toml("mine.toml", &SMALL.replace("ks2-rwm-expected", "ks2-rwm")).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("mine.toml"), "{message}");
    assert!(message.contains("indicator 'rwm', measure: 'ks2-rwm'"), "{message}");
    assert!(message.contains("ks2-rwm-expected"), "{message}");
}

#[test]
fn a_level_naming_an_undefined_indicator_is_refused() {
    let error = RuleSet::from_toml(
        "mine.toml",
        &SMALL.replace(r#"any_of = ["rwm"]"#, r#"any_of = ["rwn"]"#),
    )
    .expect_err("refused");
    assert!(error.to_string().contains("names indicator 'rwn'"), "{error}");
}

#[test]
fn a_rule_set_whose_name_could_not_be_chosen_by_it_or_whose_version_is_blank_is_refused() {
    let text = SHIPPED[0].1;
    let renamed = text.replacen("name = \"national-2025\"", "name = \"Wealdshire 2026/27\"", 1);
    let error = RuleSet::from_toml("mine.toml", &renamed).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "rule set mine.toml: the rule set, name: 'Wealdshire 2026/27' is not a name of lower-case letters, digits and hyphens, such as wealdshire-2026"
    );
    let unversioned = text.replacen("version = \"", "version = \" \" # was \"", 1);
    let error = RuleSet::from_toml("mine.toml", &unversioned).expect_err("refused");
    assert!(error.to_string().contains("version"), "{error}");
}

#[test]
fn an_indicator_for_some_types_of_school_does_not_apply_to_others_and_says_which_it_is_for() {
    let text = SMALL.replacen(
        "[[indicator]]\n",
        "[[indicator]]\ntypes = [\"academy-converter\", \"free-school\"]\n",
        1,
    );
    assert_ne!(text, SMALL);
    let rules = RuleSet::from_toml("small.toml", &text).expect("valid");
    let evidence = evidence();
    let community = &categorise(&rules, &evidence, date("2025-11-01"))[0]
        .categorisation
        .outcomes[0];
    assert_eq!(community.verdict, Verdict::NotApplicable);
    assert_eq!(
        community.reason,
        "Applies only to schools of these types: academy converter, free school."
    );
    let mut converted = evidence.clone();
    converted.schools[0].establishment_type = EstablishmentType::AcademyConverter;
    let academy = &categorise(&rules, &converted, date("2025-11-01"))[0]
        .categorisation
        .outcomes[0];
    assert_ne!(academy.verdict, Verdict::NotApplicable);

    let unknown = SMALL.replacen("[[indicator]]\n", "[[indicator]]\ntypes = [\"academy\"]\n", 1);
    let error = RuleSet::from_toml("small.toml", &unknown).expect_err("refused");
    assert!(
        error.to_string().contains("types: 'academy' is not one of: community,"),
        "{error}"
    );
}

#[test]
fn a_rule_set_that_is_not_toml_is_refused_with_its_place() {
    let error = RuleSet::from_toml("mine.toml", "name = ").expect_err("refused");
    assert!(error.to_string().contains("line 1"), "{error}");
}

proptest! {
    /// Raising the bar a school must clear never gives it less support, nor does lowering the
    /// number of concerns a level needs.
    #[test]
    fn a_stricter_rule_never_gives_less_support(value in 0.0..100.0f64, bar in 0.0..100.0f64, rise in 0.0..50.0f64) {
        let school = primary(100_001);
        let figures = [figure(100_001, Measure::Ks2ReadingWritingMathsExpected, PupilGroup::All, 2024, value, 30)];
        let evidence = CategorisationEvidence {
            schools: vec![school],
            figures: figures.to_vec(),
            ..CategorisationEvidence::default()
        };
        let level_under = |bar: f64, at_least: Option<usize>| {
            let mut rules = RuleSet::from_toml("small.toml", SMALL).expect("valid");
            rules.indicators[0].test = Test::WorseThan {
                measure: Measure::Ks2ReadingWritingMathsExpected,
                group: PupilGroup::All,
                value: bar,
            };
            rules.levels[1].when.at_least = at_least;
            let result = categorise(&rules, &evidence, date("2025-11-01"));
            rules.levels.iter().position(|level| level.code == result[0].categorisation.level).expect("a level")
        };
        prop_assert!(level_under(bar + rise, None) >= level_under(bar, None));
        prop_assert!(level_under(bar, Some(1)) >= level_under(bar, Some(2)));
    }
}

fn saved(urn: u32, level: &str) -> SavedLevel {
    SavedLevel {
        urn: Urn::new(urn).expect("a URN"),
        level: level.to_owned(),
        on_register: false,
    }
}

#[test]
fn movement_counts_schools_from_level_to_level_and_lists_those_that_moved() {
    let rules = shipped_national();
    let earlier = [
        saved(100_001, "light-touch"),
        saved(100_002, "additional-support"),
        saved(100_003, "additional-support"),
        saved(100_004, "light-touch"),
    ];
    let later = [
        saved(100_001, "light-touch"),
        saved(100_002, "high-level-support"),
        saved(100_003, "light-touch"),
        saved(100_005, "light-touch"),
    ];
    let moved = movement(&rules, &earlier, &later);
    assert_eq!(moved.counts, vec![vec![1, 0, 0], vec![1, 0, 1], vec![0, 0, 0]]);
    assert_eq!(moved.moved.len(), 2);
    assert_eq!(moved.moved[0].1, "additional-support");
    assert_eq!(moved.moved[0].2, "high-level-support");
    // 100004 left and 100005 joined.
    assert_eq!(moved.not_compared, 2);
}

#[test]
fn a_level_set_by_judgement_stands_with_the_computed_one_kept_and_the_register_follows_it() {
    let rules = shipped_national();
    let results = categorise(&rules, &evidence(), date("2025-11-01"));
    let falling = &results[0];
    assert_eq!(falling.categorisation.level, "high-level-support");
    let decided = |level: &str, day: u32| LevelOverride {
        urn: falling.urn,
        rule_set: rules.name.clone(),
        level: level.to_owned(),
        reason: "New leadership is securing rapid improvement".to_owned(),
        decided_by: "An improvement manager".to_owned(),
        decided_at: chrono::DateTime::from_naive_utc_and_offset(
            date("2025-11-01").and_hms_opt(9, 0, day).expect("a time"),
            chrono::Utc,
        ),
    };
    let overrides = [decided("light-touch", 1), decided("additional-support", 2)];
    let standing = final_level(&rules, falling, &overrides);
    assert_eq!(standing.level, "additional-support", "the latest judgement stands");
    assert_eq!(standing.computed, "high-level-support");
    assert!(!standing.on_register, "the register follows the level it stands at");
    let other_rule_set = [LevelOverride {
        rule_set: "oxfordshire-2013".to_owned(),
        ..decided("light-touch", 3)
    }];
    assert_eq!(
        final_level(&rules, falling, &other_rule_set).level,
        "high-level-support"
    );
    let table =
        categorisation_list(&rules, &results, &overrides, None, &CategorisationListQuery::default()).to_table(&rules);
    assert_eq!(table.rows[0][2].display(), "Additional support");
    assert_eq!(table.rows[0][3].display(), "High-level support");
    assert!(table.rows[0][4].display().contains("New leadership"));
}

#[test]
fn what_if_names_the_schools_that_would_move_and_why_and_the_days_before_and_after() {
    let rules = shipped_national();
    let mut stricter = rules.clone();
    // High-level support only for a category of concern.
    stricter.levels[2].when = Condition {
        any_of: vec!["category-of-concern".to_owned()],
        ..Condition::default()
    };
    stricter
        .indicators
        .retain(|indicator| indicator.code != "ks2-declining");
    let before = categorise(&rules, &evidence(), date("2025-11-01"));
    let after = categorise(&stricter, &evidence(), date("2025-11-01"));
    let compared = what_if(&rules, &before, &stricter, &after);
    assert_eq!(compared.changes.len(), 1);
    let change = &compared.changes[0];
    assert_eq!(
        (change.from.as_str(), change.to.as_str()),
        ("High-level support", "Additional support")
    );
    assert!(
        change
            .why
            .iter()
            .any(|why| why
                == "KS2 reading, writing and maths lower each year for two years: Concern to not in the rule set"),
        "{:?}",
        change.why
    );
    assert!(compared.adviser_days_after < compared.adviser_days_before);
    assert_eq!((compared.register_before, compared.register_after), (1, 0));
}

/// One indicator alone, in a rule set whose second level needs it, judged on one school's
/// evidence.
fn judged(test: Test, evidence: &CategorisationEvidence) -> Verdict {
    let mut rules = RuleSet::from_toml("small.toml", SMALL).expect("valid");
    rules.indicators[0].test = test;
    rules.indicators[0].minimum_cohort = 0;
    categorise(&rules, evidence, date("2025-11-01"))[0]
        .categorisation
        .outcomes[0]
        .verdict
}

/// A primary school with these yearly values of a measure (2020 onwards), England's figure for
/// not-disadvantaged pupils at `england_value` each year, and its roll.
fn school_with(
    measure: Measure,
    group: PupilGroup,
    values: &[f64],
    england_value: f64,
    rolls: &[f64],
) -> CategorisationEvidence {
    let mut figures: Vec<SchoolFigure> = values
        .iter()
        .enumerate()
        .map(|(offset, value)| figure(100_001, measure, group, 2020 + offset as i32, *value, 30))
        .collect();
    figures.extend(rolls.iter().enumerate().map(|(offset, roll)| {
        figure(
            100_001,
            Measure::PupilsOnRoll,
            PupilGroup::All,
            2020 + offset as i32,
            *roll,
            30,
        )
    }));
    CategorisationEvidence {
        schools: vec![primary(100_001)],
        figures,
        comparators: (2020..2025)
            .map(|year| england(measure, PupilGroup::NotDisadvantaged, year, england_value))
            .chain((2020..2025).map(|year| england(measure, group, year, england_value)))
            .collect(),
        ..CategorisationEvidence::default()
    }
}

proptest! {
    /// A wider margin never makes a school worse than its comparator.
    #[test]
    fn a_wider_margin_never_fires_where_a_narrower_did_not(value in 0.0..100.0f64, bar in 0.0..100.0f64, margin in 0.0..20.0f64, more in 0.0..20.0f64) {
        let rwm = Measure::Ks2ReadingWritingMathsExpected;
        let evidence = school_with(rwm, PupilGroup::All, &[value], bar, &[]);
        let test = |margin| Test::WorseThanComparator { measure: rwm, group: PupilGroup::All, comparator: Comparator::England, margin };
        if judged(test(margin + more), &evidence) == Verdict::Fired {
            prop_assert_eq!(judged(test(margin), &evidence), Verdict::Fired);
        }
    }

    /// Strictly lower each year is also never better: declining implies not improving.
    #[test]
    fn declining_implies_not_improving(values in proptest::collection::vec(0.0..100.0f64, 3..6)) {
        let rwm = Measure::Ks2ReadingWritingMathsExpected;
        let evidence = school_with(rwm, PupilGroup::All, &values, 60.0, &[]);
        let test = |not_improving| Test::Declining { measure: rwm, group: PupilGroup::All, years: 2, not_improving };
        if judged(test(false), &evidence) == Verdict::Fired {
            prop_assert_eq!(judged(test(true), &evidence), Verdict::Fired);
        }
    }

    /// Without the comparator's figures a gap cannot be judged: never a pass.
    #[test]
    fn a_gap_without_its_comparator_is_not_enough_evidence(values in proptest::collection::vec(0.0..100.0f64, 3..6)) {
        let rwm = Measure::Ks2ReadingWritingMathsExpected;
        let mut evidence = school_with(rwm, PupilGroup::Disadvantaged, &values, 60.0, &[]);
        evidence.comparators.clear();
        let test = Test::GapWidening {
            measure: rwm,
            group: PupilGroup::Disadvantaged,
            comparator: Comparator::England,
            compared_with: PupilGroup::NotDisadvantaged,
            years: 2,
        };
        prop_assert_eq!(judged(test, &evidence), Verdict::NotEnoughEvidence);
    }

    /// A fall in the roll that fires at a set percentage fires at any lower one.
    #[test]
    fn a_roll_falling_past_a_percentage_falls_past_every_lower_one(rolls in proptest::collection::vec(50.0..600.0f64, 4..6), percent in 0.0..40.0f64, less in 0.0..40.0f64) {
        let evidence = school_with(Measure::Ks2ReadingWritingMathsExpected, PupilGroup::All, &[], 60.0, &rolls);
        let test = |percent| Test::RollFalling { percent, years: 3 };
        if judged(test(percent), &evidence) == Verdict::Fired {
            prop_assert_eq!(judged(test((percent - less).max(0.0)), &evidence), Verdict::Fired);
        }
    }

    /// A school below the lower quartile of its phase fires; one at or above it does not.
    #[test]
    fn the_bottom_quartile_is_read_against_the_lower_quartile(values in proptest::collection::vec(0.0..100.0f64, 8..40), ours in 0.0..100.0f64) {
        let rwm = Measure::Ks2ReadingWritingMathsExpected;
        let mut evidence = school_with(rwm, PupilGroup::All, &[ours], 60.0, &[]);
        evidence.national = values
            .iter()
            .enumerate()
            .map(|(index, value)| (PhaseGroup::Primary, figure(200_000 + index as u32, rwm, PupilGroup::All, 2020, *value, 30)))
            .chain(std::iter::once((PhaseGroup::Primary, evidence.figures[0].clone())))
            .collect();
        let mut all: Vec<f64> = values.clone();
        all.push(ours);
        let lower = Quartiles::of(&mut all).expect("values").lower;
        let verdict = judged(Test::BottomQuartile { measure: rwm, group: PupilGroup::All }, &evidence);
        prop_assert_eq!(verdict == Verdict::Fired, ours < lower);
    }

    /// A longer window finds every item a shorter one does.
    #[test]
    fn a_longer_window_finds_what_a_shorter_one_does(days_ago in 0u64..900, months in 1u32..24, more in 0u32..24) {
        let mut evidence = CategorisationEvidence {
            schools: vec![primary(100_001)],
            ..CategorisationEvidence::default()
        };
        evidence.intelligence.push(crate::intelligence::IntelligenceItem {
            urn: Urn::new(100_001).expect("a URN"),
            kind: crate::intelligence::IntelligenceKind::BudgetDeficit,
            recorded_on: date("2025-11-01") - chrono::Days::new(days_ago),
            summary: "Deficit".into(),
            recorded_by: "An adviser".into(),
        });
        let test = |within_months| Test::Intelligence {
            kinds: vec![crate::intelligence::IntelligenceKind::BudgetDeficit],
            within_months,
        };
        if judged(test(months), &evidence) == Verdict::Fired {
            prop_assert_eq!(judged(test(months + more), &evidence), Verdict::Fired);
        }
    }
}
