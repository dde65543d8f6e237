//! The columns each user chose for each case view (migration 0023).

use sqlx::PgConnection;
use uuid::Uuid;

/// The columns `user` chose for `view`, or `None` to show the view's own.
pub async fn chosen_columns(
    tx: &mut PgConnection,
    user: Uuid,
    view: &str,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    sqlx::query_scalar("select columns from case_list_columns where user_id = $1 and view = $2")
        .bind(user)
        .bind(view)
        .fetch_optional(tx)
        .await
}

pub async fn choose_columns(
    tx: &mut PgConnection,
    user: Uuid,
    view: &str,
    columns: &[&str],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into case_list_columns (tenant_id, user_id, view, columns)
         values (app_tenant_id(), $1, $2, $3)
         on conflict (tenant_id, user_id, view)
         do update set columns = excluded.columns, updated_at = now()",
    )
    .bind(user)
    .bind(view)
    .bind(columns)
    .execute(tx)
    .await?;
    Ok(())
}

/// Back to the view's own columns.
pub async fn forget_columns(
    tx: &mut PgConnection,
    user: Uuid,
    view: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from case_list_columns where user_id = $1 and view = $2")
        .bind(user)
        .bind(view)
        .execute(tx)
        .await?;
    Ok(())
}
