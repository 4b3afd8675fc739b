//! Clock rules: what starts a clock, what is then due, within what period, whose job it is,
//! whether it repeats, and what recorded in the School Intervention Record stops it. The LA's
//! own table is TOML, checked on load; Stride ships the clocks of its sources.

use serde::Deserialize;

use super::ladder::{Powers, Stage};
use crate::calendar::Period;
use crate::coded::coded_enum;
use crate::inspection::{CategoryOfConcern, HeadlineOutcome};

coded_enum! {
    /// What is recorded in a school's intervention record, and so what stops a clock.
    pub enum ActivityKind ("kind of activity") {
        PostInspectionVisit => ("post-inspection-visit", "Post-inspection visit and record of actions"),
        MonitoringVisit => ("monitoring-visit", "Monitoring visit"),
        SchoolVisit => ("school-visit", "School visit"),
        TeamAroundTheSchool => ("team-around-the-school", "Team Around the School meeting"),
        TaskGroup => ("task-group", "Task group meeting"),
        PlanReview => ("plan-review", "Raising Achievement Plan review"),
        StatementOfAction => ("statement-of-action", "LA statement of action"),
        DfeAlert => ("dfe-alert", "Concern raised with the DfE regional team"),
        WarningNoticeReview => ("warning-notice-review", "Review of compliance with the warning notice"),
        SchoolReviewGroup => ("school-review-group", "School Review Group meeting"),
    }
}

impl ActivityKind {
    /// Visits have a note of visit; the others are meetings or documents.
    pub fn is_visit(self) -> bool {
        matches!(
            self,
            ActivityKind::PostInspectionVisit | ActivityKind::MonitoringVisit | ActivityKind::SchoolVisit
        )
    }
}

coded_enum! {
    pub enum Owner ("whose job") {
        /// The school's adviser (School Intervention Leader or School Support Partner).
        Adviser => ("adviser", "The school's adviser"),
        ImprovementManager => ("improvement-manager", "Improvement manager"),
    }
}

/// A day of the year, as a clock of the annual cycle names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayOfYear {
    pub month: u32,
    pub day: u32,
}

/// What starts a clock.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// An inspection with one of these outcomes or categories, the latest the school has; the
    /// clock runs from the inspection, or from the report's publication.
    Inspection {
        outcomes: Vec<HeadlineOutcome>,
        categories: Vec<CategoryOfConcern>,
        from_publication: bool,
    },
    /// The case standing at one of these stages, from the day it reached them.
    CaseAtStage {
        stages: Vec<Stage>,
    },
    /// Categorised at one of these levels (by their codes in the rule set), in the latest run
    /// kept and each run before it back to the first that placed it there: from that run's day.
    Categorised {
        levels: Vec<String>,
    },
    CaseOpened,
    /// A warning notice issued: due by the end of the compliance period it states.
    WarningNotice,
    /// The Raising Achievement Plan agreed.
    PlanAgreed,
    /// Once a term while the case stands at one of these stages: due by the end of the term.
    EachTerm {
        stages: Vec<Stage>,
    },
    /// Once a year between two days of it, for each school of the LA or for the LA as a whole.
    Annual {
        opens: DayOfYear,
        due: DayOfYear,
        each_school: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClockRule {
    pub code: String,
    /// What is due, as the person whose job it is reads it.
    pub what: String,
    pub starts: Trigger,
    /// How long it may take; none where the trigger sets the date (a warning notice's
    /// compliance period, the annual cycle, the end of term).
    pub within: Option<Period>,
    pub whose: Owner,
    /// What recorded stops the clock.
    pub done_by: ActivityKind,
    /// Due again, `within` after each time it is done, while its trigger holds.
    pub repeats: bool,
    /// Only for schools where the LA has these powers; none for every school.
    pub powers: Option<Powers>,
    /// The guidance it comes from, for the reader.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClockRules {
    pub name: String,
    pub version: String,
    pub clocks: Vec<ClockRule>,
    /// The LA's own periods for the duties on pupils' episodes that its policies set.
    pub pupils: crate::pupils::episodes::PupilClocks,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockRulesError {
    #[error("clock rules {file}: {detail}")]
    Unreadable { file: String, detail: String },
    #[error("clock rules {file}: clock '{clock}', {field}: '{value}' is not {expected}")]
    Invalid {
        file: String,
        clock: String,
        field: &'static str,
        value: String,
        expected: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClockRules {
    name: String,
    version: String,
    #[serde(rename = "clock", default)]
    clocks: Vec<RawClock>,
    #[serde(default)]
    pupils: RawPupilClocks,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPupilClocks {
    enquiry_school_days: Option<u32>,
    timetable_review_school_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClock {
    code: String,
    what: String,
    starts: String,
    whose: String,
    done_by: String,
    #[serde(default)]
    outcomes: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    from_publication: bool,
    #[serde(default)]
    stages: Vec<String>,
    #[serde(default)]
    levels: Vec<String>,
    opens: Option<String>,
    due: Option<String>,
    #[serde(default)]
    each_school: bool,
    within_working_days: Option<u32>,
    within_school_days: Option<u32>,
    within_weeks: Option<u32>,
    #[serde(default)]
    repeats: bool,
    powers: Option<String>,
    #[serde(default)]
    source: String,
}

/// The clock rules Stride ships, modelled on its sources.
pub const SHIPPED_CLOCKS: &str = include_str!("../../../../rules/clocks.toml");

struct Checker<'a> {
    file: &'a str,
    clock: &'a str,
}

impl Checker<'_> {
    fn invalid(&self, field: &'static str, value: impl ToString, expected: impl ToString) -> ClockRulesError {
        ClockRulesError::Invalid {
            file: self.file.to_owned(),
            clock: self.clock.to_owned(),
            field,
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    fn coded<T: Copy>(
        &self,
        field: &'static str,
        code: &str,
        from_code: fn(&str) -> Result<T, crate::coded::UnknownCode>,
    ) -> Result<T, ClockRulesError> {
        from_code(code).map_err(|error| self.invalid(field, code, format!("one of: {}", error.expected)))
    }

    fn all<T: Copy>(
        &self,
        field: &'static str,
        codes: &[String],
        from_code: fn(&str) -> Result<T, crate::coded::UnknownCode>,
    ) -> Result<Vec<T>, ClockRulesError> {
        codes.iter().map(|code| self.coded(field, code, from_code)).collect()
    }

    fn day_of_year(&self, field: &'static str, text: Option<&str>) -> Result<DayOfYear, ClockRulesError> {
        let text = text.ok_or_else(|| self.invalid(field, "(missing)", "a day of the year written 09-30"))?;
        let parsed = text
            .split_once('-')
            .and_then(|(month, day)| Some((month.parse::<u32>().ok()?, day.parse::<u32>().ok()?)))
            .filter(|(month, day)| chrono::NaiveDate::from_ymd_opt(2024, *month, *day).is_some());
        parsed
            .map(|(month, day)| DayOfYear { month, day })
            .ok_or_else(|| self.invalid(field, text, "a day of the year written 09-30"))
    }
}

impl ClockRules {
    pub fn shipped() -> Result<ClockRules, ClockRulesError> {
        ClockRules::from_toml("clocks.toml", SHIPPED_CLOCKS)
    }

    /// Reads and checks clock rules; `file` names them in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<ClockRules, ClockRulesError> {
        let raw: RawClockRules = toml::from_str(text).map_err(|error| ClockRulesError::Unreadable {
            file: file.to_owned(),
            detail: error.to_string().trim().replace('\n', " "),
        })?;
        let mut clocks = Vec::with_capacity(raw.clocks.len());
        for clock in &raw.clocks {
            if clocks.iter().any(|earlier: &ClockRule| earlier.code == clock.code) {
                return Err(ClockRulesError::Unreadable {
                    file: file.to_owned(),
                    detail: format!("clock '{}' is defined twice", clock.code),
                });
            }
            clocks.push(clock_rule(file, clock)?);
        }
        let defaults = crate::pupils::episodes::PupilClocks::default();
        let period = |field: &'static str, value: Option<u32>, default: u32| match value {
            None => Ok(default),
            Some(days) if (1..=195).contains(&days) => Ok(days),
            Some(days) => Err(ClockRulesError::Invalid {
                file: file.to_owned(),
                clock: "pupils".to_owned(),
                field,
                value: days.to_string(),
                expected: "a number of school days from 1 to 195 (a school year)".to_owned(),
            }),
        };
        let pupils = crate::pupils::episodes::PupilClocks {
            enquiry_school_days: period(
                "enquiry_school_days",
                raw.pupils.enquiry_school_days,
                defaults.enquiry_school_days,
            )?,
            timetable_review_school_days: period(
                "timetable_review_school_days",
                raw.pupils.timetable_review_school_days,
                defaults.timetable_review_school_days,
            )?,
        };
        Ok(ClockRules {
            name: raw.name,
            version: raw.version,
            clocks,
            pupils,
        })
    }
}

fn trigger(checker: &Checker<'_>, raw: &RawClock) -> Result<Trigger, ClockRulesError> {
    let stages = || checker.all("stages", &raw.stages, Stage::from_code);
    Ok(match raw.starts.as_str() {
        "inspection" => Trigger::Inspection {
            outcomes: checker.all("outcomes", &raw.outcomes, HeadlineOutcome::from_code)?,
            categories: checker.all("categories", &raw.categories, CategoryOfConcern::from_code)?,
            from_publication: raw.from_publication,
        },
        "case-at-stage" => Trigger::CaseAtStage { stages: stages()? },
        "categorised" if !raw.levels.is_empty() => Trigger::Categorised {
            levels: raw.levels.clone(),
        },
        "categorised" => {
            return Err(checker.invalid("levels", "(missing)", "the levels of the rule set that start it"));
        }
        "case-opened" => Trigger::CaseOpened,
        "warning-notice" => Trigger::WarningNotice,
        "plan-agreed" => Trigger::PlanAgreed,
        "each-term" => Trigger::EachTerm { stages: stages()? },
        "annual" => Trigger::Annual {
            opens: checker.day_of_year("opens", raw.opens.as_deref())?,
            due: checker.day_of_year("due", raw.due.as_deref())?,
            each_school: raw.each_school,
        },
        other => {
            return Err(checker.invalid(
                "starts",
                other,
                "one of: inspection, categorised, case-at-stage, case-opened, warning-notice, plan-agreed, each-term, annual",
            ));
        }
    })
}

fn period(checker: &Checker<'_>, raw: &RawClock, trigger: &Trigger) -> Result<Option<Period>, ClockRulesError> {
    let given: Vec<Period> = [
        raw.within_working_days.map(Period::WorkingDays),
        raw.within_school_days.map(Period::SchoolDays),
        raw.within_weeks.map(Period::Weeks),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sets_its_own_date = matches!(
        trigger,
        Trigger::WarningNotice | Trigger::EachTerm { .. } | Trigger::Annual { .. }
    );
    match (given.as_slice(), sets_its_own_date) {
        ([], true) => Ok(None),
        ([period], false) => Ok(Some(*period)),
        ([], false) => Err(checker.invalid(
            "within",
            "(missing)",
            "one of within_working_days, within_school_days or within_weeks",
        )),
        (_, true) => Err(checker.invalid("within", raw.starts.as_str(), "given: this trigger sets its own date")),
        (_, false) => Err(checker.invalid("within", "several periods", "one period")),
    }
}

fn clock_rule(file: &str, raw: &RawClock) -> Result<ClockRule, ClockRulesError> {
    let checker = Checker { file, clock: &raw.code };
    let starts = trigger(&checker, raw)?;
    let within = period(&checker, raw, &starts)?;
    if raw.repeats && within.is_none() && !matches!(starts, Trigger::EachTerm { .. }) {
        return Err(checker.invalid("repeats", "true", "used with a period to repeat after"));
    }
    let powers = match raw.powers.as_deref() {
        None => None,
        Some("intervene") => Some(Powers::Intervene),
        Some("alert-dfe") => Some(Powers::AlertDfe),
        Some(other) => return Err(checker.invalid("powers", other, "intervene or alert-dfe")),
    };
    Ok(ClockRule {
        code: raw.code.clone(),
        what: raw.what.clone(),
        within,
        whose: checker.coded("whose", &raw.whose, Owner::from_code)?,
        done_by: checker.coded("done_by", &raw.done_by, ActivityKind::from_code)?,
        repeats: raw.repeats || matches!(starts, Trigger::EachTerm { .. }),
        powers,
        source: raw.source.clone(),
        starts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_clocks_are_read_and_checked() {
        let rules = ClockRules::shipped().expect("the shipped clocks are valid");
        assert!(rules.clocks.len() >= 10, "{}", rules.clocks.len());
        let statement = rules
            .clocks
            .iter()
            .find(|clock| clock.code == "statement-of-action")
            .expect("the statement of action");
        assert_eq!(statement.within, Some(Period::WorkingDays(10)));
        assert_eq!(statement.powers, Some(Powers::Intervene));
    }

    #[test]
    fn a_clock_without_its_period_or_with_an_unknown_stage_is_refused_naming_it() {
        let text = "name = \"mine\"\nversion = \"1\"\n[[clock]]\ncode = \"visit\"\nwhat = \"A visit\"\nstarts = \"case-opened\"\nwhose = \"adviser\"\ndone_by = \"school-visit\"\n";
        let error = ClockRules::from_toml("mine.toml", text).expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("clock rules mine.toml: clock 'visit', within:"),
            "{error}"
        );
        let text = text.replace(
            "starts = \"case-opened\"",
            "starts = \"case-at-stage\"\nstages = [\"red\"]\nwithin_weeks = 6",
        );
        let error = ClockRules::from_toml("mine.toml", &text).expect_err("refused");
        assert!(
            error.to_string().contains("stages: 'red' is not one of: light-touch,"),
            "{error}"
        );
    }

    #[test]
    fn the_las_periods_for_pupils_episodes_are_its_own_and_checked() {
        let shipped = ClockRules::shipped().expect("valid");
        assert_eq!(shipped.pupils, crate::pupils::episodes::PupilClocks::default());
        let text = "name = \"mine\"\nversion = \"1\"\n[pupils]\nenquiry_school_days = 5\n";
        let mine = ClockRules::from_toml("mine.toml", text).expect("valid");
        assert_eq!(mine.pupils.enquiry_school_days, 5);
        assert_eq!(mine.pupils.timetable_review_school_days, 30, "the other as shipped");
        let error = ClockRules::from_toml("mine.toml", &text.replace("= 5", "= 0")).expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("clock 'pupils', enquiry_school_days: '0' is not a number of school days"),
            "{error}"
        );
        let error = ClockRules::from_toml("mine.toml", &text.replace("enquiry_school_days", "enquiry_days"))
            .expect_err("refused");
        assert!(error.to_string().contains("enquiry_days"), "{error}");
    }
}

/// A version of the LA's clock rules as an administrator kept it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeptClockRules {
    pub version: String,
    pub text: String,
    pub kept_by: String,
    pub kept_at: chrono::DateTime<chrono::Utc>,
}

/// Clock rules under a version kept before, or shipped: what was due under a version is
/// explained by it, so a version names one text for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "version {0} is kept already: give the changed clock rules a new `version`, since what was due under a version is explained by it"
)]
pub struct VersionKeptAlready(pub String);

impl ClockRules {
    /// Whether these rules may be kept beside the versions kept before (and those shipped).
    pub fn may_be_kept_beside(&self, kept: &[KeptClockRules]) -> Result<(), VersionKeptAlready> {
        let shipped = ClockRules::from_toml("clocks.toml", SHIPPED_CLOCKS)
            .map(|rules| rules.version)
            .ok();
        if shipped.as_deref() == Some(self.version.as_str())
            || kept.iter().any(|earlier| earlier.version == self.version)
        {
            return Err(VersionKeptAlready(self.version.clone()));
        }
        Ok(())
    }

    /// The clock rules in force: the latest version kept (`kept` newest first), else those
    /// shipped; with their text.
    pub fn in_force(kept: &[KeptClockRules]) -> Result<(ClockRules, String), ClockRulesError> {
        match kept.first() {
            Some(latest) => Ok((
                ClockRules::from_toml(&format!("clock rules version {}", latest.version), &latest.text)?,
                latest.text.clone(),
            )),
            None => Ok((ClockRules::shipped()?, SHIPPED_CLOCKS.to_owned())),
        }
    }
}

impl Trigger {
    /// What starts the clock, in words.
    pub fn describe(&self) -> String {
        let stages = |stages: &[Stage]| {
            stages
                .iter()
                .map(|stage| stage.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Trigger::Inspection {
                outcomes,
                categories,
                from_publication,
            } => {
                let mut what: Vec<String> = outcomes.iter().map(|outcome| outcome.label().to_owned()).collect();
                what.extend(categories.iter().map(|category| category.label().to_lowercase()));
                let from = if *from_publication {
                    "the report's publication"
                } else {
                    "the inspection"
                };
                format!("An inspection: {}; from {from}", what.join(", "))
            }
            Trigger::CaseAtStage { stages: at } => format!("While the case stands at: {}", stages(at)),
            Trigger::Categorised { levels } => format!("Categorised at: {}, in the latest run kept", levels.join(", ")),
            Trigger::CaseOpened => "A case opened".to_owned(),
            Trigger::WarningNotice => "A warning notice issued: by the end of its compliance period".to_owned(),
            Trigger::PlanAgreed => "The Raising Achievement Plan agreed".to_owned(),
            Trigger::EachTerm { stages: at } => {
                format!("Each term, by its end, while the case stands at: {}", stages(at))
            }
            Trigger::Annual {
                opens,
                due,
                each_school,
            } => format!(
                "Each year from {} to {}, for {}",
                day_of_year(*opens),
                day_of_year(*due),
                if *each_school { "each school" } else { "the LA" }
            ),
        }
    }
}

fn day_of_year(day: DayOfYear) -> String {
    chrono::NaiveDate::from_ymd_opt(2024, day.month, day.day)
        .map_or_else(String::new, |date| date.format("%-d %B").to_string())
}
