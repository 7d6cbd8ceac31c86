//! Words for problems: a value's type as users read it, "did you mean"
//! hints, and serde's messages in the same words as the project's own.

use std::sync::LazyLock;

/// A value's type as users read it.
pub fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// " (did you mean `x`?)" when a known name is close to `key`.
pub fn suggest(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

static UNKNOWN: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^unknown (field|variant) `([^`]*)`, expected (?:one of )?(.*)$").unwrap()
});
static NAMES: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"`([^`]*)`").unwrap());

/// serde's message for a file, in the project's words: unknown keys and
/// values get a hint and the list of known ones; an untagged "one or many"
/// names the two shapes it accepts.
pub fn serde_message(message: &str) -> String {
    let message = message.trim();
    if let Some(c) = UNKNOWN.captures(message) {
        let what = if &c[1] == "field" { "key" } else { "value" };
        let known: Vec<&str> = NAMES
            .captures_iter(&c[3])
            .map(|m| m.get(1).map_or("", |x| x.as_str()))
            .collect();
        let list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return format!(
            "unknown {what} `{}`{} (expected one of {list})",
            &c[2],
            suggest(&c[2], &known)
        );
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("missing key `{field}`");
    }
    if message == "wanted string or table" {
        // toml's words for an enum given a number or a list.
        return "expected a string (one of the names this key takes)".into();
    }
    if message.contains("untagged enum OneOrMany") {
        return "expected a string or an array of strings".into();
    }
    if message.contains("untagged enum") {
        return "this value has none of the shapes this key accepts (see docs/scenario-language.md)"
            .into();
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("isuer", &["issuer", "name"]),
            " (did you mean `issuer`?)"
        );
        assert_eq!(suggest("zzzzzz", &["issuer", "name"]), "");
    }

    #[test]
    fn serde_unknown_field_gets_a_hint_and_the_known_keys() {
        assert_eq!(
            serde_message("unknown field `titel`, expected one of `id`, `title`, `refs`"),
            "unknown key `titel` (did you mean `title`?) (expected one of `id`, `title`, `refs`)"
        );
        assert_eq!(
            serde_message("unknown variant `shoud`, expected `must` or `should`"),
            "unknown value `shoud` (did you mean `should`?) (expected one of `must`, `should`)"
        );
        assert_eq!(serde_message("missing field `id`"), "missing key `id`");
        assert_eq!(
            serde_message("wanted string or table"),
            "expected a string (one of the names this key takes)"
        );
        assert_eq!(
            serde_message("data did not match any variant of untagged enum OneOrMany"),
            "expected a string or an array of strings"
        );
    }
}
