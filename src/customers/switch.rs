//! Turning a customer off and on again (the admin kit's switch).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{Switch, Switched};
use crate::customers::store::{self, SaveError};
use crate::web::form::FieldError;

pub struct Customers;

/// A customer whose document another active customer took meanwhile
/// cannot come back: two active customers never share one.
impl Switch for Customers {
    const SAID: (&'static str, &'static str) = ("customer-reactivated", "customer-deactivated");

    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(customer) = store::find_row(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        match store::set_active(tx, customer.id, active).await {
            Ok(()) => Ok(Switched::Done(customer.name)),
            Err(SaveError::DocumentTaken) => Ok(Switched::Refused(FieldError::plain(
                "error-document-taken-reactivate",
            ))),
            Err(SaveError::Db(err)) => Err(err),
        }
    }

    fn back(&self, id: Uuid) -> String {
        format!("/customers/{id}")
    }
}
