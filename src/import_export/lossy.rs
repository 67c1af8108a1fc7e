//! An export's bytes made fit for the XML reader as they stream past: a byte sequence
//! that is not UTF-8 becomes U+FFFD, and the control characters XML 1.0 forbids
//! (which WordPress exports carry, pasted in from word processors) are dropped, so that
//! one bad byte does not refuse a whole site.

use std::io::{self, Read};

/// Reads `inner`, repairing as it goes; [`Lossy::repaired`] counts what it changed.
pub(super) struct Lossy<R> {
    inner: R,
    /// The start of a character cut by the end of the last chunk.
    pending: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
    repaired: u64,
}

impl<R: Read> Lossy<R> {
    pub(super) fn new(inner: R) -> Lossy<R> {
        Lossy {
            inner,
            pending: Vec::new(),
            out: Vec::new(),
            pos: 0,
            eof: false,
            repaired: 0,
        }
    }

    /// Bytes replaced or dropped so far.
    pub(super) fn repaired(&self) -> u64 {
        self.repaired
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.inner.read(&mut chunk)?;
        self.out.clear();
        self.pos = 0;
        if n == 0 {
            self.eof = true;
            if !self.pending.is_empty() {
                self.repaired += self.pending.len() as u64;
                self.pending.clear();
                self.out.extend_from_slice("\u{FFFD}".as_bytes());
            }
            return Ok(());
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(&chunk[..n]);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.push_clean(s);
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    self.push_clean(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(len) => {
                            self.repaired += len as u64;
                            self.out.extend_from_slice("\u{FFFD}".as_bytes());
                            rest = &bad[len..];
                        }
                        None => {
                            self.pending = bad.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn push_clean(&mut self, s: &str) {
        for c in s.chars() {
            if c < ' ' && !matches!(c, '\t' | '\n' | '\r') {
                self.repaired += 1;
            } else {
                let mut b = [0u8; 4];
                self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

impl<R: Read> Read for Lossy<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time, so characters are cut between reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((b, rest)) if !buf.is_empty() => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn bad_bytes_are_replaced_and_cut_characters_kept() {
        let mut lossy = Lossy::new(Trickle("caf\u{e9} \u{2014} ok".as_bytes()));
        let mut s = String::new();
        lossy.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), lossy.repaired()), ("caf\u{e9} \u{2014} ok", 0));
        let mut lossy = Lossy::new(&b"caf\xe9 \x08x\xf0\x9f"[..]);
        let mut s = String::new();
        lossy.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), lossy.repaired()), ("caf\u{FFFD} x\u{FFFD}", 4));
    }
}
