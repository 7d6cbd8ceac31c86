//! Every file a user writes (scenario, target, profile, baseline) is read
//! through here: a parsed TOML or JSON document as a `toml::Table`, with the
//! position of every key and value, so that every problem is reported the
//! same way: `path:line:column: message`, at the offending key or value,
//! with a "did you mean" hint where a known name is close
//! (docs/errors.md). A leaf module: it imports nothing of the crate.
//!
//! The format is chosen by the file extension: `.json` is JSON, anything
//! else TOML; checks walk one tree type and ask the [`Doc`] where a key path is.

mod hint;
mod json_index;
pub mod locate;
pub mod read;

pub use hint::{serde_message, suggest, type_name};
pub use locate::Located;

use json_index::{index_json, Spans};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// A document with its key/value positions.
pub struct Doc {
    /// The file name used in messages.
    pub origin: String,
    pub text: String,
    pub root: toml::Table,
    /// Key path (segments joined by `\0`) → (key offset, value offset).
    spans: Spans,
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Doc({})", self.origin)
    }
}

fn join(path: &[&str]) -> String {
    path.join("\0")
}

/// Whether `path` names a JSON file (by extension).
pub(crate) fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

impl Doc {
    /// Parse `text` as TOML, or as JSON when `path` ends in `.json`.
    /// A syntax error is returned located.
    pub fn parse(path: &Path, text: &str) -> Result<Doc, String> {
        let origin = path.display().to_string();
        if is_json(path) {
            Doc::parse_json(&origin, text)
        } else {
            Doc::parse_toml(&origin, text)
        }
    }

    pub(crate) fn parse_toml(origin: &str, text: &str) -> Result<Doc, String> {
        let root: toml::Table =
            toml::from_str(text).map_err(|e| locate::toml_error(origin, text, &e))?;
        let mut spans = Spans::new();
        if let Ok(de) = DeTable::parse(text) {
            index_toml(de.get_ref(), &mut Vec::new(), &mut spans);
        }
        Ok(Doc {
            origin: origin.to_string(),
            text: text.to_string(),
            root,
            spans,
        })
    }

    pub(crate) fn parse_json(origin: &str, text: &str) -> Result<Doc, String> {
        Doc::json(origin, text, false)
    }

    /// A JSON scenario file, whose optional keys may be written as `null`
    /// (its types accept that): null members are left out of the tree.
    pub(crate) fn parse_json_scenario(origin: &str, text: &str) -> Result<Doc, String> {
        Doc::json(origin, text, true)
    }

    fn json(origin: &str, text: &str, drop_nulls: bool) -> Result<Doc, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| locate::json_error(origin, &e))?;
        let spans = index_json(text);
        let mut doc = Doc {
            origin: origin.to_string(),
            text: text.to_string(),
            root: toml::Table::new(),
            spans,
        };
        match json_to_toml(&value, &mut Vec::new(), &doc, drop_nulls) {
            Ok(toml::Value::Table(t)) => doc.root = t,
            Ok(_) => return Err(format!("{origin}:1:1: the document must be a JSON object")),
            Err(e) => return Err(e),
        }
        Ok(doc)
    }

    /// `origin:line:col: message` at the value of `path` (or its nearest known ancestor).
    pub(crate) fn at_value(&self, path: &[&str], message: &str) -> String {
        self.value(path, message).to_string()
    }

    /// The problem located at the key `path`.
    pub(crate) fn key(&self, path: &[&str], message: &str) -> Located {
        self.at(path, message, false)
    }

    /// The problem located at the value of `path`.
    pub(crate) fn value(&self, path: &[&str], message: &str) -> Located {
        self.at(path, message, true)
    }

    fn at(&self, path: &[&str], message: &str, value: bool) -> Located {
        for n in (1..=path.len()).rev() {
            if let Some(&(k, v)) = self.spans.get(&join(&path[..n])) {
                let off = if value && n == path.len() { v } else { k };
                return Located::at_offset(&self.origin, &self.text, off, message);
            }
        }
        Located::new(&self.origin, 1, 1, message)
    }
}

fn index_toml(table: &DeTable<'_>, path: &mut Vec<String>, out: &mut Spans) {
    for (k, v) in table.iter() {
        path.push(k.get_ref().to_string());
        let key = path.join("\0");
        out.entry(key).or_insert((k.span().start, v.span().start));
        index_toml_value(v.get_ref(), v.span().start, path, out);
        path.pop();
    }
}

fn index_toml_value(v: &DeValue<'_>, _start: usize, path: &mut Vec<String>, out: &mut Spans) {
    match v {
        DeValue::Table(t) => index_toml(t, path, out),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.push(i.to_string());
                out.entry(path.join("\0"))
                    .or_insert((item.span().start, item.span().start));
                index_toml_value(item.get_ref(), item.span().start, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn json_to_toml(
    v: &serde_json::Value,
    path: &mut Vec<String>,
    doc: &Doc,
    drop_nulls: bool,
) -> Result<toml::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => {
            let p: Vec<&str> = path.iter().map(String::as_str).collect();
            return Err(doc.at_value(
                &p,
                &format!(
                    "`{}`: null is not allowed; leave the key out instead",
                    p.join(".")
                ),
            ));
        }
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                toml::Value::Integer(i)
            } else if let Some(f) = n.as_f64() {
                toml::Value::Float(f)
            } else {
                let p: Vec<&str> = path.iter().map(String::as_str).collect();
                return Err(doc.at_value(&p, "number out of range"));
            }
        }
        J::String(s) => toml::Value::String(s.clone()),
        J::Array(a) => {
            let mut out = Vec::new();
            for (i, item) in a.iter().enumerate() {
                path.push(i.to_string());
                if !(drop_nulls && item.is_null()) {
                    out.push(json_to_toml(item, path, doc, drop_nulls)?);
                }
                path.pop();
            }
            toml::Value::Array(out)
        }
        J::Object(m) => {
            let mut t = toml::Table::new();
            for (k, item) in m {
                if drop_nulls && item.is_null() {
                    continue;
                }
                path.push(k.clone());
                t.insert(k.clone(), json_to_toml(item, path, doc, drop_nulls)?);
                path.pop();
            }
            toml::Value::Table(t)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_spans_are_exact() {
        let text = "name = \"x\"\n[clients.main]\nid = \"a\"\n[clients.other]\nid = \"b\"\n";
        let doc = Doc::parse_toml("t.toml", text).unwrap();
        assert_eq!(
            doc.key(&["clients", "other", "id"], "m").to_string(),
            "t.toml:5:1: m"
        );
        assert_eq!(
            doc.at_value(&["clients", "main", "id"], "m"),
            "t.toml:3:6: m"
        );
        assert_eq!(
            doc.key(&["clients", "main", "nope"], "m").to_string(),
            "t.toml:2:10: m"
        );
        assert_eq!(doc.key(&["nothing"], "m").to_string(), "t.toml:1:1: m");
    }

    #[test]
    fn json_spans_follow_nesting() {
        let text = "{\n  \"behaviour\": {\"a\": 1},\n  \"clients\": {\n    \"main\": {\"id\": \"a\", \"behaviour\": {\"a\": [1, {\"b\": 2}]}},\n    \"other\": {\"id\": \"b\"}\n  },\n  \"x\": null\n}";
        let err = Doc::parse_json("t.json", text).err().unwrap();
        assert_eq!(
            err,
            "t.json:7:8: `x`: null is not allowed; leave the key out instead"
        );
        let text = text.replace("null", "true");
        let doc = Doc::parse_json("t.json", &text).unwrap();
        assert_eq!(
            doc.key(&["clients", "other", "id"], "m").to_string(),
            "t.json:5:15: m"
        );
        assert_eq!(
            doc.key(&["behaviour", "a"], "m").to_string(),
            "t.json:2:17: m"
        );
        assert_eq!(
            doc.key(&["clients", "main", "behaviour", "a", "1", "b"], "m")
                .to_string(),
            "t.json:4:49: m"
        );
        assert_eq!(doc.at_value(&["x"], "m"), "t.json:7:8: m");
    }
}
