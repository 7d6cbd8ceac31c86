//! Parsing a response body as JSON the way the judge needs it: like
//! `serde_json`, but a repeated member name is an error instead of "the last
//! one wins". An object with `expires_in` twice is ambiguous (parsers differ on
//! which value a client sees), and RFC 6749 §3.2 says response parameters MUST
//! NOT be included more than once; RFC 8259 §4 says names SHOULD be unique.
//! Nesting is bounded by serde_json's recursion limit (an error, not a crash).

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parse `bytes` as one JSON value, refusing duplicate member names at any depth.
pub fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                let shown: String = k.chars().take(60).collect();
                return Err(A::Error::custom(format!("duplicate member `{shown}`")));
            }
            let v = map.next_value_seed(Strict)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_serde_json() {
        for text in [
            r#"{"a":1,"b":[true,null,"x",-2,1.5e3],"c":{"d":{}}}"#,
            "[]",
            "3",
            "\"s\"",
            " null ",
        ] {
            assert_eq!(
                parse(text.as_bytes()).unwrap(),
                serde_json::from_str::<Value>(text).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_duplicates_at_any_depth() {
        let e = parse(br#"{"expires_in":3600,"expires_in":"3600"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("duplicate member `expires_in`"), "{e}");
        assert!(parse(br#"{"a":[{"b":1,"b":1}]}"#).is_err());
        assert!(parse(br#"{"a":{"b":1},"b":1}"#).is_ok());
    }

    #[test]
    fn refuses_trailing_garbage_and_deep_nesting() {
        assert!(parse(b"{} x").is_err());
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(b"{\"a\":\"\xff\"}").is_err());
    }
}
