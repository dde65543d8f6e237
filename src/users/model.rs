//! A new user's form and its parsing.

use serde::Deserialize;
use uuid::Uuid;

use crate::auth::model::NewPassword;
pub use crate::core::role::Role;
use crate::web::form::{self, FieldErrors};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub name: String,
    pub email: String,
    pub role: String,
    pub password: String,
}

pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password: NewPassword,
}

impl NewUser {
    pub fn parse(input: &NewUserForm) -> Result<NewUser, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", form::required_line(&input.name, 200));
        let email = errors.check("email", form::email(&input.email));
        let role = errors.check(
            "role",
            Role::parse(&input.role).ok_or("error-choose-option"),
        );
        let password = errors.check("password", NewPassword::parse(&input.password));
        match (name, email, role, password) {
            (Some(name), Some(email), Some(role), Some(password)) => Ok(NewUser {
                name,
                email,
                role,
                password,
            }),
            _ => Err(errors),
        }
    }
}

/// Why a change to an admin is refused: the workspace must keep one active admin.
#[derive(Debug, PartialEq, Eq)]
pub struct LastAdmin;

/// Whether `target` may stop being an active admin, given every active admin
/// of the workspace (read under lock, so two demotions cannot both pass).
pub fn may_stop_being_admin(active_admins: &[Uuid], target: Uuid) -> Result<(), LastAdmin> {
    let others = active_admins.iter().filter(|id| **id != target).count();
    if active_admins.contains(&target) && others == 0 {
        Err(LastAdmin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_only_admin_cannot_step_down_but_one_of_two_can() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(may_stop_being_admin(&[a], a), Err(LastAdmin));
        assert_eq!(may_stop_being_admin(&[a, b], a), Ok(()));
        assert_eq!(may_stop_being_admin(&[a], b), Ok(()));
    }

    #[test]
    fn new_user_reports_every_bad_field() {
        let errors = NewUser::parse(&NewUserForm {
            name: String::new(),
            email: "not-an-email".into(),
            role: "root".into(),
            password: "short".into(),
        })
        .err()
        .unwrap_or_default();
        let fields: Vec<_> = errors.fields().collect();
        assert_eq!(fields, ["email", "name", "password", "role"]);
    }
}
