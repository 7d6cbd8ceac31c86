//! Running a case: the scenarios against the hostile IdP through the runner,
//! every trial checked against what it must end as.

use super::*;

pub(crate) struct Run {
    pub(crate) records: Vec<TrialRecord>,
    pub(crate) junit: String,
    pub(crate) elapsed: Duration,
    pub(crate) hostile_requests: usize,
    pub(crate) elsewhere_hits: usize,
}

pub(crate) fn run_case(case: Case) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let idp = rt.block_on(start(case));
    let mut target = support::target_for(&idp.base_url, support::PROFILE);
    target.http.timeout = REQUEST_TIMEOUT;
    run_target(&rt, target, idp.state.clone(), idp.elsewhere_hits.clone())
}

pub(crate) fn run_target(
    rt: &tokio::runtime::Runtime,
    target: refresh_conformance::target::Target,
    state: Arc<State>,
    elsewhere: Arc<AtomicUsize>,
) -> Run {
    let settings = Settings {
        test_threads: Some(4),
        ..Default::default()
    };
    let opts = RunOptions {
        trial_timeout: TRIAL_TIMEOUT,
        ..Default::default()
    };
    let redactor = Arc::new(Redactor::new());
    let start = Instant::now();
    let result = runner::run(
        rt,
        vec![target],
        scenarios(),
        &Filters::default(),
        &opts,
        &settings,
        redactor.clone(),
    )
    .unwrap();
    let elapsed = start.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    refresh_conformance::report::write_junit(&path, &result.records, false, None, &redactor)
        .unwrap();
    validate_junit(&path);
    let junit = std::fs::read_to_string(&path).unwrap();
    Run {
        records: result.records,
        junit,
        elapsed,
        hostile_requests: state.hostile.load(Ordering::SeqCst),
        elsewhere_hits: elsewhere.load(Ordering::SeqCst),
    }
}

/// `xmllint --noout --schema tests/data/junit-10.xsd`; required under CI.
pub(crate) fn validate_junit(path: &Path) {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is required under CI (apt-get install libxml2-utils)"
        );
        eprintln!("note: xmllint not found, schema validation skipped");
        return;
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint rejected the report:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a trial must end as, and words its message (or details) must contain.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    Pass,
    Fail(&'static str),
    Error(&'static str),
}

pub(crate) const T: &str = "test-idp/hostile/token-response";
pub(crate) const R: &str = "test-idp/hostile/revocation";
pub(crate) const I: &str = "test-idp/hostile/introspection";
pub(crate) const N: &str = "test-idp/issuance/expires-in-number";
pub(crate) const S: &str = "test-idp/issuance/expires-in-seconds";

/// Run `case` and check every trial against `want` (trial name → outcome).
pub(crate) fn check(case: Case, want: &[(&str, Want)]) -> Run {
    let run = run_case(case);
    assert_eq!(
        run.records.len(),
        5,
        "the run goes on: every trial has a record"
    );
    assert!(run.elapsed < RUN_BOUND, "{case:?}: took {:?}", run.elapsed);
    for (name, w) in want {
        let r = run
            .records
            .iter()
            .find(|r| r.name == *name)
            .unwrap_or_else(|| panic!("no record {name}"));
        let d = r.details();
        match (w, &r.outcome) {
            (Want::Pass, Outcome::Pass) => {}
            (Want::Fail(needle), Outcome::Fail { .. })
            | (Want::Error(needle), Outcome::Error { .. }) => {
                assert!(
                    d.contains(needle),
                    "{case:?} {name}: the message names the cause `{needle}`:\n{d}"
                );
            }
            _ => panic!("{case:?} {name}: wanted {w:?}, got {:?}\n{d}", r.outcome),
        }
    }
    // Redaction: no token or secret value in any record or in the JUnit file.
    let all = format!(
        "{}{}",
        serde_json::to_string(&run.records).unwrap(),
        run.junit
    );
    for canary in [
        "canary-refresh-token",
        "canary-access-token",
        "main-secret-canary",
        "alice-password",
    ] {
        assert!(!all.contains(canary), "{case:?}: {canary} leaked");
    }
    run
}

pub(crate) fn all(w: Want) -> Vec<(&'static str, Want)> {
    [T, R, I, N, S].iter().map(|n| (*n, w)).collect()
}
