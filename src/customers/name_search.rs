//! Finding customers by the words of their names, as the type-ahead ranks
//! them: "paula souza" finds "Paula Souza" (the name starts with them)
//! before "Ana Paula Souza Lima" (its words start with them) before "Joana
//! Paulasouza" (it merely contains them), each rank in name order.

use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::customers::store::{CustomerRow, ROW_COLUMNS, SearchFilter, like_escape, push_filter};

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    Starts,
    WordsStart,
    Contains,
}

/// Names a rank reads in name order before it looks its words up instead.
/// A common word fills a page within the first few hundred names; one that
/// is rare, or found late in name order, is read from the word parts.
const NAMES_WALKED: i64 = 5000;

/// A rank is only read while the ones before it left the page short, and
/// each stops at `limit`: a common first name is one index range, a rare
/// fragment a few index ranges, whatever the size of the workspace.
pub(super) async fn search_by_name(
    tx: &mut PgConnection,
    words: &[String],
    filter: &SearchFilter,
    limit: i64,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!("select {ROW_COLUMNS} from ("));
    push_starts(&mut sql, words, filter, limit);
    for (rank, matching) in [(1, NameMatch::WordsStart), (2, NameMatch::Contains)] {
        sql.push(" union all ");
        push_walk_or_parts(&mut sql, rank, matching, words, filter, limit);
    }
    sql.push(" limit ").push_bind(limit).push(
        ") m join customers c on c.id = m.id \
             left join customers a on a.tenant_id = c.tenant_id and a.id = c.account_id \
             order by m.rank, m.search_name collate \"C\", m.id",
    );
    sql.build_query_as().fetch_all(tx).await
}

/// Rank 0: one range of the name index.
fn push_starts(
    sql: &mut QueryBuilder<Postgres>,
    words: &[String],
    filter: &SearchFilter,
    limit: i64,
) {
    sql.push("(select c.id, 0 as rank, c.search_name from customers c where true");
    push_filter(sql, filter);
    sql.push(" and ");
    push_name_match(sql, words, NameMatch::Starts);
    sql.push(" order by c.search_name collate \"C\", c.id limit ")
        .push_bind(limit)
        .push(")");
}

/// Ranks 1 and 2 walk the first names in order and keep that page when it
/// is full: it is then the rank's first page. Otherwise the rank's matches
/// are read from the name parts that start with the longest typed word, and
/// sorted by name: a rare word is a short range there, while a common one
/// fills its page early in the walk, which reads the index alone.
fn push_walk_or_parts(
    sql: &mut QueryBuilder<Postgres>,
    rank: i32,
    matching: NameMatch,
    words: &[String],
    filter: &SearchFilter,
    limit: i64,
) {
    sql.push("(with walk as (select c.id, c.search_name from (select c.id, c.search_name from customers c where true");
    push_filter(sql, filter);
    sql.push(format_args!(
        " order by c.search_name collate \"C\", c.id limit {NAMES_WALKED}) c where "
    ));
    push_rank_match(sql, words, matching);
    sql.push(" order by c.search_name collate \"C\", c.id limit ")
        .push_bind(limit)
        .push(format_args!(
            ") select id, {rank} as rank, search_name from walk where (select count(*) from walk) = "
        ))
        .push_bind(limit);
    // The parts carry the name, active and kind, under the alias the
    // matches and filters are written for.
    sql.push(format_args!(
        " union all (select c.customer_id as id, {rank} as rank, c.search_name from customer_name_parts c \
         where (select count(*) from walk) < "
    ))
    .push_bind(limit);
    sql.push(" and ");
    push_parts_starting_with(sql, "c", longest_word(words.iter().map(String::as_str)));
    if matching == NameMatch::WordsStart {
        sql.push(" and c.word_start");
    }
    push_filter(sql, filter);
    sql.push(" and ");
    push_rank_match(sql, words, matching);
    // A name with two words that match has two parts in the range.
    sql.push(" group by c.search_name, c.customer_id order by c.search_name, c.customer_id limit ")
        .push_bind(limit)
        .push("))");
}

/// Typed words shorter than this are tested against every customer's name;
/// a part range that short would hold most of the workspace's names anyway.
const SHORTEST_PART_SEARCHED: usize = 3;

/// The customers whose names contain the typed text. Its longest word is a
/// range of the names' word parts (migration 0009), read through their index
/// however many customers the workspace has, and the names found there are
/// tested against the whole text; testing every name took 23 ms at 100,000
/// customers, on every case search. The case views search customers with it.
pub(crate) fn push_customers_containing(
    sql: &mut QueryBuilder<Postgres>,
    q: &str,
    pattern: String,
) {
    let longest = longest_word(q.split_whitespace());
    if longest.chars().count() < SHORTEST_PART_SEARCHED {
        sql.push("select id from customers where search_name like search_text(")
            .push_bind(pattern)
            .push(")");
        return;
    }
    sql.push("select p.customer_id from customer_name_parts p where ");
    push_parts_starting_with(sql, "p", longest);
    sql.push(" and p.search_name like search_text(")
        .push_bind(pattern)
        .push(")");
}

/// The typed word whose parts range is the narrowest: the longest.
pub(crate) fn longest_word<'a>(words: impl Iterator<Item = &'a str>) -> &'a str {
    words
        .max_by_key(|word| word.chars().count())
        .unwrap_or_default()
}

/// The name parts (under `alias`) that start with `word`: one range of
/// their index, read with leakproof comparisons, so row-level security
/// lets the index serve it.
pub(crate) fn push_parts_starting_with(sql: &mut QueryBuilder<Postgres>, alias: &str, word: &str) {
    sql.push(format_args!("{alias}.part >= (select search_text("))
        .push_bind(word.to_owned())
        .push(format_args!(")) and {alias}.part < (select search_text("))
        .push_bind(word.to_owned())
        .push(") || chr(1114111))");
}

/// What a rank holds: its match, less what an earlier rank already holds.
fn push_rank_match(sql: &mut QueryBuilder<Postgres>, words: &[String], matching: NameMatch) {
    push_name_match(sql, words, matching);
    let earlier = match matching {
        NameMatch::Starts => return,
        NameMatch::WordsStart => NameMatch::Starts,
        NameMatch::Contains => NameMatch::WordsStart,
    };
    sql.push(" and not ");
    push_name_match(sql, words, earlier);
}

fn push_name_match(sql: &mut QueryBuilder<Postgres>, words: &[String], matching: NameMatch) {
    match matching {
        // A range rather than LIKE, so that the index serves it (see
        // `push_prefix_range`). Each typed text goes through search_text() in
        // a sub-select: once per query, not once per row of a generic plan.
        NameMatch::Starts => {
            let typed = words.join(" ");
            sql.push("(c.search_name collate \"C\" >= (select search_text(")
                .push_bind(typed.clone())
                .push(")) and c.search_name collate \"C\" < (select search_text(")
                .push_bind(typed)
                .push(") || chr(1114111)))");
        }
        NameMatch::WordsStart => {
            sql.push("(true");
            for word in words {
                let word = like_escape(word);
                sql.push(" and (c.search_name like (select search_text(")
                    .push_bind(word.clone())
                    .push(") || '%') or c.search_name like (select '% ' || search_text(")
                    .push_bind(word)
                    .push(") || '%'))");
            }
            sql.push(")");
        }
        NameMatch::Contains => {
            sql.push("(true");
            for word in words {
                sql.push(" and c.search_name like (select '%' || search_text(")
                    .push_bind(like_escape(word))
                    .push(") || '%')");
            }
            sql.push(")");
        }
    }
}
