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
    pub(crate) fn at_offset(origin: &str, text: &str, offset: usize, message: &str) -> Located {
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
pub(crate) fn render_sorted(mut problems: Vec<Located>) -> Vec<String> {
    problems.sort_by_key(|p| (p.line, p.col));
    problems.into_iter().map(|p| p.to_string()).collect()
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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

pub(crate) fn at_offset(path: &str, text: &str, offset: usize, message: &str) -> String {
    Located::at_offset(path, text, offset, message).to_string()
}

/// A TOML parse/deserialize error, located, in the project's words.
pub(crate) fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> String {
    let msg = super::serde_message(e.message());
    match e.span() {
        Some(span) => at_offset(path, text, span.start, &msg),
        None => format!("{path}:1:1: {msg}"),
    }
}

/// A serde_json error, located.
pub(crate) fn json_error(path: &str, e: &serde_json::Error) -> String {
    let mut msg = e.to_string();
    // serde_json appends " at line L column C"; we put the location in front instead.
    if let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    let msg = super::serde_message(&msg);
    format!("{path}:{}:{}: {msg}", e.line().max(1), e.column().max(1))
}
