//! Each built-in profile's behaviour on the emulator, pinned with insta
//! snapshots under `snapshots/profiles/`: any change to the emulator, a
//! profile or the catalog shows up as a reviewed diff (`INSTA_UPDATE=always
//! cargo test --test profile_snapshots` to accept, then review `git diff`).

mod support;

use refresh_conformance::report::{fingerprint, Redactor};
use refresh_conformance::scenario::load;
use std::sync::Arc;

#[test]
fn built_in_profiles_behave_as_snapshotted() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let scenarios = Arc::new(load::builtin().unwrap());
    let records = support::run_catalog(&rt, &scenarios, &[]);
    let print = fingerprint::from_records(&records);
    let json: serde_json::Value = serde_json::from_str(&print.to_json(&Redactor::new())).unwrap();
    let targets = json["targets"].as_object().expect("targets").clone();
    assert_eq!(
        targets.len(),
        refresh_conformance::behaviour::builtin_profiles().len()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/profiles"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (target, scenarios) in targets {
            insta::assert_json_snapshot!(target.clone(), scenarios);
        }
    });
}

#[test]
fn observations_are_identical_between_runs() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let scenarios = Arc::new(load::builtin().unwrap());
    let a = fingerprint::from_records(&support::run_catalog(&rt, &scenarios, &[]));
    let b = fingerprint::from_records(&support::run_catalog(&rt, &scenarios, &[]));
    let d = fingerprint::diff(&a, &b);
    assert!(
        d.is_empty(),
        "two identical runs differ:\n{}",
        fingerprint::render_diff(&d)
    );
}
