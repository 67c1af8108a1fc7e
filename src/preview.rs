//! Preview links: `/preview/{slug}?expires=…&sig=…` shows one unpublished article to
//! whoever holds the link, until it expires. The signature is HMAC-SHA256 over the slug
//! and the expiry with one secret kept in the archive; replacing that secret revokes
//! every link at once. Checked in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The name of the secret in the archive's `secrets` table.
pub(crate) const SECRET: &str = "preview";

type Signer = Hmac<Sha256>;

/// A fresh secret: 256 bits from the OS's random source, as hex.
pub(crate) fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(crate::hex::encode(&bytes))
}

fn signer(secret: &str, slug: &str, expires: i64) -> Signer {
    let mut mac = Signer::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(slug.as_bytes());
    mac.update(b"\n");
    mac.update(expires.to_string().as_bytes());
    mac
}

/// The signature of a link to `slug` that expires at `expires` (Unix seconds).
pub(crate) fn sign(secret: &str, slug: &str, expires: i64) -> String {
    crate::hex::encode(&signer(secret, slug, expires).finalize().into_bytes())
}

/// The longest a preview link lasts: a year.
pub(crate) const MAX_HOURS: u32 = 8760;

/// Whether `sig` signs `slug` until `expires`, and `expires` is still ahead of `now`.
pub(crate) fn verify(secret: &str, slug: &str, expires: i64, sig: &str, now: i64) -> bool {
    let Some(bytes) = unhex(sig) else {
        return false;
    };
    // A link made to last longer than any link is made for (by an older version, which
    // took any number of hours) is refused too.
    let longest = i64::from(MAX_HOURS) * 3600;
    expires > now
        && expires - now <= longest
        && signer(secret, slug, expires).verify_slice(&bytes).is_ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    crate::hex::decode(s).filter(|bytes| bytes.len() == 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_good_for_its_slug_until_it_expires() {
        let sig = sign("k", "draft", 1_000);
        assert!(verify("k", "draft", 1_000, &sig, 999));
        assert!(!verify("k", "draft", 1_000, &sig, 1_000), "expired");
        assert!(!verify("k", "other", 1_000, &sig, 999), "another slug");
        assert!(!verify("k", "draft", 2_000, &sig, 999), "another expiry");
        assert!(
            !verify("rotated", "draft", 1_000, &sig, 999),
            "another secret"
        );
        assert!(!verify("k", "draft", 1_000, "zz", 999));
    }

    #[test]
    fn a_link_signed_for_longer_than_a_year_is_refused() {
        let year = i64::from(MAX_HOURS) * 3600;
        let sig = sign("k", "draft", year);
        assert!(verify("k", "draft", year, &sig, 0));
        let far = year * 100_000;
        let sig = sign("k", "draft", far);
        assert!(!verify("k", "draft", far, &sig, 0));
    }
}
