//! Embeds GOV.UK Frontend's compiled CSS and JavaScript in the binary, without GOV.UK's branding.
//!
//! The package comes from npm, pinned by the workspace's package-lock.json; if it is not yet
//! installed, this runs `npm ci` once. Services that are not on GOV.UK must not use the GDS
//! Transport font or the crown, so the font's @font-face blocks and name, and the crest image,
//! are taken out of the stylesheet here.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists");
    let dist = workspace.join("node_modules/govuk-frontend/dist/govuk");
    println!(
        "cargo::rerun-if-changed={}",
        workspace.join("package-lock.json").display()
    );
    println!(
        "cargo::rerun-if-changed={}",
        dist.join("govuk-frontend.min.css").display()
    );
    if !dist.join("govuk-frontend.min.css").exists() {
        install(&workspace);
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let css = fs::read_to_string(dist.join("govuk-frontend.min.css")).expect("govuk-frontend.min.css is readable");
    fs::write(out.join("govuk-frontend.min.css"), unbranded(&css)).expect("OUT_DIR is writable");
    let javascript = fs::read_to_string(dist.join("govuk-frontend.min.js")).expect("govuk-frontend.min.js is readable");
    fs::write(out.join("govuk-frontend.min.js"), without_source_map(&javascript)).expect("OUT_DIR is writable");
}

fn install(workspace: &Path) {
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(workspace)
        .status()
        .unwrap_or_else(|error| panic!("govuk-frontend is not installed and npm could not be run ({error}): install Node.js and npm, then build again"));
    assert!(
        status.success(),
        "npm ci failed: run it in {} to see why",
        workspace.display()
    );
}

fn unbranded(css: &str) -> String {
    let mut result = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("@font-face{") {
        let block_end = rest[start..].find('}').map_or(rest.len(), |end| start + end + 1);
        result.push_str(&rest[..start]);
        if !rest[start..block_end].contains("GDS Transport") {
            result.push_str(&rest[start..block_end]);
        }
        rest = &rest[block_end..];
    }
    result.push_str(rest);
    let result = result
        .replace(
            "font-family:GDS Transport,arial,sans-serif",
            "font-family:arial,sans-serif",
        )
        .replace("url(/assets/images/govuk-crest.svg)", "none");
    assert!(
        !result.contains("GDS Transport"),
        "the GDS Transport font is still named in the stylesheet"
    );
    without_source_map(&result)
}

fn without_source_map(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with("/*# sourceMappingURL") && !line.starts_with("//# sourceMappingURL"))
        .collect::<Vec<_>>()
        .join("\n")
}
