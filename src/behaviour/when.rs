//! `when` conditions (docs/profiles.md): `"flag"`, `"!flag"`, `"key == value"`, `"key != value"`.

use super::{vocab, BehaviourView};

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Truthy(String),
    Falsy(String),
    Eq(String, String),
    Ne(String, String),
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        let check_key = |k: &str| -> Result<String, String> {
            let k = k.trim();
            if vocab::key_def(k).is_some() || vocab::is_user_key(k) {
                Ok(k.to_string())
            } else {
                Err(vocab::unknown_key_message(k))
            }
        };
        if let Some((k, v)) = t.split_once("!=") {
            return Ok(Condition::Ne(
                check_key(k)?,
                check_value(k.trim(), v.trim())?,
            ));
        }
        if let Some((k, v)) = t.split_once("==") {
            return Ok(Condition::Eq(
                check_key(k)?,
                check_value(k.trim(), v.trim())?,
            ));
        }
        if let Some(k) = t.strip_prefix('!') {
            return Ok(Condition::Falsy(check_key(k)?));
        }
        if t.is_empty() {
            return Err("empty `when` condition".into());
        }
        Ok(Condition::Truthy(check_key(t)?))
    }

    pub(crate) fn key(&self) -> &str {
        match self {
            Condition::Truthy(k)
            | Condition::Falsy(k)
            | Condition::Eq(k, _)
            | Condition::Ne(k, _) => k,
        }
    }

    /// `Ok(holds)`, or `Err(key)` when the key is unknown for this view.
    pub(crate) fn eval(&self, view: &BehaviourView) -> Result<bool, String> {
        let value = view.get(self.key()).ok_or_else(|| self.key().to_string())?;
        Ok(match self {
            Condition::Truthy(_) => value.truthy(),
            Condition::Falsy(_) => !value.truthy(),
            Condition::Eq(_, v) => same(&value, v),
            Condition::Ne(_, v) => !same(&value, v),
        })
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::Truthy(k) => write!(f, "{k}"),
            Condition::Falsy(k) => write!(f, "!{k}"),
            Condition::Eq(k, v) => write!(f, "{k} == {v}"),
            Condition::Ne(k, v) => write!(f, "{k} != {v}"),
        }
    }
}

fn check_value(key: &str, v: &str) -> Result<String, String> {
    let v = v.trim_matches('"').to_string();
    if let Some(def) = vocab::key_def(key) {
        match def.kind {
            vocab::Kind::Enum(allowed) if !allowed.contains(&v.as_str()) => {
                return Err(format!(
                    "`{key}` is one of {}, not `{v}`",
                    allowed.join(" | ")
                ))
            }
            vocab::Kind::Bool if v != "true" && v != "false" => {
                return Err(format!("`{key}` is true or false, not `{v}`"))
            }
            vocab::Kind::Duration if humantime::parse_duration(&v).is_err() => {
                return Err(format!("`{key}` is a duration, not `{v}`"))
            }
            vocab::Kind::Count if v.parse::<u64>().is_err() => {
                return Err(format!("`{key}` is a whole number, 0 or more, not `{v}`"))
            }
            _ => {}
        }
    }
    Ok(v)
}

fn same(value: &vocab::Value, text: &str) -> bool {
    match value {
        vocab::Value::Duration(d) => humantime::parse_duration(text)
            .map(|t| t == *d)
            .unwrap_or(false),
        other => other.render() == text,
    }
}
