//! A parsed TOML or JSON document as a `toml::Table`, with the position of
//! every key and value so that semantic errors can say `path:line:column`.
//!
//! Target files and baseline files accept both formats (chosen by the file
//! extension: `.json` is JSON, anything else TOML); validation walks one
//! tree type and asks the [`Doc`] where a key path is.

use std::collections::HashMap;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// A document with its key/value positions.
pub struct Doc {
    /// The file name used in messages.
    pub origin: String,
    pub text: String,
    pub root: toml::Table,
    /// Key path (segments joined by `\0`) → (key offset, value offset).
    spans: HashMap<String, (usize, usize)>,
}

fn join(path: &[&str]) -> String {
    path.join("\0")
}

/// Whether `path` names a JSON file (by extension).
pub fn is_json(path: &Path) -> bool {
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

    pub fn parse_toml(origin: &str, text: &str) -> Result<Doc, String> {
        let root: toml::Table =
            toml::from_str(text).map_err(|e| crate::locate::toml_error(origin, text, &e))?;
        let mut spans = HashMap::new();
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

    pub fn parse_json(origin: &str, text: &str) -> Result<Doc, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| crate::locate::json_error(origin, &e))?;
        let spans = index_json(text);
        let mut doc = Doc {
            origin: origin.to_string(),
            text: text.to_string(),
            root: toml::Table::new(),
            spans,
        };
        match json_to_toml(&value, &mut Vec::new(), &doc) {
            Ok(toml::Value::Table(t)) => doc.root = t,
            Ok(_) => return Err(format!("{origin}:1:1: the document must be a JSON object")),
            Err(e) => return Err(e),
        }
        Ok(doc)
    }

    /// `origin:line:col: message` at the key `path` (or its nearest known ancestor).
    pub fn at_key(&self, path: &[&str], message: &str) -> String {
        self.at(path, message, false)
    }

    /// `origin:line:col: message` at the value of `path` (or its nearest known ancestor).
    pub fn at_value(&self, path: &[&str], message: &str) -> String {
        self.at(path, message, true)
    }

    fn at(&self, path: &[&str], message: &str, value: bool) -> String {
        for n in (1..=path.len()).rev() {
            if let Some(&(k, v)) = self.spans.get(&join(&path[..n])) {
                let off = if value && n == path.len() { v } else { k };
                return crate::locate::at_offset(&self.origin, &self.text, off, message);
            }
        }
        format!("{}:1:1: {message}", self.origin)
    }
}

fn index_toml(
    table: &DeTable<'_>,
    path: &mut Vec<String>,
    out: &mut HashMap<String, (usize, usize)>,
) {
    for (k, v) in table.iter() {
        path.push(k.get_ref().to_string());
        let key = path.join("\0");
        out.entry(key).or_insert((k.span().start, v.span().start));
        index_toml_value(v.get_ref(), v.span().start, path, out);
        path.pop();
    }
}

fn index_toml_value(
    v: &DeValue<'_>,
    _start: usize,
    path: &mut Vec<String>,
    out: &mut HashMap<String, (usize, usize)>,
) {
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

/// Key and value offsets of a (valid) JSON text, by key path. A tiny scanner:
/// serde_json has already checked the syntax.
fn index_json(text: &str) -> HashMap<String, (usize, usize)> {
    enum Frame {
        Object { expecting_key: bool },
        Array { index: usize },
    }
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    // Whether the current path's last segment belongs to a value being read.
    let mut pending_key_offset: Option<usize> = None;
    let mut i = 0;
    // When a value starts inside an array, record it as path/index.
    let begin_value = |stack: &mut Vec<Frame>,
                       path: &mut Vec<String>,
                       out: &mut HashMap<String, (usize, usize)>,
                       pending: &mut Option<usize>,
                       at: usize| {
        if let Some(Frame::Array { index }) = stack.last() {
            path.push(index.to_string());
            out.entry(path.join("\0")).or_insert((at, at));
        } else if let Some(k) = pending.take() {
            out.entry(path.join("\0")).or_insert((k, at));
        }
    };
    let end_value = |stack: &mut Vec<Frame>, path: &mut Vec<String>| {
        // After a complete value: pop its segment (object member or array element).
        if !stack.is_empty() || !path.is_empty() {
            path.pop();
        }
        if let Some(Frame::Array { index }) = stack.last_mut() {
            *index += 1;
        }
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => i += 1,
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                let raw = &text[start..i.min(text.len())];
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expecting_key: true
                    })
                );
                if is_key {
                    let key: String = serde_json::from_str(raw).unwrap_or_default();
                    path.push(key);
                    pending_key_offset = Some(start);
                    if let Some(Frame::Object { expecting_key }) = stack.last_mut() {
                        *expecting_key = false;
                    }
                } else {
                    begin_value(
                        &mut stack,
                        &mut path,
                        &mut out,
                        &mut pending_key_offset,
                        start,
                    );
                    end_value(&mut stack, &mut path);
                    if let Some(Frame::Object { expecting_key }) = stack.last_mut() {
                        *expecting_key = true;
                    }
                }
            }
            b'{' | b'[' => {
                if !stack.is_empty() {
                    begin_value(&mut stack, &mut path, &mut out, &mut pending_key_offset, i);
                }
                stack.push(if c == b'{' {
                    Frame::Object {
                        expecting_key: true,
                    }
                } else {
                    Frame::Array { index: 0 }
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
                if !stack.is_empty() {
                    end_value(&mut stack, &mut path);
                    if let Some(Frame::Object { expecting_key }) = stack.last_mut() {
                        *expecting_key = true;
                    }
                }
            }
            _ => {
                // A scalar: number, true, false, null.
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
                begin_value(
                    &mut stack,
                    &mut path,
                    &mut out,
                    &mut pending_key_offset,
                    start,
                );
                end_value(&mut stack, &mut path);
                if let Some(Frame::Object { expecting_key }) = stack.last_mut() {
                    *expecting_key = true;
                }
            }
        }
    }
    out
}

fn json_to_toml(
    v: &serde_json::Value,
    path: &mut Vec<String>,
    doc: &Doc,
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
                out.push(json_to_toml(item, path, doc)?);
                path.pop();
            }
            toml::Value::Array(out)
        }
        J::Object(m) => {
            let mut t = toml::Table::new();
            for (k, item) in m {
                path.push(k.clone());
                t.insert(k.clone(), json_to_toml(item, path, doc)?);
                path.pop();
            }
            toml::Value::Table(t)
        }
    })
}

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

/// Levenshtein distance, for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// " (did you mean `x`?)" when a known key is close to `key`.
pub fn suggest(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_spans_are_exact() {
        let text = "name = \"x\"\n[clients.main]\nid = \"a\"\n[clients.other]\nid = \"b\"\n";
        let doc = Doc::parse_toml("t.toml", text).unwrap();
        assert_eq!(
            doc.at_key(&["clients", "other", "id"], "m"),
            "t.toml:5:1: m"
        );
        assert_eq!(
            doc.at_value(&["clients", "main", "id"], "m"),
            "t.toml:3:6: m"
        );
        assert_eq!(
            doc.at_key(&["clients", "main", "nope"], "m"),
            "t.toml:2:10: m"
        );
        assert_eq!(doc.at_key(&["nothing"], "m"), "t.toml:1:1: m");
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
            doc.at_key(&["clients", "other", "id"], "m"),
            "t.json:5:15: m"
        );
        assert_eq!(doc.at_key(&["behaviour", "a"], "m"), "t.json:2:17: m");
        assert_eq!(
            doc.at_key(&["clients", "main", "behaviour", "a", "1", "b"], "m"),
            "t.json:4:49: m"
        );
        assert_eq!(doc.at_value(&["x"], "m"), "t.json:7:8: m");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("isuer", &["issuer", "name"]),
            " (did you mean `issuer`?)"
        );
        assert_eq!(suggest("zzzzzz", &["issuer", "name"]), "");
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i32>().prop_map(|n| serde_json::json!(n)),
            "[a-z\\\\\"{}\\[\\],: ]{0,6}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-z\\\\\"{}:]{1,4}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every object key's recorded offset points at that key, however the text is laid out.
    fn check_offsets(
        v: &serde_json::Value,
        path: &mut Vec<String>,
        text: &str,
        spans: &HashMap<String, (usize, usize)>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, item) in m {
                    path.push(k.clone());
                    let (koff, _) = spans[&path.join("\0")];
                    let quoted = serde_json::to_string(k).unwrap();
                    assert!(
                        text[koff..].starts_with(&quoted),
                        "{path:?} at {koff} in {text}"
                    );
                    check_offsets(item, path, text, spans);
                    path.pop();
                }
            }
            serde_json::Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    path.push(i.to_string());
                    check_offsets(item, path, text, spans);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    proptest::proptest! {
        #[test]
        fn json_index_points_at_keys(m in proptest::collection::btree_map("[a-z]{1,3}", json_value(), 0..4), pretty: bool) {
            let v = serde_json::Value::Object(m.into_iter().collect());
            let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { serde_json::to_string(&v).unwrap() };
            let spans = index_json(&text);
            check_offsets(&v, &mut Vec::new(), &text, &spans);
        }
    }
}
