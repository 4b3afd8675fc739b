//! How a pupil's outcomes are drawn, and the calibration that makes a simulated England reach
//! the national levels of each year.
//!
//! Every outcome starts from a latent draw: the school's effectiveness, the pupil's
//! characteristics and chance. A calibration parameter per measure, year and comparator group
//! (a pass mark, an offset or a base rate) is set so that a large simulated national population
//! meets the national figure; schools then land around it according to their effectiveness and
//! intake.

use std::collections::HashMap;

use stride_core::{Measure, PhaseGroup};

use crate::pupils::{Intake, Pupil, Statistic, Tally};
use crate::random::{Random, chance, normal, poisson};

/// The academic years of figures, by the year each starts: 2021/22 to 2025/26.
pub const DATA_YEARS: [i32; 5] = [2021, 2022, 2023, 2024, 2025];

/// Measures whose figure is computed from the same pupils as another's, listed with it.
pub fn statistic(measure: Measure) -> Statistic {
    match measure {
        Measure::Ks2ReadingProgress
        | Measure::Ks2WritingProgress
        | Measure::Ks2MathsProgress
        | Measure::Ks4Progress8
        | Measure::Ks4Attainment8 => Statistic::Mean,
        Measure::SuspensionRate | Measure::PermanentExclusionRate => Statistic::RatePer100,
        _ => Statistic::Percentage,
    }
}

/// KS2 progress was not published for 2023/24 and 2024/25, and Progress 8 not for 2024/25 and
/// 2025/26: the key stage 1 and key stage 2 assessments those cohorts would have started from
/// were cancelled in 2020 and 2021.
pub fn is_published(measure: Measure, year: i32) -> bool {
    match measure {
        Measure::Ks2ReadingProgress | Measure::Ks2WritingProgress | Measure::Ks2MathsProgress => {
            !matches!(year, 2023 | 2024)
        }
        Measure::Ks4Progress8 => !matches!(year, 2024 | 2025),
        _ => true,
    }
}

/// England's figure for all pupils, by year: the levels of the DfE's national statistics for
/// 2021/22 to 2024/25, with 2025/26 carried on by the trend.
pub fn national_level(measure: Measure, phase_group: PhaseGroup, year: i32) -> f64 {
    let index = DATA_YEARS
        .iter()
        .position(|candidate| *candidate == year)
        .unwrap_or(DATA_YEARS.len() - 1);
    let by_phase = |primary: [f64; 5], secondary: [f64; 5], special: [f64; 5], all: [f64; 5]| match phase_group {
        PhaseGroup::Primary => primary[index],
        PhaseGroup::Secondary => secondary[index],
        PhaseGroup::Special => special[index],
        PhaseGroup::AllSchools => all[index],
    };
    match measure {
        Measure::EyfsGoodLevelOfDevelopment => [65.2, 67.2, 67.7, 68.3, 69.0][index],
        Measure::PhonicsExpectedStandard => [75.5, 78.9, 80.2, 80.0, 80.5][index],
        Measure::Ks2ReadingWritingMathsExpected => [59.0, 60.0, 61.0, 62.0, 62.5][index],
        Measure::Ks4Attainment8 => [48.8, 46.3, 45.9, 45.9, 46.0][index],
        Measure::Ks4EnglishMathsGrade4 => [69.0, 65.1, 65.1, 64.9, 65.2][index],
        Measure::Ks4SustainedDestination => [94.0, 93.6, 93.4, 93.4, 93.5][index],
        Measure::OverallAbsence => by_phase(
            [6.3, 5.9, 5.5, 5.1, 4.9],
            [9.0, 8.2, 7.8, 7.6, 7.4],
            [11.0, 10.6, 10.3, 10.0, 9.9],
            [7.6, 7.0, 6.6, 6.3, 6.1],
        ),
        Measure::SuspensionRate => by_phase(
            [1.4, 2.0, 2.3, 2.5, 2.6],
            [14.0, 18.9, 21.8, 22.6, 23.0],
            [14.0, 16.5, 18.0, 18.5, 18.8],
            [6.9, 9.3, 10.9, 11.3, 11.5],
        ),
        Measure::PermanentExclusionRate => by_phase(
            [0.02, 0.03, 0.03, 0.03, 0.03],
            [0.16, 0.22, 0.26, 0.27, 0.28],
            [0.05, 0.06, 0.06, 0.07, 0.07],
            [0.08, 0.11, 0.13, 0.13, 0.14],
        ),
        // Progress scores average zero nationally by construction.
        _ => 0.0,
    }
}

/// How much each characteristic moves a pupil's latent outcome: disadvantaged, boy, SEN
/// support, EHC plan, English as an additional language.
fn shift(measure: Measure, pupil: Pupil) -> f64 {
    let [disadvantaged, boy, sen_support, ehc_plan, eal] = match measure {
        Measure::EyfsGoodLevelOfDevelopment => [-0.55, -0.30, -1.1, -2.0, -0.25],
        Measure::PhonicsExpectedStandard => [-0.50, -0.20, -1.1, -2.0, -0.05],
        Measure::Ks2ReadingWritingMathsExpected => [-0.60, -0.12, -1.2, -2.2, 0.0],
        Measure::Ks2ReadingProgress | Measure::Ks2MathsProgress => [-0.20, -0.05, -0.25, -0.5, 0.25],
        Measure::Ks2WritingProgress => [-0.20, -0.20, -0.30, -0.6, 0.25],
        Measure::Ks4Attainment8 | Measure::Ks4EnglishMathsGrade4 => [-0.65, -0.12, -0.9, -1.8, 0.10],
        Measure::Ks4Progress8 => [-0.40, -0.20, -0.35, -0.9, 0.45],
        Measure::Ks4SustainedDestination => [-0.55, -0.10, -0.45, -0.8, 0.30],
        Measure::OverallAbsence | Measure::PersistentAbsence => [0.45, 0.0, 0.30, 0.35, -0.20],
        Measure::SuspensionRate => [0.90, 0.60, 0.80, 0.60, -0.30],
        Measure::PermanentExclusionRate => [0.90, 0.80, 0.80, 0.30, -0.30],
        Measure::PupilsOnRoll => [0.0; 5],
    };
    let on = |flag: bool, amount: f64| if flag { amount } else { 0.0 };
    on(pupil.disadvantaged, disadvantaged)
        + on(pupil.boy, boy)
        + on(pupil.sen_support, sen_support)
        + on(pupil.ehc_plan, ehc_plan)
        + on(pupil.eal, eal)
}

/// The uncalibrated draw for one pupil.
pub fn latent(random: &mut Random, measure: Measure, pupil: Pupil, effect: f64) -> f64 {
    let base = shift(measure, pupil);
    match measure {
        Measure::Ks2ReadingProgress | Measure::Ks2WritingProgress | Measure::Ks2MathsProgress => {
            6.0 * (0.4 * effect + base + normal(random, 0.0, 1.0))
        }
        Measure::Ks4Progress8 => 1.15 * (0.4 * effect + base + normal(random, 0.0, 1.0)),
        Measure::Ks4Attainment8 => 13.0 * (0.35 * effect + base + normal(random, 0.0, 1.0)),
        // Absence is heavy-tailed: most pupils miss little, a few miss a great deal.
        Measure::OverallAbsence | Measure::PersistentAbsence => {
            (0.8 * normal(random, 0.0, 1.0) - 0.32 + base - 0.15 * effect).exp()
        }
        Measure::SuspensionRate | Measure::PermanentExclusionRate => {
            (normal(random, 0.0, 1.0) - 0.5 + base - 0.3 * effect).exp()
        }
        _ => 0.35 * effect + base + normal(random, 0.0, 1.0),
    }
}

/// The pupil's outcome from its latent draw and the calibration parameter.
pub fn outcome(random: &mut Random, measure: Measure, latent: f64, parameter: f64) -> f64 {
    match measure {
        Measure::Ks2ReadingProgress
        | Measure::Ks2WritingProgress
        | Measure::Ks2MathsProgress
        | Measure::Ks4Progress8 => latent - parameter,
        Measure::Ks4Attainment8 => (parameter + latent).clamp(0.0, 90.0),
        Measure::OverallAbsence => (parameter * latent).clamp(0.0, 1.0),
        Measure::PersistentAbsence => f64::from(u8::from((parameter * latent).clamp(0.0, 1.0) >= 0.10)),
        Measure::SuspensionRate => f64::from(poisson(random, parameter * latent)),
        Measure::PermanentExclusionRate => f64::from(u8::from(chance(random, parameter * latent))),
        _ => f64::from(u8::from(latent > parameter)),
    }
}

/// The measure whose calibration a measure uses: persistent absence is read from the same
/// absence draw as overall absence.
pub fn calibrated_as(measure: Measure) -> Measure {
    if measure == Measure::PersistentAbsence {
        Measure::OverallAbsence
    } else {
        measure
    }
}

fn parameter_for(measure: Measure, target: f64, latents: &mut [f64]) -> f64 {
    let mean = latents.iter().sum::<f64>() / latents.len() as f64;
    match measure {
        Measure::Ks2ReadingProgress
        | Measure::Ks2WritingProgress
        | Measure::Ks2MathsProgress
        | Measure::Ks4Progress8 => mean,
        Measure::Ks4Attainment8 => {
            // The clamp at 0 and 90 pulls the mean; two corrections bring it to the target.
            let mut base = target - mean;
            for _ in 0..2 {
                let achieved = latents
                    .iter()
                    .map(|latent| (base + latent).clamp(0.0, 90.0))
                    .sum::<f64>()
                    / latents.len() as f64;
                base += target - achieved;
            }
            base
        }
        Measure::OverallAbsence | Measure::SuspensionRate | Measure::PermanentExclusionRate => target / 100.0 / mean,
        _ => {
            latents.sort_by(f64::total_cmp);
            let index = ((1.0 - target / 100.0) * latents.len() as f64) as usize;
            latents[index.min(latents.len() - 1)]
        }
    }
}

/// A simulated population of pupils for an area: the effectiveness of the schools they attend
/// is drawn around the area's mean.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    pub intake: Intake,
    pub effect_mean: f64,
    pub size: usize,
}

impl Population {
    pub fn england(phase_group: PhaseGroup) -> Population {
        let intake = match phase_group {
            PhaseGroup::Special => Intake::special(0.40, 0.15),
            _ => Intake::mainstream(0.25, 0.21),
        };
        Population {
            intake,
            effect_mean: 0.0,
            size: 20_000,
        }
    }

    /// Draws the population and tallies a measure's outcome with the given parameter.
    pub fn tally(&self, random: &mut Random, measure: Measure, parameter: f64) -> Tally {
        let mut tally = Tally::default();
        for _ in 0..self.size {
            let pupil = self.intake.draw(random);
            let effect = normal(random, self.effect_mean, 1.0);
            let latent = latent(random, calibrated_as(measure), pupil, effect);
            tally.add(pupil, outcome(random, measure, latent, parameter));
        }
        tally
    }
}

/// The calibration parameter for every measure, year and comparator group.
#[derive(Debug, Default)]
pub struct Calibration {
    parameters: HashMap<(Measure, i32, PhaseGroup), f64>,
}

impl Calibration {
    pub fn build(random: &mut Random) -> Calibration {
        let mut calibration = Calibration::default();
        for measure in Measure::ALL
            .iter()
            .copied()
            .filter(|measure| *measure != Measure::PupilsOnRoll)
        {
            if calibrated_as(measure) != measure {
                continue;
            }
            for phase_group in comparator_groups(measure) {
                let population = Population::england(phase_group);
                for year in DATA_YEARS {
                    let mut latents: Vec<f64> = (0..population.size)
                        .map(|_| {
                            let pupil = population.intake.draw(random);
                            let effect = normal(random, 0.0, 1.0);
                            latent(random, measure, pupil, effect)
                        })
                        .collect();
                    let target = national_level(measure, phase_group, year);
                    calibration.parameters.insert(
                        (measure, year, phase_group),
                        parameter_for(measure, target, &mut latents),
                    );
                }
            }
        }
        calibration
    }

    pub fn parameter(&self, measure: Measure, year: i32, phase_group: PhaseGroup) -> f64 {
        self.parameters
            .get(&(calibrated_as(measure), year, phase_group))
            .copied()
            .unwrap_or(0.0)
    }
}

/// The comparator groups a measure is published for.
pub fn comparator_groups(measure: Measure) -> Vec<PhaseGroup> {
    match measure {
        Measure::OverallAbsence
        | Measure::PersistentAbsence
        | Measure::SuspensionRate
        | Measure::PermanentExclusionRate => PhaseGroup::ALL.to_vec(),
        _ => vec![PhaseGroup::AllSchools],
    }
}
