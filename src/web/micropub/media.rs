//! Uploaded files: the type comes from the first bytes, never from the name or the
//! declared type, and only images a page can show are taken.

/// The file extension for `bytes`, if they are an image we accept.
pub(super) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(super::sniff(b"GIF89a...."), Some("gif"));
        assert_eq!(super::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(super::sniff(b"\xFF\xD8\xFF\xE0"), Some("jpg"));
    }
}
