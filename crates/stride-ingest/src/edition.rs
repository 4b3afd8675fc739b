//! Which academic year and release a file of figures is. The performance tables' downloads do
//! not say so in their rows: the download's name does (`2018-2019_936_ks4final.csv`), and a
//! results file's prior-year columns do (`PTRWM_EXP_18` is the year before 2018/19). Where
//! neither does, the person importing says, and where they say something the file contradicts,
//! the file is refused.

use stride_core::{AcademicYear, Release};

use crate::IngestError;
use crate::performance::Edition;

/// What the person importing says of the files, where the files do not say it themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stated {
    pub year: Option<AcademicYear>,
    pub release: Option<Release>,
}

/// The academic year a file's name gives as two consecutive years (2018-2019, 2018_2019).
pub fn year_in_name(name: &str) -> Option<AcademicYear> {
    let runs: Vec<i32> = name
        .split(|character: char| !character.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse().ok())
        .collect();
    runs.windows(2)
        .find(|pair| pair[1] == pair[0] + 1)
        .map(|pair| AcademicYear::starting(pair[0]))
}

/// The year after the latest of the prior-year columns of a headline column (`ATT8SCR_18` means
/// the tables of 2018/19 carry 2017/18 beside their own).
pub fn year_from_prior_columns(headers: &[String], headline: &str) -> Option<AcademicYear> {
    let prefix = format!("{headline}_");
    headers
        .iter()
        .filter_map(|header| header.strip_prefix(&prefix))
        .filter(|suffix| suffix.len() == 2)
        .filter_map(|suffix| suffix.parse::<i32>().ok())
        .max()
        .map(|ending| AcademicYear::starting(2000 + ending))
}

pub fn release_in_name(name: &str) -> Option<Release> {
    let name = name.to_lowercase();
    if name.contains("provisional") {
        Some(Release::Provisional)
    } else if name.contains("revised") {
        Some(Release::Revised)
    } else if name.contains("final") {
        Some(Release::Final)
    } else {
        None
    }
}

/// Agrees what the file says with what the person says; refuses a contradiction or a silence.
pub fn resolve(
    file: &str,
    from_file: Option<AcademicYear>,
    release_from_file: Option<Release>,
    default_release: Option<Release>,
    stated: Stated,
) -> Result<Edition, IngestError> {
    let refuse = |detail: String| IngestError::Edition {
        file: file.to_owned(),
        detail,
    };
    let year = match (from_file, stated.year) {
        (Some(found), Some(said)) if found != said => {
            return Err(refuse(format!("the file is for {found}, but --year says {said}")));
        }
        (Some(year), _) | (None, Some(year)) => year,
        (None, None) => {
            return Err(refuse(
                "neither its name nor its columns say which academic year it is for: give it with --year, such as --year 2018/19".to_owned(),
            ));
        }
    };
    let release = match (release_from_file, stated.release) {
        (Some(found), Some(said)) if found != said => {
            return Err(refuse(format!(
                "its name says it is {}, but --release says {}",
                found.label().to_lowercase(),
                said.label().to_lowercase()
            )));
        }
        (Some(release), _) | (None, Some(release)) => release,
        (None, None) => default_release.ok_or_else(|| {
            refuse(
                "its name does not say whether it is provisional, revised or final: give it with --release".to_owned(),
            )
        })?,
    };
    Ok(Edition { year, release })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_read_from_a_download_name() {
        assert_eq!(
            year_in_name("2018-2019_936_ks4final.csv"),
            Some(AcademicYear::starting(2018))
        );
        assert_eq!(
            year_in_name("england_spine_2017-2018.csv"),
            Some(AcademicYear::starting(2017))
        );
        assert_eq!(year_in_name("2018-850-ks2.csv"), None);
        assert_eq!(year_in_name("england_census.csv"), None);
    }

    #[test]
    fn a_year_is_read_from_prior_year_columns() {
        let headers: Vec<String> = ["PTRWM_EXP", "PTRWM_EXP_17", "PTRWM_EXP_18", "PTRWM_EXP_3YR"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(
            year_from_prior_columns(&headers, "PTRWM_EXP"),
            Some(AcademicYear::starting(2018))
        );
    }

    #[test]
    fn a_contradiction_or_a_silence_is_refused() {
        let stated = Stated {
            year: Some(AcademicYear::starting(2019)),
            release: None,
        };
        let error = resolve(
            "f.csv",
            Some(AcademicYear::starting(2018)),
            None,
            Some(Release::Final),
            stated,
        )
        .expect_err("contradiction");
        assert!(
            error
                .to_string()
                .contains("the file is for 2018/19, but --year says 2019/20")
        );
        let error = resolve("f.csv", None, None, None, Stated::default()).expect_err("silence");
        assert!(error.to_string().contains("--year"));
        let edition = resolve(
            "f.csv",
            None,
            Some(Release::Provisional),
            None,
            Stated {
                year: Some(AcademicYear::starting(2018)),
                release: None,
            },
        )
        .expect("agreed");
        assert_eq!(edition.release, Release::Provisional);
    }
}
