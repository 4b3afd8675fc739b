//! A rule set: the LA's own statement, in TOML, of the indicators it watches and how they
//! combine into levels of support. It is read whole and checked before use; an error names the
//! indicator or level and the field, and what was expected.

use serde::Deserialize;

use crate::establishment::{EstablishmentType, Phase};
use crate::figure::Comparator;
use crate::inspection::{Framework, HeadlineOutcome};
use crate::intelligence::IntelligenceKind;
use crate::measure::{Measure, PupilGroup};

/// A checked rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub name: String,
    pub title: String,
    pub version: String,
    pub indicators: Vec<IndicatorRule>,
    /// From the least support to the most; the first applies when no other does.
    pub levels: Vec<LevelRule>,
    /// When a school is flagged for the Schools Causing Concern register.
    pub register: Condition,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRule {
    pub code: String,
    pub name: String,
    /// The phases it applies to; empty for every phase.
    pub phases: Vec<Phase>,
    /// The types of establishment it applies to; empty for every type.
    pub types: Vec<EstablishmentType>,
    pub test: Test,
    /// Figures for fewer pupils than this are too few to judge on.
    pub minimum_cohort: u32,
    /// Missing evidence is never a pass: it is reported as not enough evidence, or, where the
    /// LA says so, counted as a concern.
    pub when_missing: WhenMissing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenMissing {
    NotEnoughEvidence,
    Concern,
}

/// What an indicator tests. Figures are read in the latest year held before the categorisation
/// date, unless the test reads several.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// In the national bottom quartile of schools of the same phase, by the measure's polarity.
    BottomQuartile { measure: Measure, group: PupilGroup },
    /// Worse than a set value, by the measure's polarity.
    WorseThan {
        measure: Measure,
        group: PupilGroup,
        value: f64,
    },
    /// Worse than a comparator by more than a margin, in the measure's own units.
    WorseThanComparator {
        measure: Measure,
        group: PupilGroup,
        comparator: Comparator,
        margin: f64,
    },
    /// Worse in each of the last `years` years than in the one before, or (`not_improving`)
    /// never better.
    Declining {
        measure: Measure,
        group: PupilGroup,
        years: usize,
        not_improving: bool,
    },
    /// The gap between the school's `group` and a comparator's `compared_with` group wider in
    /// each of the last `years` years than in the one before.
    GapWidening {
        measure: Measure,
        group: PupilGroup,
        comparator: Comparator,
        compared_with: PupilGroup,
        years: usize,
    },
    /// The latest graded inspection, under one of `frameworks`, had one of `outcomes`. A
    /// framework not named is never read: old and new grades are not mapped onto each other.
    InspectionOutcome {
        frameworks: Vec<Framework>,
        outcomes: Vec<HeadlineOutcome>,
    },
    /// The latest inspection placed the school in a category of concern.
    CategoryOfConcern,
    /// The last `count` graded inspections each judged the school to require improvement.
    SuccessiveRequiresImprovement { count: usize },
    /// Pupils on roll fell by more than `percent` over the last `years` years.
    RollFalling { percent: f64, years: usize },
    /// Intelligence of one of these kinds recorded within `within_months` months.
    Intelligence {
        kinds: Vec<IntelligenceKind>,
        within_months: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct LevelRule {
    pub code: String,
    pub name: String,
    /// Adviser days a year the level brings, least and most.
    pub adviser_days: (f64, f64),
    /// Always true for the first level.
    pub when: Condition,
}

/// When a level (or the register) applies: any of the named indicators fired, or at least so
/// many fired, or the school reached one of the named levels.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Condition {
    pub any_of: Vec<String>,
    pub at_least: Option<usize>,
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    #[error("rule set {file}: {detail}")]
    Unreadable { file: String, detail: String },
    #[error("rule set {file}: {place}, {field}: '{value}' is not {expected}")]
    Invalid {
        file: String,
        place: String,
        field: &'static str,
        value: String,
        expected: String,
    },
    #[error("rule set {file}: {detail}")]
    Inconsistent { file: String, detail: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    name: String,
    title: String,
    version: String,
    #[serde(rename = "indicator", default)]
    indicators: Vec<RawIndicator>,
    #[serde(rename = "level")]
    levels: Vec<RawLevel>,
    register: RawCondition,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: String,
    name: String,
    test: String,
    #[serde(default)]
    phases: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
    measure: Option<String>,
    #[serde(default = "all_pupils")]
    group: String,
    value: Option<f64>,
    comparator: Option<String>,
    margin: Option<f64>,
    years: Option<usize>,
    #[serde(default)]
    not_improving: bool,
    compared_with: Option<String>,
    #[serde(default)]
    frameworks: Vec<String>,
    #[serde(default)]
    outcomes: Vec<String>,
    count: Option<usize>,
    percent: Option<f64>,
    #[serde(default)]
    kinds: Vec<String>,
    within_months: Option<u32>,
    #[serde(default)]
    minimum_cohort: u32,
    #[serde(default = "not_enough_evidence")]
    when_missing: String,
}

fn all_pupils() -> String {
    PupilGroup::All.code().to_owned()
}

fn not_enough_evidence() -> String {
    "not-enough-evidence".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    code: String,
    name: String,
    adviser_days: [f64; 2],
    when: Option<RawCondition>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    #[serde(default)]
    any_of: Vec<String>,
    at_least: Option<usize>,
    #[serde(default)]
    levels: Vec<String>,
}

/// Checks one raw value of a field against what it may be.
struct Checker<'a> {
    file: &'a str,
    place: String,
}

impl Checker<'_> {
    fn invalid(&self, field: &'static str, value: impl ToString, expected: impl ToString) -> RuleSetError {
        RuleSetError::Invalid {
            file: self.file.to_owned(),
            place: self.place.clone(),
            field,
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    fn coded<T>(
        &self,
        field: &'static str,
        code: &str,
        all: &[T],
        code_of: fn(&T) -> &'static str,
    ) -> Result<T, RuleSetError>
    where
        T: Copy,
    {
        all.iter().copied().find(|item| code_of(item) == code).ok_or_else(|| {
            let known = all.iter().map(code_of).collect::<Vec<_>>().join(", ");
            self.invalid(field, code, format!("one of: {known}"))
        })
    }

    fn required<T: Copy>(&self, field: &'static str, value: Option<T>, expected: &str) -> Result<T, RuleSetError> {
        value.ok_or_else(|| self.invalid(field, "(missing)", expected))
    }
}

impl RuleSet {
    /// Reads and checks a rule set; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, RuleSetError> {
        let raw: RawRuleSet = toml::from_str(text).map_err(|error| RuleSetError::Unreadable {
            file: file.to_owned(),
            detail: error.to_string().trim().replace('\n', " "),
        })?;
        let checker = Checker {
            file,
            place: "the rule set".to_owned(),
        };
        // The name is how the rule set is chosen, in an address and on the command line.
        let name_is_a_code = !raw.name.is_empty()
            && raw.name.len() <= 60
            && raw
                .name
                .chars()
                .all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-');
        if !name_is_a_code {
            return Err(checker.invalid(
                "name",
                &raw.name,
                "a name of lower-case letters, digits and hyphens, such as wealdshire-2026",
            ));
        }
        for (field, value) in [("title", &raw.title), ("version", &raw.version)] {
            if value.trim().is_empty() {
                return Err(checker.invalid(field, value, "written: it may not be blank"));
            }
        }
        let indicators = raw
            .indicators
            .iter()
            .map(|indicator| indicator_rule(file, indicator))
            .collect::<Result<Vec<_>, _>>()?;
        let levels = raw
            .levels
            .iter()
            .map(|level| level_rule(file, level))
            .collect::<Result<Vec<_>, _>>()?;
        let rule_set = RuleSet {
            name: raw.name,
            title: raw.title,
            version: raw.version,
            indicators,
            levels,
            register: condition(&raw.register),
        };
        rule_set.check_references(file)?;
        Ok(rule_set)
    }

    /// Codes are unique, and conditions name only indicators and levels that exist.
    fn check_references(&self, file: &str) -> Result<(), RuleSetError> {
        let inconsistent = |detail: String| RuleSetError::Inconsistent {
            file: file.to_owned(),
            detail,
        };
        if self.levels.len() < 2 {
            return Err(inconsistent("a rule set needs at least two levels".to_owned()));
        }
        for (position, indicator) in self.indicators.iter().enumerate() {
            if self.indicators[..position]
                .iter()
                .any(|other| other.code == indicator.code)
            {
                return Err(inconsistent(format!("indicator '{}' is defined twice", indicator.code)));
            }
        }
        for (position, level) in self.levels.iter().enumerate() {
            if self.levels[..position].iter().any(|other| other.code == level.code) {
                return Err(inconsistent(format!("level '{}' is defined twice", level.code)));
            }
            if position > 0 && level.when == Condition::default() {
                return Err(inconsistent(format!(
                    "level '{}' says nothing of when it applies",
                    level.code
                )));
            }
            self.check_condition(
                &level.when,
                &format!("level '{}'", level.code),
                &self.levels[..position],
            )
            .map_err(inconsistent)?;
        }
        if self.register == Condition::default() {
            return Err(inconsistent(
                "the register says nothing of when a school is placed on it".to_owned(),
            ));
        }
        self.check_condition(&self.register, "the register", &self.levels)
            .map_err(inconsistent)
    }

    fn check_condition(&self, condition: &Condition, place: &str, earlier_levels: &[LevelRule]) -> Result<(), String> {
        for code in &condition.any_of {
            if !self.indicators.iter().any(|indicator| &indicator.code == code) {
                return Err(format!("{place} names indicator '{code}', which is not defined"));
            }
        }
        for code in &condition.levels {
            if !earlier_levels.iter().any(|level| &level.code == code) {
                return Err(format!("{place} names level '{code}', which is not defined before it"));
            }
        }
        Ok(())
    }

    pub fn level(&self, code: &str) -> Option<&LevelRule> {
        self.levels.iter().find(|level| level.code == code)
    }
}

fn condition(raw: &RawCondition) -> Condition {
    Condition {
        any_of: raw.any_of.clone(),
        at_least: raw.at_least,
        levels: raw.levels.clone(),
    }
}

fn level_rule(file: &str, raw: &RawLevel) -> Result<LevelRule, RuleSetError> {
    let checker = Checker {
        file,
        place: format!("level '{}'", raw.code),
    };
    let [least, most] = raw.adviser_days;
    if !(least >= 0.0 && most >= least && most.is_finite()) {
        return Err(checker.invalid(
            "adviser_days",
            format!("[{least}, {most}]"),
            "[least, most], with 0 <= least <= most",
        ));
    }
    Ok(LevelRule {
        code: raw.code.clone(),
        name: raw.name.clone(),
        adviser_days: (least, most),
        when: raw.when.as_ref().map(condition).unwrap_or_default(),
    })
}

fn indicator_rule(file: &str, raw: &RawIndicator) -> Result<IndicatorRule, RuleSetError> {
    let checker = Checker {
        file,
        place: format!("indicator '{}'", raw.code),
    };
    let phases = raw
        .phases
        .iter()
        .map(|phase| checker.coded("phases", phase, Phase::ALL, |phase| phase.code()))
        .collect::<Result<Vec<_>, _>>()?;
    let types = raw
        .types
        .iter()
        .map(|kind| checker.coded("types", kind, EstablishmentType::ALL, |kind| kind.code()))
        .collect::<Result<Vec<_>, _>>()?;
    let when_missing = match raw.when_missing.as_str() {
        "not-enough-evidence" => WhenMissing::NotEnoughEvidence,
        "concern" => WhenMissing::Concern,
        other => return Err(checker.invalid("when_missing", other, "not-enough-evidence or concern")),
    };
    Ok(IndicatorRule {
        code: raw.code.clone(),
        name: raw.name.clone(),
        phases,
        types,
        test: test(&checker, raw)?,
        minimum_cohort: raw.minimum_cohort,
        when_missing,
    })
}

fn test(checker: &Checker<'_>, raw: &RawIndicator) -> Result<Test, RuleSetError> {
    let measure = || {
        let code = raw
            .measure
            .as_deref()
            .ok_or_else(|| checker.invalid("measure", "(missing)", "a measure's code"))?;
        checker.coded("measure", code, Measure::ALL, |measure| measure.code())
    };
    let group = |field, code: &str| checker.coded(field, code, PupilGroup::ALL, |group| group.code());
    let comparator = || {
        let code = raw.comparator.as_deref().unwrap_or("(missing)");
        checker.coded("comparator", code, Comparator::ALL, |comparator| comparator.code())
    };
    let years = |least: usize| {
        let years = checker.required("years", raw.years, "a number of years")?;
        if years < least {
            return Err(checker.invalid("years", years, format!("at least {least}")));
        }
        Ok(years)
    };
    Ok(match raw.test.as_str() {
        "bottom-quartile" => Test::BottomQuartile {
            measure: measure()?,
            group: group("group", &raw.group)?,
        },
        "worse-than" => Test::WorseThan {
            measure: measure()?,
            group: group("group", &raw.group)?,
            value: checker.required("value", raw.value, "a number")?,
        },
        "worse-than-comparator" => Test::WorseThanComparator {
            measure: measure()?,
            group: group("group", &raw.group)?,
            comparator: comparator()?,
            margin: raw.margin.unwrap_or(0.0),
        },
        "declining" => Test::Declining {
            measure: measure()?,
            group: group("group", &raw.group)?,
            years: years(2)?,
            not_improving: raw.not_improving,
        },
        "gap-widening" => Test::GapWidening {
            measure: measure()?,
            group: group("group", &raw.group)?,
            comparator: comparator()?,
            compared_with: group("compared_with", raw.compared_with.as_deref().unwrap_or("(missing)"))?,
            years: years(2)?,
        },
        "inspection-outcome" => inspection_outcome(checker, raw)?,
        "category-of-concern" => Test::CategoryOfConcern,
        "successive-requires-improvement" => Test::SuccessiveRequiresImprovement {
            count: checker.required("count", raw.count, "a number of inspections")?.max(1),
        },
        "roll-falling" => Test::RollFalling {
            percent: checker.required("percent", raw.percent, "a percentage")?,
            years: years(1)?,
        },
        "intelligence" => Test::Intelligence {
            kinds: raw
                .kinds
                .iter()
                .map(|kind| checker.coded("kinds", kind, IntelligenceKind::ALL, |kind| kind.code()))
                .collect::<Result<Vec<_>, _>>()?,
            within_months: checker.required("within_months", raw.within_months, "a number of months")?,
        },
        other => {
            return Err(checker.invalid(
                "test",
                other,
                "one of: bottom-quartile, worse-than, worse-than-comparator, declining, gap-widening, \
                 inspection-outcome, category-of-concern, successive-requires-improvement, roll-falling, intelligence",
            ));
        }
    })
}

fn inspection_outcome(checker: &Checker<'_>, raw: &RawIndicator) -> Result<Test, RuleSetError> {
    let frameworks = raw
        .frameworks
        .iter()
        .map(|framework| checker.coded("frameworks", framework, Framework::ALL, |framework| framework.code()))
        .collect::<Result<Vec<_>, _>>()?;
    let outcomes = raw
        .outcomes
        .iter()
        .map(|outcome| checker.coded("outcomes", outcome, HeadlineOutcome::ALL, |outcome| outcome.code()))
        .collect::<Result<Vec<_>, _>>()?;
    if frameworks.is_empty() || outcomes.is_empty() {
        return Err(checker.invalid(
            "frameworks",
            "(none)",
            "at least one framework and one outcome: an outcome is read only under the frameworks named",
        ));
    }
    Ok(Test::InspectionOutcome { frameworks, outcomes })
}
