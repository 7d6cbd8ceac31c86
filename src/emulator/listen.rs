//! The emulator's accept loop: HTTP/1.1 with a header-read timeout (which
//! also ends idle keep-alive connections: the timer runs while the server
//! waits for a request's head) and a cap on open connections.
//!
//! At the cap the loop stops accepting until a connection ends; new clients
//! wait in the kernel's backlog. Since every idle or slow connection ends
//! within [`HEADER_READ_TIMEOUT`], a normal client is served within about
//! that long however many idle connections an abusive client opens.

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A request's head must arrive within this, and an idle connection is
/// closed after it.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections open at once; well under a default file-descriptor limit.
pub(crate) const MAX_CONNECTIONS: usize = 512;

/// Serve `router` on `listener` until the task is dropped.
pub(crate) async fn serve(listener: TcpListener, router: Router) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of descriptors or a reset before accept: brief pause,
                // then go on (never a busy loop, never an exit).
                drop(slot);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small responses: do not let Nagle hold them back.
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(tcp), service)
                .await;
            drop(slot);
        });
    }
}
