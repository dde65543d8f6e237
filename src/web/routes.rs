//! The route table. Every route is declared with its access class, and the
//! router is built from this table only, so the route-inventory tests can walk
//! every route and hold each one to its class: CSRF on every state change,
//! 404 across tenants for tenant objects, 403 below the role.

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Extension, Router};

use crate::app::AppState;
use crate::core::role::Role;
use crate::db::Plans;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user of the tenant.
    SignedIn,
    /// Signed-in users with at least this role.
    Role(Role),
    /// One record of the tenant named by the path, for users with at least
    /// this role; another tenant's record is a 404.
    TenantObject(Role, ObjectKind),
}

/// The tenant records that appear in paths, named by their table (tests use
/// it to pick a real record of one tenant and ask for it from another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Row(&'static str),
    /// A case, named by its number (`{number}`, e.g. CAS-000123).
    Case,
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// Sign-in is also limited per client address, in memory, against floods.
    pub flood_guarded: bool,
    /// Takes file uploads: the body may be as large as the upload limit.
    pub uploads: bool,
    /// How the tenant transaction of a signed-in request plans its
    /// statements from BEGIN (see `SignedIn`).
    pub plans: Plans,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new<H, T>(
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route {
            method,
            path,
            access,
            flood_guarded: false,
            uploads: false,
            plans: Plans::Chosen,
            handler: on(filter, handler),
        }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::GET, MethodFilter::GET, path, access, handler)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::POST, MethodFilter::POST, path, access, handler)
    }

    pub fn flood_guarded(mut self) -> Route {
        self.flood_guarded = true;
        self
    }

    pub fn accepts_uploads(mut self) -> Route {
        self.uploads = true;
        self
    }

    /// A route whose statements want `plans` (a type-ahead search, opening
    /// a case): its transaction begins with them, in BEGIN's round trip.
    pub fn planned(mut self, plans: Plans) -> Route {
        self.plans = plans;
        self
    }

    /// Whether the route changes state and so must carry a CSRF token.
    pub fn is_state_changing(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD | Method::OPTIONS)
    }
}

/// Builds the router from the table: flood-guarded routes get the
/// per-address limiter, upload routes the larger body limit.
pub fn build(
    routes: Vec<Route>,
    flood_guard: impl Fn(MethodRouter<AppState>) -> MethodRouter<AppState>,
    upload_limit: usize,
) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, route| {
        let mut handler = route.handler;
        if route.flood_guarded {
            handler = flood_guard(handler);
        }
        if route.uploads {
            handler = handler.layer(DefaultBodyLimit::max(upload_limit));
        }
        if route.plans != Plans::Chosen {
            handler = handler.layer(Extension(route.plans));
        }
        router.route(route.path, handler)
    })
}
