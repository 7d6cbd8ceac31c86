//! PLACEHOLDER: replaced by the target branch's command grant source at merge.
use std::collections::BTreeMap;
use std::time::Duration;

pub async fn run_grant_command(
    _argv: &[String],
    _vars: &BTreeMap<String, String>,
    _timeout: Duration,
) -> Result<serde_json::Value, String> {
    Err("command grant source not built yet".into())
}
