//! Content codings for API answers, in both modes: which one a client accepts
//! (`Accept-Encoding`), and a body's encoded forms, each made at most once however many
//! clones of the body are served (a shared answer costs one compression, not one per
//! viewer).
//!
//! Levels: brotli quality 5 and gzip level 6. On a finished import with 3,000 listed errors
//! (232 KB of JSON) brotli 5 gives about the size of brotli 11 at a small fraction of its
//! time (BENCHMARKS.md, the proxy's compression rows), and gzip 6 is zlib's own default.

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// Bodies shorter than this are sent as they are: the saving would not pay for the work.
pub const MIN_COMPRESSED_BYTES: usize = 1024;

/// Brotli's quality for API answers (0–11).
pub const BROTLI_QUALITY: u32 = 5;

/// Brotli's window (log2 of its size), as its command-line tool's default.
const BROTLI_WINDOW: u32 = 22;

/// gzip's level for API answers (0–9).
pub const GZIP_LEVEL: u32 = 6;

/// A content coding the proxy can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `br`
    Brotli,
    /// `gzip`
    Gzip,
    /// No coding.
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value (none for identity).
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Coding::Brotli => Some(HeaderValue::from_static("br")),
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Identity => None,
        }
    }
}

/// What a request's `Accept-Encoding` takes of the codings the proxy sends: each one's `q`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Accepted {
    brotli: f32,
    gzip: f32,
}

impl Accepted {
    /// Reads `Accept-Encoding` (every value of it): a coding named without `q` has 1, one
    /// whose `q` does not parse 0, `*` stands for any coding not named.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut brotli: Option<f32> = None;
        let mut gzip: Option<f32> = None;
        let mut any: Option<f32> = None;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim();
                // No `q` is 1; a `q` that does not parse refuses the coding.
                let q = parts
                    .filter_map(|p| p.split_once('='))
                    .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
                    .map_or(Ok(1.0), |(_, value)| value.trim().parse::<f32>())
                    .unwrap_or(0.0);
                let q = if q.is_finite() {
                    q.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let slot = if name.eq_ignore_ascii_case("br") {
                    &mut brotli
                } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                    &mut gzip
                } else if name == "*" {
                    &mut any
                } else {
                    continue;
                };
                *slot = Some(slot.map_or(q, |old: f32| old.max(q)));
            }
        }
        Self {
            brotli: brotli.or(any).unwrap_or(0.0),
            gzip: gzip.or(any).unwrap_or(0.0),
        }
    }

    /// Whether gzip is taken at all.
    pub fn gzip(self) -> bool {
        self.gzip > 0.0
    }

    /// The coding preferred: the highest `q`, brotli before gzip on a tie, identity when
    /// neither is taken. A request with no `Accept-Encoding` gets identity: RFC 9110
    /// allows any coding then, but a client that says nothing may decode nothing.
    pub fn preferred(self) -> Coding {
        if self.brotli > 0.0 && self.brotli >= self.gzip {
            Coding::Brotli
        } else if self.gzip > 0.0 {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// A body and its encoded forms, made on first use and shared by every clone.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    inner: Arc<Forms>,
}

#[derive(Debug, Default)]
struct Forms {
    identity: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
    /// The gzip form is the upstream's, as it came.
    gzip_as_sent: bool,
}

impl Encoded {
    /// `identity`, with no encoded form made yet.
    pub fn new(identity: Bytes) -> Self {
        Self {
            inner: Arc::new(Forms {
                identity,
                ..Forms::default()
            }),
        }
    }

    /// `identity` with its gzip form already known (as the upstream sent it): that form is
    /// passed on as it came, never decompressed and compressed again.
    pub fn with_gzip(identity: Bytes, gzip: Bytes) -> Self {
        Self {
            inner: Arc::new(Forms {
                identity,
                gzip: OnceLock::from(gzip),
                gzip_as_sent: true,
                ..Forms::default()
            }),
        }
    }

    /// Whether its gzip form is the upstream's, as it came.
    pub fn gzip_as_sent(&self) -> bool {
        self.inner.gzip_as_sent
    }

    /// Whether the form in `coding` is made already (identity always is).
    pub fn is_made(&self, coding: Coding) -> bool {
        match coding {
            Coding::Brotli => self.inner.brotli.get().is_some(),
            Coding::Gzip => self.inner.gzip.get().is_some(),
            Coding::Identity => true,
        }
    }

    /// The body as it is.
    pub fn identity(&self) -> &Bytes {
        &self.inner.identity
    }

    /// The body in `coding`, and the coding it is really in: a short body (under
    /// [`MIN_COMPRESSED_BYTES`]) stays as it is, unless its form in `coding` is already
    /// known.
    pub fn get(&self, coding: Coding) -> (Bytes, Coding) {
        let forms = &self.inner;
        let short = forms.identity.len() < MIN_COMPRESSED_BYTES;
        match coding {
            Coding::Brotli if !short => (
                forms.brotli.get_or_init(|| brotli(&forms.identity)).clone(),
                Coding::Brotli,
            ),
            Coding::Gzip if !short || forms.gzip.get().is_some() => (
                forms.gzip.get_or_init(|| gzip(&forms.identity)).clone(),
                Coding::Gzip,
            ),
            _ => (forms.identity.clone(), Coding::Identity),
        }
    }
}

/// `body` compressed with brotli at [`BROTLI_QUALITY`].
pub fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 8);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing to a Vec cannot fail.
        let _ = writer.write_all(body);
    }
    Bytes::from(out)
}

/// `body` compressed with gzip at [`GZIP_LEVEL`].
pub fn gzip(body: &[u8]) -> Bytes {
    let mut writer = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 6),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing to a Vec cannot fail.
    let _ = writer.write_all(body);
    Bytes::from(writer.finish().unwrap_or_default())
}

/// Why a gzip body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GunzipError {
    /// Decompressed, it is longer than the limit.
    TooLarge,
    /// It is not valid gzip.
    Invalid(String),
}

/// Decompresses a gzip body, refusing one that would grow past `limit` bytes (a
/// decompression bomb is stopped after `limit + 1` bytes, never held whole).
pub fn gunzip(body: &[u8], limit: usize) -> Result<Bytes, GunzipError> {
    let decoder = flate2::read::MultiGzDecoder::new(body);
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(limit));
    decoder
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| GunzipError::Invalid(e.to_string()))?;
    if out.len() > limit {
        return Err(GunzipError::TooLarge);
    }
    Ok(Bytes::from(out))
}

/// Bodies at least this long are compressed off the async worker (`spawn_blocking`), so
/// that one large answer does not hold up the other connections that worker serves.
const BLOCKING_COMPRESSION_BYTES: usize = 64 * 1024;

/// Sends an answer that carries its [`Encoded`] forms (an API answer with a body) in the
/// coding `accepted` prefers (or the upstream's own gzip, where it takes gzip), with
/// `Content-Encoding` and `Vary`; leaves any other response as it is.
pub async fn negotiate(response: &mut Response, accepted: Accepted) {
    let Some(encoded) = response.extensions_mut().remove::<Encoded>() else {
        return;
    };
    // The upstream's own gzip goes to any client that takes gzip, even one that prefers
    // brotli: it costs nothing, where brotli would be made for it (and is often no smaller
    // for JSON this repetitive: 14,186 B at quality 5 against 13,388 B of gzip 6 for the
    // finished demo import).
    let coding = if accepted.gzip() && encoded.gzip_as_sent() {
        Coding::Gzip
    } else {
        accepted.preferred()
    };
    let (body, coding) =
        if encoded.identity().len() >= BLOCKING_COMPRESSION_BYTES && !encoded.is_made(coding) {
            let fallback = (encoded.identity().clone(), Coding::Identity);
            tokio::task::spawn_blocking(move || encoded.get(coding))
                .await
                .unwrap_or(fallback)
        } else {
            encoded.get(coding)
        };
    *response.body_mut() = Body::from(body);
    response.headers_mut().remove(header::CONTENT_LENGTH);
    set_headers(response.headers_mut(), coding);
}

/// Sets `Content-Encoding` for `coding` and `Vary: Accept-Encoding` (the answer depends on
/// it whichever coding was chosen).
pub fn set_headers(headers: &mut HeaderMap, coding: Coding) {
    if let Some(value) = coding.header_value() {
        headers.insert(header::CONTENT_ENCODING, value);
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(values: &[&str]) -> Coding {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).expect("a valid header"),
            );
        }
        Accepted::from_headers(&headers).preferred()
    }

    #[test]
    fn the_preferred_coding_follows_accept_encoding() {
        assert_eq!(accepting(&[]), Coding::Identity);
        assert_eq!(accepting(&["gzip, deflate, br, zstd"]), Coding::Brotli);
        assert_eq!(accepting(&["gzip, deflate"]), Coding::Gzip);
        assert_eq!(accepting(&["GZIP"]), Coding::Gzip);
        assert_eq!(accepting(&["identity"]), Coding::Identity);
        assert_eq!(accepting(&["deflate, zstd"]), Coding::Identity);
        assert_eq!(accepting(&["br;q=0.5, gzip;q=0.8"]), Coding::Gzip);
        assert_eq!(accepting(&["br;q=0, gzip"]), Coding::Gzip);
        assert_eq!(accepting(&["br;q=0, gzip;q=0"]), Coding::Identity);
        assert_eq!(accepting(&["*"]), Coding::Brotli);
        assert_eq!(accepting(&["*;q=0.1, br;q=0"]), Coding::Gzip);
        assert_eq!(accepting(&["gzip", "br"]), Coding::Brotli);
        assert_eq!(accepting(&["br;q=nonsense"]), Coding::Identity);
        assert_eq!(accepting(&["br ; Q = 0.3 , gzip;q=0.2"]), Coding::Brotli);
    }

    #[test]
    fn encoded_forms_round_trip_and_are_made_once() {
        let body = Bytes::from("{\"errors\": [".repeat(400));
        let encoded = Encoded::new(body.clone());
        let clone = encoded.clone();
        let (br, coding) = encoded.get(Coding::Brotli);
        assert_eq!(coding, Coding::Brotli);
        assert!(br.len() < body.len() / 10, "{} bytes", br.len());
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, body);
        // The clone serves the very same bytes: made once, shared.
        assert_eq!(clone.get(Coding::Brotli).0.as_ptr(), br.as_ptr());
        let (gz, coding) = clone.get(Coding::Gzip);
        assert_eq!(coding, Coding::Gzip);
        assert_eq!(gunzip(&gz, body.len()).expect("valid gzip"), body);
        assert_eq!(encoded.get(Coding::Identity), (body, Coding::Identity));
    }

    #[test]
    fn a_short_body_is_sent_as_it_is() {
        let body = Bytes::from_static(b"{\"id\": \"x\"}");
        let encoded = Encoded::new(body.clone());
        assert_eq!(
            encoded.get(Coding::Brotli),
            (body.clone(), Coding::Identity)
        );
        assert_eq!(encoded.get(Coding::Gzip), (body, Coding::Identity));
    }

    #[test]
    fn a_known_gzip_form_is_passed_on_as_it_came() {
        let body = Bytes::from_static(b"{\"id\": \"x\"}");
        let upstream = gzip(&body);
        let encoded = Encoded::with_gzip(body, upstream.clone());
        assert_eq!(encoded.get(Coding::Gzip), (upstream, Coding::Gzip));
    }

    #[test]
    fn gunzip_stops_a_bomb_at_the_limit() {
        let bomb = gzip(&vec![b'a'; 1_000_000]);
        assert!(bomb.len() < 5_000);
        assert_eq!(gunzip(&bomb, 999_999), Err(GunzipError::TooLarge));
        assert_eq!(gunzip(&bomb, 1_000_000).map(|b| b.len()), Ok(1_000_000));
        assert!(matches!(
            gunzip(b"not gzip", 100),
            Err(GunzipError::Invalid(_))
        ));
    }
}
