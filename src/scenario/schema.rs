//! The JSON Schema of scenario files, generated from the Rust types
//! (`schema/scenario.schema.json` is kept in sync by a test).

pub fn scenario_schema() -> String {
    let schema = schemars::schema_for!(super::model::ScenarioFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
