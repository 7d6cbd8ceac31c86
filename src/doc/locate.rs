//! Turning parse errors and semantic problems into `path:line:column: message`.

/// A problem in a user's file, at a line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub origin: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Located {
    pub fn new(origin: &str, line: usize, col: usize, message: &str) -> Located {
        Located {
            origin: origin.to_string(),
            line,
            col,
            message: message.to_string(),
        }
    }

    /// At a byte offset of `text`.
    pub fn at_offset(origin: &str, text: &str, offset: usize, message: &str) -> Located {
        let (line, col) = line_col(text, offset);
        Located::new(origin, line, col, message)
    }
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.col, self.message
        )
    }
}

/// Sort problems by position and render them (the order a reader fixes them in).
pub fn render_sorted(mut problems: Vec<Located>) -> Vec<String> {
    problems.sort_by_key(|p| (p.line, p.col));
    problems.into_iter().map(|p| p.to_string()).collect()
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn at_offset(path: &str, text: &str, offset: usize, message: &str) -> String {
    Located::at_offset(path, text, offset, message).to_string()
}

/// A TOML parse/deserialize error, located, in the project's words.
pub fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = super::serde_message(e.message());
    match e.span() {
        Some(span) => at_offset(path, text, span.start, &msg),
        None => format!("{path}:1:1: {msg}"),
    }
}

/// A serde_json error, located.
pub fn json_error(path: &str, e: &serde_json::Error) -> String {
    let mut msg = e.to_string();
    // serde_json appends " at line L column C"; we put the location in front instead.
    if let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    let msg = super::serde_message(&msg);
    format!("{path}:{}:{}: {msg}", e.line().max(1), e.column().max(1))
}

/// Locate the first occurrence of `needle` (best effort) for semantic errors.
pub fn at_text(path: &str, text: &str, needle: &str, message: &str) -> String {
    // A value is usually quoted: prefer that, so `rotation` does not match inside `user/rotation-check`.
    let quoted = format!("\"{needle}\"");
    match text
        .find(&quoted)
        .map(|i| i + 1)
        .or_else(|| text.find(needle))
    {
        Some(off) => at_offset(path, text, off, message),
        None => format!("{path}:1:1: {message}"),
    }
}

/// Locate a key's definition (`key =` or `"key":`).
pub fn at_key(path: &str, text: &str, key: &str, message: &str) -> String {
    for pat in [
        format!("{key} ="),
        format!("{key}="),
        format!("\"{key}\""),
        key.to_string(),
    ] {
        if let Some(off) = find_key(text, &pat) {
            return at_offset(path, text, off, message);
        }
    }
    format!("{path}:1:1: {message}")
}

fn find_key(text: &str, pat: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(i) = text[start..].find(pat) {
        let abs = start + i;
        let prev = text[..abs].chars().next_back();
        if prev.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
            return Some(abs);
        }
        start = abs + pat.len().max(1);
    }
    None
}
