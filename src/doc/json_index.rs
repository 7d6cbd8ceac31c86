//! Key and value offsets of a (valid) JSON text, by key path. A small
//! scanner: serde_json has already checked the syntax, and it keeps no
//! positions of its own.

use std::collections::HashMap;

/// Key path (segments joined by `\0`) → (key offset, value offset).
pub(super) type Spans = HashMap<String, (usize, usize)>;

enum Frame {
    Object { expecting_key: bool },
    Array { index: usize },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    path: Vec<String>,
    out: Spans,
    /// The offset of the key whose value comes next.
    pending_key: Option<usize>,
}

impl Indexer {
    /// A value starts at `at`: record it as path/index inside an array, or
    /// under the key just read inside an object.
    fn begin_value(&mut self, at: usize) {
        if let Some(Frame::Array { index }) = self.stack.last() {
            self.path.push(index.to_string());
            self.out.entry(self.path.join("\0")).or_insert((at, at));
        } else if let Some(k) = self.pending_key.take() {
            self.out.entry(self.path.join("\0")).or_insert((k, at));
        }
    }

    /// A value is complete: pop its segment (object member or array element).
    fn end_value(&mut self) {
        if !self.stack.is_empty() || !self.path.is_empty() {
            self.path.pop();
        }
        if let Some(Frame::Array { index }) = self.stack.last_mut() {
            *index += 1;
        }
        if let Some(Frame::Object { expecting_key }) = self.stack.last_mut() {
            *expecting_key = true;
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Object {
                expecting_key: true
            })
        )
    }

    fn string(&mut self, text: &str, start: usize, end: usize) {
        if self.expecting_key() {
            let key: String = serde_json::from_str(&text[start..end]).unwrap_or_default();
            self.path.push(key);
            self.pending_key = Some(start);
            if let Some(Frame::Object { expecting_key }) = self.stack.last_mut() {
                *expecting_key = false;
            }
        } else {
            self.begin_value(start);
            self.end_value();
        }
    }

    fn open(&mut self, c: u8, at: usize) {
        if !self.stack.is_empty() {
            self.begin_value(at);
        }
        self.stack.push(if c == b'{' {
            Frame::Object {
                expecting_key: true,
            }
        } else {
            Frame::Array { index: 0 }
        });
    }

    fn close(&mut self) {
        self.stack.pop();
        if !self.stack.is_empty() {
            self.end_value();
        }
    }
}

/// The offset just past the string starting at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    (i + 1).min(bytes.len())
}

/// The offset just past a number, `true`, `false` or `null`.
fn scalar_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
    {
        i += 1;
    }
    i
}

pub(super) fn index_json(text: &str) -> Spans {
    let bytes = text.as_bytes();
    let mut ix = Indexer::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => i += 1,
            b'"' => {
                let end = string_end(bytes, i);
                ix.string(text, i, end);
                i = end;
            }
            c @ (b'{' | b'[') => {
                ix.open(c, i);
                i += 1;
            }
            b'}' | b']' => {
                ix.close();
                i += 1;
            }
            _ => {
                ix.begin_value(i);
                ix.end_value();
                i = scalar_end(bytes, i);
            }
        }
    }
    ix.out
}

#[cfg(test)]
mod tests {
    use super::*;

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
