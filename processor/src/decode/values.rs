//! What a text cell means: null, or a value of one of the column types.
//!
//! The rules, the same for CSV cells and JSON strings (documented in the processor README):
//! - **null**: an empty cell (after trimming spaces), or exactly `NULL`, `null`, `NA`, `N/A`,
//!   `n/a`;
//! - **integer**: an optional sign and ASCII digits, within `i64`;
//! - **float**: a decimal number with a point and/or an exponent (`1.5`, `-.5`, `2e10`), finite;
//!   `NaN` and `inf` are text;
//! - **boolean**: `true` or `false`, any case;
//! - **date**: `YYYY-MM-DD`;
//! - **timestamp**: `YYYY-MM-DD` then `T` or a space, `HH:MM:SS`, optional fraction (up to
//!   nanoseconds, kept to microseconds), optional `Z` or `±HH:MM` offset; stored as UTC
//!   microseconds (no offset means UTC).
//!
//! Surrounding spaces are ignored for every type but text, which is kept as written.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// The column types the processor infers, from the narrowest to the widest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    Boolean,
    Integer,
    Float,
    Date,
    Timestamp,
    Text,
}

impl ColumnType {
    /// The name the profile and the API use.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Boolean => "boolean",
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "string",
        }
    }
}

const NULL_TOKENS: [&str; 5] = ["NULL", "null", "NA", "N/A", "n/a"];

/// Whether the cell is null.
pub fn is_null(cell: &str) -> bool {
    let trimmed = cell.trim();
    trimmed.is_empty() || NULL_TOKENS.contains(&trimmed)
}

pub fn parse_bool(cell: &str) -> Option<bool> {
    let trimmed = cell.trim();
    if trimmed.eq_ignore_ascii_case("true") {
        Some(true)
    } else if trimmed.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub fn parse_int(cell: &str) -> Option<i64> {
    let trimmed = cell.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse().ok()
}

pub fn parse_float(cell: &str) -> Option<f64> {
    let trimmed = cell.trim();
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    // Digits, at most one point, an optional exponent: no words (inf, NaN), no hex.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mut points = 0;
    let mut digits = 0;
    for b in mantissa.bytes() {
        match b {
            b'.' => points += 1,
            b'0'..=b'9' => digits += 1,
            _ => return None,
        }
    }
    if digits == 0 || points > 1 {
        return None;
    }
    if let Some(exp) = exponent {
        let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp_digits.is_empty() || !exp_digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    trimmed.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Days since 1970-01-01.
pub fn parse_date(cell: &str) -> Option<i32> {
    let trimmed = cell.trim();
    if trimmed.len() != 10 {
        return None;
    }
    let date = ymd(trimmed.as_bytes())?;
    Some((date - NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days() as i32)
}

/// `YYYY-MM-DD`, exactly, as a valid calendar date. Read byte by byte: chrono's format-string
/// parser cost a tenth of a conversion's time on a file with two date columns.
fn ymd(bytes: &[u8]) -> Option<NaiveDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *bytes else {
        return None;
    };
    let year = digits(&[y1, y2, y3, y4])?;
    let month = digits(&[m1, m2])?;
    let day = digits(&[d1, d2])?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// `HH:MM:SS` and an optional fraction of up to nine digits (`.123`), as a valid time.
fn hms_fraction(text: &[u8]) -> Option<NaiveTime> {
    let (&[h1, h2, b':', m1, m2, b':', s1, s2], fraction) = text.split_first_chunk::<8>()? else {
        return None;
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits_after @ ..] if (1..=9).contains(&digits_after.len()) => {
            digits(digits_after)? * 10u32.pow(9 - digits_after.len() as u32)
        }
        _ => return None,
    };
    let (hour, minute, second) = (digits(&[h1, h2])?, digits(&[m1, m2])?, digits(&[s1, s2])?);
    // :60 is a leap second, which chrono keeps as second 59 plus a whole second of nanoseconds.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// ASCII digits as a number (at most nine of them).
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// Microseconds since 1970-01-01T00:00:00Z.
pub fn parse_timestamp(cell: &str) -> Option<i64> {
    let trimmed = cell.trim();
    let bytes = trimmed.as_bytes();
    if bytes.len() < 19 || !(bytes[10] == b'T' || bytes[10] == b' ') {
        return None;
    }
    let date = ymd(&bytes[..10])?;
    let rest = trimmed.get(11..)?;
    // The time runs until an offset: Z, +HH:MM or -HH:MM.
    let (time_text, offset_seconds) = split_offset(rest)?;
    let time = hms_fraction(time_text.as_bytes())?;
    let local = NaiveDateTime::new(date, time).and_utc();
    let micros = local.timestamp_micros();
    micros.checked_sub(offset_seconds * 1_000_000)
}

fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(time) = rest.strip_suffix('Z') {
        return Some((time, 0));
    }
    let bytes = rest.as_bytes();
    if bytes.len() >= 6 {
        let at = bytes.len() - 6;
        let sign = bytes[at];
        if (sign == b'+' || sign == b'-') && bytes[at + 3] == b':' {
            let hours: i64 = rest[at + 1..at + 3].parse().ok()?;
            let minutes: i64 = rest[at + 4..].parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            return Some((&rest[..at], if sign == b'+' { seconds } else { -seconds }));
        }
    }
    Some((rest, 0))
}

/// A decoded cell of a column of known type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Boolean(bool),
    Integer(i64),
    Float(f64),
    /// Days since 1970-01-01.
    Date(i32),
    /// UTC microseconds since 1970-01-01T00:00:00Z.
    Timestamp(i64),
    Text(&'a str),
}

/// The cell as a value of type `ty`: [`Value::Null`] for a null token, `None` when it does not
/// fit the type (a conflict with the inferred type). A timestamp column takes dates as
/// midnight UTC; a text column takes every cell as written.
pub fn parse_as(cell: &str, ty: ColumnType) -> Option<Value<'_>> {
    if is_null(cell) {
        return Some(Value::Null);
    }
    match ty {
        ColumnType::Boolean => parse_bool(cell).map(Value::Boolean),
        ColumnType::Integer => parse_int(cell).map(Value::Integer),
        ColumnType::Float => parse_float(cell).map(Value::Float),
        ColumnType::Date => parse_date(cell).map(Value::Date),
        ColumnType::Timestamp => parse_timestamp(cell)
            .or_else(|| parse_date(cell).map(|days| i64::from(days) * 86_400_000_000))
            .map(Value::Timestamp),
        ColumnType::Text => Some(Value::Text(cell)),
    }
}

/// The types a non-null cell could be, as a bit set ([`TypeSet`]).
pub fn possible_types(cell: &str) -> TypeSet {
    let mut set = TypeSet::TEXT;
    if parse_int(cell).is_some() {
        // An integer is also a float.
        set = set.with(ColumnType::Integer).with(ColumnType::Float);
    } else if parse_float(cell).is_some() {
        set = set.with(ColumnType::Float);
    } else if parse_bool(cell).is_some() {
        set = set.with(ColumnType::Boolean);
    } else if parse_date(cell).is_some() {
        // A date is also a timestamp at midnight.
        set = set.with(ColumnType::Date).with(ColumnType::Timestamp);
    } else if parse_timestamp(cell).is_some() {
        set = set.with(ColumnType::Timestamp);
    }
    set
}

/// A set of column types; narrowed cell by cell while inferring a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeSet(u8);

impl TypeSet {
    pub const TEXT: TypeSet = TypeSet(1 << 5);
    pub const ALL: TypeSet = TypeSet(0b11_1111);

    fn bit(t: ColumnType) -> u8 {
        1 << (t as u8)
    }

    pub fn with(self, t: ColumnType) -> TypeSet {
        TypeSet(self.0 | Self::bit(t))
    }

    pub fn contains(self, t: ColumnType) -> bool {
        self.0 & Self::bit(t) != 0
    }

    pub fn intersect(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 & other.0)
    }

    /// The narrowest type in the set (text when it holds no other).
    pub fn narrowest(self) -> ColumnType {
        [
            ColumnType::Boolean,
            ColumnType::Integer,
            ColumnType::Float,
            ColumnType::Date,
            ColumnType::Timestamp,
        ]
        .into_iter()
        .find(|t| self.contains(*t))
        .unwrap_or(ColumnType::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_a_column_type() {
        assert_eq!(parse_as(" NA ", ColumnType::Integer), Some(Value::Null));
        assert_eq!(parse_as("12", ColumnType::Float), Some(Value::Float(12.0)));
        assert_eq!(parse_as("1.5", ColumnType::Integer), None);
        assert_eq!(
            parse_as("1970-01-02", ColumnType::Timestamp),
            Some(Value::Timestamp(86_400_000_000))
        );
        assert_eq!(parse_as("x", ColumnType::Date), None);
        assert_eq!(parse_as(" x ", ColumnType::Text), Some(Value::Text(" x ")));
    }

    #[test]
    fn nulls() {
        for cell in ["", "  ", "NULL", "null", "NA", "N/A", "n/a", " NA "] {
            assert!(is_null(cell), "{cell:?}");
        }
        for cell in ["0", "none", "nan", "Null?", "-"] {
            assert!(!is_null(cell), "{cell:?}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_int(" -42 "), Some(-42));
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("9223372036854775808"), None);
        for cell in ["", "-", "1.0", "1e3", "0x10", "1_000", "١٢"] {
            assert_eq!(parse_int(cell), None, "{cell:?}");
        }
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float("-.5"), Some(-0.5));
        assert_eq!(parse_float("2e10"), Some(2e10));
        assert_eq!(parse_float("3."), Some(3.0));
        for cell in [
            "NaN",
            "inf",
            "-infinity",
            "1e",
            "1.2.3",
            ".",
            "e5",
            "1e400",
            "1,5",
        ] {
            assert_eq!(parse_float(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn dates_and_timestamps() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2024-1-5"), None);
        assert_eq!(parse_timestamp("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(parse_timestamp("1970-01-01 00:00:01.25"), Some(1_250_000));
        assert_eq!(parse_timestamp("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_timestamp("1970-01-01T00:00:00-00:30"),
            Some(1_800_000_000)
        );
        for cell in [
            "1970-01-01",
            "1970-01-01T25:00:00",
            "1970-01-01T00:00",
            "1970-01-01X00:00:00",
        ] {
            assert_eq!(parse_timestamp(cell), None, "{cell:?}");
        }
    }

    #[test]
    fn possible_types_narrow_from_the_cell() {
        assert_eq!(possible_types("12").narrowest(), ColumnType::Integer);
        assert!(possible_types("12").contains(ColumnType::Float));
        assert_eq!(possible_types("1.5").narrowest(), ColumnType::Float);
        assert_eq!(possible_types("TRUE").narrowest(), ColumnType::Boolean);
        assert_eq!(possible_types("2024-01-01").narrowest(), ColumnType::Date);
        assert!(possible_types("2024-01-01").contains(ColumnType::Timestamp));
        assert_eq!(
            possible_types("2024-01-01 10:00:00").narrowest(),
            ColumnType::Timestamp
        );
        assert_eq!(possible_types("hello").narrowest(), ColumnType::Text);
        let mixed = possible_types("12").intersect(possible_types("1.5"));
        assert_eq!(mixed.narrowest(), ColumnType::Float);
        let conflict = possible_types("12").intersect(possible_types("2024-01-01"));
        assert_eq!(conflict.narrowest(), ColumnType::Text);
    }

    proptest::proptest! {
        /// The byte-by-byte date and time readers agree with chrono's format-string parser on
        /// every string of the shape they read, valid or not.
        #[test]
        fn dates_and_times_read_as_chrono_reads_them(
            date in "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            time in "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?",
        ) {
            proptest::prop_assert_eq!(
                ymd(date.as_bytes()),
                NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()
            );
            proptest::prop_assert_eq!(
                hms_fraction(time.as_bytes()),
                NaiveTime::parse_from_str(&time, "%H:%M:%S%.f").ok()
            );
        }
    }
}
