//! PLACEHOLDER: replaced by the report branch's full redactor at merge.
use parking_lot::RwLock;

#[derive(Default)]
pub struct Redactor {
    pairs: RwLock<Vec<(String, String)>>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }
    pub fn add_secret(&self, value: &str, label: &str) {
        if value.len() >= 4 {
            self.pairs.write().push((value.to_string(), label.to_string()));
        }
    }
    pub fn add_basic(&self, client_id: &str, secret: &str, label: &str) {
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
        self.add_secret(&b, label);
    }
    pub fn add_token(&self, value: &str, kind: &str, step: &str) -> String {
        if let Some(l) = self.label_of(value) {
            return l;
        }
        let label = format!("‹{kind}:{step}›");
        self.add_secret(value, &label);
        label
    }
    pub fn label_of(&self, value: &str) -> Option<String> {
        self.pairs.read().iter().find(|(v, _)| v == value).map(|(_, l)| l.clone())
    }
    pub fn redact(&self, text: &str) -> String {
        let mut pairs = self.pairs.read().clone();
        pairs.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        let mut out = text.to_string();
        for (v, l) in pairs {
            out = out.replace(&v, &l);
        }
        out
    }
}
