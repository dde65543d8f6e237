//! An entry of a select on a form. Pick lists of many features share it
//! (catalog entries, users, SLAs ...), whichever feature owns the rows.

use sqlx::FromRow;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}
