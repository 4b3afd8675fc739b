//! Every school's figures for each year and pupil group, and its comparators: the LA's from its
//! own schools' pupils, England's, the region's and the statistical neighbours' from simulated
//! populations around them.

use std::collections::HashMap;

use stride_core::{
    AcademicYear, Comparator, ComparatorFigure, Figure, Measure, MissingReason, Phase, PhaseGroup, PupilGroup, Release,
    SchoolFigure,
};

use crate::outcomes::{
    self, Calibration, DATA_YEARS, Population, calibrated_as, comparator_groups, is_published, statistic,
};
use crate::pupils::{Intake, Pupil, Tally};
use crate::random::{Random, normal};
use crate::schools::SchoolPlan;

type AreaTallies = HashMap<(Measure, i32, PhaseGroup), Tally>;

pub struct Figures {
    pub school: Vec<SchoolFigure>,
    pub comparator: Vec<ComparatorFigure>,
}

pub fn generate(random: &mut Random, plans: &[SchoolPlan], calibration: &Calibration, seed: u64) -> Figures {
    let mut school = Vec::new();
    let mut local_authority = AreaTallies::new();
    for plan in plans {
        for (index, year) in DATA_YEARS.iter().copied().enumerate() {
            let roll = plan.roll_in(index as i32);
            school.push(SchoolFigure {
                urn: plan.urn(),
                measure: Measure::PupilsOnRoll,
                year: AcademicYear::starting(year),
                group: PupilGroup::All,
                figure: Figure::Value(f64::from(roll)),
                cohort: None,
                source: source(seed, "school census, January"),
                release: Release::Final,
            });
            school.extend(roll_by_group(plan, year, roll, seed));
            for (measure, tally) in simulate_school_year(random, plan, year, roll, calibration) {
                for comparator_group in comparator_groups(measure) {
                    if comparator_group == PhaseGroup::AllSchools
                        || comparator_group == measure.comparator_phase_group(plan.phase())
                    {
                        local_authority
                            .entry((measure, year, comparator_group))
                            .or_default()
                            .merge(&tally);
                    }
                }
                school.extend(school_figures(plan, measure, year, &tally, seed));
            }
            school.extend(unpublished(plan, year, seed));
        }
    }
    let comparator = comparator_figures(random, &local_authority, calibration, seed);
    Figures { school, comparator }
}

fn source(seed: u64, publication: &str) -> String {
    format!("Synthetic (seed {seed}): {publication}")
}

fn publication(measure: Measure) -> &'static str {
    match measure {
        Measure::EyfsGoodLevelOfDevelopment => "EYFS profile results",
        Measure::PhonicsExpectedStandard => "phonics screening check",
        Measure::Ks2ReadingWritingMathsExpected
        | Measure::Ks2ReadingProgress
        | Measure::Ks2WritingProgress
        | Measure::Ks2MathsProgress => "key stage 2 performance tables",
        Measure::Ks4Attainment8 | Measure::Ks4Progress8 | Measure::Ks4EnglishMathsGrade4 => {
            "key stage 4 performance tables"
        }
        Measure::Ks4SustainedDestination => "key stage 4 destination measures",
        Measure::OverallAbsence | Measure::PersistentAbsence => "pupil absence in schools in England",
        Measure::SuspensionRate | Measure::PermanentExclusionRate => "suspensions and permanent exclusions in England",
        Measure::PupilsOnRoll => "school census, January",
    }
}

fn release(year: i32) -> Release {
    if year == DATA_YEARS[DATA_YEARS.len() - 1] {
        Release::Provisional
    } else {
        Release::Final
    }
}

/// The size of one year group taking an assessment, from the roll and the school's age range.
fn cohort_size(random: &mut Random, phase: Phase, roll: u32, key_stage_4: bool, has_sixth_form: bool) -> u32 {
    let year_groups = match (phase, key_stage_4) {
        (Phase::Primary, _) => 7.0,
        (Phase::Middle, _) => 4.0,
        (Phase::AllThrough, _) => 14.0,
        (Phase::Secondary, _) => {
            if has_sixth_form {
                6.2
            } else {
                5.0
            }
        }
        _ => 7.0,
    };
    (f64::from(roll) / year_groups * normal(random, 1.0, 0.08))
        .round()
        .max(1.0) as u32
}

/// The measures a school's pupils are assessed on together: one cohort per assessment.
fn assessments(phase: Phase) -> Vec<(Vec<Measure>, bool)> {
    let mut assessments = Vec::new();
    if phase.has_reception() {
        assessments.push((vec![Measure::EyfsGoodLevelOfDevelopment], false));
        assessments.push((vec![Measure::PhonicsExpectedStandard], false));
    }
    if phase.teaches_key_stage_2() {
        assessments.push((
            vec![
                Measure::Ks2ReadingWritingMathsExpected,
                Measure::Ks2ReadingProgress,
                Measure::Ks2WritingProgress,
                Measure::Ks2MathsProgress,
            ],
            false,
        ));
    }
    if phase.teaches_key_stage_4() {
        assessments.push((
            vec![
                Measure::Ks4Attainment8,
                Measure::Ks4Progress8,
                Measure::Ks4EnglishMathsGrade4,
                Measure::Ks4SustainedDestination,
            ],
            true,
        ));
    }
    if Measure::OverallAbsence.applies_to(phase) {
        assessments.push((
            vec![
                Measure::OverallAbsence,
                Measure::PersistentAbsence,
                Measure::SuspensionRate,
                Measure::PermanentExclusionRate,
            ],
            false,
        ));
    }
    assessments
}

/// The pupils of each group on the roll, as the census counts them: the intake's rates of the
/// roll, drawn from no random numbers so that the rest of the authority is as before.
fn roll_by_group(plan: &SchoolPlan, year: i32, roll: u32, seed: u64) -> Vec<SchoolFigure> {
    let intake = intake(plan);
    [
        (PupilGroup::Disadvantaged, intake.disadvantaged_rate),
        (PupilGroup::SenSupport, intake.sen_support_rate),
        (PupilGroup::EhcPlan, intake.ehc_rate),
        (PupilGroup::EnglishAdditionalLanguage, intake.eal_rate),
    ]
    .into_iter()
    .map(|(group, rate)| SchoolFigure {
        urn: plan.urn(),
        measure: Measure::PupilsOnRoll,
        year: AcademicYear::starting(year),
        group,
        figure: Figure::Value((f64::from(roll) * rate).round()),
        cohort: None,
        source: source(seed, "school census, January"),
        release: Release::Final,
    })
    .collect()
}

fn intake(plan: &SchoolPlan) -> Intake {
    match plan.phase() {
        Phase::Special => Intake::special(plan.disadvantaged_rate, plan.eal_rate),
        Phase::AlternativeProvision => Intake::alternative_provision(),
        _ => Intake::mainstream(plan.disadvantaged_rate, plan.eal_rate),
    }
}

fn simulate_school_year(
    random: &mut Random,
    plan: &SchoolPlan,
    year: i32,
    roll: u32,
    calibration: &Calibration,
) -> Vec<(Measure, Tally)> {
    let effect = plan.effect_in(year);
    let intake = intake(plan);
    let mut tallies = Vec::new();
    for (measures, key_stage_4) in assessments(plan.phase()) {
        let whole_school = measures.contains(&Measure::OverallAbsence);
        let pupils = if whole_school {
            roll
        } else {
            cohort_size(random, plan.phase(), roll, key_stage_4, plan.has_sixth_form)
        };
        let cohort: Vec<Pupil> = (0..pupils).map(|_| intake.draw(random)).collect();
        // Overall and persistent absence are two readings of each pupil's one absence record.
        let absence_draws: Vec<f64> = if whole_school {
            cohort
                .iter()
                .map(|pupil| outcomes::latent(random, Measure::OverallAbsence, *pupil, effect))
                .collect()
        } else {
            Vec::new()
        };
        for measure in measures.into_iter().filter(|measure| is_published(*measure, year)) {
            let parameter = calibration.parameter(measure, year, measure.comparator_phase_group(plan.phase()));
            let mut tally = Tally::default();
            for (index, pupil) in cohort.iter().enumerate() {
                let drawn = match absence_draws.get(index) {
                    Some(draw) if calibrated_as(measure) == Measure::OverallAbsence => *draw,
                    _ => outcomes::latent(random, measure, *pupil, effect),
                };
                tally.add(*pupil, outcomes::outcome(random, measure, drawn, parameter));
            }
            tallies.push((measure, tally));
        }
    }
    tallies
}

fn school_figures(plan: &SchoolPlan, measure: Measure, year: i32, tally: &Tally, seed: u64) -> Vec<SchoolFigure> {
    PupilGroup::ALL
        .iter()
        .map(|group| {
            let group_tally = tally.group(*group);
            SchoolFigure {
                urn: plan.urn(),
                measure,
                year: AcademicYear::starting(year),
                group: *group,
                figure: group_tally.school_figure(measure, statistic(measure)),
                cohort: Some(group_tally.pupils),
                source: source(seed, publication(measure)),
                release: release(year),
            }
        })
        .collect()
}

/// The progress measures that were not published for a year, marked so rather than left out.
fn unpublished(plan: &SchoolPlan, year: i32, seed: u64) -> Vec<SchoolFigure> {
    Measure::ALL
        .iter()
        .copied()
        .filter(|measure| measure.applies_to(plan.phase()) && !is_published(*measure, year))
        .flat_map(|measure| {
            PupilGroup::ALL.iter().map(move |group| SchoolFigure {
                urn: plan.urn(),
                measure,
                year: AcademicYear::starting(year),
                group: *group,
                figure: Figure::Missing(MissingReason::NotPublished),
                cohort: None,
                source: source(seed, publication(measure)),
                release: release(year),
            })
        })
        .collect()
}

fn comparator_figures(
    random: &mut Random,
    local_authority: &AreaTallies,
    calibration: &Calibration,
    seed: u64,
) -> Vec<ComparatorFigure> {
    let mut figures = Vec::new();
    for measure in Measure::ALL
        .iter()
        .copied()
        .filter(|measure| *measure != Measure::PupilsOnRoll)
    {
        for phase_group in comparator_groups(measure) {
            for year in DATA_YEARS {
                let areas = area_tallies(random, measure, phase_group, year, local_authority, calibration);
                for (comparator, tally) in areas {
                    for group in PupilGroup::ALL {
                        let figure = match &tally {
                            Some(tally) => tally.group(*group).area_figure(measure, statistic(measure)),
                            None => Figure::Missing(MissingReason::NotPublished),
                        };
                        figures.push(ComparatorFigure {
                            comparator,
                            phase_group,
                            measure,
                            year: AcademicYear::starting(year),
                            group: *group,
                            figure,
                            source: source(seed, publication(measure)),
                            release: release(year),
                        });
                    }
                }
            }
        }
    }
    figures
}

/// The tally of each comparator area for one measure and year, or none where the measure was
/// not published.
fn area_tallies(
    random: &mut Random,
    measure: Measure,
    phase_group: PhaseGroup,
    year: i32,
    local_authority: &AreaTallies,
    calibration: &Calibration,
) -> Vec<(Comparator, Option<Tally>)> {
    if !is_published(measure, year) {
        return Comparator::ALL.iter().map(|comparator| (*comparator, None)).collect();
    }
    let parameter = calibration.parameter(measure, year, phase_group);
    let england = Population::england(phase_group);
    // The region does a little better than England and the statistical neighbours, shire
    // counties like this one, a little better still with fewer disadvantaged pupils.
    let region = Population {
        effect_mean: 0.08,
        ..england
    };
    let mut neighbours = Population {
        effect_mean: 0.05,
        ..england
    };
    neighbours.intake.disadvantaged_rate = (england.intake.disadvantaged_rate - 0.05).max(0.05);
    vec![
        (
            Comparator::LocalAuthority,
            local_authority.get(&(measure, year, phase_group)).cloned(),
        ),
        (
            Comparator::StatisticalNeighbours,
            Some(neighbours.tally(random, measure, parameter)),
        ),
        (Comparator::Region, Some(region.tally(random, measure, parameter))),
        (Comparator::England, Some(england.tally(random, measure, parameter))),
    ]
}
