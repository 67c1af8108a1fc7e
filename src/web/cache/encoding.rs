//! Content encodings of kept responses: which one a client gets (`choose`) and how each
//! is made. A page is compressed once, on the request that renders it, so the levels
//! are the cheap ones that get most of the gain.

use std::io::{Read as _, Write as _};

use axum::body::Bytes;
use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Brotli,
    Zstd,
    Gzip,
}

impl Encoding {
    pub(super) const ALL: [Encoding; 3] = [Encoding::Brotli, Encoding::Zstd, Encoding::Gzip];

    pub(super) fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Zstd => "zstd",
            Encoding::Gzip => "gzip",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn compress(self, data: &[u8]) -> Bytes {
        let out = match self {
            Encoding::Brotli => {
                // Quality 5 with a 256 KiB window: on a generated 12.9 KB article,
                // quality 9 with a 4 MiB window (what this paid before, per page) saved
                // 0.7% more (3,757 bytes vs 3,784), not worth its time on every miss.
                let (quality, lgwin) = (5, 18);
                let mut out = Vec::with_capacity(data.len() / 3);
                let params = brotli::enc::BrotliEncoderParams {
                    quality,
                    lgwin,
                    size_hint: data.len(),
                    ..Default::default()
                };
                let mut input = data;
                brotli::BrotliCompress(&mut input, &mut out, &params).map(|_| out)
            }
            Encoding::Zstd => zstd::bulk::compress(data, 3),
            Encoding::Gzip => {
                let mut enc = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 3),
                    flate2::Compression::new(6),
                );
                enc.write_all(data).and_then(|()| enc.finish())
            }
        };
        // Compressing a buffer in memory cannot fail short of allocation failure.
        Bytes::from(out.expect("in-memory compression"))
    }
}

/// The bytes brotli `compressed` came from; `None` if they are not brotli's (never, for
/// what `compress` made).
pub(super) fn unbrotli(compressed: &[u8], size: usize) -> Option<Bytes> {
    let mut out = Vec::with_capacity(size);
    brotli::Decompressor::new(compressed, 4096)
        .read_to_end(&mut out)
        .ok()?;
    Some(Bytes::from(out))
}

/// The client's preferred encoding among ours (ties go to br, then zstd, then gzip);
/// `q=0` refuses one, `*` stands for any not named.
pub(super) fn choose(asked: &HeaderMap) -> Option<Encoding> {
    let header = asked.get(header::ACCEPT_ENCODING)?.to_str().ok()?;
    let mut q = [None::<f32>; 3];
    let mut star = None::<f32>;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(|v| v.trim().parse::<f32>()))
            .map_or(Some(1.0), Result::ok)
            .unwrap_or(0.0);
        match name.as_str() {
            "*" => star = Some(weight),
            _ => {
                if let Some(e) = Encoding::ALL.iter().find(|e| e.token() == name) {
                    q[e.index()] = Some(weight);
                }
            }
        }
    }
    let mut best: Option<(Encoding, f32)> = None;
    for e in Encoding::ALL {
        let w = q[e.index()].or(star).unwrap_or(0.0);
        if w > 0.0 && best.is_none_or(|(_, b)| w > b) {
            best = Some((e, w));
        }
    }
    best.map(|(e, _)| e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn asked(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn encoding_negotiation_follows_q_values() {
        assert_eq!(
            choose(&asked("gzip, deflate, br, zstd")),
            Some(Encoding::Brotli)
        );
        assert_eq!(choose(&asked("gzip")), Some(Encoding::Gzip));
        assert_eq!(choose(&asked("br;q=0.5, gzip;q=0.9")), Some(Encoding::Gzip));
        assert_eq!(choose(&asked("br;q=0, zstd")), Some(Encoding::Zstd));
        assert_eq!(choose(&asked("identity")), None);
        assert_eq!(choose(&asked("*;q=0")), None);
        assert_eq!(choose(&asked("*")), Some(Encoding::Brotli));
        assert_eq!(choose(&asked("gzip;q=bogus")), None);
        assert_eq!(choose(&HeaderMap::new()), None);
    }

    #[test]
    fn every_encoding_round_trips() {
        let text = "The quick brown fox. ".repeat(200);
        let br = Encoding::Brotli.compress(text.as_bytes());
        assert_eq!(unbrotli(&br, text.len()).unwrap(), text.as_bytes());
        assert!(br.len() < text.len() / 10);
        let z = Encoding::Zstd.compress(text.as_bytes());
        assert_eq!(
            zstd::bulk::decompress(&z, 1 << 20).unwrap(),
            text.as_bytes()
        );
        let gz = Encoding::Gzip.compress(text.as_bytes());
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }
}
