//! Users of a workspace and the admin pages that keep them.

mod handlers;
mod language;
pub mod model;
pub mod store;

use crate::users::model::Role;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one_user = Access::TenantObject(Role::Admin, ObjectKind::Row("users"));
    vec![
        Route::post("/language", Access::Public, language::set_language),
        Route::get("/admin/users", admin, handlers::list_users),
        Route::get("/admin/users/new", admin, handlers::new_user),
        Route::post("/admin/users", admin, handlers::create_user),
        Route::get("/admin/users/{id}", one_user, handlers::show_user),
        Route::post("/admin/users/{id}/role", one_user, handlers::change_role),
        Route::post(
            "/admin/users/{id}/deactivate",
            one_user,
            handlers::deactivate_user,
        ),
        Route::post(
            "/admin/users/{id}/reactivate",
            one_user,
            handlers::reactivate_user,
        ),
    ]
}
