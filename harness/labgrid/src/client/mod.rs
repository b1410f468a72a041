//! A blocking client of the labgrid coordinator: one HTTP/2 connection carrying the session
//! stream and the unary calls (the coordinator finds the caller's session by connection, so
//! `AcquirePlace` works only here), every call bounded by a deadline.
//!
//! - [`places`]: the place calls (list, create, tag, match, acquire, release);
//! - [`reservations`]: the reservation calls (create, poll, cancel).

mod places;
mod reservations;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tonic::client::Grpc;
use tonic::transport::{Channel, Endpoint};

use crate::address::Address;
use crate::error::LabgridError;
use crate::model::ResourceEntry;
use crate::proto::method_path;
use crate::proto::place::Empty;
use crate::proto::session::{ClientInMessage, SubscribeTo};
use crate::session::{self, Shared, View};

pub use reservations::ReservationStatus;

/// The labgrid version this client speaks (sent in `StartupDone`).
pub const PROTOCOL_VERSION: &str = "26.0.1";

/// A connection to a coordinator with an open session.
pub struct Coordinator {
    address: Address,
    name: String,
    timeout: Duration,
    runtime: Runtime,
    grpc: Grpc<Channel>,
    outgoing: UnboundedSender<ClientInMessage>,
    shared: Arc<Shared>,
    next_sync: AtomicU64,
}

impl Coordinator {
    /// Connects to `address` and opens a session named `name` (`host/user`), subscribed to
    /// every place and resource; each step, and every later call, bounded by `timeout`.
    pub fn connect(
        address: &Address,
        name: &str,
        timeout: Duration,
    ) -> Result<Coordinator, LabgridError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| unreachable(address, e.to_string()))?;
        let endpoint = Endpoint::from_shared(address.uri())
            .map_err(|e| LabgridError::BadAddress {
                given: address.to_string(),
                why: e.to_string(),
            })?
            .connect_timeout(timeout)
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_millis(7500))
            .keep_alive_timeout(Duration::from_secs(10))
            .keep_alive_while_idle(true);
        let channel = runtime
            .block_on(async { tokio::time::timeout(timeout, endpoint.connect()).await })
            .map_err(|_| unreachable(address, format!("no connection within {timeout:?}")))?
            .map_err(|e| unreachable(address, transport_detail(&e)))?;
        let grpc = Grpc::new(channel);
        let (outgoing, rx) = unbounded_channel();
        let shared = Arc::new(Shared::default());
        runtime.spawn(session::run(grpc.clone(), rx, shared.clone()));
        let client = Coordinator {
            address: address.clone(),
            name: name.to_string(),
            timeout,
            runtime,
            grpc,
            outgoing,
            shared,
            next_sync: AtomicU64::new(1),
        };
        client.send(ClientInMessage::startup(PROTOCOL_VERSION, name));
        client.send(ClientInMessage::subscribe(SubscribeTo::AllPlaces(true)));
        client.send(ClientInMessage::subscribe(SubscribeTo::AllResources(true)));
        client.sync().map_err(|e| match e {
            LabgridError::SessionLost { detail, .. } => unreachable(address, detail),
            other => other,
        })?;
        Ok(client)
    }

    /// The coordinator's address.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The session's name (`host/user`), which the coordinator records as the acquirer.
    pub fn session_name(&self) -> &str {
        &self.name
    }

    /// Waits until the coordinator has handled everything sent on the session so far (and so
    /// sent every update that came before).
    pub fn sync(&self) -> Result<(), LabgridError> {
        let id = self.next_sync.fetch_add(1, Ordering::Relaxed);
        self.send(ClientInMessage::sync(id));
        self.wait_view("the session's sync", self.timeout, |v| v.synced >= id)
    }

    /// Waits up to `limit` until `done` holds for the session's view.
    pub fn wait_view(
        &self,
        what: &str,
        limit: Duration,
        done: impl FnMut(&View) -> bool,
    ) -> Result<(), LabgridError> {
        let finished = self.shared.wait_until(limit, done);
        if let Some(detail) = self.shared.lock().ended.clone() {
            return Err(LabgridError::SessionLost {
                address: self.address.to_string(),
                detail,
            });
        }
        if finished {
            Ok(())
        } else {
            Err(LabgridError::Timeout {
                address: self.address.to_string(),
                what: what.to_string(),
                after: limit,
            })
        }
    }

    /// Every resource the session knows of, in `exporter/group/name` order.
    pub fn resources(&self) -> Vec<ResourceEntry> {
        self.shared.lock().resources.values().cloned().collect()
    }

    /// Why the session ended, once it has.
    pub fn session_ended(&self) -> Option<String> {
        self.shared.lock().ended.clone()
    }

    fn send(&self, msg: ClientInMessage) {
        // A closed stream is reported by the next wait on the view.
        let _ = self.outgoing.send(msg);
    }

    pub(crate) fn call_empty<Req>(
        &self,
        method: &'static str,
        what: &str,
        req: Req,
    ) -> Result<(), LabgridError>
    where
        Req: prost::Message + Send + Sync + 'static,
    {
        self.call::<Req, Empty>(method, what, req).map(|_| ())
    }

    pub(crate) fn call<Req, Resp>(
        &self,
        method: &'static str,
        what: &str,
        req: Req,
    ) -> Result<Resp, LabgridError>
    where
        Req: prost::Message + Send + Sync + 'static,
        Resp: prost::Message + Default + Send + Sync + 'static,
    {
        let call = format!("{method}({what})");
        let mut grpc = self.grpc.clone();
        let fut = async move {
            grpc.ready()
                .await
                .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
            let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
            grpc.unary(tonic::Request::new(req), method_path(method), codec)
                .await
                .map(tonic::Response::into_inner)
        };
        match self.block_on(fut) {
            None => Err(LabgridError::Timeout {
                address: self.address.to_string(),
                what: call,
                after: self.timeout,
            }),
            Some(Ok(resp)) => Ok(resp),
            Some(Err(status)) => Err(self.refused(call, &status)),
        }
    }

    fn block_on<T>(&self, fut: impl Future<Output = T>) -> Option<T> {
        self.runtime
            .block_on(async { tokio::time::timeout(self.timeout, fut).await })
            .ok()
    }

    fn refused(&self, call: String, status: &tonic::Status) -> LabgridError {
        if status.code() == tonic::Code::Unavailable {
            return unreachable(&self.address, status.message().to_string());
        }
        LabgridError::Refused {
            address: self.address.to_string(),
            call,
            code: format!("{:?}", status.code()),
            message: status.message().to_string(),
        }
    }
}

impl Drop for Coordinator {
    fn drop(&mut self) {
        // Ending the request stream ends the session; the runtime's tasks stop with it.
        let (closed, _) = unbounded_channel();
        self.outgoing = closed;
    }
}

fn unreachable(address: &Address, detail: String) -> LabgridError {
    LabgridError::Unreachable {
        address: address.to_string(),
        detail,
    }
}

/// The innermost cause of a transport error (e.g. "Connection refused (os error 111)").
fn transport_detail(e: &tonic::transport::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}
