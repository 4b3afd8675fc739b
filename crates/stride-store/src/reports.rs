//! What the reports read, gathered from the store in a few statements: the LA's schools and their
//! inspections, cases and support, the categorisation runs kept, every school's roll, and the
//! LA's calendar. Reading only; the reports themselves are the core's.

use stride_core::calendar::Calendar;
use stride_core::intervention::InterventionEvidence;
use stride_core::report::ReportEvidence;
use stride_core::support::{commissions_by_school, current_commissions};
use stride_core::{Account, LaCode, Measure, PupilGroup, SchoolFigure, Urn};

use crate::{Store, StoreError};

/// The reports' evidence, owned.
pub struct ReportData {
    pub record: InterventionEvidence,
    pub rolls: Vec<SchoolFigure>,
    pub commissions: Vec<(Urn, stride_core::intervention::Support)>,
    pub current_support: Vec<(Urn, stride_core::intervention::Support)>,
    pub calendar: Calendar,
    pub comparators: Vec<stride_core::ComparatorFigure>,
    pub la: Option<LaCode>,
    pub every_la: Vec<(LaCode, stride_core::ComparatorFigure)>,
    pub action_plans: Vec<stride_core::action_plan::ActionPlan>,
    pub inspection_sources: Vec<String>,
}

impl ReportData {
    pub fn evidence(&self) -> ReportEvidence<'_> {
        ReportEvidence {
            schools: &self.record.schools,
            inspections: &self.record.inspections,
            rolls: &self.rolls,
            commissions: &self.commissions,
            current_support: &self.current_support,
            kept_levels: &self.record.kept_levels,
            comparators: &self.comparators,
            la: self.la,
            every_la: &self.every_la,
            action_plans: &self.action_plans,
            inspection_sources: &self.inspection_sources,
        }
    }
}

/// The School Intervention Record of the LA's schools (every school held where no LA is set)
/// that the account may see: their schools, inspections, cases and so support, activities and
/// levels kept, and the LA's own activities.
pub async fn scoped_intervention_evidence(
    store: &dyn Store,
    account: &Account,
) -> Result<InterventionEvidence, StoreError> {
    let la: Option<LaCode> = store.local_authority().await?.map(|own| own.code);
    let mut record = store.intervention_evidence(la).await?;
    record.schools.retain(|school| account.can_see_school(school.urn));
    record
        .inspections
        .retain(|inspection| account.can_see_school(inspection.urn));
    record.cases.retain(|case| account.can_see_school(case.urn));
    record.kept_levels.retain(|kept| account.can_see_school(kept.urn));
    let cases: std::collections::HashSet<i64> = record.cases.iter().map(|case| case.id).collect();
    record.support.retain(|(case, _)| cases.contains(case));
    record
        .activities
        .retain(|activity| activity.urn.is_none_or(|urn| account.can_see_school(urn)));
    Ok(record)
}

/// How many imports are searched for the files inspections came from: every one a deployment
/// makes in years.
const IMPORTS_SEARCHED: u32 = 100_000;

/// The Ofsted files the inspections held were imported from, each once, oldest first.
async fn inspection_sources(store: &dyn Store) -> Result<Vec<String>, StoreError> {
    let mut names: Vec<String> = Vec::new();
    for record in store.imports(IMPORTS_SEARCHED).await?.into_iter().rev() {
        if record.kind == stride_core::import::FileKind::OfstedInspections && !names.contains(&record.file_name) {
            names.push(record.file_name);
        }
    }
    Ok(names)
}

/// The reports' evidence, of the schools the account may see.
pub async fn report_data(store: &dyn Store, account: &Account) -> Result<ReportData, StoreError> {
    let record = scoped_intervention_evidence(store, account).await?;
    let held: std::collections::HashSet<Urn> = record.schools.iter().map(|school| school.urn).collect();
    let mut rolls = store
        .figures_for_all_schools(&[Measure::PupilsOnRoll], PupilGroup::All)
        .await?;
    rolls.retain(|figure| held.contains(&figure.urn));
    let (_, _, calendar) = store.cycle().await?;
    let la: Option<LaCode> = store.local_authority().await?.map(|own| own.code);
    // Area figures are published, not of pupils: every reader of reports reads them whole.
    let comparators = store.la_comparators(la).await?;
    Ok(ReportData {
        inspection_sources: inspection_sources(store).await?,
        action_plans: store.action_plans().await?,
        every_la: store.every_la_figures().await?,
        la,
        comparators,
        commissions: commissions_by_school(&record.cases, &record.support),
        current_support: current_commissions(&record.cases, &record.support),
        rolls,
        calendar,
        record,
    })
}

/// What the school data profiles read: the LA's schools (the pool of similar schools), every
/// figure of theirs of every measure and group, their inspections and the LA's comparators, with
/// the schools the account may see, in name order.
pub struct ProfileData {
    pub schools: Vec<stride_core::Establishment>,
    pub figures: Vec<SchoolFigure>,
    pub comparators: Vec<stride_core::ComparatorFigure>,
    pub inspections: Vec<stride_core::Inspection>,
    pub visible: Vec<Urn>,
}

impl ProfileData {
    pub fn evidence(&self) -> stride_core::report::ProfileEvidence<'_> {
        stride_core::report::ProfileEvidence::new(&self.schools, &self.figures, &self.comparators, &self.inspections)
    }

    pub fn school_name(&self, urn: Urn) -> Option<&str> {
        self.schools
            .iter()
            .find(|school| school.urn == urn)
            .map(|school| school.name.as_str())
    }
}

async fn evidence_of(
    store: &dyn Store,
    figures: Vec<(Measure, PupilGroup)>,
) -> Result<stride_core::categorisation::CategorisationEvidence, StoreError> {
    let la: Option<LaCode> = store.local_authority().await?.map(|own| own.code);
    let wanted = stride_core::categorisation::EvidenceWanted {
        figures,
        national: Vec::new(),
    };
    store.categorisation_evidence(la, &wanted).await
}

/// The profiles' evidence for every school the account may see. Similar schools are drawn from
/// all the LA's schools, an aggregate of published figures; the profiles made are of the schools
/// the account may see.
pub async fn profile_data(store: &dyn Store, account: &Account) -> Result<ProfileData, StoreError> {
    let every = Measure::ALL
        .iter()
        .flat_map(|measure| PupilGroup::ALL.iter().map(move |group| (*measure, *group)))
        .collect();
    let evidence = evidence_of(store, every).await?;
    let visible = evidence
        .schools
        .iter()
        .filter(|school| account.can_see_school(school.urn))
        .map(|school| school.urn)
        .collect();
    Ok(ProfileData {
        schools: evidence.schools,
        figures: evidence.figures,
        comparators: evidence.comparators,
        inspections: evidence.inspections,
        visible,
    })
}

/// One school's profile evidence, read in two steps so that a page reads a dozen schools'
/// figures rather than the LA's: every school's roll, to find its similar schools, then every
/// figure of the school and of them. None where the school is not among the LA's open schools
/// the account may see.
pub async fn school_profile_data(
    store: &dyn Store,
    account: &Account,
    urn: Urn,
) -> Result<Option<ProfileData>, StoreError> {
    if !account.can_see_school(urn) {
        return Ok(None);
    }
    // The rolls are read by measure and group for every school, then kept for the LA's: asked
    // for a pair or two, the categorisation's reader has SQLite look each school's figures up
    // in an index it reads whole for each school (BENCHMARKS.md).
    let mut evidence = evidence_of(store, Vec::new()).await?;
    let held: std::collections::HashSet<Urn> = evidence.schools.iter().map(|school| school.urn).collect();
    for group in [PupilGroup::All, PupilGroup::Disadvantaged] {
        let mut rolls = store.figures_for_all_schools(&[Measure::PupilsOnRoll], group).await?;
        rolls.retain(|figure| held.contains(&figure.urn));
        evidence.figures.extend(rolls);
    }
    let Some(school) = evidence.schools.iter().find(|school| school.urn == urn) else {
        return Ok(None);
    };
    let mut wanted = vec![urn];
    wanted.extend(
        stride_core::report::ProfileEvidence::new(&evidence.schools, &evidence.figures, &[], &[]).similar_to(school),
    );
    let mut figures = evidence.figures;
    figures.retain(|figure| !wanted.contains(&figure.urn));
    figures.extend(store.figures_of_schools(&wanted).await?);
    Ok(Some(ProfileData {
        schools: evidence.schools,
        figures,
        comparators: evidence.comparators,
        inspections: evidence.inspections,
        visible: vec![urn],
    }))
}
