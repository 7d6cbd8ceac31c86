//! One predicate on one value (a JSON node, a header, a claim): the keys of
//! `Matcher`. Templated expected values are rendered first.

use super::Mismatch;
use crate::scenario::model::Matcher;
use crate::scenario::template::Unresolved;
use serde_json::Value;

type Render<'a> = &'a mut dyn FnMut(&str) -> Result<String, Unresolved>;

fn rendered(v: &Value, render: Render) -> Result<Value, Unresolved> {
    Ok(match v {
        Value::String(s) => Value::String(render(s)?),
        other => other.clone(),
    })
}

/// Equality with templated strings: a rendered string equals a number with the same value.
pub(crate) fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), Value::Number(a)) => e.parse::<f64>().ok() == a.as_f64(),
        (Value::String(e), Value::Bool(a)) => e == &a.to_string(),
        (e, a) => e == a,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A value for a message, whole: the caller redacts, then cuts.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn as_set(v: &Value) -> Option<std::collections::BTreeSet<String>> {
    match v {
        Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

/// Bits of entropy a token value can hold at most: length × log2(the smallest
/// standard alphabet containing its characters). Catches short or low-alphabet tokens.
pub(crate) fn entropy_bits(s: &str) -> f64 {
    let n = s.chars().count() as f64;
    let per_char = if s.chars().all(|c| c.is_ascii_digit()) {
        10f64.log2()
    } else if s.chars().all(|c| c.is_ascii_hexdigit()) {
        4.0
    } else if s.chars().all(|c| c.is_ascii_alphanumeric()) {
        62f64.log2()
    } else if s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
    {
        6.0
    } else {
        95f64.log2()
    };
    n * per_char
}

/// `(expected, got)` pairs a predicate group found wrong.
type Misses = Vec<(String, String)>;

pub(crate) fn check(
    what: &str,
    m: &Matcher,
    actual: Option<&Value>,
    render: Render,
) -> Result<Vec<Mismatch>, Unresolved> {
    let mut misses = Misses::new();
    presence(m, actual, render, &mut misses)?;
    if let Some(a) = actual {
        let text = match a {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        equality(m, a, render, &mut misses)?;
        textual(m, a, &text, render, &mut misses)?;
        typed(what, m, a, render, &mut misses)?;
        shape(m, a, &text, render, &mut misses)?;
    }
    Ok(misses
        .into_iter()
        .map(|(expected, got)| Mismatch::new(what, expected, got))
        .collect())
}

/// `exists`, `ne`, and "a value" when any other predicate needs one.
fn presence(
    m: &Matcher,
    actual: Option<&Value>,
    render: Render,
    miss: &mut Misses,
) -> Result<(), Unresolved> {
    if let Some(exists) = m.exists {
        if exists != actual.is_some() {
            miss.push((
                if exists { "present" } else { "absent" }.into(),
                actual.map(show).unwrap_or_else(|| "absent".into()),
            ));
        }
    }
    if let Some(ne) = &m.ne {
        let ne = rendered(ne, render)?;
        if actual.is_some_and(|a| same(&ne, a)) {
            miss.push((format!("not {}", show(&ne)), "equal".into()));
        }
    }
    let has_other = m.eq.is_some()
        || m.ieq.is_some()
        || m.one_of.is_some()
        || m.contains.is_some()
        || m.has_token.is_some()
        || m.matches.is_some()
        || m.json_type.is_some()
        || m.gt.is_some()
        || m.ge.is_some()
        || m.lt.is_some()
        || m.le.is_some()
        || m.set_eq.is_some()
        || m.vschar.is_some()
        || m.min_entropy_bits.is_some();
    if actual.is_none() && has_other && m.optional != Some(true) {
        miss.push(("a value".into(), "absent".into()));
    }
    Ok(())
}

/// `eq`, `ieq`, `one_of`.
fn equality(m: &Matcher, a: &Value, render: Render, miss: &mut Misses) -> Result<(), Unresolved> {
    if let Some(eq) = &m.eq {
        let eq = rendered(eq, render)?;
        if !same(&eq, a) {
            miss.push((show(&eq), show(a)));
        }
    }
    if let Some(ieq) = &m.ieq {
        let ieq = render(ieq)?;
        if !a.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&ieq)) {
            miss.push((format!("\"{ieq}\" (any case)"), show(a)));
        }
    }
    if let Some(list) = &m.one_of {
        let mut any = false;
        for x in list {
            any |= same(&rendered(x, render)?, a);
        }
        if !any {
            miss.push((format!("one of {}", Value::Array(list.clone())), show(a)));
        }
    }
    Ok(())
}

/// `contains`, `has_token`, `matches`: on the value as text.
fn textual(
    m: &Matcher,
    a: &Value,
    text: &str,
    render: Render,
    miss: &mut Misses,
) -> Result<(), Unresolved> {
    if let Some(c) = &m.contains {
        let c = render(c)?;
        if !text.contains(&c) {
            miss.push((format!("containing \"{c}\""), show(a)));
        }
    }
    if let Some(t) = &m.has_token {
        let t = render(t)?;
        if !text.split(',').any(|x| {
            x.trim()
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case(&t)
        }) {
            miss.push((format!("a list containing `{t}`"), show(a)));
        }
    }
    if let Some(re) = &m.matches {
        let re = render(re)?;
        let rx =
            regex::Regex::new(&re).map_err(|e| Unresolved::Error(format!("regex `{re}`: {e}")))?;
        if !rx.is_match(text) {
            miss.push((format!("matching /{re}/"), show(a)));
        }
    }
    Ok(())
}

/// `type` and the numeric bounds `gt`, `ge`, `lt`, `le`.
fn typed(
    what: &str,
    m: &Matcher,
    a: &Value,
    render: Render,
    miss: &mut Misses,
) -> Result<(), Unresolved> {
    if let Some(t) = &m.json_type {
        let ok = match t.as_str() {
            "integer" => a.as_i64().is_some() || a.as_u64().is_some(),
            other => type_name(a) == other,
        };
        if !ok {
            miss.push((
                format!("a JSON {t}"),
                format!("a JSON {} ({})", type_name(a), show(a)),
            ));
        }
    }
    for (op, sym, bound) in [
        ("gt", ">", &m.gt),
        ("ge", "≥", &m.ge),
        ("lt", "<", &m.lt),
        ("le", "≤", &m.le),
    ] {
        let Some(bound) = bound else { continue };
        let bound = rendered(bound, render)?;
        let Some(b) = number(&bound) else {
            return Err(Unresolved::Error(format!(
                "{what}: `{op}` bound {} is not a number",
                show(&bound)
            )));
        };
        let Some(x) = a.as_f64() else {
            miss.push((format!("a number {op} {b}"), show(a)));
            continue;
        };
        let ok = match op {
            "gt" => x > b,
            "ge" => x >= b,
            "lt" => x < b,
            _ => x <= b,
        };
        if !ok {
            miss.push((format!("{sym} {b}"), show(a)));
        }
    }
    Ok(())
}

/// `set_eq`, `vschar`, `min_entropy_bits`: what the value is made of.
fn shape(
    m: &Matcher,
    a: &Value,
    text: &str,
    render: Render,
    miss: &mut Misses,
) -> Result<(), Unresolved> {
    if let Some(se) = &m.set_eq {
        let se = rendered(se, render)?;
        match (as_set(&se), as_set(a)) {
            (Some(w), Some(g)) if w == g => {}
            _ => miss.push((format!("the set {}", show(&se)), show(a))),
        }
    }
    if m.vschar == Some(true) && !text.chars().all(|c| (' '..='~').contains(&c)) {
        miss.push((
            "VSCHAR characters only (0x20–0x7E)".into(),
            "other characters".into(),
        ));
    }
    if let Some(bits) = m.min_entropy_bits {
        let est = entropy_bits(text);
        if est < bits as f64 {
            miss.push((
                format!("at least {bits} bits of entropy"),
                format!(
                    "at most {est:.0} bits ({} characters)",
                    text.chars().count()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(m: Matcher, v: Option<Value>) -> Vec<Mismatch> {
        let mut r = |s: &str| Ok(s.replace("{{x}}", "42"));
        check("v", &m, v.as_ref(), &mut r).unwrap()
    }

    #[test]
    fn each_key_holds_and_fails() {
        // (the matcher as a scenario writes it, a value it holds for, one it fails for)
        let cases: Vec<(Value, Value, Value)> = vec![
            (json!({"eq": "{{x}}"}), json!(42), json!(41)),
            (json!({"ne": "a"}), json!("b"), json!("a")),
            (json!({"ieq": "bearer"}), json!("Bearer"), json!("mac")),
            (json!({"in": [1, 2]}), json!(2), json!(3)),
            (
                json!({"contains": "no-store"}),
                json!("private, no-store"),
                json!("private"),
            ),
            (
                json!({"has_token": "no-store"}),
                json!("private, No-Store"),
                json!("no-stored"),
            ),
            (json!({"matches": "^[0-9]+$"}), json!("123"), json!("12a")),
            (json!({"type": "number"}), json!(3600), json!("3600")),
            (json!({"type": "integer"}), json!(3600), json!(1.5)),
            (json!({"gt": 0}), json!(1), json!(0)),
            (json!({"le": "{{x}}"}), json!(42), json!(43)),
            (json!({"set_eq": "a b"}), json!(["b", "a"]), json!("a")),
            (json!({"vschar": true}), json!("abc~"), json!("ab\u{7f}")),
            (
                json!({"min_entropy_bits": 128}),
                json!("k3J9xQ2mZr8Lp5Vw7Ty1Nb4Hc6Df0Gs"),
                json!("deadbeef"),
            ),
            (json!({"exists": false}), json!(null), json!(1)),
        ];
        let cases: Vec<(Matcher, Value, Value)> = cases
            .into_iter()
            .map(|(m, good, bad)| (serde_json::from_value(m).unwrap(), good, bad))
            .collect();
        for (i, (m, good, bad)) in cases.into_iter().enumerate() {
            let good = if i == 14 { None } else { Some(good) };
            assert!(run(m.clone(), good).is_empty(), "case {i} should hold");
            assert_eq!(run(m, Some(bad)).len(), 1, "case {i} should fail");
        }
    }

    #[test]
    fn absent_values_fail_value_checks() {
        assert_eq!(
            run(
                Matcher {
                    eq: Some(json!(1)),
                    ..Default::default()
                },
                None
            )
            .len(),
            1
        );
        assert!(run(
            Matcher {
                ne: Some(json!(1)),
                ..Default::default()
            },
            None
        )
        .is_empty());
    }
}
