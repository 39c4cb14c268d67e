//! The case search: the text a case is found by, and its index of adjacent
//! character pairs (`case_grams`, migration 000016). Any search of two or more
//! characters holds each of its pairs, so the cases holding its rarer pairs are
//! the only candidates; the LIKE on the text then decides, as without the index.

use super::DbConn;
use super::schema::case_grams;
use diesel::prelude::*;

/// The text a case is searched by: its number, requester and subject.
pub fn text(tracking_no: &str, requester_name: &str, subject: &str) -> String {
    format!("{tracking_no} {requester_name} {subject}").to_lowercase()
}

/// Two code points as one number (each is below 2^21), as the migration packs them.
fn pack(a: char, b: char) -> i64 {
    (i64::from(u32::from(a)) << 21) | i64::from(u32::from(b))
}

/// The distinct pairs of adjacent characters of `s`, in ascending order.
pub fn grams(s: &str) -> Vec<i64> {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<i64> = chars.windows(2).map(|w| pack(w[0], w[1])).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Replaces the index entries of a case with those of its search text.
pub fn index(conn: &mut DbConn, case_id: i64, search: &str) -> QueryResult<()> {
    diesel::delete(case_grams::table.filter(case_grams::case_id.eq(case_id))).execute(conn)?;
    let rows: Vec<_> = grams(search)
        .into_iter()
        .map(|g| (case_grams::gram.eq(g), case_grams::case_id.eq(case_id)))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // A multi-row insert is written per backend (not over the multi-backend
    // connection); a case's pairs stay far below SQLite's parameter limit.
    let insert = diesel::insert_into(case_grams::table).values(rows);
    match conn {
        DbConn::Pg(c) => insert.execute(c),
        DbConn::Sqlite(c) => insert.execute(c),
    }
    .map(|_| ())
}

/// A pair held by more cases than this does not narrow a search enough to be
/// worth reading; reading the text of every case is then as quick.
const COMMON: i64 = 5_000;
/// Pairs of a long search looked up at most.
const PROBES: usize = 8;

/// The cases whose search text can hold `needle` (lower case): those holding
/// every one of its uncommon pairs, ascending. None when it has no pair or only
/// common ones.
pub fn candidates(conn: &mut DbConn, needle: &str) -> QueryResult<Option<Vec<i64>>> {
    let grams = grams(needle);
    // Spread over the needle when it is long.
    let step = grams.len().div_ceil(PROBES).max(1);
    let mut found: Option<Vec<i64>> = None;
    for &g in grams.iter().step_by(step) {
        let ids: Vec<i64> = case_grams::table
            .filter(case_grams::gram.eq(g))
            .order(case_grams::case_id)
            .select(case_grams::case_id)
            .limit(COMMON + 1)
            .load(conn)?;
        if ids.len() as i64 > COMMON {
            continue;
        }
        let narrowed = match found {
            None => ids,
            Some(before) => intersect(&before, &ids),
        };
        let none_left = narrowed.is_empty();
        found = Some(narrowed);
        if none_left {
            break;
        }
    }
    Ok(found)
}

/// The ids in both ascending lists.
fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_of_a_name_and_a_number() {
        assert_eq!(grams("张三"), vec![pack('张', '三')]);
        assert!(grams("张").is_empty());
        // "abab": ab, ba (ab once).
        assert_eq!(grams("abab").len(), 2);
        // The packing the migration's SQL uses: first * 2^21 + second.
        assert_eq!(pack('a', 'b'), 97 * 2_097_152 + 98);
        assert_eq!(pack('张', '三'), 0x5F20 * 2_097_152 + 0x4E09);
    }

    #[test]
    fn every_pair_of_a_needle_is_a_pair_of_the_text_holding_it() {
        let text = text("SF-DC-2024-0012", "周桂英", "请公开滨河地块征收补偿方案");
        let held = grams(&text);
        for needle in ["周桂", "sf-dc", "滨河地块", "2024-0012 周"] {
            for g in grams(needle) {
                assert!(held.binary_search(&g).is_ok(), "{needle}");
            }
        }
    }

    #[test]
    fn intersection_of_ascending_lists() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[2, 3, 7, 9]), vec![3, 7]);
        assert!(intersect(&[1], &[]).is_empty());
    }
}
