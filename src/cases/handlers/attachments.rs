//! Attachments: kept in PostgreSQL with their SHA-256, given back only as
//! downloads (attachment disposition, sanitised name, nosniff, sandboxed),
//! never rendered by the browser.

use axum::extract::{Path, Request};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Command;
use crate::cases::handlers::{append, case_path, load};
use crate::cases::store::{self, NewAttachment};
use crate::error::{Result, not_found};
use crate::web::form::parse_id;
use crate::web::session::{FlashKind, push_flash};
use crate::web::upload::{self, UploadedFile, sanitize_file_name};

/// Content types a browser may be told; anything else is sent as bytes.
const SAFE_TYPES: [&str; 6] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "text/csv",
];

/// Stores a file for a case (and the note or activity it came with); its
/// size was bounded by the upload limit on the way in.
pub async fn store_file(
    s: &mut SignedIn,
    case_id: Uuid,
    event_id: Option<Uuid>,
    activity_id: Option<Uuid>,
    file: UploadedFile,
) -> Result<Uuid> {
    let name = sanitize_file_name(&file.file_name);
    let content_type = file
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let sha256 = format!("{:x}", Sha256::digest(&file.bytes));
    let id = store::add_attachment(
        &mut s.tx,
        NewAttachment {
            case_id,
            event_id,
            activity_id,
            file_name: &name,
            content_type: &content_type,
            data: &file.bytes,
            sha256: &sha256,
            author: s.user.id,
            now: s.now,
        },
    )
    .await?;
    tracing::info!(attachment = %id, bytes = file.bytes.len(), "attachment stored");
    Ok(id)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NoFields {}

pub async fn upload_attachment(
    mut s: SignedIn,
    Path(number): Path<String>,
    request: Request,
) -> Result<Response> {
    let case = load(&mut s, &number).await?;
    let (_, file) = upload::read_request::<NoFields>(request).await?;
    let Some(file) = file else {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("attachment-choose-file"),
        )
        .await;
        return Ok(Redirect::to(&case_path(case.number())).into_response());
    };
    let name = sanitize_file_name(&file.file_name);
    let size = file.bytes.len();
    let id = store_file(&mut s, case.id, None, None, file).await?;
    let attached = Command::Attach {
        attachment: id,
        file: name,
        size,
    };
    append(&mut s, case.id, attached).await?;
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

pub async fn download_attachment(mut s: SignedIn, Path(id): Path<String>) -> Result<Response> {
    let file = store::attachment_file(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    s.tx.commit().await?;
    let content_type = if SAFE_TYPES.contains(&file.content_type.as_str()) {
        file.content_type.clone()
    } else {
        "application/octet-stream".to_owned()
    };
    let name = sanitize_file_name(&file.file_name);
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Even if some browser rendered it, the file could run nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        "x-checksum-sha256",
        HeaderValue::from_str(&file.sha256).unwrap_or(HeaderValue::from_static("")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
