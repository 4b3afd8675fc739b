//! Where the real DfE and Ofsted files are, for the tests that import them.

use std::path::{Path, PathBuf};

/// The real DfE and Ofsted files: `STRIDE_DATA_DIR`, or the `shared/data` folder beside the
/// repository (or beside any folder above it).
pub fn data(path: &str) -> PathBuf {
    let root = std::env::var_os("STRIDE_DATA_DIR").map(PathBuf::from).or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|folder| folder.join("shared/data"))
            .find(|candidate| candidate.is_dir())
    });
    root.unwrap_or_else(|| {
        panic!("the real data files are needed: put shared/data beside the repository, or set STRIDE_DATA_DIR")
    })
    .join(path)
}
