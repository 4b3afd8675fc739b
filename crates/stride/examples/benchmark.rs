//! Measures what a user waits for: generating and writing the synthetic authority, and the
//! pages and downloads over real HTTP on an SQLite file. Results go in BENCHMARKS.md.
//!
//! Run: `cargo run --release -p stride --example benchmark`

use std::time::{Duration, Instant};

use stride_web::{AppState, Config};

const REQUESTS: usize = 40;

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory = tempfile::tempdir()?;
    let database = directory.path().join("benchmark.sqlite");
    let started = Instant::now();
    let authority = stride_synth::generate(2026);
    println!(
        "generate the synthetic authority: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let store = stride_store::open(database.to_str().ok_or("path")?).await?;
    let accounts = stride::new_accounts(&authority.accounts).await?;
    let started = Instant::now();
    store.write_dataset(&authority.dataset, &accounts).await?;
    println!(
        "write {} figures, {} inspections in one transaction: {:.2} s",
        authority.dataset.school_figures.len() + authority.dataset.comparator_figures.len(),
        authority.dataset.inspections.len(),
        started.elapsed().as_secs_f64()
    );
    // The annual standards report to cabinet as a PDF, as `stride report standards` makes it:
    // read from the store, built, written. Ten times, the median.
    let everyone = stride_core::Account {
        id: 0,
        username: "benchmark".to_owned(),
        display_name: "Benchmark".to_owned(),
        role: stride_core::Role::Administrator,
        scope: stride_core::SchoolScope::AllSchools,
        second_factor: false,
    };
    let mut times = Vec::new();
    let mut pages = 0;
    for _ in 0..10 {
        let started = Instant::now();
        let data = stride_store::report_data(store.as_ref(), &everyone).await?;
        let report = stride_core::report::standards_report(&data.evidence(), stride_synth::data_as_at());
        let pdf = stride_export::report_to_pdf(&report)?;
        times.push(started.elapsed());
        pages = lopdf::Document::load_mem(&pdf)?.get_pages().len();
    }
    times.sort();
    println!(
        "the standards report as a PDF ({pages} pages), read, built and written: {:.0} ms median, slowest {:.0} ms",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        times.last().map_or(0.0, |slowest| slowest.as_secs_f64() * 1000.0)
    );
    // Every school's data profile as one batch, as the batch page and `stride report
    // school-data-profile --format pdf` make it: the evidence read once, each profile built and
    // written into one PDF and one workbook. Three times, the median.
    let mut times = Vec::new();
    let mut profiles = (0, 0);
    for _ in 0..3 {
        let started = Instant::now();
        let data = stride_store::profile_data(store.as_ref(), &everyone).await?;
        let evidence = data.evidence();
        let mut pack = stride_export::PdfPack::new("School data profiles");
        let mut book = stride_core::report::ProfileBook::default();
        for urn in &data.visible {
            let report = stride_core::report::school_data_profile(&evidence, *urn, stride_synth::data_as_at())
                .ok_or("a profile")?;
            pack.add(&report);
            book.add(*urn, data.school_name(*urn).unwrap_or_default(), &report);
        }
        let pdf = pack.finish()?;
        let workbook = stride_export::report_to_xlsx(&book.into_report(stride_synth::data_as_at()))?;
        times.push(started.elapsed());
        profiles = (data.visible.len(), lopdf::Document::load_mem(&pdf)?.get_pages().len());
        drop(workbook);
    }
    times.sort();
    println!(
        "every school's data profile ({} schools, {} pages) as one PDF and one workbook: {:.2} s median, slowest {:.2} s",
        profiles.0,
        profiles.1,
        percentile(&times, 0.5).as_secs_f64(),
        times.last().map_or(0.0, Duration::as_secs_f64)
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    // Served as on the synthetic data's day, so that what is due is the same on every run.
    let config = Config {
        today: Some(stride_synth::data_as_at()),
        ..Config::default()
    };
    let pupil = store
        .pupils(stride_store::PupilFilter::Named("Smith"))
        .await?
        .first()
        .map(|pupil| pupil.id)
        .ok_or("a pupil")?;
    tokio::spawn(stride_web::serve(AppState::new(store, config), listener));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = sign_in(&client, &base, "data.manager").await?;
    // The Schools Causing Concern pages are the improvement manager's and the advisers'.
    let manager = sign_in(&client, &base, "improvement.manager").await?;
    // The pupil pages are the inclusion officers'; the overlap is counted for elected members too.
    let officer = sign_in(&client, &base, "inclusion.officer").await?;
    let member = sign_in(&client, &base, "elected.member").await?;
    let administrator = sign_in(&client, &base, "administrator").await?;
    let school = authority
        .dataset
        .establishments
        .iter()
        .find(|e| e.phase == stride_core::Phase::Secondary)
        .ok_or("no school")?
        .urn;
    println!(
        "{:<45} {:>10} {:>10}",
        "request (40 each, one at a time)", "median", "95th"
    );
    let with_case = authority
        .dataset
        .cases
        .iter()
        .find(|case| case.is_open())
        .ok_or("no open case")?
        .urn;
    for (path, cookie) in [
        ("/schools".to_owned(), &cookie),
        ("/schools?phase=primary&sort=ks2&order=descending".to_owned(), &cookie),
        (format!("/schools/{school}"), &cookie),
        ("/schools.csv".to_owned(), &cookie),
        ("/schools.xlsx".to_owned(), &cookie),
        (format!("/schools/{school}/figures.xlsx"), &cookie),
        (format!("/schools/{school}/data-profile"), &manager),
        (format!("/attendance/schools/{school}"), &officer),
        (format!("/attendance/schools/{school}.xlsx"), &officer),
        ("/pupils/due".to_owned(), &officer),
        (format!("/pupils/{pupil}"), &officer),
        ("/vulnerable-learners".to_owned(), &officer),
        (format!("/vulnerable-learners?school={school}"), &member),
        ("/attendance".to_owned(), &officer),
        ("/attendance".to_owned(), &member),
        ("/vulnerable-learners/outcomes".to_owned(), &officer),
        ("/audit".to_owned(), &administrator),
        ("/my-work?whose=team".to_owned(), &manager),
        ("/register".to_owned(), &manager),
        (format!("/schools/{with_case}/record"), &manager),
        ("/support".to_owned(), &manager),
        ("/reports/monthly-data-set".to_owned(), &manager),
        ("/reports/standards".to_owned(), &manager),
        ("/support/providers".to_owned(), &manager),
        ("/support/impact?measure=ks2-rwm-expected".to_owned(), &manager),
        (
            "/support/impact?measure=overall-absence&by=provider".to_owned(),
            &manager,
        ),
        (
            format!("/schools/{with_case}/record/find-support?need=mathematics"),
            &manager,
        ),
    ] {
        let mut times = Vec::with_capacity(REQUESTS);
        for _ in 0..REQUESTS {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .header("Cookie", cookie)
                .send()
                .await?;
            assert!(response.status().is_success(), "{path}: {}", response.status());
            response.bytes().await?;
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{path:<45} {:>8.1} ms {:>7.1} ms",
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0
        );
    }
    println!("peak resident memory of the process: {:.0} MiB", peak_memory_mib());
    Ok(())
}

async fn sign_in(client: &reqwest::Client, base: &str, username: &str) -> Result<String, Box<dyn std::error::Error>> {
    let form = client.get(format!("{base}/sign-in")).send().await?;
    let cookie = cookie_of(&form).ok_or("no cookie")?;
    let token = csrf_token(&form.text().await?)?;
    let response = client
        .post(format!("{base}/sign-in"))
        .header("Cookie", &cookie)
        .form(&[
            ("username", username),
            ("password", stride_synth::DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await?;
    let cookie = cookie_of(&response).ok_or("sign-in failed")?;
    let first = client
        .get(format!("{base}/schools"))
        .header("Cookie", &cookie)
        .send()
        .await?;
    if first
        .headers()
        .get("location")
        .is_some_and(|to| to == "/account/two-factor")
    {
        set_up_authenticator(client, base, &cookie).await?;
    }
    Ok(cookie)
}

/// An administrator sets up an authenticator before anything else: the key offered, its code.
async fn set_up_authenticator(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let page = client
        .get(format!("{base}/account/two-factor"))
        .header("Cookie", cookie)
        .send()
        .await?
        .text()
        .await?;
    let key_start = page.find("<code id=\"key\"").ok_or("no key offered")?;
    let key_text = &page[key_start..];
    let key_text = &key_text[key_text.find('>').ok_or("no key")? + 1..];
    let key: String = key_text[..key_text.find('<').ok_or("no key")?]
        .split_whitespace()
        .collect();
    let bytes = totp_rs::Secret::Encoded(key)
        .to_bytes()
        .map_err(|error| format!("{error:?}"))?;
    let code = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes)?.generate_current()?;
    client
        .post(format!("{base}/account/two-factor"))
        .header("Cookie", cookie)
        .form(&[("code", code.as_str()), ("csrf_token", csrf_token(&page)?.as_str())])
        .send()
        .await?;
    Ok(())
}

fn csrf_token(html: &str) -> Result<String, Box<dyn std::error::Error>> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).ok_or("no token")? + marker.len();
    Ok(html.get(start..start + 64).ok_or("a short token")?.to_owned())
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("stride_session="))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
}
