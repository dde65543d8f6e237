use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub fn is_valid_slug(slug: &str) -> bool {
    (2..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
}

/// Inserts the tenant; false when the slug is taken.
pub async fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    slug: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "insert into tenants (id, slug, name) values ($1, $2, $3) on conflict (slug) do nothing",
        id,
        slug,
        name
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Looks a tenant up by slug on the cross-tenant path (CLI, seeding).
pub async fn id_by_slug(pool: &PgPool, slug: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select id from tenants where slug = $1", slug)
        .fetch_optional(pool)
        .await
}

/// Each tenant numbers its cases from its own sequence (created by the owner).
pub async fn create_case_number_sequence(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!("select create_case_number_sequence($1)", id)
        .execute(conn)
        .await?;
    Ok(())
}
