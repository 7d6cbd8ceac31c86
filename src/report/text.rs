//! Text hygiene shared by the writers: ANSI escapes and characters XML 1.0
//! forbids are removed, long texts are cut (after redaction), and markup is
//! escaped.

/// Texts longer than this (bytes) are cut in JUnit bodies and HTML cells.
pub(crate) const MAX_TEXT: usize = 256 * 1024;
/// Attribute values (JUnit `message`) longer than this are cut.
pub(crate) const MAX_ATTR: usize = 1024;

/// Removes ANSI escape sequences (anstream's parser: CSI, OSC, DCS/SOS/PM/APC
/// strings, two-byte escapes) and every character XML 1.0 does not allow,
/// plus the C1 controls; an 8-bit CSI is stripped as ESC [.
/// Tabs, newlines and carriage returns are kept.
pub(crate) fn clean(s: &str) -> String {
    // An 8-bit CSI is the same as ESC [: spelled so, anstream strips it too.
    let s = s.replace('\u{9b}', "\u{1b}[");
    let stripped: String = anstream::adapter::strip_str(&s).collect();
    stripped
        .chars()
        .filter(|c| match c {
            '\t' | '\n' | '\r' => true,
            c if (*c as u32) < 0x20 => false,
            '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => false,
            _ => true,
        })
        .collect()
}

/// Cuts `s` to at most `max` bytes on a character boundary, saying so.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} more bytes cut]", &s[..end], s.len() - end)
}

/// Escapes text content (XML and HTML). Escaping `>` also neutralises `]]>`.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (double-quoted); whitespace controls are kept
/// as character references so that they survive attribute normalisation.
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_ansi_and_controls() {
        let s = "\u{1b}[1;31mred\u{1b}[0m \u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{1b}\\ nul\0 bell\u{7} c1\u{85} \u{9b}2Jok\u{fffe}\u{fffd}\ttab\r\n";
        assert_eq!(clean(s), "red link nul bell c1 ok\u{fffd}\ttab\r\n");
        assert_eq!(clean("\u{1b}"), "");
        assert_eq!(clean("a\u{1b}(Bb"), "ab");
    }

    #[test]
    fn cuts_on_char_boundary() {
        let s = "ééé";
        assert_eq!(cut(s, 3), "é… [4 more bytes cut]");
        assert_eq!(cut(s, 6), "ééé");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_text("a]]>b<&"), "a]]&gt;b&lt;&amp;");
        assert_eq!(escape_attr("\"'\n"), "&quot;&#39;&#10;");
    }
}
