//! Stopping without losing work. Every request is counted while it is
//! handled; on SIGTERM or SIGINT the server stops accepting connections,
//! waits until no request is being handled (at most the shutdown timeout),
//! and only then stops its workers. Workers must not stop one by one while
//! another still works: a pooled database connection belongs to the worker
//! that opened it, and a request on another worker using it would fail
//! once the opener had stopped. While draining, answers say
//! `Connection: close`, so kept-alive clients reconnect elsewhere.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use tokio::sync::Notify;

/// The requests being handled now.
#[derive(Debug, Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: Notify,
    draining: AtomicBool,
}

/// One request being handled; dropping it ends its count.
pub struct Handling(Arc<InFlight>);

impl Handling {
    /// Whether the server is stopping.
    pub fn draining(&self) -> bool {
        self.0.draining.load(Ordering::Acquire)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    /// Counts a request until the returned guard is dropped.
    pub fn enter(self: &Arc<Self>) -> Handling {
        self.count.fetch_add(1, Ordering::AcqRel);
        Handling(self.clone())
    }

    /// Resolves once no request is being handled.
    async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.count.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Serves until SIGTERM or SIGINT, then drains (see the module's text) for
/// at most `timeout` and stops.
pub async fn serve(
    server: Server,
    in_flight: Arc<InFlight>,
    timeout: Duration,
) -> std::io::Result<()> {
    let handle: ServerHandle = server.handle();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        () = stop_signal() => {}
    }
    tracing::info!("stopping: no new connections; finishing the requests in flight");
    let stopping = async {
        handle.pause().await;
        in_flight.draining.store(true, Ordering::Release);
        if tokio::time::timeout(timeout, in_flight.idle())
            .await
            .is_err()
        {
            tracing::warn!("requests still in flight after {timeout:?}; stopping anyway");
        }
        handle.stop(true).await;
    };
    let (result, ()) = tokio::join!(server, stopping);
    result
}

#[cfg(unix)]
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut terminate), Ok(mut interrupt)) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
        _ => {
            tracing::warn!("cannot listen for stop signals; stopping on Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn stop_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests;
