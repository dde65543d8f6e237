//! What every page template receives: language, CSRF token, the signed-in
//! user (if any), flash messages and the time zone to show dates in.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::app::AppState;
use crate::core::dates;
use crate::core::field_errors::FieldError;
use crate::core::lang::Lang;
use crate::core::role::Role;
use crate::web::csrf;
use crate::web::session::Flash;

pub const LANG_COOKIE: &str = "atende_lang";

/// The bell counts unread notifications up to here and then shows "99+":
/// every page counts them, and a supervisor back from leave, or an owner of
/// many escalated cases, can have thousands.
pub const UNREAD_COUNT_CAP: i64 = 100;

#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub workspace: String,
    pub unread_notifications: i64,
    pub queue_waiting: i64,
}

impl UserBadge {
    /// The bell's figure: exact below the count's cap, "99+" from there.
    pub fn unread_label(&self) -> String {
        if self.unread_notifications >= UNREAD_COUNT_CAP {
            format!("{}+", UNREAD_COUNT_CAP - 1)
        } else {
            self.unread_notifications.to_string()
        }
    }
}

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub csrf: String,
    pub user: Option<UserBadge>,
    pub flash: Vec<Flash>,
    pub tz: Tz,
    /// Path and query of this request, for the language switcher to come back to.
    pub here: String,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// A field's problem, put into words for the reader.
    pub fn say(&self, error: &FieldError) -> String {
        error.text(self.lang)
    }

    pub fn asset(&self, file: &str) -> String {
        crate::web::assets::url(file)
    }

    pub fn langs(&self) -> &'static [Lang] {
        &Lang::ALL
    }

    /// An instant, day and time, in the user's time zone (see `core::dates`).
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        dates::datetime(self.lang, self.tz, at)
    }

    /// A calendar date (a contract's start, a product's expiry).
    pub fn date(&self, date: &NaiveDate) -> String {
        dates::date(self.lang, date)
    }

    /// The day an instant falls on, in the user's time zone.
    pub fn day(&self, at: &DateTime<Utc>) -> String {
        dates::day(self.lang, self.tz, at)
    }

    /// The time of day of an instant, in the user's time zone.
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        dates::time(self.lang, self.tz, at)
    }

    pub fn has_role(&self, role: &str) -> bool {
        let needed = Role::parse(role).unwrap_or(Role::Admin);
        self.user.as_ref().is_some_and(|u| u.role >= needed)
    }

    /// Whether the navigation entry for `prefix` is the current section.
    pub fn in_section(&self, prefix: &str) -> bool {
        let path = self.here.split('?').next().unwrap_or_default();
        path == prefix || path.starts_with(&format!("{prefix}/"))
    }
}

/// Carries the language chosen for a request out to the error-page layer,
/// which runs after the handler and cannot see its extractors.
#[derive(Debug, Clone, Default)]
pub struct RequestLang(pub Arc<OnceLock<Lang>>);

impl RequestLang {
    pub fn record(parts: &Parts, lang: Lang) {
        if let Some(slot) = parts.extensions.get::<RequestLang>() {
            let _ = slot.0.set(lang);
        }
    }
}

pub fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

/// The page context of someone not signed in (the sign-in page): language from
/// the switcher's cookie, else `Accept-Language`; CSRF from the pre-session cookie.
pub struct PublicPage {
    pub page: PageCtx,
    pub jar: CookieJar,
}

impl FromRequestParts<AppState> for PublicPage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar
            .get(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .or_else(|| Lang::from_accept_language(&parts.headers))
            .unwrap_or_default();
        RequestLang::record(parts, lang);
        let (jar, token) = csrf::anonymous_token(jar);
        Ok(PublicPage {
            page: PageCtx {
                lang,
                csrf: token,
                user: None,
                flash: Vec::new(),
                tz: chrono_tz::America::Sao_Paulo,
                here: here(parts),
            },
            jar,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lang: Lang) -> PageCtx {
        PageCtx {
            lang,
            csrf: String::new(),
            user: None,
            flash: Vec::new(),
            tz: chrono_tz::America::Sao_Paulo,
            here: "/".to_owned(),
        }
    }

    #[test]
    fn pages_show_dates_in_the_users_time_zone_with_four_digit_years() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T07:28:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        for lang in Lang::ALL {
            assert_eq!(page(lang).datetime(&at), "03/12/2026 04:28", "{lang:?}");
            assert_eq!(page(lang).day(&at), "03/12/2026", "{lang:?}");
            assert_eq!(page(lang).time(&at), "04:28", "{lang:?}");
        }
        let day = NaiveDate::from_ymd_opt(2027, 1, 31).expect("date");
        assert_eq!(page(Lang::Gl).date(&day), "31/01/2027");
    }

    #[test]
    fn a_message_reads_the_same_looked_up_again_and_in_each_language() {
        for lang in Lang::ALL {
            let first = lang.t("unassigned");
            assert_eq!(lang.t("unassigned"), first);
        }
        assert_ne!(Lang::PtBr.t("unassigned"), Lang::En.t("unassigned"));
    }
}
