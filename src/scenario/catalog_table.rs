//! The README's catalog table, generated from the scenarios (a test keeps the README in sync).

use super::Scenario;

pub fn markdown(scenarios: &[Scenario]) -> String {
    let mut out = String::from("| id | title | level | refs |\n| --- | --- | --- | --- |\n");
    let mut sorted: Vec<&Scenario> = scenarios.iter().collect();
    sorted.sort_by(|a, b| a.id().cmp(b.id()));
    for s in sorted {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            s.id(),
            s.file.title.replace('|', "\\|"),
            s.file.level,
            s.file.refs.join(", ")
        ));
    }
    out
}
