//! An England-sized set of schools, for benchmarks: the synthetic authority, and beside it the
//! same generator run again for 87 further LAs (other seeds), their schools renumbered so that
//! URNs and LA codes never meet. Only the first authority is the deployment's own, with its
//! localities, trusts, comparators and demo accounts; the others' schools are the national
//! reference data that quartiles and similar-school comparisons are made from.

use stride_core::{DfeNumber, Governance, Inspection, InspectionFields, LaCode, Urn};

use crate::{SyntheticLocalAuthority, generate};

/// The authorities in all, about 22,000 schools.
pub const AUTHORITIES: u16 = 88;

/// The other authorities' URNs start here, below the first authority's (914000 and above).
const FIRST_OTHER_URN: u32 = 100_000;

/// The other authorities' LA codes start here.
const FIRST_OTHER_LA: u16 = 202;

/// The synthetic authority with 87 more beside it. Authorities are generated side by side on
/// every core; the result is the same for the same seed.
pub fn generate_england(seed: u64) -> SyntheticLocalAuthority {
    let mut england = generate(seed);
    let others: Vec<u16> = (1..AUTHORITIES).collect();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let generated: Vec<(u16, SyntheticLocalAuthority)> = std::thread::scope(|scope| {
        let workers: Vec<_> = others
            .chunks(others.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|other| (*other, generate(seed.wrapping_add(u64::from(*other)))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut next_urn = FIRST_OTHER_URN;
    for (other, authority) in generated {
        let la = LaCode::new(FIRST_OTHER_LA + other - 1).unwrap_or_else(|_| unreachable!("codes 202 to 288 are valid"));
        next_urn = renumbered_into(&mut england, authority, la, next_urn);
    }
    england
}

/// Adds an authority's schools, figures, inspections and intelligence to `england` under new
/// URNs from `next_urn` and the LA code `la`; returns the next URN free.
fn renumbered_into(
    england: &mut SyntheticLocalAuthority,
    other: SyntheticLocalAuthority,
    la: LaCode,
    mut next_urn: u32,
) -> u32 {
    let mut urns = std::collections::HashMap::new();
    let target = &mut england.dataset;
    for mut establishment in other.dataset.establishments {
        let urn = Urn::new(next_urn).unwrap_or_else(|_| unreachable!("fewer than 900,000 schools"));
        next_urn += 1;
        urns.insert(establishment.urn, urn);
        establishment.urn = urn;
        establishment.la = la;
        establishment.dfe_number = establishment
            .dfe_number
            .and_then(|number| DfeNumber::new(la, number.establishment_number()).ok());
        // Localities and trusts are the deployment's own.
        establishment.locality = None;
        if let Governance::Academy { trust } = &mut establishment.governance {
            *trust = None;
        }
        target.establishments.push(establishment);
    }
    let renumber = |urn: Urn| urns.get(&urn).copied();
    target
        .school_figures
        .extend(other.dataset.school_figures.into_iter().filter_map(|mut figure| {
            figure.urn = renumber(figure.urn)?;
            Some(figure)
        }));
    target
        .inspections
        .extend(other.dataset.inspections.into_iter().filter_map(|inspection| {
            let fields = InspectionFields {
                urn: renumber(inspection.urn)?,
                ..InspectionFields::clone(&inspection)
            };
            Inspection::new(fields).ok()
        }));
    target
        .intelligence
        .extend(other.dataset.intelligence.into_iter().filter_map(|mut item| {
            item.urn = renumber(item.urn)?;
            Some(item)
        }));
    next_urn
}
