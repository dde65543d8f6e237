//! Compresses pages in an encoding the browser offered: zstd where it may,
//! gzip otherwise. Every page is rendered whole before it is sent, so it is
//! compressed in one call with its size known, which lets zstd size its
//! tables to the page rather than to an unbounded stream, and each worker
//! thread keeps one zstd context for all its responses instead of setting
//! one up per response (a third of the CPU of a customer lookup went there).

use std::cell::RefCell;
use std::io::Write;

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Below this a compressed body saves less than its frame costs.
const SMALLEST_WORTH_COMPRESSING: u64 = 256;

/// A text file attached to a case can run to megabytes: compressing it takes
/// milliseconds, which would hold up every other request on the thread.
const LARGEST_COMPRESSED_IN_PLACE: u64 = 512 * 1024;

/// zstd's and gzip's fastest levels: a page is compressed on every request,
/// and the ratio lost to higher levels is a few percent of a few kilobytes.
const ZSTD_LEVEL: i32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Zstd,
    Gzip,
}

impl Encoding {
    fn compress(self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Encoding::Zstd => zstd_compress(body),
            Encoding::Gzip => gzip_compress(body),
        }
    }

    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Encoding::Zstd => "zstd",
            Encoding::Gzip => "gzip",
        })
    }
}

pub async fn compress(request: Request, next: Next) -> Response {
    let offered = preferred_encoding(request.headers());
    let response = next.run(request).await;
    if !is_compressible(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let exact_size = body.size_hint().exact();
    let (Some(encoding), Some(size)) = (offered, exact_size) else {
        return Response::from_parts(parts, body);
    };
    if size < SMALLEST_WORTH_COMPRESSING {
        return Response::from_parts(parts, body);
    }
    // A body whose size is known is already in memory: collecting it copies nothing.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let compressed = if size <= LARGEST_COMPRESSED_IN_PLACE {
        encoding.compress(&bytes)
    } else {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || encoding.compress(&bytes))
            .await
            .unwrap_or_else(|err| Err(std::io::Error::other(err)))
    };
    let Ok(compressed) = compressed else {
        tracing::warn!(?encoding, "compression failed; sending the page as it is");
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, encoding.header_value());
    weaken_etag(&mut parts.headers);
    Response::from_parts(parts, Body::from(compressed))
}

/// The encoding the request accepts with the highest weight, zstd before
/// gzip where they weigh the same; none where neither is acceptable.
/// Weights follow RFC 9110: `q=0` refuses, and `*` stands for every coding
/// the header does not name.
pub fn preferred_encoding(headers: &HeaderMap) -> Option<Encoding> {
    let mut zstd = None;
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for offer in value.split(',') {
            let mut fields = offer.split(';');
            let coding = fields.next().unwrap_or_default().trim();
            let weight = fields
                .find_map(|field| {
                    let (name, value) = field.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| value.trim().parse::<f32>().ok())
                        .flatten()
                })
                .unwrap_or(1.0);
            let slot = if coding.eq_ignore_ascii_case("zstd") {
                &mut zstd
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if coding == "*" {
                &mut any
            } else {
                continue;
            };
            *slot = Some(weight);
        }
    }
    let zstd = zstd.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if zstd > 0.0 && zstd >= gzip {
        Some(Encoding::Zstd)
    } else if gzip > 0.0 {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

/// Text compresses; images, archives, PDFs and already encoded bodies do not,
/// and a range is a slice of the identity body that must stay as it is.
fn is_compressible(response: &Response) -> bool {
    let headers = response.headers();
    if response.status() == StatusCode::PARTIAL_CONTENT
        || response.status() == StatusCode::NO_CONTENT
        || response.status() == StatusCode::NOT_MODIFIED
        || headers.contains_key(header::CONTENT_ENCODING)
        || headers.contains_key(header::CONTENT_RANGE)
    {
        return false;
    }
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let is = |name: &str| essence.eq_ignore_ascii_case(name);
    let text = essence
        .get(..5)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("text/"));
    (text && !is("text/event-stream"))
        || [
            "application/json",
            "application/javascript",
            "application/xml",
            "application/manifest+json",
            "image/svg+xml",
        ]
        .into_iter()
        .any(is)
}

/// A strong validator names one exact byte sequence; the compressed body is
/// another, so its tag may only say the two mean the same.
fn weaken_etag(headers: &mut HeaderMap) {
    let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if tag.starts_with("W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}")) {
        headers.insert(header::ETAG, weak);
    }
}

thread_local! {
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

fn zstd_compress(page: &[u8]) -> std::io::Result<Vec<u8>> {
    ZSTD.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(compressor) => compressor,
            None => slot.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
        };
        compressor.compress(page)
    })
}

fn gzip_compress(page: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(page.len() / 3),
        flate2::Compression::fast(),
    );
    encoder.write_all(page)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(value: &str) -> Option<Encoding> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        preferred_encoding(&headers)
    }

    #[test]
    fn zstd_is_chosen_where_offered_and_gzip_where_only_it_is() {
        assert_eq!(offered("gzip, deflate, br, zstd"), Some(Encoding::Zstd));
        assert_eq!(offered("gzip, deflate, br"), Some(Encoding::Gzip));
        assert_eq!(offered("br"), None);
        assert_eq!(offered("identity"), None);
        assert_eq!(preferred_encoding(&HeaderMap::new()), None);
    }

    #[test]
    fn weights_decide_and_zero_refuses() {
        assert_eq!(offered("zstd;q=0.5, gzip;q=0.8"), Some(Encoding::Gzip));
        assert_eq!(offered("zstd;q=0, gzip"), Some(Encoding::Gzip));
        assert_eq!(offered("zstd; q=0, gzip;q=0"), None);
        assert_eq!(offered("GZIP;Q=1.0"), Some(Encoding::Gzip));
        assert_eq!(offered("x-gzip"), Some(Encoding::Gzip));
    }

    #[test]
    fn a_wildcard_stands_for_the_codings_not_named() {
        assert_eq!(offered("*"), Some(Encoding::Zstd));
        assert_eq!(offered("zstd;q=0, *"), Some(Encoding::Gzip));
        assert_eq!(offered("*;q=0, gzip"), Some(Encoding::Gzip));
        assert_eq!(offered("*;q=0"), None);
    }

    #[test]
    fn one_context_compresses_pages_of_any_size_in_turn() {
        let small = "<p>Atendimento</p>".repeat(40);
        let large = "<tr><td>CAS-000123</td><td>Maria</td></tr>".repeat(4_000);
        for page in [&small, &large, &small] {
            let compressed = zstd_compress(page.as_bytes()).unwrap();
            assert!(compressed.len() < page.len() / 4);
            assert_eq!(zstd::decode_all(&compressed[..]).unwrap(), page.as_bytes());
        }
    }

    #[test]
    fn a_strong_tag_is_weakened_and_a_weak_one_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        weaken_etag(&mut headers);
        assert_eq!(headers[header::ETAG], "W/\"abc\"");
        weaken_etag(&mut headers);
        assert_eq!(headers[header::ETAG], "W/\"abc\"");
    }
}
