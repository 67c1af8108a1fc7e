//! WCAG 2 contrast between a colour setting and the theme's background, so a site's own
//! accent cannot make its links unreadable.

/// `value` as `#rrggbb` when it reads at least 4.5:1 (WCAG AA for text) against
/// `background`; else why not, with the ratio.
pub(super) fn checked(value: &str, background: &str, which: &str) -> Result<String, String> {
    let colour = parse(value).ok_or_else(|| {
        format!("expected a colour as #rgb or #rrggbb (such as #1a5fb4), found {value:?}")
    })?;
    let bg = parse(background).expect("the theme's backgrounds are colours");
    let ratio = ratio(colour, bg);
    if ratio < 4.5 {
        return Err(format!(
            "{value} has a contrast of {ratio:.2}:1 against the {which} background \
             {background}; links need at least 4.5:1 (WCAG AA): choose a {} colour",
            if which == "light" {
                "darker"
            } else {
                "lighter"
            }
        ));
    }
    Ok(format!(
        "#{:02x}{:02x}{:02x}",
        colour[0], colour[1], colour[2]
    ))
}

fn parse(value: &str) -> Option<[u8; 3]> {
    let hex = value.trim().strip_prefix('#')?;
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

/// Relative luminance, as WCAG 2 defines it.
fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colour_without_aa_contrast_is_refused_with_its_ratio() {
        assert_eq!(checked("#1A5FB4", "#fdfcf9", "light").unwrap(), "#1a5fb4");
        let e = checked("#ffff00", "#fdfcf9", "light").unwrap_err();
        assert!(
            e.contains("1.0") && e.contains("4.5:1") && e.contains("darker"),
            "{e}"
        );
        assert!(checked("#000", "#171614", "dark").is_err());
        assert!(checked("blue", "#fdfcf9", "light").is_err());
        // Black on white is the largest contrast there is.
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    }
}
