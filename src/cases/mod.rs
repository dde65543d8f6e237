//! Cases (atendimentos): opening, working and closing them, and the views
//! agents and supervisors watch all day.

pub mod audit;
pub mod command;
pub mod compliance_cache;
mod handlers;
pub mod model;
pub mod stale;
pub mod store;
pub mod views;

use axum::extract::Path;

use crate::auth::signed_in::SignedIn;
use crate::db::Plans;
use crate::users::model::Role;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    use handlers::{
        actions, attachments, compliance, dashboard, entitlement, export, form, list, merge, notes,
        queue, queues_page, reactivate, relations, routing, show,
    };
    let case = Access::TenantObject(Role::Agent, ObjectKind::Case);
    let supervised = Access::TenantObject(Role::Supervisor, ObjectKind::Case);
    vec![
        Route::get("/cases", Access::SignedIn, list::list_cases),
        Route::get("/queues", Access::SignedIn, queues_page::my_queues),
        Route::get(
            "/dashboard",
            Access::Role(Role::Supervisor),
            dashboard::dashboard,
        ),
        Route::get(
            "/queues/{id}",
            Access::TenantObject(Role::Agent, ObjectKind::Row("queues")),
            queues_page::one_queue,
        ),
        Route::post("/cases/columns", Access::SignedIn, list::choose_columns),
        Route::get("/cases/export.csv", Access::SignedIn, export::export_cases),
        // Opening a case is a dozen key probes and inserts (see `save_new`):
        // its plans are set with BEGIN, not in a round trip of their own.
        Route::post("/cases", Access::SignedIn, form::create_case).planned(Plans::Generic),
        Route::get("/cases/new", Access::SignedIn, form::new_case),
        Route::post(
            "/cases/assign",
            Access::Role(Role::Supervisor),
            list::assign_cases,
        ),
        Route::post(
            "/cases/route",
            Access::Role(Role::Supervisor),
            routing::route_selected,
        ),
        Route::post(
            "/cases/queue",
            Access::SignedIn,
            queue::add_selected_to_queue,
        ),
        Route::get(
            "/cases/sla-compliance",
            Access::Role(Role::Supervisor),
            compliance::compliance_panel,
        ),
        Route::get(
            "/cases/forward-members",
            Access::SignedIn,
            actions::team_members,
        ),
        Route::get(
            "/cases/pick-customer/{id}",
            Access::TenantObject(Role::Agent, ObjectKind::Row("customers")),
            form::pick_customer,
        ),
        Route::get(
            "/cases/entitlement-section",
            Access::SignedIn,
            entitlement::new_case_section,
        ),
        Route::get("/cases/{number}", case, show::show_case),
        Route::get("/cases/{number}/edit", case, form::edit_case),
        Route::post("/cases/{number}/edit", case, form::update_case),
        Route::get(
            "/cases/{number}/entitlement-section",
            case,
            entitlement::edit_case_section,
        ),
        Route::get("/cases/{number}/print", case, show::print_case),
        Route::get("/cases/{number}/sla-chips", case, show::sla_chips_fragment),
        Route::post("/cases/{number}/start", case, actions::start_execution),
        Route::post("/cases/{number}/take", case, actions::take_case),
        Route::post("/cases/{number}/queue", case, queue::add_to_queue),
        Route::post("/cases/{number}/route", case, routing::route_case),
        Route::post("/cases/{number}/queue/pick", case, queue::pick),
        Route::post("/cases/{number}/queue/release", case, queue::release),
        Route::post(
            "/cases/{number}/queue/remove",
            case,
            queue::remove_from_queue,
        ),
        Route::post("/cases/{number}/queue/route", case, queue::route_to_queue),
        Route::post("/cases/{number}/assign", supervised, actions::assign_case),
        Route::post(
            "/cases/{number}/follow",
            case,
            |s: SignedIn, p: Path<String>| actions::follow_case(s, p, true),
        ),
        Route::post(
            "/cases/{number}/unfollow",
            case,
            |s: SignedIn, p: Path<String>| actions::follow_case(s, p, false),
        ),
        Route::get(
            "/cases/{number}/resolve",
            case,
            |s: SignedIn, p: Path<String>| actions::close_form(s, p, "resolve"),
        ),
        Route::post("/cases/{number}/resolve", case, actions::resolve_case),
        Route::get(
            "/cases/{number}/cancel",
            case,
            |s: SignedIn, p: Path<String>| actions::close_form(s, p, "cancel"),
        ),
        Route::post("/cases/{number}/cancel", case, actions::cancel_case),
        Route::get(
            "/cases/{number}/reactivate",
            case,
            reactivate::confirm_reactivate,
        ),
        Route::post(
            "/cases/{number}/reactivate",
            case,
            reactivate::reactivate_case,
        ),
        Route::post(
            "/cases/{number}/terms-exempt",
            case,
            actions::toggle_terms_exempt,
        ),
        Route::get("/cases/{number}/forward", case, actions::forward_form),
        Route::post("/cases/{number}/forward", case, actions::forward_case),
        Route::post("/cases/{number}/notes", case, notes::add_note).accepts_uploads(),
        Route::post("/cases/{number}/activities", case, notes::add_activity).accepts_uploads(),
        Route::post(
            "/cases/{number}/attachments",
            case,
            attachments::upload_attachment,
        )
        .accepts_uploads(),
        Route::post("/cases/{number}/children", case, relations::attach_child),
        Route::get("/cases/{number}/merge", case, merge::confirm_merge),
        Route::post("/cases/{number}/merge", case, merge::merge_cases),
        Route::get(
            "/attachments/{id}",
            Access::TenantObject(Role::Agent, ObjectKind::Row("attachments")),
            attachments::download_attachment,
        ),
    ]
}
