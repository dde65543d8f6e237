//! What every admin form does once its model and store have spoken: a
//! saved record is committed, said in a flash message and left with a 303
//! (Post/Redirect/Get); a record that another row's unique value refused
//! gets the problem next to the field; a form with problems is drawn again
//! with status 422; a record is turned off and on again the same way
//! whatever its kind.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::signed_in::{MinRole, SignedIn};
use crate::core::field_errors::{FieldError, FieldErrors};
use crate::db::Conflict;
use crate::error::{Result, not_found};
use crate::web::form::parse_id;
use crate::web::session::{FlashKind, push_flash};

/// Commits the request's work, says `key` (which names the record as
/// `$name`) and goes to `to`.
pub async fn saved<R: MinRole>(
    s: SignedIn<R>,
    key: &str,
    name: &str,
    to: &str,
) -> Result<Response> {
    let message = s.page.t1(key, "name", name);
    done(s, message, to).await
}

/// Commits the request's work, says `message` and goes to `to`.
pub async fn done<R: MinRole>(s: SignedIn<R>, message: String, to: &str) -> Result<Response> {
    s.tx.commit().await?;
    push_flash(&s.session, FlashKind::Success, message).await;
    Ok(Redirect::to(to).into_response())
}

/// Says why nothing was done and goes to `to`; the transaction is dropped
/// unwritten.
pub async fn refused<R: MinRole>(s: &SignedIn<R>, message: String, to: &str) -> Response {
    push_flash(&s.session, FlashKind::Error, message).await;
    Redirect::to(to).into_response()
}

/// The form drawn again with its problems next to the fields.
pub fn unprocessable(page: impl IntoResponse) -> Result<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The written value, or `None` with `key` filed under `field` when
/// another row already holds the unique value. Any other failure is the
/// request's error.
pub fn unless_taken<T, E: Conflict>(
    result: std::result::Result<T, E>,
    errors: &mut FieldErrors,
    field: &'static str,
    key: &'static str,
) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) => match err.into_failure() {
            None => {
                errors.add(field, key);
                Ok(None)
            }
            Some(err) => Err(err.into()),
        },
    }
}

/// What turning a record off or on came to.
pub enum Switched {
    /// Done; the record's name, for the message.
    Done(String),
    /// No such record here: the same 404 as another tenant's.
    Missing,
    /// Refused, and why (the record is still in use, say).
    Refused(FieldError),
}

/// A kind of record an admin turns off and on again.
pub trait Switch: Send + Sync {
    /// The messages of a record turned on and off, naming it as `$name`.
    const SAID: (&'static str, &'static str) =
        ("catalog-item-reactivated", "catalog-item-deactivated");

    /// Turns the record `id` on or off.
    fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> impl Future<Output = Result<Switched, sqlx::Error>> + Send;

    /// Where the user goes afterwards.
    fn back(&self, id: Uuid) -> String;
}

/// The handler behind every `…/deactivate` and `…/reactivate` route.
pub async fn set_active<R: MinRole, S: Switch>(
    kind: S,
    mut s: SignedIn<R>,
    id: String,
    active: bool,
) -> Result<Response> {
    let id = parse_id(&id)?;
    let back = kind.back(id);
    match kind.switch(&mut s.tx, id, active).await? {
        Switched::Done(name) => {
            let key = if active { S::SAID.0 } else { S::SAID.1 };
            saved(s, key, &name, &back).await
        }
        Switched::Missing => Err(not_found()),
        Switched::Refused(why) => {
            let message = s.page.say(&why);
            Ok(refused(&s, message, &back).await)
        }
    }
}
