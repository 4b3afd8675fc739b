//! Properties of the core that must hold for any input.

use chrono::NaiveDate;
use proptest::prelude::*;
use stride_core::school_list::{SchoolList, SchoolListQuery, SchoolListRow, SortColumn, SortDirection};
use stride_core::{AcademicYear, Account, EstablishmentType, Figure, Phase, Role, SchoolScope, Urn};

proptest! {
    #[test]
    fn an_academic_year_reads_back_from_how_it_is_written(start in 1990i32..2100) {
        let year = AcademicYear::starting(start);
        prop_assert_eq!(year.to_string().parse::<AcademicYear>(), Ok(year));
        prop_assert_eq!(AcademicYear::containing(year.first_day()), year);
        prop_assert_eq!(AcademicYear::containing(year.last_day()), year);
    }

    #[test]
    fn a_urn_reads_back_and_nothing_else_parses(value in 0u32..2_000_000) {
        let parsed = format!("{value}").parse::<Urn>();
        prop_assert_eq!(parsed.is_ok(), (1..=999_999).contains(&value));
        if let Ok(urn) = parsed {
            prop_assert_eq!(urn.to_string().parse::<Urn>(), Ok(urn));
        }
    }

    #[test]
    fn a_list_shows_only_schools_in_scope_that_match_and_in_order(
        schools in proptest::collection::vec((100_000u32..100_050, 0usize..3, 0usize..2, proptest::option::of(-3.0f64..3.0)), 0..40),
        assigned in proptest::collection::vec(100_000u32..100_050, 0..10),
        phase_filter in proptest::option::of(0usize..3),
        descending in any::<bool>(),
    ) {
        let phases = [Phase::Primary, Phase::Secondary, Phase::Special];
        let rows: Vec<SchoolListRow> = schools
            .iter()
            .map(|(urn, phase, locality, progress)| SchoolListRow {
                urn: Urn::new(*urn).expect("in range"),
                la: stride_core::LaCode::new(850).expect("valid code"),
                name: format!("School {urn}"),
                establishment_type: EstablishmentType::Community,
                phase: phases[*phase],
                locality: ["North", "South"][*locality].to_owned(),
                pupils_on_roll: Some(*urn - 99_000),
                latest_inspection: None,
                headline: [None, None, progress.map(Figure::Value), None],
            })
            .collect();
        let scope: Vec<Urn> = assigned.iter().map(|urn| Urn::new(*urn).expect("in range")).collect();
        let adviser = Account { id: 1, username: "a".into(), display_name: "A".into(), role: Role::Adviser, second_factor: false, scope: SchoolScope::Assigned(scope.clone()) };
        let query = SchoolListQuery {
            phase: phase_filter.map(|index| phases[index]),
            sort: SortColumn::Progress8,
            direction: if descending { SortDirection::Descending } else { SortDirection::Ascending },
            ..SchoolListQuery::default()
        };
        let list = SchoolList::build(rows.clone(), [None; 4], &adviser, &query);
        prop_assert!(list.rows.iter().all(|row| scope.contains(&row.urn)));
        prop_assert!(list.rows.iter().all(|row| query.phase.is_none_or(|phase| row.phase == phase)));
        let expected = rows.iter().filter(|row| scope.contains(&row.urn) && query.phase.is_none_or(|phase| row.phase == phase)).count();
        prop_assert_eq!(list.rows.len(), expected);
        let values: Vec<Option<f64>> = list.rows.iter().map(|row| row.headline[2].and_then(Figure::value)).collect();
        let first_blank = values.iter().position(Option::is_none).unwrap_or(values.len());
        prop_assert!(values[first_blank..].iter().all(Option::is_none), "blanks come last");
        let present: Vec<f64> = values[..first_blank].iter().flatten().copied().collect();
        let in_order = present.windows(2).all(|pair| if descending { pair[0] >= pair[1] } else { pair[0] <= pair[1] });
        prop_assert!(in_order, "sorted by Progress 8");
    }
}

#[test]
fn the_census_day_falls_in_its_academic_year() {
    let year = AcademicYear::starting(2024);
    assert_eq!(
        year.census_day(),
        NaiveDate::from_ymd_opt(2025, 1, 16).expect("valid date")
    );
    assert_eq!(AcademicYear::containing(year.census_day()), year);
}
