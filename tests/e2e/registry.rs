//! A real Cargo registry for the tests: `ferro-cargo-registry-server` in-process on 127.0.0.1,
//! with a scratch `CARGO_HOME` pointing Cargo at it as registry `local`, and faults injected in
//! front of it (a middleware) to test what happens when uploads fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ferro_cargo_registry_server::CargoState;

/// What goes wrong at the n-th upload (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `500 Internal Server Error`; nothing stored.
    ServerError,
    /// `409 Conflict`, as when the version already exists; nothing stored.
    Conflict,
    /// From this upload on, the registry stops answering (requests hang).
    Down,
    /// The upload is accepted and stored, but the version never shows in the index.
    Invisible,
    /// The upload is stored, then the response never comes (the client dies waiting).
    HangAfterStore,
    /// The upload never reaches the server; the request hangs.
    Hang,
    /// The upload is stored and answered (Cargo prints `Uploaded`), then the registry stops
    /// answering (the index wait fails).
    DownAfterStore,
    /// `429 Too Many Requests`, as crates.io rate-limits: this upload and every upload in the
    /// next `n` seconds, each with `Retry-After` and crates.io's words ("Please try again after
    /// <HTTP date>"); nothing stored.
    RateLimitFor(u64),
}

#[derive(Default)]
pub struct Faults {
    pub at_upload: BTreeMap<usize, Fault>,
    pub uploads: usize,
    down: bool,
    hidden: BTreeSet<(String, String)>,
    /// Uploads are refused with 429 until then.
    limited_until: Option<std::time::SystemTime>,
    /// Short-lived tokens: each token authorizes this many uploads and yanks, then is refused
    /// with 403 as expired.
    token_uses: Option<usize>,
    uses: BTreeMap<String, usize>,
    /// Tokens seen on uploads and yanks, in order.
    pub tokens_seen: Vec<String>,
}

pub struct Registry {
    runtime: tokio::runtime::Runtime,
    state: CargoState,
    pub faults: Arc<Mutex<Faults>>,
    home: tempfile::TempDir,
}

/// Name of the registry in the scratch Cargo config.
pub const NAME: &str = "local";

impl Registry {
    pub fn start() -> Registry {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let api = format!("http://127.0.0.1:{port}");
        let state = CargoState::new(Arc::new(ferro_blob_store::InMemoryBlobStore::new()), api);
        let faults = Arc::new(Mutex::new(Faults::default()));
        let app = ferro_cargo_registry_server::router(state.clone())
            .layer(axum::middleware::from_fn_with_state(faults.clone(), inject));
        runtime.spawn(async move {
            axum::serve(listener, app).await.expect("the registry serves");
        });
        let home = tempfile::Builder::new().prefix("atomic-cargo-home-").tempdir().unwrap();
        std::fs::write(
            home.path().join("config.toml"),
            format!(
                "[registries.{NAME}]\nindex = \"sparse+http://127.0.0.1:{port}/\"\n\n\
                 [http]\ntimeout = 2\n\n[net]\nretry = 0\n"
            ),
        )
        .unwrap();
        Registry { runtime, state, faults, home }
    }

    pub fn cargo_home(&self) -> &Path {
        self.home.path()
    }

    /// Environment for Cargo and cargo-atomic runs against this registry.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CARGO_HOME", self.cargo_home().to_string_lossy().into_owned()),
            ("CARGO_REGISTRIES_LOCAL_TOKEN", "test-token".to_string()),
        ]
    }

    /// Published versions of a crate: (version, yanked, checksum), oldest first.
    pub fn versions(&self, name: &str) -> Vec<(String, bool, String)> {
        self.runtime.block_on(async {
            let crates = self.state.crates.read().await;
            crates
                .get(name)
                .map(|r| r.entries.iter().map(|e| (e.vers.clone(), e.yanked, e.cksum.clone())).collect())
                .unwrap_or_default()
        })
    }

    pub fn fail_upload(&self, n: usize, fault: Fault) {
        self.faults.lock().unwrap().at_upload.insert(n, fault);
    }

    /// Every token authorizes `uses` uploads and yanks, then expires (403).
    pub fn expire_tokens_after(&self, uses: usize) {
        self.faults.lock().unwrap().token_uses = Some(uses);
    }

    pub fn tokens_seen(&self) -> Vec<String> {
        self.faults.lock().unwrap().tokens_seen.clone()
    }

    pub fn uploads(&self) -> usize {
        self.faults.lock().unwrap().uploads
    }

    /// The registry answers again, without faults.
    pub fn recover(&self) {
        let mut f = self.faults.lock().unwrap();
        f.down = false;
        f.at_upload.clear();
        f.hidden.clear();
        f.limited_until = None;
        f.token_uses = None;
    }
}

/// `(name, value)` pairs of [`Registry::env`] as the test helpers take them.
pub fn pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The fault-injecting middleware in front of the registry.
async fn inject(State(faults): State<Arc<Mutex<Faults>>>, req: Request, next: Next) -> Response {
    if faults.lock().unwrap().down {
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    let is_upload = req.method() == axum::http::Method::PUT && req.uri().path() == "/api/v1/crates/new";
    let is_yank = (req.method() == axum::http::Method::DELETE && req.uri().path().ends_with("/yank"))
        || (req.method() == axum::http::Method::PUT && req.uri().path().ends_with("/unyank"));
    if is_upload || is_yank {
        let token = req
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let expired = {
            let mut f = faults.lock().unwrap();
            f.tokens_seen.push(token.clone());
            let limit = f.token_uses;
            let used = f.uses.entry(token).or_default();
            *used += 1;
            limit.is_some_and(|n| *used > n)
        };
        if expired {
            return error(axum::http::StatusCode::FORBIDDEN, "authentication failed: the token has expired");
        }
    }
    if is_upload {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        let (fault, limited) = {
            let mut f = faults.lock().unwrap();
            f.uploads += 1;
            let n = f.uploads;
            let fault = f.at_upload.get(&n).copied();
            if let Some(Fault::RateLimitFor(secs)) = fault {
                f.limited_until = Some(std::time::SystemTime::now() + Duration::from_secs(secs));
            }
            (fault, f.limited_until.filter(|until| *until > std::time::SystemTime::now()))
        };
        if let Some(until) = limited {
            // crates.io's answer: the date in the message (Cargo prints no header), and the header.
            let left = until.duration_since(std::time::SystemTime::now()).unwrap_or_default().as_secs() + 1;
            let mut response = error(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "You have published too many new versions in a short period of time. Please try again after {} \
                     or email help@crates.io to have your limit increased.",
                    httpdate::fmt_http_date(until + Duration::from_secs(1))
                ),
            );
            response.headers_mut().insert("retry-after", axum::http::HeaderValue::from(left));
            return response;
        }
        match fault {
            Some(Fault::ServerError) => {
                return error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "injected server error");
            }
            Some(Fault::RateLimitFor(_)) => unreachable!("answered above"),
            Some(Fault::Conflict) => {
                return error(axum::http::StatusCode::CONFLICT, "crate version already exists (injected)");
            }
            Some(Fault::Down) => {
                faults.lock().unwrap().down = true;
                tokio::time::sleep(Duration::from_secs(600)).await;
            }
            Some(Fault::Invisible) => {
                if let Some((name, vers)) = upload_name(&bytes) {
                    faults.lock().unwrap().hidden.insert((name, vers));
                }
            }
            Some(Fault::HangAfterStore) => {
                let _ = next.run(Request::from_parts(parts, Body::from(bytes))).await;
                tokio::time::sleep(Duration::from_secs(600)).await;
                return error(axum::http::StatusCode::GATEWAY_TIMEOUT, "hung");
            }
            Some(Fault::DownAfterStore) => {
                let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
                faults.lock().unwrap().down = true;
                return response;
            }
            Some(Fault::Hang) => {
                tokio::time::sleep(Duration::from_secs(600)).await;
                return error(axum::http::StatusCode::GATEWAY_TIMEOUT, "hung");
            }
            None => {}
        }
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    }
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let hidden: Vec<(String, String)> = faults.lock().unwrap().hidden.iter().cloned().collect();
    let index_name = path.rsplit('/').next().unwrap_or("").to_string();
    if hidden.iter().any(|(n, _)| *n == index_name) && !path.starts_with("/api/") {
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        let kept: String = String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
                !hidden.iter().any(|(n, vers)| v["name"] == n.as_str() && v["vers"] == vers.as_str())
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let mut parts = parts;
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        parts.headers.remove(axum::http::header::ETAG);
        return Response::from_parts(parts, Body::from(Bytes::from(kept)));
    }
    response
}

fn error(status: axum::http::StatusCode, detail: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "errors": [{ "detail": detail }] }))).into_response()
}

/// Name and version from a publish body (u32 LE JSON length, JSON, u32 LE tarball length, tarball).
fn upload_name(body: &[u8]) -> Option<(String, String)> {
    let len = u32::from_le_bytes(body.get(..4)?.try_into().ok()?) as usize;
    let json: serde_json::Value = serde_json::from_slice(body.get(4..4 + len)?).ok()?;
    Some((json["name"].as_str()?.to_string(), json["vers"].as_str()?.to_string()))
}
