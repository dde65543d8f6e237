//! The language switcher. Anyone may choose a language; a signed-in user's
//! choice is also kept on the user, so it follows them to other browsers.

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::auth::model::safe_next;
use crate::auth::signed_in::SignedIn;
use crate::core::lang::Lang;
use crate::error::Result;
use crate::users::store;
use crate::web::form::Form;
use crate::web::page::LANG_COOKIE;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

/// Remembers the chosen language: on the user when signed in, and in a
/// cookie either way, so the sign-in page speaks it too.
pub async fn set_language(
    signed_in: Option<SignedIn>,
    jar: CookieJar,
    Form(input): Form<LanguageForm>,
) -> Result<Response> {
    let target = safe_next(&input.next).unwrap_or_else(|| "/".to_owned());
    let Some(lang) = Lang::parse(&input.lang) else {
        return Ok(Redirect::to(&target).into_response());
    };
    if let Some(mut signed_in) = signed_in {
        store::set_locale(&mut signed_in.tx, signed_in.user.id, lang).await?;
        signed_in.tx.commit().await?;
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    Ok((jar.add(cookie), Redirect::to(&target)).into_response())
}
