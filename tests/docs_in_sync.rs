//! Generated documents stay in sync with the code: the scenario JSON Schema,
//! the README's catalog table and its vendor comparison table.

use refresh_conformance::scenario::{catalog_table, load, schema};

#[test]
fn json_schema_matches_the_types() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/scenario.schema.json"
    ))
    .unwrap();
    assert_eq!(
        committed.trim(),
        schema::scenario_schema().trim(),
        "schema/scenario.schema.json is stale: run `cargo run -- schema > schema/scenario.schema.json`"
    );
}

#[test]
fn readme_catalog_table_matches_the_scenarios() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- catalog:start -->")
        .expect("README has a catalog:start marker")
        + "<!-- catalog:start -->".len();
    let end = readme
        .find("<!-- catalog:end -->")
        .expect("README has a catalog:end marker");
    let table = catalog_table::markdown(&load::builtin().unwrap());
    assert_eq!(
        readme[start..end].trim(),
        table.trim(),
        "the README's catalog table is stale: run `cargo run -- list --format markdown` and paste it between the markers"
    );
}

#[test]
fn readme_vendor_table_matches_the_profiles() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- vendors:start -->")
        .expect("README has a vendors:start marker")
        + "<!-- vendors:start -->".len();
    let end = readme
        .find("<!-- vendors:end -->")
        .expect("README has a vendors:end marker");
    let profiles = refresh_conformance::behaviour::builtin_profiles();
    let table = refresh_conformance::behaviour::comparison::markdown(&profiles);
    assert_eq!(
        readme[start..end].trim(),
        table.trim(),
        "the README's vendor table is stale: run `cargo run -- profiles --format markdown` and paste it between the vendors markers"
    );
    for p in &profiles {
        assert!(
            table.contains(&format!("| `{}` ", p.name)),
            "{} missing",
            p.name
        );
    }
}
