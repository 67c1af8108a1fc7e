//! The publication masthead's issue line: volume and number counted from the founding,
//! the weekday and the date, in the site's language.

use time::Date;

use crate::content::dates;

/// `Vol. IV · No. 04  Monday · 29 June 2026`: the volume counts years since the founding
/// (plus one), the number is the week within that volume.
pub(super) fn masthead(founded: Date, today: Date, w: &crate::strings::Words) -> String {
    let mut years = today.year() - founded.year();
    if (today.month() as u8, today.day()) < (founded.month() as u8, founded.day()) {
        years -= 1;
    }
    let years = years.max(0);
    let start = anniversary(founded, founded.year() + years);
    let week = ((today - start).whole_days().max(0) / 7) + 1;
    format!(
        "{} {} · {} {week:02}  {} · {}",
        w.t("volume"),
        roman((years + 1) as u32),
        w.t("number"),
        dates::weekday_in(today.weekday(), w.locale()),
        dates::long_date_in(today, w.locale())
    )
}

fn anniversary(founded: Date, year: i32) -> Date {
    Date::from_calendar_date(year, founded.month(), founded.day())
        .or_else(|_| Date::from_calendar_date(year, founded.month(), 28))
        .unwrap_or(founded)
}

pub(super) fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            s.push_str(numeral);
            n -= value;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn masthead_counts_volumes_and_weeks() {
        let en = crate::strings::Words::new("en", &std::sync::Arc::default());
        // Founded 8 June 2023: 29 June 2026 is in the fourth volume's fourth week.
        assert_eq!(
            masthead(date!(2023 - 06 - 08), date!(2026 - 06 - 29), &en),
            "Vol. IV · No. 04  Monday · 29 June 2026"
        );
        assert_eq!(
            masthead(date!(2026 - 06 - 29), date!(2026 - 06 - 29), &en),
            "Vol. I · No. 01  Monday · 29 June 2026"
        );
        assert!(
            masthead(date!(2024 - 02 - 29), date!(2025 - 03 - 01), &en)
                .starts_with("Vol. II · No. 01")
        );
        assert_eq!(roman(2026), "MMXXVI");
        let de = crate::strings::Words::new("de", &std::sync::Arc::default());
        assert_eq!(
            masthead(date!(2023 - 06 - 08), date!(2026 - 06 - 29), &de),
            "Jg. IV · Nr. 04  Montag · 29. Juni 2026"
        );
    }
}
