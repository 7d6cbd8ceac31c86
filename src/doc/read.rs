//! Reading a file the user named: only a regular file (a FIFO would block
//! forever, a device such as `/dev/zero` never ends), and never more than a
//! cap, whatever size the file system reports (a symlink to a device reads
//! as size 0).

use std::io::Read;
use std::path::Path;

/// The cap for scenario, target, profile and baseline files.
pub const MAX_USER_FILE: u64 = 1 << 20;

/// The bytes of `path`, if it is a regular file (symlinks followed) of at
/// most `cap` bytes. Errors name the path and say what is wrong.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let shown = path.display();
    // `metadata` does not open the file, so it cannot block on a FIFO.
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "{shown}: not a regular file ({}); only regular files are read",
            kind(&meta.file_type())
        ));
    }
    if meta.len() > cap {
        return Err(format!(
            "{shown}: file is {} bytes; files are capped at {cap}",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    // Checked again on the open handle: the path may have changed since.
    let opened = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    if !opened.is_file() {
        return Err(format!(
            "{shown}: not a regular file; only regular files are read"
        ));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!(
            "{shown}: file is larger than the cap of {cap} bytes"
        ));
    }
    Ok(bytes)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, cap: u64) -> Result<String, String> {
    let bytes = read_capped(path, cap)?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not valid UTF-8 (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, MAX_USER_FILE).unwrap_err();
        assert!(e.contains("a FIFO"), "{e}");
    }

    #[test]
    fn a_symlink_to_a_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_capped(&link, MAX_USER_FILE).unwrap_err();
        assert!(e.contains("character device"), "{e}");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_and_one_at_the_cap_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.toml");
        std::fs::write(&p, vec![b'#'; 11]).unwrap();
        assert!(read_capped(&p, 10).unwrap_err().contains("capped at 10"));
        assert_eq!(read_capped(&p, 11).unwrap().len(), 11);
    }
}
