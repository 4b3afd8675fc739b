//! What one local authority's data amounts to when it is written in one piece: the generator
//! produces it, and storage writes it whole or not at all.

use serde::{Deserialize, Serialize};

use crate::establishment::{Establishment, Locality, Trust};
use crate::figure::{AreaFigure, ComparatorFigure, SchoolFigure};
use crate::identifiers::LaCode;
use crate::inspection::Inspection;
use crate::intelligence::IntelligenceItem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalAuthority {
    pub code: LaCode,
    pub name: String,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub local_authority: Option<LocalAuthority>,
    pub localities: Vec<Locality>,
    pub trusts: Vec<Trust>,
    pub establishments: Vec<Establishment>,
    pub school_figures: Vec<SchoolFigure>,
    pub comparator_figures: Vec<ComparatorFigure>,
    pub inspections: Vec<Inspection>,
    pub intelligence: Vec<IntelligenceItem>,
    /// The School Intervention Record: cases with their steps, and what was done.
    pub cases: Vec<crate::intervention::Case>,
    pub activities: Vec<crate::intervention::Activity>,
    /// Support commissioned, by the index in `cases` of the case it is for (a school may
    /// have had cases before its present one).
    pub support: Vec<(usize, crate::intervention::Support)>,
    /// The directory of providers, with the ids support names them by.
    pub providers: Vec<crate::support::Provider>,
    /// Strategy action plans with the history of their tasks.
    pub action_plans: Vec<crate::action_plan::ActionPlan>,
    /// Pupils' census returns and register marks.
    pub pupils: Vec<crate::pupils::PupilCensusRecord>,
    pub attendance: Vec<crate::pupils::PupilMarks>,
    /// Pupils' termly attendance totals of earlier years, for which no marks are held.
    pub attendance_summaries: Vec<crate::pupils::TermSummary>,
    /// Children on officers' caseloads, by the officer's username.
    pub caseloads: Vec<(crate::pupils::Upn, String)>,
    /// Episodes out of school or at risk of it, by the pupil's UPN.
    pub episodes: Vec<(crate::pupils::Upn, crate::pupils::episodes::EpisodeKind)>,
}

impl Dataset {
    /// The comparator figures as figures of the areas they are for. Without a local authority
    /// the comparators are for no area, and none are given.
    pub fn area_figures(&self) -> Vec<AreaFigure> {
        let Some(authority) = &self.local_authority else {
            return Vec::new();
        };
        self.comparator_figures
            .iter()
            .map(|figure| AreaFigure {
                area: figure.area_for(authority),
                phase_group: figure.phase_group,
                measure: figure.measure,
                year: figure.year,
                group: figure.group,
                figure: figure.figure,
                cohort: None,
                source: figure.source.clone(),
                release: figure.release,
            })
            .collect()
    }
}
