//! Publishing tokens: made from the operating system's random source, shown once, kept
//! only as a SHA-256 hash and checked in constant time. The SQL is `db::tokens`.

use sha2::{Digest, Sha256};

/// Every token starts with this, so secret scanners can recognise a leaked one.
pub(crate) const PREFIX: &str = "dsp_";

/// What a token may do (Micropub's scope names).
pub(crate) const SCOPES: &[&str] = &["create", "update", "delete", "undelete", "media"];

/// A new token: the prefix and 256 bits from the OS's random source, in hex.
pub(crate) fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{PREFIX}{}", crate::hex::encode(&bytes)))
}

/// The hex SHA-256 of `token`: what the archive stores.
pub(crate) fn hash(token: &str) -> String {
    crate::hex::encode(&Sha256::digest(token.as_bytes()))
}

/// Whether two hashes are equal, in a time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box: keep the compiler from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

/// Checks a comma- or space-separated scope list; the normal form is space-separated.
pub(crate) fn parse_scopes(list: &str) -> Result<String, String> {
    let mut scopes: Vec<&str> = Vec::new();
    for s in list
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !SCOPES.contains(&s) {
            return Err(format!(
                "unknown scope `{s}`; use any of {}",
                SCOPES.join(", ")
            ));
        }
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    if scopes.is_empty() {
        return Err(format!("give at least one scope of {}", SCOPES.join(", ")));
    }
    Ok(scopes.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64, "{a}");
        assert_eq!(hash(&a).len(), 64);
        assert!(same(&hash(&a), &hash(&a)) && !same(&hash(&a), &hash(&b)));
    }

    #[test]
    fn scopes_are_checked() {
        assert_eq!(parse_scopes("create,media").unwrap(), "create media");
        assert!(parse_scopes("create,admin").is_err());
        assert!(parse_scopes("").is_err());
    }
}
