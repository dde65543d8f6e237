//! The import and export pages around `customers::csv`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::admin;
use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::customers::csv::{self, ExportRow, RowError};
use crate::customers::document::{Document, format_phone};
use crate::customers::handlers::ListQuery;
use crate::customers::model::CustomerKind;
use crate::customers::store::{self, SaveError, SearchText};
use crate::error::Result;
use crate::web::form::{self, Query};
use crate::web::page::PageCtx;

/// An export holds at most this many customers; narrow the search for more.
const EXPORT_LIMIT: i64 = 200_000;

pub async fn export_customers(
    mut s: SignedIn<Supervisor>,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let rows = store::search(
        &mut s.tx,
        &SearchText::parse(&query.q),
        &query.filter(),
        None,
        EXPORT_LIMIT,
    )
    .await?;
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let mut extras = store::export_extras(&mut s.tx, &ids).await?;
    s.tx.commit().await?;
    let export: Vec<ExportRow> = rows
        .into_iter()
        .map(|row| {
            let extra = extras.remove(&row.id);
            ExportRow {
                kind: CustomerKind::parse(&row.kind).unwrap_or(CustomerKind::Contact),
                document: row.document_text(),
                phone: row.phone.as_deref().map(format_phone).unwrap_or_default(),
                email: row.email.unwrap_or_default(),
                trade_name: row.trade_name.unwrap_or_default(),
                name: row.name,
                active: row.active,
                account_document: extra
                    .as_ref()
                    .and_then(|e| e.account_document.as_deref())
                    .map(|d| Document::from_stored(d).formatted())
                    .unwrap_or_default(),
                service_level: extra
                    .as_ref()
                    .and_then(|e| e.service_level.clone())
                    .unwrap_or_default(),
                roles: extra.as_ref().map(|e| e.roles.clone()).unwrap_or_default(),
                notes: extra.map(|e| e.notes).unwrap_or_default(),
            }
        })
        .collect();
    let body = csv::write(&export).map_err(anyhow::Error::from)?;
    let file = format!(
        "clientes-{}.csv",
        crate::core::dates::file_stamp(s.page.tz, &s.now)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/import.html")]
pub struct ImportPage {
    ctx: PageCtx,
    errors: Vec<RowError>,
    columns: [&'static str; 11],
    file_name: String,
}

pub async fn import_form(s: SignedIn<Supervisor>) -> ImportPage {
    ImportPage {
        ctx: s.page,
        errors: Vec::new(),
        columns: csv::COLUMNS,
        file_name: String::new(),
    }
}

pub async fn import_customers(
    mut s: SignedIn<Supervisor>,
    mut multipart: Multipart,
) -> Result<Response> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = form::storable(field.file_name().unwrap_or_default().to_owned());
            let bytes = field
                .bytes()
                .await
                .map_err(|_| crate::error::AppError::NotFound)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let refuse = |s: SignedIn<Supervisor>, errors: Vec<RowError>, file_name: String| {
        admin::unprocessable(ImportPage {
            ctx: s.page,
            errors,
            columns: csv::COLUMNS,
            file_name,
        })
    };
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let errors = vec![RowError {
            row: 0,
            column: String::new(),
            key: "import-no-file",
        }];
        return refuse(s, errors, String::new());
    };
    let lookups = store::import_lookups(&mut s.tx).await?;
    let rows = match csv::parse(&bytes, &lookups) {
        Ok(rows) => rows,
        Err(errors) => return refuse(s, errors, file_name),
    };
    let mut imported = 0usize;
    for (index, row) in rows.iter().enumerate() {
        let account = match &row.account_document {
            Some(cnpj) => store::account_by_document(&mut s.tx, cnpj).await?,
            None => None,
        };
        match store::create(&mut s.tx, &row.input, account).await {
            Ok(_) => imported += 1,
            // Someone registered the same document since the check: nothing is kept.
            Err(SaveError::DocumentTaken) => {
                let errors = vec![RowError {
                    row: index + 2,
                    column: "documento".into(),
                    key: "error-document-taken",
                }];
                return refuse(s, errors, file_name);
            }
            Err(SaveError::Db(err)) => return Err(err.into()),
        }
    }
    tracing::info!(imported, "customers imported");
    let message = s.page.t1("import-done", "count", imported);
    admin::done(s, message, "/customers").await
}
