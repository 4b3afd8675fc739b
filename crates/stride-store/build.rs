// `sqlx::migrate!` embeds the migrations when the crate is compiled; cargo must be told to
// compile it again when one is added or changed, or a build would run the schema without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
