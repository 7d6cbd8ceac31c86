//! The terminal that trial lines (stdout) and the waits status line (stderr)
//! share, behind the console's one lock. Writing anything first clears the
//! status line, then redraws it below what was written: no fragment of one
//! is ever left in the other.

use std::io::Write;

/// Renders the status line for the columns it may use.
pub(super) type Render<'a> = &'a dyn Fn(usize) -> String;

pub(super) struct Terminal {
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
    /// stderr is a terminal: the status line is drawn and redrawn in place.
    live: bool,
    /// The status line on screen, if any.
    status: Option<String>,
    /// What stdout wrote after its last newline (the characters of `-q`):
    /// the status line shares that screen line, after it.
    partial: String,
    columns: fn() -> usize,
}

/// Between a partial line and the status line after it.
const GAP: &str = "  ";

impl Terminal {
    pub(super) fn new(
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
        live: bool,
        columns: fn() -> usize,
    ) -> Terminal {
        Terminal {
            out,
            err,
            live,
            status: None,
            partial: String::new(),
            columns,
        }
    }

    pub(super) fn live(&self) -> bool {
        self.live
    }

    /// Write to stdout (trial lines, the summary).
    pub(super) fn out(&mut self, text: &str) {
        self.clear_status();
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
        match text.rfind('\n') {
            Some(i) => self.partial = text[i + 1..].to_string(),
            None => self.partial.push_str(text),
        }
        self.draw_status();
    }

    /// Write to stderr (notes about the run).
    pub(super) fn err(&mut self, text: &str) {
        self.clear_status();
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
        self.draw_status();
    }

    /// Draw the status line in place, or clear it (`None`). Nothing is
    /// drawn unless stderr is a terminal.
    pub(super) fn status(&mut self, render: Option<Render<'_>>) {
        if !self.live {
            return;
        }
        match render {
            None => {
                self.clear_status();
                self.status = None;
            }
            Some(render) => {
                self.status = Some(render(self.room()));
                self.draw_status();
            }
        }
    }

    /// Columns left for the status line after the partial line.
    fn room(&self) -> usize {
        let used = match self.partial.is_empty() {
            true => 0,
            false => self.partial.chars().count() + GAP.len(),
        };
        // The last column stays empty: writing into it wraps on some terminals.
        (self.columns)().saturating_sub(used + 1).max(10)
    }

    /// Leave the screen line as stdout left it, cursor at its end.
    fn clear_status(&mut self) {
        if self.status.is_some() {
            let _ = write!(self.err, "\r\x1b[K{}", self.partial);
            let _ = self.err.flush();
        }
    }

    fn draw_status(&mut self) {
        let room = self.room();
        let Some(status) = &self.status else { return };
        let gap = if self.partial.is_empty() { "" } else { GAP };
        let fitted: String = status.chars().take(room).collect();
        let _ = write!(self.err, "\r\x1b[K{}{gap}{fitted}", self.partial);
        let _ = self.err.flush();
    }
}

/// The width of the terminal on stderr: asked of the terminal, else
/// `COLUMNS`, else 100.
pub(super) fn columns() -> usize {
    terminal_columns()
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .filter(|c| *c > 0)
        .unwrap_or(100)
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ only writes a `winsize` into the struct we own.
    let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col as usize)
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Buf {
        fn take(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
        }
    }

    fn terminal() -> (Terminal, Buf, Buf) {
        let (out, err) = (Buf::default(), Buf::default());
        let t = Terminal::new(Box::new(out.clone()), Box::new(err.clone()), true, || 40);
        (t, out, err)
    }

    #[test]
    fn a_line_clears_the_status_line_first_and_redraws_it_after() {
        let (mut t, out, err) = terminal();
        t.status(Some(&|_| "waiting (1): a 3s".to_string()));
        assert_eq!(err.take(), "\r\x1b[Kwaiting (1): a 3s");
        t.out("test a ... ok\n");
        assert_eq!(out.take(), "test a ... ok\n");
        assert_eq!(err.take(), "\r\x1b[K\r\x1b[Kwaiting (1): a 3s");
        t.status(None);
        assert_eq!(err.take(), "\r\x1b[K");
        t.out("test b ... ok\n");
        assert_eq!(err.take(), "", "no status line, nothing to clear");
    }

    #[test]
    fn the_status_line_follows_a_partial_line_and_fits() {
        let (mut t, out, err) = terminal();
        t.out("...");
        out.take();
        t.status(Some(&|room| format!("room {room} {}", "x".repeat(60))));
        let drawn = err.take();
        assert!(drawn.starts_with("\r\x1b[K...  room 34 "), "{drawn:?}");
        assert_eq!(drawn.chars().count(), "\r\x1b[K".len() + 39, "{drawn:?}");
        t.out(".");
        assert!(err.take().starts_with("\r\x1b[K...\r\x1b[K....  room 34"));
    }

    #[test]
    fn nothing_is_drawn_without_a_terminal() {
        let (out, err) = (Buf::default(), Buf::default());
        let mut t = Terminal::new(Box::new(out.clone()), Box::new(err.clone()), false, || 40);
        t.status(Some(&|_| "waiting".to_string()));
        t.out("test a ... ok\n");
        assert_eq!(err.take(), "");
        assert_eq!(out.take(), "test a ... ok\n");
    }
}
