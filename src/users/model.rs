//! Users and their roles. Roles nest: agent ⊂ supervisor ⊂ admin.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// Fluent key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Agent => "role-agent",
            Role::Supervisor => "role-supervisor",
            Role::Admin => "role-admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

use uuid::Uuid;

use crate::auth::model::NewPassword;
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
