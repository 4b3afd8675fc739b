//! What the core's tests build their schools and figures from.

use crate::establishment::{Establishment, EstablishmentStatus, EstablishmentType, Governance, Phase};
use crate::figure::{Figure, Release, SchoolFigure};
use crate::identifiers::{LaCode, Urn};
use crate::measure::{Measure, PupilGroup};
use crate::year::AcademicYear;

pub fn urn(number: u32) -> Urn {
    Urn::new(number).expect("a URN")
}

/// An open community primary school of LA 990, named by its number.
pub fn school(number: u32) -> Establishment {
    Establishment {
        urn: urn(number),
        la: LaCode::new(990).expect("an LA"),
        dfe_number: None,
        name: format!("School {number}"),
        establishment_type: EstablishmentType::Community,
        phase: Phase::Primary,
        status: EstablishmentStatus::Open,
        opened_on: None,
        closed_on: None,
        statutory_low_age: Some(4),
        statutory_high_age: Some(11),
        locality: None,
        governance: Governance::Maintained,
        diocese: None,
        leaders: Vec::new(),
        location: None,
    }
}

/// A final figure about 30 pupils.
pub fn figure(number: u32, measure: Measure, group: PupilGroup, year: i32, value: f64) -> SchoolFigure {
    SchoolFigure {
        urn: urn(number),
        measure,
        year: AcademicYear::starting(year),
        group,
        figure: Figure::Value(value),
        cohort: Some(30),
        source: "test".into(),
        release: Release::Final,
    }
}
