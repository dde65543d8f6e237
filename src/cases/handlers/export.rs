//! A case view (a tab of `/cases` or a queue page) as a CSV file: every
//! case of the view with its filters and sort, not just the page shown,
//! read in keyset pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::signed_in::SignedIn;
use crate::cases::handlers::queues_page;
use crate::cases::store::{self, CaseRow};
use crate::cases::views::{View, ViewQuery, ViewSpec};
use crate::error::Result;
use crate::queues::access::QueueBook;
use crate::web::form::Query;
use crate::web::page::PageCtx;

/// Cases read per statement.
const BATCH: i64 = 1_000;
/// Cases one file holds at most: a month of a busy desk, far more than a
/// spreadsheet is opened for.
pub const EXPORT_LIMIT: usize = 100_000;

pub async fn export_cases(mut s: SignedIn, Query(query): Query<ViewQuery>) -> Result<Response> {
    let mut spec = ViewSpec::parse(&query).at(s.now);
    if spec.view == View::Queued {
        spec.queues = queues_page::queue_ids(&mut s, &query.queue).await?;
    }
    let supervises = s.page.has_role("supervisor");
    let book = s.lists.queues(&mut s.tx).await?;
    let mut spec = spec.hiding(book.hidden_from(s.user.id, supervises));
    spec.per_page = BATCH;
    spec.before = None;
    spec.after = None;
    let names = s.lists.case_names(&mut s.tx).await?;
    let mut rows: Vec<CaseRow> = Vec::new();
    loop {
        let mut page = store::list(&mut s.tx, &names, &spec, s.user.id, s.page.tz).await?;
        let more = page.len() as i64 > BATCH;
        page.truncate(BATCH as usize);
        spec.after = page.last().map(|row| row.cursor(&spec));
        rows.extend(page);
        if !more || rows.len() >= EXPORT_LIMIT {
            break;
        }
    }
    rows.truncate(EXPORT_LIMIT);
    let page = s.page.clone();
    s.tx.finish_reading();
    let body = write(&page, &rows, &book).map_err(anyhow::Error::from)?;
    let file = format!(
        "casos-{}-{}.csv",
        spec.view.as_str(),
        crate::core::dates::file_stamp(page.tz, &s.now)
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

/// The columns in the reader's language; dates in their time zone.
fn write(
    page: &PageCtx,
    rows: &[CaseRow],
    book: &QueueBook,
) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let heads = [
        "field-number-case",
        "field-title",
        "field-customer",
        "field-priority",
        "field-status-reason",
        "field-owner",
        "field-channel",
        "field-opened-at",
        "field-updated-at",
        "field-resolved-at",
        "sla-case-column",
        "field-queue",
    ];
    writer.write_record(heads.map(|key| page.t(key)))?;
    let at = |t: &chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&page.tz)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for row in rows {
        writer.write_record([
            row.number().to_string(),
            row.title.clone(),
            row.customer_name.clone(),
            row.priority_name.clone(),
            row.status_name.clone(),
            row.owner_name.clone().unwrap_or_default(),
            row.channel_name.clone().unwrap_or_default(),
            at(&row.opened_at),
            at(&row.updated_at),
            row.resolved_at.as_ref().map(at).unwrap_or_default(),
            row.sla.deadline.as_ref().map(at).unwrap_or_default(),
            row.queue_id
                .and_then(|id| book.get(id))
                .map(|q| q.name.clone())
                .unwrap_or_default(),
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}
