//! Planning: one trial per (target, scenario), named `<target>/<scenario-id>`,
//! filtered as `cargo test` does (several FILTER words OR'd, --exact, --skip).

use crate::scenario::Scenario;
use crate::target::Target;

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub words: Vec<String>,
    pub exact: bool,
    pub skip: Vec<String>,
    /// Run only ignored scenarios.
    pub ignored: bool,
    /// Run ignored scenarios too.
    pub include_ignored: bool,
}

impl Filters {
    pub fn selects(&self, name: &str) -> bool {
        let m = |w: &String| {
            if self.exact {
                name == w
            } else {
                name.contains(w.as_str())
            }
        };
        (self.words.is_empty() || self.words.iter().any(m))
            && !self.skip.iter().any(|s| {
                if self.exact {
                    name == s
                } else {
                    name.contains(s.as_str())
                }
            })
    }
}

#[derive(Debug, Clone)]
pub struct Planned {
    pub name: String,
    pub target: usize,
    pub scenario: usize,
    /// Marked `ignored = true` in the scenario.
    pub ignored: bool,
    /// Will it run (false: ignored and not asked for).
    pub runs: bool,
    /// Not applicable to this target: the skip reason.
    pub skip: Option<String>,
}

pub(crate) fn plan(targets: &[Target], scenarios: &[Scenario], filters: &Filters) -> Vec<Planned> {
    let mut out = Vec::new();
    for (ti, t) in targets.iter().enumerate() {
        for (si, s) in scenarios.iter().enumerate() {
            let name = format!("{}/{}", t.name, s.id());
            if !filters.selects(&name) {
                continue;
            }
            let ignored = s.file.ignored;
            let runs = if filters.ignored {
                ignored
            } else {
                !ignored || filters.include_ignored
            };
            out.push(Planned {
                name,
                target: ti,
                scenario: si,
                ignored,
                runs,
                skip: applicability(t, s),
            });
        }
    }
    out
}

/// The reason a scenario does not apply to a target, if it does not.
pub fn applicability(t: &Target, s: &Scenario) -> Option<String> {
    let view = t.behaviour_view(s.client());
    if !t.clients.contains_key(s.client()) {
        return Some(format!(
            "the target has no `{}` client (add [clients.{}])",
            s.client(),
            s.client()
        ));
    }
    for c in &s.conditions {
        match c.eval(&view) {
            Ok(true) => {}
            Ok(false) => {
                let actual = view.get(c.key()).map(|v| v.render()).unwrap_or_default();
                return Some(format!(
                    "not applicable: needs `{c}`, and {} = {actual}",
                    c.key()
                ));
            }
            Err(key) => return Some(view.unknown_reason(&key)),
        }
    }
    None
}
