//! Every date shape the corpora use, turned into one UTC instant. A date or time without
//! a zone is read in the site's time zone.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use time_tz::{OffsetResult, PrimitiveDateTimeExt, Tz};

use super::lang::Locale;

/// Parses `YYYY-MM-DD` (month and day may be unpadded; `/` may stand for `-`, as
/// Next.js and Hexo posts write `2024/12/05`) into a calendar date.
pub(crate) fn parse_calendar_date(s: &str) -> Result<Date, String> {
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut parts = s.trim().splitn(3, sep);
    let mut next = |what: &str| -> Result<i64, String> {
        let p = parts
            .next()
            .filter(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("{s:?} is not a date (expected YYYY-MM-DD): bad {what}"))?;
        Ok(p.parse::<i64>().expect("digits"))
    };
    let (y, m, d) = (next("year")?, next("month")?, next("day")?);
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("{s:?} has no month {m}"))?;
    let year = i32::try_from(y).expect("four digits");
    if year == 0 {
        return Err(format!(
            "{s:?} has the year 0, which no calendar has; check the date"
        ));
    }
    let day = u8::try_from(d).map_err(|_| format!("{s:?} has no day {d}"))?;
    Date::from_calendar_date(year, month, day).map_err(|_| {
        format!(
            "{s:?} is not a real date: {month} {year} has {} days",
            time::util::days_in_month(month, year)
        )
    })
}

/// Parses a date, a date and time, or an RFC 3339 timestamp, in any of the shapes:
/// `2026-06-04`, `2026-6-4`, `2026-06-04 08:15`, `2026-06-04T08:15:30`,
/// `2026-06-04T08:15:30.25Z`, `2026-06-04T08:15:30+02:00`, `2026-06-04 08:15:30 +0200`.
pub(crate) fn parse_datetime(s: &str, tz: &Tz) -> Result<OffsetDateTime, String> {
    let s = s.trim();
    // `Fri, 17 Apr 2026 09:00:00 GMT`: an RFC 2822 date, as feeds and `Date:` headers
    // write them.
    if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return rfc2822(s);
    }
    let (date_part, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], s[i + 1..].trim_start()),
        None => (s, ""),
    };
    let date = parse_calendar_date(date_part)?;
    if rest.is_empty() {
        return in_zone(PrimitiveDateTime::new(date, Time::MIDNIGHT), tz, s);
    }
    // Split the clock from a zone suffix: `Z`, `UTC`, `+hh:mm`, `+hhmm`, `-hh`.
    let zone_at = rest
        .char_indices()
        .find(|&(_, c)| c == 'Z' || c == 'z' || c == '+' || c == '-' || c == ' ' || c == 'U')
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let (clock, zone) = (&rest[..zone_at], rest[zone_at..].trim());
    let time = parse_clock(clock).map_err(|e| format!("{s:?}: {e}"))?;
    let local = PrimitiveDateTime::new(date, time);
    if zone.is_empty() {
        return in_zone(local, tz, s);
    }
    let offset = parse_offset(zone).ok_or_else(|| {
        format!("{s:?}: unknown time zone suffix {zone:?} (use Z or an offset like +02:00)")
    })?;
    Ok(local.assume_offset(offset).to_offset(UtcOffset::UTC))
}

/// An RFC 2822 date; `GMT`/`UT` (which `time` does not read) are `+0000`.
fn rfc2822(s: &str) -> Result<OffsetDateTime, String> {
    use time::format_description::well_known::Rfc2822;
    let numeric = match s.rsplit_once(' ') {
        Some((head, "GMT" | "UT" | "UTC" | "Z")) => format!("{head} +0000"),
        _ => s.to_string(),
    };
    OffsetDateTime::parse(&numeric, &Rfc2822)
        .map(|d| d.to_offset(UtcOffset::UTC))
        .map_err(|_| format!("{s:?} is not a date (expected YYYY-MM-DD)"))
}

/// `2023-01-29 18:30:22 2023 -0800` (a date written with its year again before the zone,
/// which Jekyll accepts) without the repeated year; `None` for any other shape.
pub(crate) fn without_repeated_year(s: &str) -> Option<String> {
    let mut words = s.split_whitespace();
    let (date, clock, year) = (words.next()?, words.next()?, words.next()?);
    let zone: Vec<&str> = words.collect();
    (year.len() == 4 && date.starts_with(year) && clock.contains(':') && zone.len() <= 1).then(
        || {
            format!(
                "{date} {clock}{}",
                zone.first().map_or(String::new(), |z| format!(" {z}"))
            )
        },
    )
}

fn parse_clock(clock: &str) -> Result<Time, String> {
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((a, b)) => (a, b),
        None => (clock, ""),
    };
    let nums: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&nums.len())
        || nums
            .iter()
            .any(|n| n.is_empty() || n.len() > 2 || !n.bytes().all(|b| b.is_ascii_digit()))
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "{clock:?} is not a time (expected HH:MM or HH:MM:SS)"
        ));
    }
    let n = |i: usize| nums.get(i).map_or(0, |v| v.parse::<u8>().expect("digits"));
    let nanos = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        digits.parse::<u32>().expect("digits")
    };
    Time::from_hms_nano(n(0), n(1), n(2), nanos)
        .map_err(|_| format!("{clock:?} is not a real time of day"))
}

fn parse_offset(zone: &str) -> Option<UtcOffset> {
    if matches!(zone, "Z" | "z" | "UTC" | "GMT") {
        return Some(UtcOffset::UTC);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let h: i8 = digits[..2].parse().ok()?;
    let m: i8 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    // Real zones lie within ±18 hours; anything beyond is a typo.
    if h > 18 || m > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

/// A wall-clock time in the site's zone; in a DST gap the later instant is taken, in an
/// overlap the earlier one, so a date never fails to publish because of a clock change.
fn in_zone(local: PrimitiveDateTime, tz: &Tz, shown: &str) -> Result<OffsetDateTime, String> {
    match local.assume_timezone(tz) {
        OffsetResult::Some(t) | OffsetResult::Ambiguous(t, _) => Ok(t.to_offset(UtcOffset::UTC)),
        OffsetResult::None => (local + time::Duration::HOUR)
            .assume_timezone(tz)
            .take_first()
            .map(|t| t.to_offset(UtcOffset::UTC))
            .ok_or_else(|| format!("{shown:?} does not exist in the site's time zone")),
    }
}

/// Finds a `YYYY/MM/DD` run in a path such as `inside-rust/2020/07/27/1.45.1-prerelease`.
pub(crate) fn date_in_path(path: &str) -> Option<Date> {
    let segs: Vec<&str> = path.split('/').collect();
    segs.windows(3).find_map(|w| {
        if w[0].len() == 4
            && w.iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            parse_calendar_date(&format!("{}-{}-{}", w[0], w[1], w[2])).ok()
        } else {
            None
        }
    })
}

/// Splits a `YYYY-MM-DD-` prefix off a file stem: `2026-05-12-wal` → (date, `wal`);
/// month and day may be unpadded (`2025-10-7-upgrades`), as Docusaurus reads them.
pub(crate) fn split_date_prefix(stem: &str) -> Option<(Date, &str)> {
    let mut parts = stem.splitn(4, '-');
    let (y, m, d, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2)) || rest.is_empty() {
        return None;
    }
    let date = parse_calendar_date(&format!("{y}-{m}-{d}")).ok()?;
    Some((date, rest))
}

/// The calendar day of Unix time `ts` in `tz`.
/// A Unix time as RFC 3339 in UTC (`2026-06-04T08:00:00Z`), for feeds, sitemaps,
/// JSON-LD and microformats.
pub(crate) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn local_date(ts: i64, tz: &Tz) -> Date {
    use time_tz::OffsetDateTimeExt;
    OffsetDateTime::from_unix_timestamp(ts)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_timezone(tz)
        .date()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `29 June 2026`.
pub(crate) fn long_date(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[d.month() as usize - 1],
        d.year()
    )
}

/// `4 Jun 2026`.
pub(crate) fn short_date(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        &MONTHS[d.month() as usize - 1][..3],
        d.year()
    )
}

/// A day as the article's language writes it: `4 Jun 2026`, `3 mars 2025` (`1er mars`),
/// `3. März 2025`, `3 de marzo de 2025`. Any other language reads as English.
pub(crate) fn spelled_date(d: Date, locale: Locale) -> String {
    let (day, month, year) = (d.day(), d.month() as usize - 1, d.year());
    match locale {
        Locale::En => short_date(d),
        Locale::Fr if day == 1 => format!("1er {} {year}", MONTHS_FR[month]),
        Locale::Fr => format!("{day} {} {year}", MONTHS_FR[month]),
        Locale::De => format!("{day}. {} {year}", MONTHS_DE[month]),
        Locale::Es => format!("{day} de {} de {year}", MONTHS_ES[month]),
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// The name of month `m` (1–12) in `locale`'s language.
pub(crate) fn month_in(m: i64, locale: Locale) -> &'static str {
    let table = match locale {
        Locale::En => &MONTHS,
        Locale::Fr => &MONTHS_FR,
        Locale::De => &MONTHS_DE,
        Locale::Es => &MONTHS_ES,
    };
    table[(m - 1).clamp(0, 11) as usize]
}

/// A day with its month written out: `29 June 2026`, `29 juin 2026`, `29. Juni 2026`.
pub(crate) fn long_date_in(d: Date, locale: Locale) -> String {
    match locale {
        Locale::En => long_date(d),
        other => spelled_date(d, other),
    }
}

/// The name of a weekday in `locale`'s language.
pub(crate) fn weekday_in(w: time::Weekday, locale: Locale) -> &'static str {
    const DAYS: [[&str; 7]; 4] = [
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
    ];
    let row = match locale {
        Locale::En => 0,
        Locale::Fr => 1,
        Locale::De => 2,
        Locale::Es => 3,
    };
    DAYS[row][w.number_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn berlin() -> &'static Tz {
        time_tz::timezones::get_by_name("Europe/Berlin").unwrap()
    }

    #[test]
    fn every_corpus_shape() {
        let tz = berlin();
        let utc = time_tz::timezones::db::UTC;
        let cases = [
            ("2026-06-04", datetime!(2026-06-03 22:00 UTC)),
            ("2024-4-09", datetime!(2024-04-08 22:00 UTC)),
            ("2026-6-7", datetime!(2026-06-06 22:00 UTC)),
            ("2026-06-04 08:15", datetime!(2026-06-04 06:15 UTC)),
            ("2026-06-04 08:15:30", datetime!(2026-06-04 06:15:30 UTC)),
            ("2026-01-04T08:15:30", datetime!(2026-01-04 07:15:30 UTC)),
            ("2020-11-10T12:01:00Z", datetime!(2020-11-10 12:01 UTC)),
            ("2026-02-11T07:00:00+01:00", datetime!(2026-02-11 06:00 UTC)),
            ("2026-02-11 07:00:00 +0100", datetime!(2026-02-11 06:00 UTC)),
            (
                "1979-05-27T07:32:00.999999Z",
                datetime!(1979-05-27 07:32:00.999999 UTC),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_datetime(text, tz).unwrap(), want, "{text}");
        }
        assert_eq!(
            parse_datetime("2026-06-04", utc).unwrap(),
            datetime!(2026-06-04 00:00 UTC)
        );
    }

    #[test]
    fn slashed_dates_and_rfc_2822_dates_are_read() {
        let utc = time_tz::timezones::db::UTC;
        let cases = [
            ("2024/12/05", datetime!(2024-12-05 00:00 UTC)),
            ("2024/1/5 10:00", datetime!(2024-01-05 10:00 UTC)),
            ("2024-12-05 10:00:00 +0100", datetime!(2024-12-05 09:00 UTC)),
            (
                "Fri, 17 Apr 2026 09:30:00 GMT",
                datetime!(2026-04-17 09:30 UTC),
            ),
            (
                "Fri, 17 Apr 2026 09:30:00 +0200",
                datetime!(2026-04-17 07:30 UTC),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_datetime(text, utc).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn impossible_dates_are_named() {
        let e = parse_datetime("2026-02-30", berlin()).unwrap_err();
        assert!(e.contains("February 2026 has 28 days"), "{e}");
        assert!(
            parse_datetime("2026-13-01", berlin())
                .unwrap_err()
                .contains("month 13")
        );
        assert!(parse_datetime("2026-01-01 25:00", berlin()).is_err());
        assert!(parse_datetime("yesterday", berlin()).is_err());
        assert!(parse_datetime("2026-01-01T10:00+25:00", berlin()).is_err());
    }

    #[test]
    fn daylight_saving_gap_moves_forward() {
        // 02:30 on 29 March 2026 does not exist in Berlin.
        let t = parse_datetime("2026-03-29 02:30", berlin()).unwrap();
        assert_eq!(t, datetime!(2026-03-29 01:30 UTC));
    }

    #[test]
    fn dates_in_paths_and_file_names() {
        assert_eq!(
            date_in_path("inside-rust/2020/07/27/1.45.1-prerelease"),
            Some(time::macros::date!(2020 - 07 - 27))
        );
        assert_eq!(date_in_path("no/date/here"), None);
        let (d, rest) = split_date_prefix("2026-05-12-wal-mode").unwrap();
        assert_eq!((d, rest), (time::macros::date!(2026 - 05 - 12), "wal-mode"));
        assert!(split_date_prefix("2026-02-30-x").is_none());
        let e = parse_calendar_date("0000-01-01").unwrap_err();
        assert!(e.contains("year 0"), "{e}");
        assert!(parse_calendar_date("0001-01-01").is_ok());
        let (d, rest) = split_date_prefix("2025-10-7-os-upgrades").unwrap();
        assert_eq!(
            (d, rest),
            (time::macros::date!(2025 - 10 - 07), "os-upgrades")
        );
        assert!(split_date_prefix("2025-10-7").is_none());
        assert!(split_date_prefix("wal-mode").is_none());
        assert_eq!(
            without_repeated_year("2023-01-29 18:30:22 2023 -0800").as_deref(),
            Some("2023-01-29 18:30:22 -0800")
        );
        assert_eq!(without_repeated_year("2023-01-29 18:30:22 -0800"), None);
    }

    #[test]
    fn dates_are_spelled_in_four_languages() {
        let d = time::macros::date!(2025 - 03 - 03);
        assert_eq!(spelled_date(d, Locale::En), "3 Mar 2025");
        assert_eq!(spelled_date(d, Locale::Fr), "3 mars 2025");
        assert_eq!(spelled_date(d, Locale::De), "3. März 2025");
        assert_eq!(spelled_date(d, Locale::Es), "3 de marzo de 2025");
        let first = time::macros::date!(2026 - 08 - 01);
        assert_eq!(spelled_date(first, Locale::Fr), "1er août 2026");
        assert_eq!(spelled_date(first, Locale::of("ja")), "1 Aug 2026");
    }
}
