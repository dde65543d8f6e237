//! Puts a command to a case named by id, outside a request: the case is
//! locked, read, decided on and changed, as a handler would (the demo data,
//! and the moves the service makes by itself).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Actor, Applied, CaseNow, Command, Context, decide, execute};
use crate::cases::model::Refusal;
use crate::cases::store::{self, CaseKey};
use crate::catalog::cache::Lists;
use crate::error::Result;

pub async fn put(
    tx: &mut PgConnection,
    case_id: Uuid,
    command: &Command,
    actor: &Actor,
    now: DateTime<Utc>,
    lists: Option<&Lists>,
) -> Result<std::result::Result<Applied, Refusal>> {
    store::lock(tx, case_id).await?;
    let names = match lists {
        Some(lists) => lists.case_names(tx).await?,
        None => std::sync::Arc::new(crate::catalog::names::load(tx).await?),
    };
    let Some(case) = store::find(tx, &names, CaseKey::Id(case_id)).await? else {
        return Err(crate::error::not_found());
    };
    let situation = store::situation(tx, &case).await?;
    let change = match decide(command, &CaseNow::of(&case, &situation), actor) {
        Ok(change) => change,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let at = Context {
        case: CaseKey::Id(case_id),
        actor: actor.user,
        now,
        lists,
        before: Some(&case),
    };
    execute(tx, at, change).await
}
