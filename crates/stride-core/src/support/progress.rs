//! The two questions Oxfordshire's section E asks of the data each month and term: which
//! schools in an Ofsted category are not making progress, with the support they have had; and
//! which schools inspected in the term are static or were judged worse than before, to
//! reprioritise their support.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::DateRange;
use crate::establishment::Establishment;
use crate::identifiers::Urn;
use crate::inspection::{
    CategoryOfConcern, EvaluationArea, Grade, HeadlineOutcome, Inspection, InspectionKind, UngradedOutcome,
};
use crate::intervention::Support;

/// Whether a school in a category is making progress, as Ofsted's monitoring inspections judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Progress {
    NotMakingProgress,
    MakingProgress,
    NotYetMonitored,
}

impl Progress {
    pub fn label(self) -> &'static str {
        match self {
            Progress::NotMakingProgress => "Not taking effective action",
            Progress::MakingProgress => "Taking effective action",
            Progress::NotYetMonitored => "Not yet monitored",
        }
    }
}

/// A school in an Ofsted category, with its progress and the support it has had since.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InCategory<'a> {
    pub school: &'a Establishment,
    pub category: CategoryOfConcern,
    pub placed_on: NaiveDate,
    pub progress: Progress,
    pub latest_monitoring: Option<NaiveDate>,
    /// Support commissioned since the school was placed in the category.
    pub support: Vec<&'a Support>,
}

/// The LA's schools in a category on a day, those not making progress first.
pub fn schools_in_category<'a>(
    schools: &'a [Establishment],
    inspections: &[Inspection],
    commissions: &'a [(Urn, Support)],
    on: NaiveDate,
) -> Vec<InCategory<'a>> {
    // Each school's inspections found once, so that a report reading many days stays quick.
    let mut by_school: std::collections::HashMap<Urn, Vec<&Inspection>> = std::collections::HashMap::new();
    for inspection in inspections.iter().filter(|inspection| inspection.published_on <= on) {
        by_school.entry(inspection.urn).or_default().push(inspection);
    }
    let mut found: Vec<InCategory> = schools
        .iter()
        .filter_map(|school| {
            let held = by_school.get(&school.urn)?;
            let published = || held.iter().copied();
            let placing = published()
                .filter(|inspection| inspection.is_full())
                .max_by_key(|inspection| inspection.started_on)?;
            let category = placing.category_of_concern?;
            let monitoring = published()
                .filter(|inspection| {
                    inspection.kind == InspectionKind::Monitoring && inspection.started_on > placing.started_on
                })
                .max_by_key(|inspection| inspection.started_on);
            let progress = match monitoring.and_then(|inspection| inspection.ungraded_outcome) {
                Some(UngradedOutcome::NotTakingEffectiveAction) => Progress::NotMakingProgress,
                Some(_) => Progress::MakingProgress,
                None => Progress::NotYetMonitored,
            };
            Some(InCategory {
                school,
                category,
                placed_on: placing.started_on,
                progress,
                latest_monitoring: monitoring.map(|inspection| inspection.started_on),
                support: commissions
                    .iter()
                    .filter(|(urn, support)| *urn == school.urn && support.commissioned_on >= placing.started_on)
                    .map(|(_, support)| support)
                    .collect(),
            })
        })
        .collect();
    found.sort_by(|left, right| {
        (left.progress != Progress::NotMakingProgress, &left.school.name)
            .cmp(&(right.progress != Progress::NotMakingProgress, &right.school.name))
    });
    found
}

/// How a school's inspection in the term compared with its previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InspectionMovement {
    Improved,
    Static,
    Declined,
    /// Under a framework whose grades do not compare with the previous one's: said, not mapped.
    FrameworkChanged,
    FirstInspection,
}

impl InspectionMovement {
    pub fn label(self) -> &'static str {
        match self {
            InspectionMovement::Improved => "Improved",
            InspectionMovement::Static => "Static",
            InspectionMovement::Declined => "Worse than the previous inspection",
            InspectionMovement::FrameworkChanged => "Framework changed: not compared",
            InspectionMovement::FirstInspection => "First inspection",
        }
    }
}

/// A school inspected in the term, its previous outcome against its new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspected<'a> {
    pub school: &'a Establishment,
    pub previous: Option<&'a Inspection>,
    pub latest: &'a Inspection,
    pub movement: InspectionMovement,
    pub support: Vec<&'a Support>,
}

impl Inspected<'_> {
    /// Static or worse: the schools whose support is to be looked at again.
    pub fn to_reprioritise(&self) -> bool {
        matches!(self.movement, InspectionMovement::Static | InspectionMovement::Declined)
    }
}

/// The scale an outcome is on and its rank (lower is better); none for an outcome with no
/// overall grade, which compares with nothing.
fn rank(inspection: &Inspection) -> Option<(bool, u8)> {
    if let Some(Grade::FourPoint(grade)) = inspection.grade_of(EvaluationArea::OverallEffectiveness) {
        return Some((false, grade as u8));
    }
    match inspection.headline() {
        HeadlineOutcome::NoOverallGrade | HeadlineOutcome::NotInspected => None,
        headline => Some((true, headline as u8)),
    }
}

/// The movement between two inspections: same scale compared, otherwise said to differ.
pub fn movement(previous: Option<&Inspection>, latest: &Inspection) -> InspectionMovement {
    let Some(previous) = previous else {
        return InspectionMovement::FirstInspection;
    };
    match (rank(previous), rank(latest)) {
        (Some((previous_scale, before)), Some((latest_scale, after))) if previous_scale == latest_scale => {
            match after.cmp(&before) {
                std::cmp::Ordering::Less => InspectionMovement::Improved,
                std::cmp::Ordering::Equal => InspectionMovement::Static,
                std::cmp::Ordering::Greater => InspectionMovement::Declined,
            }
        }
        _ => InspectionMovement::FrameworkChanged,
    }
}

/// The LA's schools with a full inspection published in the term, each against its previous
/// full inspection, with the support of its open case; static and worse first.
pub fn inspected_in<'a>(
    schools: &'a [Establishment],
    inspections: &'a [Inspection],
    current_support: &'a [(Urn, Support)],
    term: DateRange,
) -> Vec<Inspected<'a>> {
    let mut found: Vec<Inspected> = schools
        .iter()
        .filter_map(|school| {
            let mut full: Vec<&Inspection> = inspections
                .iter()
                .filter(|inspection| inspection.urn == school.urn && inspection.is_full())
                .collect();
            full.sort_by_key(|inspection| inspection.started_on);
            let position = full
                .iter()
                .rposition(|inspection| term.contains(inspection.published_on))?;
            let latest = full[position];
            let previous = position.checked_sub(1).map(|index| full[index]);
            Some(Inspected {
                school,
                previous,
                latest,
                movement: movement(previous, latest),
                support: current_support
                    .iter()
                    .filter(|(urn, _)| *urn == school.urn)
                    .map(|(_, support)| support)
                    .collect(),
            })
        })
        .collect();
    found.sort_by(|left, right| {
        (
            !left.to_reprioritise(),
            left.movement != InspectionMovement::Declined,
            &left.school.name,
        )
            .cmp(&(
                !right.to_reprioritise(),
                right.movement != InspectionMovement::Declined,
                &right.school.name,
            ))
    });
    found
}
