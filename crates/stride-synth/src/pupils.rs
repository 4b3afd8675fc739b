//! Simulated pupils: each has the characteristics a school census records, and every figure is
//! counted from them, so that a school's groups add up to its whole and the disadvantage gap
//! comes from the pupils, not from a number written in.

use stride_core::{Figure, Measure, MissingReason, PupilGroup};

use crate::random::{Random, chance};

#[derive(Debug, Clone, Copy)]
pub struct Pupil {
    pub disadvantaged: bool,
    pub boy: bool,
    pub sen_support: bool,
    pub ehc_plan: bool,
    pub eal: bool,
}

/// The intake a school (or an area) draws its pupils from.
#[derive(Debug, Clone, Copy)]
pub struct Intake {
    pub disadvantaged_rate: f64,
    pub eal_rate: f64,
    pub sen_support_rate: f64,
    pub ehc_rate: f64,
}

impl Intake {
    pub fn mainstream(disadvantaged_rate: f64, eal_rate: f64) -> Intake {
        Intake {
            disadvantaged_rate,
            eal_rate,
            sen_support_rate: 0.13,
            ehc_rate: 0.025,
        }
    }

    /// A special school's pupils almost all have an education, health and care plan.
    pub fn special(disadvantaged_rate: f64, eal_rate: f64) -> Intake {
        Intake {
            disadvantaged_rate: (disadvantaged_rate + 0.15).min(0.8),
            eal_rate,
            sen_support_rate: 0.02,
            ehc_rate: 0.96,
        }
    }

    /// Pupils placed in alternative provision: mostly disadvantaged, often with SEN.
    pub fn alternative_provision() -> Intake {
        Intake {
            disadvantaged_rate: 0.62,
            eal_rate: 0.05,
            sen_support_rate: 0.45,
            ehc_rate: 0.18,
        }
    }

    pub fn draw(&self, random: &mut Random) -> Pupil {
        let disadvantaged = chance(random, self.disadvantaged_rate);
        let boy = chance(random, if self.ehc_rate > 0.5 { 0.7 } else { 0.51 });
        let ehc_plan = chance(random, self.ehc_rate * if boy { 1.3 } else { 0.7 });
        let sen_rate = self.sen_support_rate * if disadvantaged { 1.6 } else { 0.85 } * if boy { 1.2 } else { 0.8 };
        let sen_support = !ehc_plan && chance(random, sen_rate);
        Pupil {
            disadvantaged,
            boy,
            sen_support,
            ehc_plan,
            eal: chance(random, self.eal_rate),
        }
    }
}

impl Pupil {
    pub fn is_in(self, group: PupilGroup) -> bool {
        match group {
            PupilGroup::All => true,
            PupilGroup::Disadvantaged => self.disadvantaged,
            PupilGroup::NotDisadvantaged => !self.disadvantaged,
            PupilGroup::Boys => self.boy,
            PupilGroup::Girls => !self.boy,
            PupilGroup::SenSupport => self.sen_support,
            PupilGroup::EhcPlan => self.ehc_plan,
            PupilGroup::EnglishAdditionalLanguage => self.eal,
        }
    }
}

/// Running totals for one group.
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupTally {
    pub pupils: u32,
    pub total: f64,
}

/// Running totals for every pupil group.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    groups: [GroupTally; 8],
}

impl Tally {
    pub fn add(&mut self, pupil: Pupil, value: f64) {
        for (index, group) in PupilGroup::ALL.iter().enumerate() {
            if pupil.is_in(*group) {
                self.groups[index].pupils += 1;
                self.groups[index].total += value;
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.groups.iter_mut().zip(other.groups.iter()) {
            mine.pupils += theirs.pupils;
            mine.total += theirs.total;
        }
    }

    pub fn group(&self, group: PupilGroup) -> GroupTally {
        let index = PupilGroup::ALL
            .iter()
            .position(|candidate| *candidate == group)
            .unwrap_or(0);
        self.groups[index]
    }
}

/// How a tally becomes the published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// The share of pupils with value 1, as a percentage.
    Percentage,
    /// The mean value per pupil.
    Mean,
    /// Events per 100 pupils.
    RatePer100,
}

/// Published school-level tables suppress groups of five pupils or fewer.
pub const LARGEST_SUPPRESSED_GROUP: u32 = 5;

impl GroupTally {
    pub fn value(self, statistic: Statistic) -> Option<f64> {
        if self.pupils == 0 {
            return None;
        }
        let mean = self.total / f64::from(self.pupils);
        Some(match statistic {
            Statistic::Percentage | Statistic::RatePer100 => mean * 100.0,
            Statistic::Mean => mean,
        })
    }

    /// The figure as a school's published table shows it: rounded to the measure's decimals,
    /// with small groups suppressed.
    pub fn school_figure(self, measure: Measure, statistic: Statistic) -> Figure {
        match self.value(statistic) {
            None => Figure::Missing(MissingReason::NoPupils),
            Some(_) if self.pupils <= LARGEST_SUPPRESSED_GROUP => Figure::Missing(MissingReason::Suppressed),
            Some(value) => rounded(measure, value),
        }
    }

    /// The figure for an area, which is large enough never to be suppressed.
    pub fn area_figure(self, measure: Measure, statistic: Statistic) -> Figure {
        self.value(statistic)
            .map_or(Figure::Missing(MissingReason::NoPupils), |value| {
                rounded(measure, value)
            })
    }
}

pub fn rounded(measure: Measure, value: f64) -> Figure {
    let scale = 10f64.powi(measure.decimals() as i32);
    let range = measure.valid_range();
    Figure::Value(((value * scale).round() / scale).clamp(*range.start(), *range.end()))
}
