//! Stride through its public surface: the real server on a real port over a real SQLite file,
//! signed in as each kind of user. Figures are checked against the generated data they came from.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, LOCATION, SET_COOKIE};
use stride_core::{Figure, Phase, Urn};
use stride_web::recent::{IMPORTED_KEPT_FOR, SESSIONS_KEPT_FOR};

mod common;
use common::*;

/// The rows of the HTML table of schools, as the URNs they link to.
fn listed_urns(html: &str) -> Vec<u32> {
    html.match_indices("<th scope=\"row\" class=\"govuk-table__header\"><a class=\"govuk-link\" href=\"/schools/")
        .filter_map(|(index, marker)| html[index + marker.len()..].get(..6)?.parse().ok())
        .collect()
}

#[tokio::test]
async fn pages_need_a_signed_in_user() {
    let server = server().await;
    for path in ["/schools", "/schools.csv", "/schools.xlsx", "/"] {
        let response = server.get(path, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            location == "/sign-in" || location == "/schools",
            "{path} went to {location}"
        );
    }
    let urn = fixture().authority.dataset.establishments[0].urn;
    assert_eq!(
        server.get(&format!("/schools/{urn}"), None).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// Guessing is slowed: the fifth wrong password in fifteen minutes refuses the username, even
/// with the right password, an unknown username alike; others sign in as before; and the
/// usernames tried are kept only as hashes.
#[tokio::test]
async fn five_wrong_passwords_refuse_the_username_for_a_while_and_no_other() {
    let server = server().await;
    for username in ["joanne.price", "no.such.person"] {
        for _ in 0..5 {
            let (response, _) = server.try_sign_in(username, "a-guess").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{username}");
        }
    }
    for username in ["joanne.price", "Joanne.Price", "no.such.person"] {
        let (response, _) = server.try_sign_in(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{username}");
        let page = response.text().await.expect("body");
        assert!(page.contains("Try again in 15 minutes"), "{page}");
    }
    let (response, _) = server.try_sign_in("mark.ellis", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "another officer signs in");
    let pool = stride_store::scratch::Raw::connect(&fixture().database).await;
    let kept: Vec<String> = stride_store::with_raw_pool!(&pool, |pool| {
        sqlx::query_scalar("SELECT username_hash FROM sign_in_failures")
            .fetch_all(pool)
            .await
    })
    .expect("reads");
    assert!(kept.len() >= 10);
    assert!(kept.iter().all(|hash| hash.len() == 64 && !hash.contains("joanne")));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_refused_alike_and_a_form_without_its_token_is_rejected() {
    let server = server().await;
    let (wrong_password, _) = server.try_sign_in("data.manager", "not-the-password").await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let first = wrong_password.text().await.expect("body");
    assert!(first.contains("Enter a correct username and password"));
    assert!(first.contains("govuk-error-summary"));
    let (unknown_user, _) = server.try_sign_in("nobody.here", PASSWORD).await;
    assert_eq!(unknown_user.status(), StatusCode::UNAUTHORIZED);
    assert!(
        unknown_user
            .text()
            .await
            .expect("body")
            .contains("Enter a correct username and password")
    );

    let (cookie, _) = server.sign_in_form().await;
    let forged = server
        .client
        .post(format!("{}/sign-in", server.base))
        .header("Cookie", &cookie)
        .form(&[
            ("username", "data.manager"),
            ("password", PASSWORD),
            ("csrf_token", "0".repeat(64).as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        session_cookie(&forged).is_none(),
        "no session is given for a forged form"
    );
}

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let server = server().await;
    let (response, anonymous_cookie) = server.try_sign_in("improvement.manager", PASSWORD).await;
    let cookie_header = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Strict"),
        "{cookie_header}"
    );
    let signed_in_cookie = session_cookie(&response).expect("cookie");
    assert_ne!(signed_in_cookie, anonymous_cookie);
    let anonymous = User {
        cookie: anonymous_cookie,
        csrf: String::new(),
    };
    assert_eq!(
        server.get("/schools", Some(&anonymous)).await.status(),
        StatusCode::SEE_OTHER,
        "the pre-sign-in session is gone"
    );

    let user = server.sign_in("improvement.manager").await;
    let without_token = server
        .client
        .post(format!("{}/sign-out", server.base))
        .header("Cookie", &user.cookie)
        .form(&[("csrf_token", "x")])
        .send()
        .await
        .expect("sent");
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let signed_out = server
        .client
        .post(format!("{}/sign-out", server.base))
        .header("Cookie", &user.cookie)
        .form(&[("csrf_token", user.csrf.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        server.get("/schools", Some(&user)).await.status(),
        StatusCode::SEE_OTHER,
        "the session no longer works"
    );
}

/// A session ends after half an hour unused, and after ten hours however busy: the database's
/// clock is moved back under a signed-in session and the next request finds it gone. (Moved
/// behind the server's back, as the command line would, the change is seen once the server's
/// moment of keeping the session has passed.)
#[tokio::test]
async fn a_session_expires_when_idle_and_after_a_working_day() {
    let server = server().await;
    let pool = stride_store::scratch::Raw::connect(&fixture().database).await;
    for (moved, minutes_ago) in [
        ("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", 31),
        ("UPDATE sessions SET created_at = $1 WHERE token_hash = $2", 10 * 60 + 1),
    ] {
        let user = server.sign_in("sue.whitfield").await;
        assert_eq!(server.get("/schools", Some(&user)).await.status(), StatusCode::OK);
        let token = user.cookie.trim_start_matches("stride_session=");
        let hash = stride_web::auth::token_hash(token);
        let then = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
        stride_store::with_raw_pool!(&pool, |pool| {
            sqlx::query(moved).bind(then).bind(&hash).execute(pool).await.map(drop)
        })
        .expect("moves the clock");
        tokio::time::sleep(SESSIONS_KEPT_FOR).await;
        let after = server.get("/schools", Some(&user)).await;
        assert_eq!(
            location(&after),
            "/sign-in",
            "{moved} {minutes_ago} minutes ago ends it"
        );
        let left: i64 = stride_store::with_raw_pool!(&pool, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
                .bind(&hash)
                .fetch_one(pool)
                .await
        })
        .expect("reads");
        assert_eq!(left, 0, "the expired session is deleted");
    }
}

/// An administrator can do nothing before setting up an authenticator; a key is taken only with
/// its code; then signing in asks for a code, refuses a wrong or used one, and five wrong codes
/// refuse the username as five wrong passwords do.
#[tokio::test]
async fn an_administrator_sets_up_an_authenticator_first_and_then_signs_in_with_its_codes() {
    let directory = tempfile::tempdir().expect("directory");
    let (database, _store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let (response, _) = server.try_sign_in("administrator", PASSWORD).await;
    assert_eq!(location(&response), "/schools");
    let cookie = session_cookie(&response).expect("signed in by password");
    let bare = User {
        cookie: cookie.clone(),
        csrf: String::new(),
    };
    for path in ["/schools", "/audit", "/cycle/clocks"] {
        assert_eq!(
            location(&server.get(path, Some(&bare)).await),
            "/account/two-factor",
            "{path}"
        );
    }
    assert_eq!(server.get("/account", Some(&bare)).await.status(), StatusCode::OK);
    let (status, page) = server.text("/account/two-factor", &bare).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("Administrators sign in with a code"));
    let (_, again) = server.text("/account/two-factor", &bare).await;
    assert_eq!(offered_key(&page), offered_key(&again), "a reload offers the same key");
    let user = User {
        cookie: cookie.clone(),
        csrf: csrf_token(&page),
    };
    let wrong = server
        .post_form("/account/two-factor", &user, &[("code", "000000")])
        .await;
    let wrong_page = wrong.text().await.expect("body");
    assert!(wrong_page.contains("Enter the 6-digit code"), "{wrong_page}");
    assert_eq!(
        location(&server.get("/schools", Some(&bare)).await),
        "/account/two-factor"
    );
    let key = server.set_up_authenticator(&cookie).await;
    assert_eq!(server.get("/audit", Some(&bare)).await.status(), StatusCode::OK);
    let (_, account) = server.text("/account", &bare).await;
    assert!(account.contains("You sign in with your password and a code"));

    let (response, _) = server.try_sign_in("administrator", PASSWORD).await;
    assert_eq!(location(&response), "/sign-in/code", "the password alone is not enough");
    let waiting = User {
        cookie: session_cookie(&response).expect("a waiting session"),
        csrf: String::new(),
    };
    assert_eq!(location(&server.get("/schools", Some(&waiting)).await), "/sign-in");
    let (_, form) = server.text("/sign-in/code", &waiting).await;
    let waiting = User {
        csrf: csrf_token(&form),
        ..waiting
    };
    let used = authenticator_code(&key, chrono::Utc::now().timestamp());
    let replayed = server.post_form("/sign-in/code", &waiting, &[("code", &used)]).await;
    assert_eq!(
        replayed.status(),
        StatusCode::UNAUTHORIZED,
        "the code that set the key up is used"
    );
    let code = server.next_code("administrator").await;
    let taken = server.post_form("/sign-in/code", &waiting, &[("code", &code)]).await;
    assert_eq!(location(&taken), "/schools");
    let signed_in = User {
        cookie: session_cookie(&taken).expect("a new session"),
        csrf: String::new(),
    };
    assert_ne!(signed_in.cookie, waiting.cookie, "the session is rotated at the code");
    assert_eq!(server.get("/audit", Some(&signed_in)).await.status(), StatusCode::OK);

    let (response, _) = server.try_sign_in("administrator", PASSWORD).await;
    let waiting = User {
        cookie: session_cookie(&response).expect("a waiting session"),
        csrf: String::new(),
    };
    let (_, form) = server.text("/sign-in/code", &waiting).await;
    let waiting = User {
        csrf: csrf_token(&form),
        ..waiting
    };
    // The replayed code's failure was forgotten at the right code; five more lock.
    for _ in 0..5 {
        let refused = server.post_form("/sign-in/code", &waiting, &[("code", "123456")]).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let code = server.next_code("administrator").await;
    let locked = server.post_form("/sign-in/code", &waiting, &[("code", &code)]).await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code waits"
    );
    let (response, _) = server.try_sign_in("administrator", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "and the password");
}

/// Changing a password checks the current one, refuses a common or mistyped new one, ends every
/// session of the account (one stolen before is worthless after) and starts a new one; then
/// only the new password signs in.
#[tokio::test]
async fn changing_a_password_refuses_common_ones_and_ends_every_other_session() {
    let directory = tempfile::tempdir().expect("directory");
    let (database, _store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let elsewhere = server.sign_in("headteacher").await;
    let user = server.sign_in("headteacher").await;
    let (status, page) = server.text("/account", &user).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Change your password"));
    let new_password = "ledger otter quilt harbour";
    for (current, new, confirm, error) in [
        (
            "not-it",
            new_password,
            new_password,
            "Enter your current password correctly",
        ),
        (PASSWORD, "password123", "password123", "harder to guess"),
        (PASSWORD, "headteacher1", "headteacher1", "harder to guess"),
        (PASSWORD, "short", "short", "at least 8 characters"),
        (
            PASSWORD,
            new_password,
            "ledger otter quilt",
            "Enter the same new password twice",
        ),
    ] {
        let refused = server
            .post_form(
                "/account/password",
                &user,
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{new}");
        let body = refused.text().await.expect("body");
        assert!(
            body.contains(error) && body.contains("govuk-error-summary"),
            "{new}: {error}"
        );
        assert!(
            !body.contains(new_password),
            "a password is never written back into the page"
        );
    }
    let changed = server
        .post_form(
            "/account/password",
            &user,
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/account?done=password");
    let renewed = User {
        cookie: session_cookie(&changed).expect("a new session"),
        csrf: String::new(),
    };
    for old in [&user, &elsewhere] {
        assert_eq!(
            location(&server.get("/schools", Some(old)).await),
            "/sign-in",
            "every old session ends"
        );
    }
    let (status, page) = server.text("/account?done=password", &renewed).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your password has been changed"));
    let (old_password, _) = server.try_sign_in("headteacher", PASSWORD).await;
    assert_eq!(old_password.status(), StatusCode::UNAUTHORIZED);
    let (new_one, _) = server.try_sign_in("headteacher", new_password).await;
    assert_eq!(location(&new_one), "/schools");
    accounts_are_added_and_authenticators_reset_from_the_command_line(&server, &database).await;
}

fn stride_account(arguments: &[&str], password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stride"))
        .arg("account")
        .args(arguments)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("stride runs");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{password}").expect("writes the password");
    drop(stdin);
    child.wait_with_output().expect("stride finishes")
}

async fn accounts_are_added_and_authenticators_reset_from_the_command_line(server: &Server, db: &str) {
    let school = fixture().authority.dataset.establishments[0].urn.to_string();
    let add = [
        "add",
        "--db",
        db,
        "--username",
        "priya.shah",
        "--name",
        "Priya Shah",
        "--role",
        "adviser",
    ];
    let without_schools = stride_account(&add, "ledger otter quilt harbour");
    assert!(!without_schools.status.success());
    assert!(String::from_utf8_lossy(&without_schools.stderr).contains("--school"));
    let with_school = [&add[..], &["--school", &school]].concat();
    let common = stride_account(&with_school, "iloveyou1");
    assert!(!common.status.success());
    assert!(String::from_utf8_lossy(&common.stderr).contains("the password is refused"));
    let added = stride_account(&with_school, "marble pylon cider walrus");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let again = stride_account(&with_school, "marble pylon cider walrus");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already an account priya.shah"));

    let (response, _) = server.try_sign_in("priya.shah", "marble pylon cider walrus").await;
    assert_eq!(location(&response), "/schools", "the new adviser signs in");
    let cookie = session_cookie(&response).expect("signed in");
    let list = server
        .get(
            "/schools.csv",
            Some(&User {
                cookie: cookie.clone(),
                csrf: String::new(),
            }),
        )
        .await;
    let (_, rows) = csv_records(&list.bytes().await.expect("csv"));
    assert_eq!(rows.len(), 1, "and sees the one school assigned");
    server.set_up_authenticator(&cookie).await;
    let (response, _) = server.try_sign_in("priya.shah", "marble pylon cider walrus").await;
    assert_eq!(location(&response), "/sign-in/code");

    let reset = stride_account(&["reset-authenticator", "--db", db, "--username", "priya.shah"], "");
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    let old = User {
        cookie,
        csrf: String::new(),
    };
    assert_eq!(
        location(&server.get("/schools", Some(&old)).await),
        "/sign-in",
        "its sessions end"
    );
    let (response, _) = server.try_sign_in("priya.shah", "marble pylon cider walrus").await;
    assert_eq!(location(&response), "/schools", "the password alone again");
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let server = server().await;
    let response = server.get("/sign-in", None).await;
    let headers = response.headers();
    let csp = headers
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(
        headers
            .get("x-content-type-options")
            .and_then(|value| value.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        headers.get("cache-control").and_then(|value| value.to_str().ok()),
        Some("no-store")
    );
    let css = server
        .get("/assets/govuk-frontend.min.css", None)
        .await
        .text()
        .await
        .expect("css");
    assert!(css.contains(".govuk-table") && !css.contains("GDS Transport"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "served over plain HTTP, HSTS would be wrong"
    );
    let behind_https = server_with(
        &fixture().database,
        stride_web::Config {
            secure_cookies: true,
            ..stride_web::Config::default()
        },
    )
    .await;
    let response = behind_https.get("/sign-in", None).await;
    assert_eq!(
        response
            .headers()
            .get("strict-transport-security")
            .and_then(|value| value.to_str().ok()),
        Some("max-age=31536000")
    );
}

#[tokio::test]
async fn the_list_shows_every_school_and_filters_search_and_sort_it() {
    let server = server().await;
    let user = server.sign_in("data.manager").await;
    let dataset = &fixture().authority.dataset;
    let (status, html) = server.text("/schools", &user).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed_urns(&html).len(), dataset.establishments.len());
    assert!(html.contains(&format!(
        "Showing <strong>{0}</strong> of {0}",
        dataset.establishments.len()
    )));

    let secondary: Vec<u32> = dataset
        .establishments
        .iter()
        .filter(|e| e.phase == Phase::Secondary)
        .map(|e| e.urn.get())
        .collect();
    let (_, filtered) = server.text("/schools?phase=secondary", &user).await;
    let mut listed = listed_urns(&filtered);
    listed.sort_unstable();
    let mut expected = secondary.clone();
    expected.sort_unstable();
    assert_eq!(listed, expected);

    let locality = &dataset.localities[2].name;
    let (_, by_locality) = server
        .text(
            &format!("/schools?phase=primary&locality={}", locality.replace(' ', "+")),
            &user,
        )
        .await;
    let expected_count = dataset
        .establishments
        .iter()
        .filter(|e| e.phase == Phase::Primary && e.locality.as_ref().is_some_and(|l| &l.name == locality))
        .count();
    assert_eq!(listed_urns(&by_locality).len(), expected_count);

    let target = &dataset.establishments[40];
    let (_, searched) = server.text(&format!("/schools?q={}", target.urn), &user).await;
    assert_eq!(listed_urns(&searched), vec![target.urn.get()]);

    let (_, sorted) = server.text("/schools?sort=roll&order=descending", &user).await;
    assert!(sorted.contains("aria-sort=\"descending\""));
    let rolls: HashMap<u32, f64> = dataset
        .school_figures
        .iter()
        .filter(|f| {
            f.measure == stride_core::Measure::PupilsOnRoll
                && f.group == stride_core::PupilGroup::All
                && f.year.start_year() == 2025
        })
        .filter_map(|f| f.figure.value().map(|value| (f.urn.get(), value)))
        .collect();
    let order: Vec<f64> = listed_urns(&sorted).iter().map(|urn| rolls[urn]).collect();
    assert!(
        order.windows(2).all(|pair| pair[0] >= pair[1]),
        "rolls are in descending order"
    );
}

#[tokio::test]
async fn the_csv_and_xlsx_downloads_carry_the_filters_and_the_same_figures() {
    let server = server().await;
    let user = server.sign_in("data.manager").await;
    let query = "phase=secondary&sort=progress-8&order=descending";
    let response = server.get(&format!("/schools.csv?{query}"), Some(&user)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .contains("schools.csv")
    );
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let secondary = fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .filter(|e| e.phase == Phase::Secondary)
        .count();
    assert_eq!(rows.len(), secondary);
    let phase = column(&headers, "Phase");
    assert!(rows.iter().all(|row| row[phase] == "Secondary"));
    let progress = column(&headers, "Progress 8");
    let values: Vec<f64> = rows.iter().filter_map(|row| row[progress].parse().ok()).collect();
    assert!(values.len() > secondary / 2);
    assert!(
        values.windows(2).all(|pair| pair[0] >= pair[1]),
        "sorted by Progress 8, highest first"
    );

    // The Progress 8 shown is the school's published figure for the latest year it was published.
    let urn_column = column(&headers, "URN");
    let latest_progress: HashMap<u32, f64> = fixture()
        .authority
        .dataset
        .school_figures
        .iter()
        .filter(|f| {
            f.measure == stride_core::Measure::Ks4Progress8
                && f.group == stride_core::PupilGroup::All
                && f.year.start_year() == 2023
        })
        .filter_map(|f| f.figure.value().map(|value| (f.urn.get(), value)))
        .collect();
    for row in &rows {
        let urn: u32 = row[urn_column].parse().expect("URN");
        if let Ok(shown) = row[progress].parse::<f64>() {
            assert!(
                (shown - latest_progress[&urn]).abs() < 1e-9,
                "{urn}: {shown} against {}",
                latest_progress[&urn]
            );
        }
    }

    let workbook_bytes = server
        .get(&format!("/schools.xlsx?{query}"), Some(&user))
        .await
        .bytes()
        .await
        .expect("body");
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(workbook_bytes.to_vec())).expect("a workbook");
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).expect("a sheet");
    assert_eq!(range.height(), rows.len() + 1);
    for (index, row) in rows.iter().enumerate() {
        let urn: f64 = row[urn_column].parse().expect("URN");
        assert_eq!(range.get((index + 1, urn_column)), Some(&Data::Float(urn)));
        match (range.get((index + 1, progress)), row[progress].parse::<f64>()) {
            (Some(Data::Float(in_workbook)), Ok(in_csv)) => assert!((in_workbook - in_csv).abs() < 1e-9),
            (Some(Data::Empty) | None, Err(_)) => {}
            (Some(Data::String(mark)), Err(_)) => assert_eq!(mark, &row[progress]),
            other => panic!("row {index}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_school_page_shows_its_record_and_every_figure_equals_its_source() {
    let server = server().await;
    let user = server.sign_in("improvement.manager").await;
    let dataset = &fixture().authority.dataset;
    let school = dataset
        .establishments
        .iter()
        .find(|e| e.phase == Phase::Secondary)
        .expect("a secondary school");
    let (status, html) = server.text(&format!("/schools/{}", school.urn), &user).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&school.name.replace('\'', "&#39;")));
    for leader in &school.leaders {
        assert!(html.contains(&leader.name), "{} is named", leader.name);
    }
    let inspections = dataset
        .inspections
        .iter()
        .filter(|inspection| inspection.urn == school.urn)
        .count();
    assert!(inspections > 0);
    assert_eq!(
        html.matches("<td class=\"govuk-table__cell stride-nowrap\">").count() / 2,
        inspections,
        "every inspection is listed"
    );
    assert!(
        html.contains("<svg class=\"stride-chart\""),
        "the headline measures are charted"
    );
    assert!(html.contains("Statistical neighbours"));
    // The page explains each missing-figure mark it shows, and only those: Progress 8 was not
    // published for 2019/20 and 2020/21, and is marked so.
    let shown_not_published = dataset.school_figures.iter().any(|figure| {
        figure.urn == school.urn && figure.figure == Figure::Missing(stride_core::MissingReason::NotPublished)
    });
    assert!(shown_not_published);
    assert!(
        html.contains(
            "<dt class=\"stride-inline\">NP</dt> <dd class=\"stride-inline\">Not published for this year.</dd>"
        )
    );
    assert!(
        !html.contains("Greater than zero, but rounds to zero"),
        "a reason not shown is not explained"
    );

    let response = server
        .get(&format!("/schools/{}/figures.csv", school.urn), Some(&user))
        .await;
    let (headers, rows) = csv_records(&response.bytes().await.expect("body"));
    let source: HashMap<(String, String, String), &stride_core::SchoolFigure> = dataset
        .school_figures
        .iter()
        .filter(|f| f.urn == school.urn)
        .map(|f| {
            (
                (
                    f.measure.label().to_owned(),
                    f.group.label().to_owned(),
                    f.year.to_string(),
                ),
                f,
            )
        })
        .collect();
    let (measure, group, year, shown, cohort) = (
        column(&headers, "Measure"),
        column(&headers, "Pupil group"),
        column(&headers, "Academic year"),
        column(&headers, "School"),
        column(&headers, "Cohort"),
    );
    let mut compared = 0;
    for row in &rows {
        let key = (row[measure].clone(), row[group].clone(), row[year].clone());
        let Some(figure) = source.get(&key) else { continue };
        match figure.figure {
            Figure::Value(value) => assert!(
                (row[shown].parse::<f64>().expect("a number") - value).abs() < 1e-9,
                "{key:?}"
            ),
            Figure::Missing(reason) => assert_eq!(row[shown], reason.mark(), "{key:?}"),
        }
        assert_eq!(
            row[cohort],
            figure.cohort.map_or(String::new(), |c| c.to_string()),
            "{key:?}"
        );
        compared += 1;
    }
    assert_eq!(
        compared,
        source.len(),
        "every figure held for the school is in the download"
    );

    let (_, disadvantaged) = server
        .text(&format!("/schools/{}?group=disadvantaged", school.urn), &user)
        .await;
    assert!(disadvantaged.contains("<option value=\"disadvantaged\" selected>"));
}

#[tokio::test]
async fn an_adviser_sees_only_their_schools_and_a_headteacher_only_theirs() {
    let server = server().await;
    let accounts = &fixture().authority.accounts;
    let assigned: Vec<Urn> = accounts
        .iter()
        .find(|a| a.username == "adviser.north")
        .expect("adviser")
        .schools
        .clone();
    let others: Vec<Urn> = accounts
        .iter()
        .find(|a| a.username == "adviser.south")
        .expect("adviser")
        .schools
        .clone();
    let adviser = server.sign_in("adviser.north").await;

    let (_, html) = server.text("/schools", &adviser).await;
    let mut listed = listed_urns(&html);
    listed.sort_unstable();
    let mut expected: Vec<u32> = assigned.iter().map(|urn| urn.get()).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);

    let outsider = others[0];
    let name = &fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .find(|e| e.urn == outsider)
        .expect("school")
        .name;
    for path in [
        format!("/schools/{outsider}"),
        format!("/schools/{outsider}/figures.csv"),
        format!("/schools/{outsider}/figures.xlsx"),
    ] {
        let (status, body) = server.text(&path, &adviser).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains(name.as_str()), "{path} does not disclose the school");
    }
    let (_, csv) = server.text(&format!("/schools.csv?q={outsider}"), &adviser).await;
    assert_eq!(
        csv.lines().count(),
        1,
        "only the header: the search does not reach other schools"
    );
    assert_eq!(
        server.text(&format!("/schools/{}", assigned[0]), &adviser).await.0,
        StatusCode::OK
    );

    let head = server.sign_in("headteacher").await;
    let own = accounts
        .iter()
        .find(|a| a.username == "headteacher")
        .expect("head")
        .schools[0];
    let (_, list) = server.text("/schools", &head).await;
    assert_eq!(listed_urns(&list), vec![own.get()]);
    let not_theirs = assigned.iter().find(|urn| **urn != own).expect("another school");
    assert_eq!(
        server.text(&format!("/schools/{not_theirs}"), &head).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.text(&format!("/schools/{own}"), &head).await.0, StatusCode::OK);
}

#[tokio::test]
async fn an_address_that_is_not_a_school_is_not_found() {
    let server = server().await;
    let user = server.sign_in("data.manager").await;
    for path in ["/schools/999999", "/schools/12", "/schools/abcdef", "/no-such-page"] {
        let (status, body) = server.text(path, &user).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("Page not found"));
    }
}

#[tokio::test]
async fn the_list_keeps_to_the_deployments_own_la_and_shows_others_as_reference_data() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, store) = generated_database(&directory).await;
    let surrey = stride_ingest::SourceFile::read(&real_data("gias/2021_936_gias.csv")).expect("readable");
    let (file, content) = stride_ingest::read(&surrey, stride_ingest::Stated::default()).expect("reads");
    store.import(&file, &content, false).await.expect("imports");
    let surrey_open: Vec<Urn> = match &content {
        stride_core::import::ImportContent::Establishments(records) => records
            .iter()
            .filter(|record| record.status != stride_core::EstablishmentStatus::Closed)
            .map(|record| record.urn)
            .collect(),
        _ => panic!("an establishment extract"),
    };
    let own = fixture().authority.dataset.establishments.len();

    let server = server_on(&database).await;
    let user = server.sign_in("data.manager").await;
    let (_, html) = server.text("/schools", &user).await;
    assert_eq!(listed_urns(&html).len(), own, "the deployment's own schools");
    assert!(!html.contains("Reference: LA 936"));
    let (_, every) = server.text("/schools?area=all", &user).await;
    // Children's centres have URNs shorter than six digits, so the count is read, not the links.
    let every_count = own + surrey_open.len();
    assert!(
        every.contains(&format!("Showing <strong>{every_count}</strong> of {every_count}")),
        "every LA's schools held"
    );
    assert!(
        every.contains("Reference: LA 936"),
        "another LA's school is marked as reference data"
    );
    let (status, page) = server.text(&format!("/schools/{}", surrey_open[0]), &user).await;
    assert_eq!(status, StatusCode::OK, "a Surrey school's page");
    assert!(page.contains("Reference data: this school is in LA 936"), "{page}");
    let own_urn = fixture().authority.dataset.establishments[0].urn;
    let (_, own_page) = server.text(&format!("/schools/{own_urn}"), &user).await;
    assert!(!own_page.contains("Reference data"));
}

/// Uploads files through the imports form, follows the job's page until it is finished, and
/// returns its address and that page.
async fn upload(server: &Server, user: &User, files: &[(&str, Vec<u8>)], dry_run: bool) -> (String, String) {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", user.csrf.clone());
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    if dry_run {
        form = form.text("dry_run", "yes");
    }
    let response = server
        .client
        .post(format!("{}/imports", server.base))
        .header("Cookie", &user.cookie)
        .multipart(form)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the upload starts a job");
    let job = response.headers()[LOCATION].to_str().expect("a location").to_owned();
    assert!(job.starts_with("/imports/"));
    for _ in 0..600 {
        let (status, page) = server.text(&job, user).await;
        assert_eq!(status, StatusCode::OK);
        if !page.contains("data-stride-refresh") {
            return (job, page);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import finished within a minute");
}

#[tokio::test]
async fn a_data_manager_imports_files_on_the_upload_page_and_follows_their_progress() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;

    let headteacher = server.sign_in("headteacher").await;
    let (status, _) = server.text("/imports", &headteacher).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "imports are for data managers and administrators"
    );

    let user = server.sign_in("data.manager").await;
    let (status, page) = server.text("/imports", &user).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let ofsted = std::fs::read(real_data("ofsted/leeds_ofsted_data.csv")).expect("readable");

    let (_, dry) = upload(&server, &user, &[("leeds_ofsted_data.csv", ofsted.clone())], true).await;
    assert!(dry.contains("Dry run finished"), "{dry}");
    assert!(dry.contains("would have 304 added"), "{dry}");

    let (job, done) = upload(&server, &user, &[("leeds_ofsted_data.csv", ofsted.clone())], false).await;
    assert!(done.contains("Import finished"), "{done}");
    assert!(done.contains("has 304 added, 0 changed"), "{done}");
    let (_, list) = server.text("/imports", &user).await;
    assert!(list.contains("leeds_ofsted_data.csv"), "the import is listed");

    // A file with a bad row is refused whole, with its place, and nothing of the batch is written.
    let text = String::from_utf8(ofsted).expect("utf-8");
    let bad = text.replacen(",2,1,1,2,", ",Gd,1,1,2,", 1);
    assert_ne!(bad, text, "the grade was changed");
    let (_, refused) = upload(
        &server,
        &user,
        &[
            (
                "la_code_list.csv",
                std::fs::read(real_data("la_level/lait/la_code_list.csv")).expect("readable"),
            ),
            ("leeds-bad.csv", bad.into_bytes()),
        ],
        false,
    )
    .await;
    assert!(refused.contains("Nothing was imported"), "{refused}");
    assert!(
        refused.contains("leeds-bad.csv: refused, nothing was imported"),
        "{refused}"
    );
    assert!(
        refused.contains("is not a grade from 1 (outstanding) to 4"),
        "{refused}"
    );
    assert!(
        refused.contains("Read, not written"),
        "the good file of the batch is not written either"
    );
    assert_eq!(
        store.imports(100).await.expect("reads").len(),
        1,
        "only the first upload is recorded"
    );

    // Someone else's job is not theirs to see.
    let other = server.sign_in("administrator").await;
    let (status, _) = server.text(&job, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The URNs a categorisation page links to, in order.
fn categorised_urns(html: &str) -> Vec<u32> {
    html.split("href=\"/categorisation/")
        .skip(1)
        .filter_map(|rest| rest.split('?').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_categorisation_page_shows_each_schools_level_and_its_reasons_to_those_it_is_for() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let (status, page) = server.text("/categorisation?rules=oxfordshire-2013", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Oxfordshire School Improvement Framework 2013"));
    let urns = categorised_urns(&page);
    let categorised = fixture()
        .authority
        .dataset
        .establishments
        .iter()
        .filter(|school| school.phase != Phase::NotApplicable && school.closed_on.is_none())
        .count();
    assert_eq!(urns.len(), categorised);

    // The page, the CSV and the CLI's categorisation agree school by school.
    let (_, csv) = server
        .text("/categorisation.csv?rules=oxfordshire-2013", &manager)
        .await;
    let (headers, records) = csv_records(csv.as_bytes());
    let (urn_column, level_column) = (column(&headers, "URN"), column(&headers, "Level"));
    let listed: Vec<u32> = records
        .iter()
        .map(|record| record[urn_column].parse().expect("a URN"))
        .collect();
    assert_eq!(listed, urns);
    let high = records
        .iter()
        .find(|record| record[level_column] == "High level support")
        .expect("a school at the highest level");
    let (status, reasons) = server
        .text(
            &format!("/categorisation/{}?rules=oxfordshire-2013", high[urn_column]),
            &manager,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(reasons.contains("High level support"));
    assert!(reasons.contains("Flagged for the register"));
    let title = reasons
        .split("<title>")
        .nth(1)
        .and_then(|rest| rest.split("</title>").next())
        .expect("a title");
    assert!(title.ends_with(": categorisation – Stride"), "{title}");
    assert!(
        reasons.contains("govuk-tag--red\">Concern</strong>"),
        "at least one indicator fired"
    );
    assert!(
        reasons.contains(&format!("Source: Synthetic (seed {SEED}): ")),
        "a finding names the publication of its figures"
    );

    let high_urns: Vec<u32> = records
        .iter()
        .filter(|record| record[level_column] == "High level support")
        .map(|record| record[urn_column].parse().expect("a URN"))
        .collect();
    let (_, filtered) = server
        .text(
            "/categorisation?rules=oxfordshire-2013&level=high-level-support",
            &manager,
        )
        .await;
    assert_eq!(categorised_urns(&filtered), high_urns);

    let link = format!("href=\"/categorisation/{}\"", urns[0]);
    assert!(
        server
            .text(&format!("/schools/{}", urns[0]), &manager)
            .await
            .1
            .contains(&link)
    );

    // An elected member reads categorisation in reports, not school by school.
    let member = server.sign_in("elected.member").await;
    assert!(
        !server
            .text(&format!("/schools/{}", urns[0]), &member)
            .await
            .1
            .contains(&link)
    );
    assert_eq!(server.text("/categorisation", &member).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        server.text("/categorisation.csv", &member).await.0,
        StatusCode::FORBIDDEN
    );

    // An adviser sees only their schools; another's is not found.
    let adviser = server.sign_in("adviser.north").await;
    let accounts = &fixture().authority.accounts;
    let assigned: Vec<u32> = accounts
        .iter()
        .find(|account| account.username == "adviser.north")
        .expect("adviser")
        .schools
        .iter()
        .map(|urn| urn.get())
        .collect();
    let (_, page) = server.text("/categorisation", &adviser).await;
    let mut theirs = categorised_urns(&page);
    theirs.sort_unstable();
    let mut expected: Vec<u32> = assigned.iter().copied().filter(|urn| urns.contains(urn)).collect();
    expected.sort_unstable();
    assert_eq!(theirs, expected);
    let outsider = urns.iter().find(|urn| !assigned.contains(urn)).expect("another school");
    assert_eq!(
        server.text(&format!("/categorisation/{outsider}"), &adviser).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.text("/categorisation?rules=no-such-rules", &manager).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_improvement_manager_sets_a_level_by_judgement_records_a_self_nomination_and_keeps_runs() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, _) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let manager = server.sign_in("improvement.manager").await;
    let (_, csv) = server.text("/categorisation.csv?rules=national-2025", &manager).await;
    let (headers, records) = csv_records(csv.as_bytes());
    let (urn_column, level_column) = (column(&headers, "URN"), column(&headers, "Level"));
    let high = records
        .iter()
        .find(|record| record[level_column] == "High-level support")
        .expect("a school at the highest level")[urn_column]
        .clone();
    let light = records
        .iter()
        .find(|record| record[level_column] == "Light touch")
        .expect("a light-touch school")[urn_column]
        .clone();

    // The first run is kept before anything changes.
    let kept = server
        .post_form("/categorisation/runs", &manager, &[("rules", "national-2025")])
        .await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);

    // A reason is required; an adviser may not set a level.
    let path = format!("/categorisation/{high}/level");
    let blank = server
        .post_form(
            &path,
            &manager,
            &[("rules", "national-2025"), ("level", "light-touch"), ("reason", " ")],
        )
        .await;
    assert_eq!(blank.status(), StatusCode::BAD_REQUEST);
    let adviser = server.sign_in("adviser.north").await;
    let refused = server
        .post_form(
            &path,
            &adviser,
            &[("rules", "national-2025"), ("level", "light-touch"), ("reason", "x")],
        )
        .await;
    assert!(matches!(
        refused.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    let reason = "New headteacher in post; monitoring shows rapid improvement";
    let set = server
        .post_form(
            &path,
            &manager,
            &[
                ("rules", "national-2025"),
                ("level", "additional-support"),
                ("reason", reason),
            ],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let (_, page) = server
        .text(&format!("/categorisation/{high}?rules=national-2025"), &manager)
        .await;
    assert!(page.contains("Additional support"));
    assert!(page.contains(reason), "the reason is shown");
    assert!(
        page.contains("High-level support"),
        "the computed level is kept beside it"
    );

    // A self-nomination puts a school on the register.
    let nominated = server
        .post_form(
            &format!("/categorisation/{light}/self-nomination"),
            &manager,
            &[
                ("rules", "national-2025"),
                ("note", "The governing body asks for support"),
            ],
        )
        .await;
    assert_eq!(nominated.status(), StatusCode::SEE_OTHER);
    let (_, page) = server
        .text(&format!("/categorisation/{light}?rules=national-2025"), &manager)
        .await;
    assert!(page.contains("Flagged for the register"), "{light}");
    let (_, csv) = server.text("/categorisation.csv?rules=national-2025", &manager).await;
    let (headers, records) = csv_records(csv.as_bytes());
    let row = |urn: &str| {
        records
            .iter()
            .find(|record| record[column(&headers, "URN")] == urn)
            .expect("listed")
            .clone()
    };
    assert_eq!(row(&high)[column(&headers, "Level")], "Additional support");
    assert_eq!(row(&high)[column(&headers, "Computed level")], "High-level support");
    assert!(row(&high)[column(&headers, "Level set by judgement")].contains(reason));
    assert_eq!(row(&light)[column(&headers, "Schools Causing Concern register")], "Yes");

    // Against the run kept first: the school set lower by judgement is down from where it stood.
    let (_, list) = server
        .text("/categorisation?rules=national-2025&level=additional-support", &manager)
        .await;
    assert!(list.contains(&format!("href=\"/categorisation/{high}?rules=national-2025\"")));
    assert!(list.contains("Down from High-level support"), "{list}");
    assert!(
        !list.contains(&format!("href=\"/categorisation/{light}?rules=national-2025\""))
            || list.contains("Up from Light touch")
    );

    // The second run kept: the history counts the moves, the self-nominated school among them
    // only if its level changed.
    server
        .post_form("/categorisation/runs", &manager, &[("rules", "national-2025")])
        .await;
    let (status, history) = server
        .text("/categorisation/history?rules=national-2025", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(history.contains("Movement between levels"), "{history}");
    assert_eq!(
        history
            .matches("<th scope=\"row\" class=\"govuk-table__header\">1</th>")
            .count(),
        1
    );
    assert!(
        history.contains(&format!("href=\"/categorisation/{high}?rules=national-2025\"")),
        "the school set to another level by judgement is listed among those that moved"
    );
    let (status, rules) = server.text("/categorisation/rules/national-2025", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rules.contains("ks2-bottom-quartile"));
    assert!(rules.contains("[[indicator]]"), "the rule set as written");
}

#[tokio::test]
async fn what_if_shows_which_schools_an_edited_rule_set_would_move_and_keeps_nothing() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let (status, form) = server
        .text("/categorisation/what-if?rules=national-2025", &manager)
        .await;
    assert_eq!(status, StatusCode::OK);
    let shipped = stride_core::categorisation::SHIPPED
        .iter()
        .find(|(name, _)| *name == "national-2025")
        .expect("shipped")
        .1;
    assert!(form.contains("name = &#34;national-2025&#34;") || form.contains("name = &quot;national-2025&quot;"));
    // Only a category of concern or two successive RIs now bring high-level support.
    let edited = shipped.replace("when = { at_least = 5, any_of", "when = { at_least = 99, any_of");
    assert_ne!(edited, shipped);
    let response = server
        .post_form(
            "/categorisation/what-if",
            &manager,
            &[("rules", "national-2025"), ("text", &edited)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("body");
    assert!(page.contains("Schools that would change level"), "{page}");
    let moved = page
        .matches("<td class=\"govuk-table__cell\">High-level support</td>")
        .count();
    assert!(moved > 0, "schools leave high-level support");
    assert!(!page.contains("There is a problem"));

    let broken = server
        .post_form(
            "/categorisation/what-if",
            &manager,
            &[
                ("rules", "national-2025"),
                (
                    "text",
                    &shipped.replace("measure = \"ks2-rwm-expected\"", "measure = \"ks2\""),
                ),
            ],
        )
        .await;
    let page = broken.text().await.expect("body");
    assert!(page.contains("There is a problem"));
    assert!(
        page.contains("measure: &#39;ks2&#39;") || page.contains("measure: &#x27;ks2&#x27;"),
        "{page}"
    );

    let adviser = server.sign_in("adviser.north").await;
    assert_eq!(
        server.text("/categorisation/what-if", &adviser).await.0,
        StatusCode::FORBIDDEN
    );
}

/// The position of each of a CSV's schools' level in the national rule set, least support first.
fn level_positions(csv: &str) -> Vec<usize> {
    let (headers, records) = csv_records(csv.as_bytes());
    let level = column(&headers, "Level");
    let order = ["Light touch", "Additional support", "High-level support"];
    records
        .iter()
        .map(|record| order.iter().position(|name| *name == record[level]).expect("a level"))
        .collect()
}

#[tokio::test]
async fn the_categorisation_list_sorts_by_any_column_filters_the_register_and_downloads_what_it_shows() {
    let server = server().await;
    let manager = server.sign_in("improvement.manager").await;
    let query = "rules=national-2025&sort=level&order=descending";
    let (status, page) = server.text(&format!("/categorisation?{query}"), &manager).await;
    assert_eq!(status, StatusCode::OK);
    // The sorted heading says so, and its link reverses the order.
    let sorted = page
        .split("aria-sort=\"descending\">")
        .nth(1)
        .and_then(|rest| rest.split("</th>").next())
        .expect("a heading sorted descending");
    assert!(
        sorted.contains("sort=level") && sorted.contains("order=ascending") && sorted.contains(">Level</a>"),
        "{sorted}"
    );
    let (_, csv) = server.text(&format!("/categorisation.csv?{query}"), &manager).await;
    let positions = level_positions(&csv);
    assert!(
        positions.windows(2).all(|pair| pair[0] >= pair[1]),
        "most support first"
    );
    assert!(positions.first() > positions.last());
    // The download holds the page's schools in the page's order.
    let (headers, records) = csv_records(csv.as_bytes());
    let urns: Vec<u32> = records
        .iter()
        .map(|record| record[column(&headers, "URN")].parse().expect("a URN"))
        .collect();
    assert_eq!(categorised_urns(&page), urns);

    let (_, by_days) = server
        .text(
            "/categorisation.csv?rules=national-2025&sort=adviser-days&order=ascending",
            &manager,
        )
        .await;
    let (headers, records) = csv_records(by_days.as_bytes());
    let days: Vec<f64> = records
        .iter()
        .map(|record| record[column(&headers, "Adviser days a year")].parse().expect("days"))
        .collect();
    assert!(days.windows(2).all(|pair| pair[0] <= pair[1]));

    let (_, everyone) = server.text("/categorisation.csv?rules=national-2025", &manager).await;
    let (headers, records) = csv_records(everyone.as_bytes());
    let register = column(&headers, "Schools Causing Concern register");
    let flagged = records.iter().filter(|record| record[register] == "Yes").count();
    assert!(flagged > 0 && flagged < records.len());
    let (_, on_register) = server
        .text("/categorisation.csv?rules=national-2025&register=on", &manager)
        .await;
    let (_, records) = csv_records(on_register.as_bytes());
    assert_eq!(records.len(), flagged);
    assert!(records.iter().all(|record| record[register] == "Yes"));
}

#[tokio::test]
async fn an_improvement_manager_keeps_the_las_own_rule_set_and_categorises_by_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, _) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let manager = server.sign_in("improvement.manager").await;
    let shipped = stride_core::categorisation::shipped("national-2025")
        .expect("shipped")
        .expect("checked")
        .1;
    // Wealdshire's own: high-level support only for a category of concern or two RIs.
    let own = shipped
        .replacen("name = \"national-2025\"", "name = \"wealdshire-2026\"", 1)
        .replace("when = { at_least = 5, any_of", "when = { at_least = 99, any_of");
    let keep = |text: String| {
        let server = &server;
        let manager = &manager;
        async move {
            server
                .post_form(
                    "/categorisation/rule-sets",
                    manager,
                    &[("rules", "national-2025"), ("text", &text)],
                )
                .await
        }
    };
    let kept = keep(own.clone()).await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        kept.headers().get("location").and_then(|value| value.to_str().ok()),
        Some("/categorisation/rules/wealdshire-2026")
    );
    let (status, page) = server.text("/categorisation/rules/wealdshire-2026", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("The LA's own rule set. Kept by"), "{page}");
    assert!(page.contains("at least 99 concerns"));

    // It is chosen like a shipped one, and judges as it says.
    let (_, list) = server.text("/categorisation", &manager).await;
    assert!(list.contains("<option value=\"wealdshire-2026\">wealdshire-2026</option>"));
    let (status, csv) = server.text("/categorisation.csv?rules=wealdshire-2026", &manager).await;
    assert_eq!(status, StatusCode::OK);
    let (_, national) = server.text("/categorisation.csv?rules=national-2025", &manager).await;
    let high = |csv: &str| level_positions(csv).iter().filter(|position| **position == 2).count();
    assert!(
        high(&csv) < high(&national),
        "{} against {}",
        high(&csv),
        high(&national)
    );

    // The same version with other rules is refused, the text kept on the page; so is a
    // shipped rule set's name; a new version is kept beside the first.
    let changed = own.replace("at_least = 99", "at_least = 98");
    let refused = keep(changed.clone()).await;
    assert_eq!(refused.status(), StatusCode::OK);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("There is a problem") && page.contains("new `version`"),
        "{page}"
    );
    assert!(page.contains("at_least = 98"));
    let refused = keep(shipped.replace("at_least = 5", "at_least = 6")).await;
    let page = refused.text().await.expect("body");
    assert!(page.contains("a rule set Stride ships"), "{page}");
    let second = changed.replacen("version = \"2025.1\"", "version = \"2026.2\"", 1);
    assert_eq!(keep(second).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = server.text("/categorisation/rules/wealdshire-2026", &manager).await;
    assert!(page.contains("at least 98 concerns") && page.contains(">2026.2</th>") && page.contains(">2025.1</th>"));

    // Only those who decide categorisation keep rule sets.
    let adviser = server.sign_in("adviser.north").await;
    let response = server
        .post_form(
            "/categorisation/rule-sets",
            &adviser,
            &[("rules", "national-2025"), ("text", &own)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_categorisation_page_keeps_imported_evidence_only_until_the_next_import() {
    use stride_core::inspection::{CategoryOfConcern, Framework, InspectionFields, InspectionKind};
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let manager = server.sign_in("improvement.manager").await;
    let level_of = |csv: &str, urn: &str| {
        let (headers, records) = csv_records(csv.as_bytes());
        let (urn_column, level) = (column(&headers, "URN"), column(&headers, "Level"));
        records
            .iter()
            .find(|record| record[urn_column] == urn)
            .map(|record| record[level].clone())
            .expect("the school")
    };
    let before = server.text("/categorisation.csv?rules=national-2025", &manager).await.1;
    let (headers, records) = csv_records(before.as_bytes());
    let light = records
        .iter()
        .find(|record| record[column(&headers, "Level")] == "Light touch")
        .expect("a light-touch school")[column(&headers, "URN")]
    .clone();
    assert_eq!(
        level_of(
            &server.text("/categorisation.csv?rules=national-2025", &manager).await.1,
            &light
        ),
        "Light touch",
        "served again as kept"
    );

    // Ofsted places the school in special measures; the next import, made from another
    // process as the command line makes it, is read once the server's moment of keeping the
    // figures version has passed.
    let published = chrono::Utc::now().date_naive();
    let inspection = stride_core::Inspection::new(InspectionFields {
        urn: light.parse().expect("a URN"),
        framework: Framework::ReportCard2025,
        kind: InspectionKind::Graded,
        started_on: published - chrono::Days::new(14),
        published_on: published,
        judgements: Vec::new(),
        ungraded_outcome: None,
        category_of_concern: Some(CategoryOfConcern::SpecialMeasures),
    })
    .expect("an inspection");
    let file = stride_core::import::ImportedFile {
        name: "ofsted-latest.csv".to_owned(),
        sha256: "0".repeat(64),
        kind: stride_core::import::FileKind::OfstedInspections,
        rows: 1,
        year: None,
        release: None,
    };
    let content = stride_core::import::ImportContent::Inspections(vec![inspection]);
    store.import(&file, &content, false).await.expect("imports");
    tokio::time::sleep(IMPORTED_KEPT_FOR).await;
    assert_eq!(
        level_of(
            &server.text("/categorisation.csv?rules=national-2025", &manager).await.1,
            &light
        ),
        "High-level support"
    );
}

/// What is due as the core works it out from what the store holds, for the test to pick from.
async fn due_now(store: &dyn stride_store::Store) -> Vec<stride_core::intervention::Assigned> {
    let la = store.local_authority().await.expect("reads").map(|own| own.code);
    let evidence = store.intervention_evidence(la).await.expect("reads");
    let rules = stride_core::intervention::ClockRules::shipped().expect("shipped");
    stride_core::intervention::what_is_due(
        &rules,
        &evidence,
        &stride_core::calendar::Calendar::default(),
        intervention_day(),
    )
}

#[tokio::test]
async fn an_adviser_records_what_an_overdue_item_asks_for_and_it_leaves_overdue() {
    use stride_core::intervention::{ClockRules, DueState};
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let adviser = server.sign_in("adviser.north").await;
    let (status, page) = server.text("/my-work", &adviser).await;
    assert_eq!(status, StatusCode::OK);
    let due = due_now(store.as_ref()).await;
    let theirs: Vec<_> = due
        .iter()
        .filter(|assigned| assigned.advisers.iter().any(|adviser| adviser.name == "Helen Carter"))
        .filter(|assigned| assigned.item.state == DueState::Overdue)
        .collect();
    assert!(
        !theirs.is_empty(),
        "the synthetic authority has overdue work for the adviser"
    );
    assert!(
        page.contains(&format!(
            "<span class=\"govuk-heading-xl govuk-!-margin-bottom-0\">{}</span> overdue",
            theirs.len()
        )),
        "the count of overdue items"
    );
    let overdue = theirs[0];
    let urn = overdue.item.urn.expect("a school's");
    assert!(page.contains(&format!("href=\"/schools/{urn}/record\"")));
    // The download holds the page's list: the overdue and the due soon.
    let (_, csv) = server.text("/my-work.csv", &adviser).await;
    let (headers, records) = csv_records(csv.as_bytes());
    let state = column(&headers, "State");
    assert_eq!(
        records.iter().filter(|record| record[state] == "Overdue").count(),
        theirs.len()
    );

    let rules = ClockRules::shipped().expect("shipped");
    let kind = rules
        .clocks
        .iter()
        .find(|clock| clock.code == overdue.item.clock)
        .expect("its clock")
        .done_by;
    let path = format!("/schools/{urn}/record/activities");
    let mut fields = vec![
        ("kind", kind.code().to_owned()),
        ("held-on-day", "24".to_owned()),
        ("held-on-month", "11".to_owned()),
        ("held-on-year", "2026".to_owned()),
        ("attendees", "Headteacher".to_owned()),
        ("summary", "".to_owned()),
        (
            "actions",
            "Headteacher to share the reading data with governors".to_owned(),
        ),
        ("focus", "The achievement of pupils".to_owned()),
        ("grade-0", "3".to_owned()),
        ("risk-2", "yes".to_owned()),
    ];
    let form = |fields: &[(&'static str, String)]| {
        fields
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect::<Vec<_>>()
    };
    let as_pairs = |fields: &[(&'static str, String)]| form(fields);
    // Without a summary the form says so, and nothing is recorded.
    let pairs = as_pairs(&fields);
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let refused = server.post_form(&path, &adviser, &borrowed).await;
    assert_eq!(refused.status(), StatusCode::OK);
    let page = refused.text().await.expect("body");
    assert!(page.contains("There is a problem") && page.contains("Write what was done or decided"));
    fields[5].1 = "The first priority's actions reviewed with the headteacher".to_owned();
    let pairs = as_pairs(&fields);
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let saved = server.post_form(&path, &adviser, &borrowed).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let after = due_now(store.as_ref()).await;
    let same = after
        .iter()
        .find(|assigned| assigned.item.urn == Some(urn) && assigned.item.clock == overdue.item.clock)
        .expect("the clock");
    assert_ne!(same.item.state, DueState::Overdue, "{:?}", same.item);
    let (_, page) = server.text("/my-work", &adviser).await;
    assert!(page.contains(&format!(
        "<span class=\"govuk-heading-xl govuk-!-margin-bottom-0\">{}</span> overdue",
        theirs.len() - 1
    )));
    let (_, record) = server.text(&format!("/schools/{urn}/record"), &adviser).await;
    assert!(
        record.contains("The first priority&#39;s actions") || record.contains("The first priority&#x27;s actions")
    );
    assert!(
        record.contains("Headteacher to share the reading data with governors"),
        "the actions agreed"
    );
    if kind.is_visit() {
        assert!(
            record.contains("Overall effectiveness: 3") && record.contains("Budget deficit"),
            "the note of visit"
        );
    }
}

#[tokio::test]
async fn the_ladder_refuses_a_step_it_does_not_allow_and_a_stale_save_is_shown_the_other() {
    use stride_core::intervention::Stage;
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let manager = server.sign_in("improvement.manager").await;
    let cases = store.cases(None).await.expect("reads");
    // A maintained school's: for an academy the refusal is that the LA holds no such power.
    let maintained = |urn: Urn| {
        fixture()
            .authority
            .dataset
            .establishments
            .iter()
            .any(|school| school.urn == urn && school.governance == stride_core::Governance::Maintained)
    };
    let case = cases
        .iter()
        .find(|case| case.stage() == Stage::AdditionalSupport && maintained(case.urn))
        .expect("a maintained school's case at additional support");
    let path = format!("/schools/{}/record/steps", case.urn);
    let revision = case.revision.to_string();
    let step = |stage: &'static str, evidence: &'static str| {
        vec![
            ("revision", revision.clone()),
            ("stage", stage.to_owned()),
            ("evidence", evidence.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let server = &server;
        let manager = &manager;
        let path = path.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
            server.post_form(&path, manager, &borrowed).await
        }
    };
    let refused = post(step("warning-notice", "Governors have not acted")).await;
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("cannot move to &#39;Warning notice issued&#39;")
            || page.contains("cannot move to &#x27;Warning notice issued&#x27;"),
        "{page}"
    );
    let first = post(step(
        "high-level-support",
        "No improvement at the last two monitoring visits",
    ))
    .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    // A second person, whose page was opened at the same revision, is told, and their
    // evidence is kept on the form.
    let second = post(step("light-touch", "Improved beyond expectation")).await;
    assert_eq!(second.status(), StatusCode::OK);
    let page = second.text().await.expect("body");
    assert!(
        page.contains("Someone else changed this record since you opened it"),
        "{page}"
    );
    assert!(page.contains("Moved to high-level support"));
    assert!(page.contains(">Improved beyond expectation</textarea>"));
    let now = store.cases(None).await.expect("reads");
    let saved = now.iter().find(|held| held.id == case.id).expect("the case");
    assert_eq!(saved.stage(), Stage::HighLevelSupport);
    assert_eq!(saved.revision, case.revision + 1);

    let (status, register) = server.text("/register", &manager).await;
    assert_eq!(status, StatusCode::OK);
    let on_register = now
        .iter()
        .filter(|case| !matches!(case.stage(), Stage::LightTouch | Stage::Closed))
        .count();
    assert_eq!(register.matches("/record\">").count(), on_register);
}

#[tokio::test]
async fn the_cycles_pages_are_open_only_to_those_who_work_or_report_on_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let cases = store.cases(None).await.expect("reads");
    let headteacher = server.sign_in("headteacher").await;
    assert_eq!(server.text("/my-work", &headteacher).await.0, StatusCode::FORBIDDEN);
    assert_eq!(server.text("/register", &headteacher).await.0, StatusCode::FORBIDDEN);
    let member = server.sign_in("elected.member").await;
    assert_eq!(server.text("/register", &member).await.0, StatusCode::FORBIDDEN);
    let data_manager = server.sign_in("data.manager").await;
    assert_eq!(server.text("/register", &data_manager).await.0, StatusCode::OK);
    assert_eq!(server.text("/my-work", &data_manager).await.0, StatusCode::FORBIDDEN);
    let outside = fixture()
        .authority
        .accounts
        .iter()
        .find(|account| account.username == "adviser.south")
        .expect("the south adviser")
        .schools[0];
    let adviser = server.sign_in("adviser.north").await;
    assert_eq!(
        server.text(&format!("/schools/{outside}/record"), &adviser).await.0,
        StatusCode::NOT_FOUND,
        "another adviser's school is not found"
    );
    let own = cases
        .iter()
        .find(|case| {
            fixture()
                .authority
                .accounts
                .iter()
                .any(|account| account.username == "adviser.north" && account.schools.contains(&case.urn))
        })
        .expect("a case of the adviser's");
    let revision = own.revision.to_string();
    let response = server
        .post_form(
            &format!("/schools/{}/record/steps", own.urn),
            &adviser,
            &[
                ("revision", revision.as_str()),
                ("stage", "high-level-support"),
                ("evidence", "x"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "an adviser records; the manager decides steps"
    );
}

#[tokio::test]
async fn an_administrator_changes_a_clock_and_enters_the_terms_and_what_is_due_follows() {
    use stride_core::intervention::{DueState, SHIPPED_CLOCKS};
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let administrator = server.sign_in("administrator").await;
    let (status, page) = server.text("/cycle/clocks", &administrator).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Team Around the School meeting") && page.contains("6 weeks, again after each time"));
    let due_on = |items: &[stride_core::intervention::Assigned], clock: &str| -> Vec<(Urn, chrono::NaiveDate)> {
        items
            .iter()
            .filter(|assigned| assigned.item.clock == clock && assigned.item.state != DueState::Done)
            .filter_map(|assigned| Some((assigned.item.urn?, assigned.item.due_on)))
            .collect()
    };
    let in_force = |store: std::sync::Arc<dyn stride_store::Store>| async move {
        let (rules, _, calendar) = store.cycle().await.expect("reads");
        let la = store.local_authority().await.expect("reads").map(|own| own.code);
        let evidence = store.intervention_evidence(la).await.expect("reads");
        stride_core::intervention::what_is_due(&rules, &evidence, &calendar, intervention_day())
    };
    let before = due_on(&in_force(store.clone()).await, "team-around-the-school");
    assert!(!before.is_empty());

    // Every four weeks rather than six, under a new version; the same version is refused.
    let four_weekly = SHIPPED_CLOCKS
        .replacen("version = \"2025.1\"", "version = \"2026.1\"", 1)
        .replacen("stages = [\"additional-support\", \"high-level-support\", \"warning-notice\", \"dfe-alerted\", \"interim-executive-board\"]\nwithin_weeks = 6", "stages = [\"additional-support\", \"high-level-support\", \"warning-notice\", \"dfe-alerted\", \"interim-executive-board\"]\nwithin_weeks = 4", 1);
    assert_ne!(four_weekly, SHIPPED_CLOCKS);
    let unchanged = server
        .post_form("/cycle/clocks", &administrator, &[("text", SHIPPED_CLOCKS)])
        .await;
    assert!(
        unchanged
            .text()
            .await
            .expect("body")
            .contains("version 2025.1 is kept already")
    );
    let broken = server
        .post_form(
            "/cycle/clocks",
            &administrator,
            &[(
                "text",
                &four_weekly.replace("whose = \"adviser\"", "whose = \"governors\""),
            )],
        )
        .await;
    assert!(
        broken
            .text()
            .await
            .expect("body")
            .contains("whose: &#39;governors&#39; is not one of")
    );
    let kept = server
        .post_form("/cycle/clocks", &administrator, &[("text", &four_weekly)])
        .await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);
    let after = due_on(&in_force(store.clone()).await, "team-around-the-school");
    assert_eq!(after.len(), before.len());
    let six_weekly: HashMap<Urn, chrono::NaiveDate> = before.into_iter().collect();
    for (urn, four) in &after {
        let six = six_weekly[urn];
        assert!(*four < six, "{urn}: due {four} rather than {six}");
    }

    // The LA's autumn term ends on Wednesday 16 December 2026: each term's visit is due then.
    let date = |prefix: &str, day: u32, month: u32, year: i32| {
        [
            (format!("{prefix}-day"), day.to_string()),
            (format!("{prefix}-month"), month.to_string()),
            (format!("{prefix}-year"), year.to_string()),
        ]
    };
    let mut fields: Vec<(String, String)> = vec![("year".to_owned(), "2026".to_owned())];
    for (prefix, (day, month, year)) in [
        ("autumn-starts", (2, 9, 2026)),
        ("autumn-half-term-starts", (26, 10, 2026)),
        ("autumn-half-term-ends", (30, 10, 2026)),
        ("autumn-ends", (16, 12, 2026)),
        ("spring-starts", (5, 1, 2027)),
        ("spring-half-term-starts", (15, 2, 2027)),
        ("spring-half-term-ends", (19, 2, 2027)),
        ("spring-ends", (25, 3, 2027)),
        ("summer-starts", (12, 4, 2027)),
        ("summer-half-term-starts", (31, 5, 2027)),
        ("summer-half-term-ends", (4, 6, 2027)),
        ("summer-ends", (21, 7, 2027)),
    ] {
        fields.extend(date(prefix, day, month, year));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let manager = server.sign_in("improvement.manager").await;
    assert_eq!(
        server.post_form("/cycle/terms", &manager, &borrowed).await.status(),
        StatusCode::FORBIDDEN,
        "the administrator sets the terms"
    );
    let entered = server.post_form("/cycle/terms", &administrator, &borrowed).await;
    assert_eq!(entered.status(), StatusCode::SEE_OTHER);
    let termly = due_on(&in_force(store.clone()).await, "termly-monitoring");
    assert!(!termly.is_empty());
    assert!(
        termly
            .iter()
            .all(|(_, due)| *due == chrono::NaiveDate::from_ymd_opt(2026, 12, 16).expect("a date"))
    );
    let (_, page) = server.text("/cycle/terms?year=2026", &manager).await;
    assert!(page.contains("As the LA entered them.") && page.contains("16 December 2026"));
    // A term that ends before it starts is refused, naming it.
    let mut backwards = fields.clone();
    for (name, value) in &mut backwards {
        if name == "autumn-ends-month" {
            *value = "8".to_owned();
        }
    }
    let borrowed: Vec<(&str, &str)> = backwards
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let refused = server.post_form("/cycle/terms", &administrator, &borrowed).await;
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("There is a problem") && page.contains("Autumn term ends on 2026-08-16"),
        "{page}"
    );
}

#[tokio::test]
async fn an_advisers_due_dates_are_a_calendar_feed_that_a_new_link_replaces() {
    use stride_core::intervention::DueState;
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let adviser = server.sign_in("adviser.north").await;
    let address = |page: &str| {
        let start = page.find("/calendar/").expect("the feed's address");
        page[start..].split('<').next().expect("an address").to_owned()
    };
    let made = server.post_form("/my-work/calendar-feed", &adviser, &[]).await;
    assert_eq!(made.status(), StatusCode::OK);
    let first = address(&made.text().await.expect("body"));
    assert!(
        first.ends_with(".ics") && first.len() > "/calendar/.ics".len() + 60,
        "{first}"
    );
    // Fetched as a calendar fetches it: no session.
    let response = server
        .client
        .get(format!("{}{first}", server.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/calendar")
    );
    let calendar = response.text().await.expect("body");
    let theirs = due_now(store.as_ref())
        .await
        .into_iter()
        .filter(|assigned| assigned.advisers.iter().any(|adviser| adviser.name == "Helen Carter"))
        .filter(|assigned| assigned.item.state != DueState::Done)
        .count();
    assert!(theirs > 0);
    assert_eq!(calendar.matches("BEGIN:VEVENT\r\n").count(), theirs);
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    // A new link stops the old one working; a made-up one finds nothing.
    let again = server.post_form("/my-work/calendar-feed", &adviser, &[]).await;
    let second = address(&again.text().await.expect("body"));
    assert_ne!(first, second);
    let old = server
        .client
        .get(format!("{}{first}", server.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    let guessed = server
        .client
        .get(format!("{}/calendar/{}.ics", server.base, "0".repeat(64)))
        .send()
        .await
        .expect("sent");
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
    let headteacher = server.sign_in("headteacher").await;
    assert_eq!(
        server
            .post_form("/my-work/calendar-feed", &headteacher, &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_termly_summary_counts_the_register_and_the_terms_movements_and_the_calendar_lists_the_cycle() {
    use stride_core::intervention::Stage;
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let manager = server.sign_in("improvement.manager").await;
    let (status, page) = server.text("/cycle/summary", &manager).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Termly summary: Autumn term 2026/27"),
        "the term 24 November 2026 falls in"
    );
    let cases = store.cases(None).await.expect("reads");
    let on_register = cases
        .iter()
        .filter(|case| !matches!(case.stage(), Stage::LightTouch | Stage::Closed))
        .count();
    assert!(page.contains(&format!("Schools on the register now: {on_register}")));
    // The autumn term of 2026, as generated: Wednesday 2 September to Friday 18 December.
    let term = |day: chrono::NaiveDate| {
        day >= chrono::NaiveDate::from_ymd_opt(2026, 9, 2).expect("a date")
            && day <= chrono::NaiveDate::from_ymd_opt(2026, 12, 18).expect("a date")
    };
    let moved = cases
        .iter()
        .flat_map(|case| case.steps.iter().skip(1))
        .filter(|step| term(step.taken_on))
        .count();
    assert_eq!(page.matches("(up)").count() + page.matches("(down)").count(), moved);
    let opened = cases.iter().filter(|case| term(case.opened_on)).count();
    assert!(page.contains(&format!("{opened} cases opened this term")));
    // The generated support of the open cases, added up here.
    let (mut allocated, mut used) = (0.0, 0.0);
    for case in cases.iter().filter(|case| case.is_open()) {
        for support in store.support(case.id).await.expect("reads") {
            allocated += support.days_allocated;
            used += support.days_used;
        }
    }
    assert!(allocated > 0.0);
    assert!(
        page.contains(&format!("{allocated:.1} days allocated, {used:.1} used")),
        "{allocated} {used}"
    );

    let (status, calendar) = server.text("/cycle/calendar?year=2026", &manager).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "September 2026",
        "Autumn term starts",
        "28 December 2026",
        "School visit 2: review of self-evaluation priorities",
    ] {
        assert!(calendar.contains(expected), "{expected}");
    }
    let member = server.sign_in("elected.member").await;
    assert_eq!(server.text("/cycle/summary", &member).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_adviser_keeps_the_schools_plan_its_priorities_actions_and_impact() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let adviser = server.sign_in("adviser.north").await;
    let north = fixture()
        .authority
        .accounts
        .iter()
        .find(|account| account.username == "adviser.north")
        .expect("the north adviser")
        .schools
        .clone();
    let cases = store.cases(None).await.expect("reads");
    let case = cases
        .iter()
        .find(|case| case.is_open() && north.contains(&case.urn))
        .expect("an open case of the adviser's");
    let path = format!("/schools/{}/record/plan/changes", case.urn);
    let post = |fields: Vec<(&'static str, String)>| {
        let (server, adviser, path) = (&server, &adviser, path.clone());
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
            server.post_form(&path, adviser, &borrowed).await
        }
    };
    let revision = |offset: i64| (case.revision + offset).to_string();
    let added = post(vec![
        ("revision", revision(0)),
        ("change", "priority".into()),
        ("title", "Reading in Key Stage 2".into()),
    ])
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let priority = store.plan(case.id).await.expect("reads")[0].id.to_string();
    let action = post(vec![
        ("revision", revision(1)),
        ("change", "action".into()),
        ("priority", priority.clone()),
        ("description", "Daily reading sessions in Years 5 and 6".into()),
        ("owner", "English lead".into()),
        ("action-due-day", "12".into()),
        ("action-due-month", "2".into()),
        ("action-due-year", "2027".into()),
    ])
    .await;
    assert_eq!(action.status(), StatusCode::SEE_OTHER);
    let action_id = store.plan(case.id).await.expect("reads")[0].actions[0].id.to_string();
    let status = post(vec![
        ("revision", revision(2)),
        ("change", "status".into()),
        ("action", action_id),
        ("status", "on-target".into()),
    ])
    .await;
    assert_eq!(status.status(), StatusCode::SEE_OTHER);
    let impact = post(vec![
        ("revision", revision(3)),
        ("change", "impact".into()),
        ("priority", priority.clone()),
        (
            "impact",
            "Year 6 reading at the expected standard up from 58% to 66% in the mock tests".into(),
        ),
    ])
    .await;
    assert_eq!(impact.status(), StatusCode::SEE_OTHER);
    let plan = store.plan(case.id).await.expect("reads");
    assert_eq!(plan.len(), 1);
    assert_eq!(
        plan[0].actions[0].status,
        stride_core::intervention::ActionStatus::OnTarget
    );
    assert!(plan[0].impact.starts_with("Year 6 reading"));
    let (_, page) = server.text(&format!("/schools/{}/record", case.urn), &adviser).await;
    assert!(page.contains("Priority 1: Reading in Key Stage 2") && page.contains("Daily reading sessions"));
    assert!(
        page.contains("Impact recorded: Year 6 reading"),
        "the change is in the record's history"
    );
    // A form opened before these changes is shown them; another case's priority is not found.
    let stale = post(vec![
        ("revision", revision(0)),
        ("change", "priority".into()),
        ("title", "Attendance".into()),
    ])
    .await;
    assert!(
        stale
            .text()
            .await
            .expect("body")
            .contains("Someone else changed this record since you opened it")
    );
    let other = cases
        .iter()
        .find(|other| other.is_open() && other.id != case.id)
        .expect("another case");
    let foreign = store.plan(other.id).await.expect("reads");
    assert!(foreign.is_empty());
    let missing = post(vec![
        ("revision", revision(4)),
        ("change", "impact".into()),
        ("priority", "999999".into()),
        ("impact", "x".into()),
    ])
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(store.plan(case.id).await.expect("reads").len(), 1);

    // Support commissioned, and its days used.
    let before = store.support(case.id).await.expect("reads").len();
    let commissioned = post(vec![
        ("revision", revision(4)),
        ("change", "support".into()),
        ("kind", "leader-of-education".into()),
        ("provider", "Specialist Leader of Education in reading".into()),
        ("days-allocated", "6".into()),
    ])
    .await;
    assert_eq!(commissioned.status(), StatusCode::SEE_OTHER);
    let support = store.support(case.id).await.expect("reads");
    assert_eq!(support.len(), before + 1);
    let added = support.last().expect("the commission");
    assert_eq!((added.days_allocated, added.days_used), (6.0, 0.0));
    let used = post(vec![
        ("revision", revision(5)),
        ("change", "days-used".into()),
        ("support", added.id.to_string()),
        ("days-used", "2.5".into()),
    ])
    .await;
    assert_eq!(used.status(), StatusCode::SEE_OTHER);
    let support = store.support(case.id).await.expect("reads");
    assert_eq!(support.last().map(|added| added.days_used), Some(2.5));
    let refused = post(vec![
        ("revision", revision(6)),
        ("change", "support".into()),
        ("kind", "adviser-days".into()),
        ("provider", "".into()),
        ("days-allocated", "many".into()),
    ])
    .await;
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Choose a provider from the directory, or another and write its name")
    );
}

#[tokio::test]
async fn a_document_attached_to_a_record_comes_back_as_it_was_uploaded_to_those_who_may_see_it() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, _) = intervention_server(&directory).await;
    let adviser = server.sign_in("adviser.north").await;
    let north = fixture()
        .authority
        .accounts
        .iter()
        .find(|account| account.username == "adviser.north")
        .expect("the north adviser")
        .schools[0];
    let workbook = std::fs::read(real_data("la_level/lait/sn_may_2025.xlsx")).expect("readable");
    let upload = |csrf: String| {
        reqwest::multipart::Form::new()
            .text("csrf_token", csrf)
            .text("title", "Statistical neighbours, for the visit")
            .part(
                "document",
                reqwest::multipart::Part::bytes(workbook.clone()).file_name("C:\\Users\\hc\\sn_may_2025.xlsx"),
            )
    };
    let path = format!("{}/schools/{north}/record/documents", server.base);
    let forged = server
        .client
        .post(&path)
        .header("Cookie", &adviser.cookie)
        .multipart(upload("0".repeat(64)))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        forged.status(),
        StatusCode::FORBIDDEN,
        "a form from elsewhere is refused"
    );
    let attached = server
        .client
        .post(&path)
        .header("Cookie", &adviser.cookie)
        .multipart(upload(adviser.csrf.clone()))
        .send()
        .await
        .expect("sent");
    assert_eq!(attached.status(), StatusCode::SEE_OTHER);
    let (_, record) = server.text(&format!("/schools/{north}/record"), &adviser).await;
    assert!(record.contains("Statistical neighbours, for the visit") && record.contains("(sn_may_2025.xlsx)"));
    let link = record
        .split(&format!("/schools/{north}/record/documents/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the document's link")
        .to_owned();
    let download = server
        .get(&format!("/schools/{north}/record/documents/{link}"), Some(&adviser))
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()[CONTENT_DISPOSITION]
            .to_str()
            .expect("text")
            .contains("attachment; filename=\"sn_may_2025.xlsx\"")
    );
    assert!(
        download.headers()["content-type"]
            .to_str()
            .expect("text")
            .contains("spreadsheetml")
    );
    let bytes = download.bytes().await.expect("body");
    assert_eq!(bytes.as_ref(), workbook.as_slice(), "byte for byte");
    // The workbook still opens as one.
    let opened: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    assert!(!opened.sheet_names().is_empty());
    let south = server.sign_in("adviser.south").await;
    assert_eq!(
        server
            .get(&format!("/schools/{north}/record/documents/{link}"), Some(&south))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "another adviser's school's document is not found"
    );
}

#[tokio::test]
async fn a_categorisation_kept_starts_the_visit_to_agree_each_schools_support() {
    use stride_core::calendar::{Calendar, Period};
    let directory = tempfile::tempdir().expect("temporary directory");
    let (server, store) = intervention_server(&directory).await;
    let clock = "support-agreed-after-categorisation";
    assert!(
        due_now(store.as_ref())
            .await
            .iter()
            .all(|assigned| assigned.item.clock != clock),
        "no run kept yet"
    );
    let manager = server.sign_in("improvement.manager").await;
    let kept = server
        .post_form("/categorisation/runs", &manager, &[("rules", "national-2025")])
        .await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);
    let run = store.categorisation_runs().await.expect("reads")[0].clone();
    assert_eq!(run.as_of, intervention_day());
    let supported: Vec<Urn> = store
        .saved_levels(run.id)
        .await
        .expect("reads")
        .into_iter()
        .filter(|saved| matches!(saved.level.as_str(), "additional-support" | "high-level-support"))
        .map(|saved| saved.urn)
        .collect();
    assert!(!supported.is_empty());
    let due = Calendar::default()
        .due(run.as_of, Period::WorkingDays(15))
        .expect("a day");
    let started: Vec<_> = due_now(store.as_ref())
        .await
        .into_iter()
        .filter(|assigned| assigned.item.clock == clock)
        .collect();
    assert_eq!(
        started.len(),
        supported.len(),
        "one for each school the run placed above light touch"
    );
    assert!(
        started
            .iter()
            .all(|assigned| assigned.item.due_on == due && assigned.item.started_on == run.as_of)
    );
}

/// A school's page keeps the school's record between imports, but for its intelligence, which
/// changes without one: an item recorded after the page was first read shows on the next.
#[tokio::test]
async fn a_schools_page_shows_intelligence_recorded_since_it_was_last_read() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let (database, store) = generated_database(&directory).await;
    let server = server_on(&database).await;
    let user = server.sign_in("improvement.manager").await;
    let urn = store
        .school_list_rows(None)
        .await
        .expect("reads")
        .first()
        .expect("a school")
        .urn;
    let summary = "Chair of governors resigned after the budget meeting";
    let (status, before) = server.text(&format!("/schools/{urn}"), &user).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!before.contains(summary));
    store
        .record_intelligence(&stride_core::IntelligenceItem {
            urn,
            kind: stride_core::IntelligenceKind::SeniorStaffTurnover,
            recorded_on: chrono::Utc::now().date_naive(),
            summary: summary.to_owned(),
            recorded_by: "Improvement Manager".to_owned(),
        })
        .await
        .expect("recorded");
    let (_, after) = server.text(&format!("/schools/{urn}"), &user).await;
    assert!(after.contains(summary), "the item recorded since the page was kept");
}
