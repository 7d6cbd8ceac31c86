//! How many fresh grants (logins) a run will need, per target and client:
//! `run --list` prints it, so a user whose grant source is a login script
//! or a seed token knows what the run will ask of it before it starts.

use super::plan::{plan, Filters};
use crate::scenario::Scenario;
use crate::target::Target;
use std::collections::BTreeMap;

/// One target's needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    pub target: String,
    /// Client role → grant steps of the planned, applicable trials.
    pub grants: BTreeMap<String, usize>,
    /// Client role → trials needing at least one grant from it.
    pub trials: BTreeMap<String, usize>,
}

/// Count the grant steps of every planned trial that runs and applies.
/// A trial stops counting at a grant it would skip (no such client, no
/// grant source, or an explicit scope its source cannot choose).
pub fn count(targets: &[Target], scenarios: &[Scenario], filters: &Filters) -> Vec<Needs> {
    let mut out: Vec<Needs> = targets
        .iter()
        .map(|t| Needs {
            target: t.name.clone(),
            ..Default::default()
        })
        .collect();
    for p in plan(targets, scenarios, filters) {
        if !p.runs || p.skip.is_some() {
            continue;
        }
        let target = &targets[p.target];
        let needs = &mut out[p.target];
        let mut used = std::collections::BTreeSet::new();
        let steps = &scenarios[p.scenario].file.steps;
        for step in steps {
            let Some(g) = &step.grant else { continue };
            // A race in rounds re-runs the grant step its token comes from,
            // once per round after the first.
            let name = crate::scenario::validate::step_name(step).unwrap_or_default();
            let again = || -> usize {
                steps
                    .iter()
                    .filter_map(|s| s.concurrent.as_ref())
                    .filter(|c| c.refresh.token.contains(&format!("{{{{{name}.")))
                    .map(|c| c.rounds.unwrap_or(1).saturating_sub(1) as usize)
                    .sum()
            };
            let role = g.client.clone().unwrap_or_else(|| "main".into());
            let Some(source) = target.clients.get(&role).and_then(|c| c.grant.as_ref()) else {
                break;
            };
            if g.scope.is_some() && !source.scope_selectable() {
                break;
            }
            let code_flow = matches!(source, crate::target::GrantSource::AuthorizationCode { .. });
            if !code_flow && super::grant::replays_code(&scenarios[p.scenario], &name) {
                break;
            }
            if matches!(source, crate::target::GrantSource::RefreshTokenEnv { .. })
                && step
                    .expect
                    .iter()
                    .flat_map(|e| e.all())
                    .any(|x| x.present.iter().any(|f| f != "refresh_token"))
            {
                // A seed supplies only a refresh token: the trial is skipped.
                break;
            }
            let extra = if source.repeatable() { again() } else { 0 };
            *needs.grants.entry(role.clone()).or_default() += 1 + extra;
            if used.insert(role.clone()) {
                *needs.trials.entry(role).or_default() += 1;
            }
        }
    }
    out
}

/// The lines `run --list` prints on stderr: one summary line per target,
/// then a note per client whose grant source is not repeatable.
pub fn render(targets: &[Target], needs: &[Needs]) -> Vec<String> {
    let mut lines = Vec::new();
    for n in needs {
        let counts: Vec<String> = n
            .grants
            .iter()
            .map(|(role, k)| format!("{role} {k}"))
            .collect();
        lines.push(format!(
            "fresh grants needed: {} {}",
            n.target,
            if counts.is_empty() {
                "none".to_string()
            } else {
                counts.join(", ")
            }
        ));
    }
    for (t, n) in targets.iter().zip(needs) {
        for (role, c) in &t.clients {
            let Some(source) = &c.grant else { continue };
            if source.repeatable() {
                continue;
            }
            let what = match source {
                crate::target::GrantSource::RefreshTokenEnv { .. } => "the seed token",
                _ => "its single grant",
            };
            let trials = n.trials.get(role).copied().unwrap_or(0);
            let mut line = format!(
                "note: {}: client `{role}`'s grant source ({}) is not repeatable: only one trial can use {what}",
                t.name,
                source.kind()
            );
            if trials > 1 {
                line.push_str(&format!(
                    "; {} of the {trials} trials needing a grant from it will be skipped (pick one scenario with a FILTER)",
                    trials - 1
                ));
            }
            if !source.scope_selectable() {
                line.push_str("; scenarios asking for a particular scope are skipped (it cannot choose scopes)");
            }
            lines.push(line);
        }
    }
    lines
}
