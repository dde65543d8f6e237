//! Reading multipart forms (a form with an optional file) into the same
//! string-only DTOs as urlencoded forms, so a refused upload form comes
//! back as typed too.

use axum::extract::{FromRequest, Multipart, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::web::form::storable;

pub struct UploadedFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Reads a multipart request once the handler has found the record it is
/// for: another tenant's record is a 404 whatever the body holds.
pub async fn read_request<T: DeserializeOwned + Default>(
    request: Request,
) -> Result<(T, Option<UploadedFile>), AppError> {
    let multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| AppError::BadRequest)?;
    read(multipart).await
}

/// The form's text fields parsed into `T`, and the file of field `file` if
/// one was chosen (browsers send an empty part when none was).
pub async fn read<T: DeserializeOwned + Default>(
    mut multipart: Multipart,
) -> Result<(T, Option<UploadedFile>), AppError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Err(upload_error(err)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            let file_name = storable(field.file_name().unwrap_or_default().to_owned());
            let content_type = storable(
                field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
            );
            let bytes = field.bytes().await.map_err(upload_error)?;
            if !file_name.is_empty() && !bytes.is_empty() && name == "file" {
                file = Some(UploadedFile {
                    file_name,
                    content_type,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = field.text().await.map_err(upload_error)?;
            pairs.push((name, storable(text)));
        }
    }
    let body = serde_html_form::to_string(&pairs).unwrap_or_default();
    let form = crate::web::form::parse(body.as_bytes()).unwrap_or_default();
    Ok((form, file))
}

fn upload_error(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest
    }
}

/// A file name safe to put in a header and on disk: no path, no control or
/// quote characters, at most 120 characters, never empty.
pub fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_owned();
    let shortened: String = trimmed
        .chars()
        .rev()
        .take(120)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if shortened.is_empty() {
        "anexo".to_owned()
    } else {
        shortened
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_file_name;

    #[test]
    fn file_names_lose_paths_and_dangerous_characters() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize_file_name("C:\\Users\\ana\\nota fiscal.pdf"),
            "nota fiscal.pdf"
        );
        assert_eq!(sanitize_file_name("a\"b;c\r\n.html"), "a_b_c__.html");
        assert_eq!(sanitize_file_name(".htaccess"), "htaccess");
        assert_eq!(sanitize_file_name(""), "anexo");
        assert_eq!(
            sanitize_file_name("relatório técnico.docx"),
            "relatório técnico.docx"
        );
    }
}
