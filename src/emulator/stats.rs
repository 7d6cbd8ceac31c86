//! `GET /_emulator/stats`: how much state the emulator holds, as
//! `{"tokens": N, "codes": N}`, for load and soak runs to show that memory
//! follows live state (bench/emulator-soak.sh, tests/emulator_soak.rs).
//! Test control only, like `/_emulator/advance`.

use super::app::App;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

pub(crate) async fn stats(State(app): State<Arc<App>>) -> Response {
    let codes = app.codes.lock().len();
    axum::Json(json!({ "tokens": app.store.len(), "codes": codes })).into_response()
}
