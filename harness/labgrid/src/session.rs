//! The session stream (`ClientStream`): opened with `StartupDone`, subscribed to every place
//! and resource, and kept open for as long as the client lives — the coordinator only lets a
//! connection acquire places while its session is open (hil-anchors §7.1). A background task
//! applies the coordinator's updates to a shared view that callers read and wait on.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedReceiver;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::client::Grpc;
use tonic::transport::Channel;

use crate::model::{ResourceEntry, ResourceId};
use crate::proto::method_path;
use crate::proto::place::Place;
use crate::proto::session::{ClientInMessage, ClientOutMessage, Update};

/// What the session has learned from the coordinator.
#[derive(Debug, Default)]
pub struct View {
    /// Every resource of every connected exporter.
    pub resources: BTreeMap<ResourceId, ResourceEntry>,
    /// Every place.
    pub places: BTreeMap<String, Place>,
    /// The highest sync id echoed.
    pub synced: u64,
    /// Why the stream ended, once it has.
    pub ended: Option<String>,
}

impl View {
    fn apply(&mut self, msg: ClientOutMessage) {
        for update in msg.updates.into_iter().filter_map(|u| u.kind) {
            match update {
                Update::Resource(r) => {
                    if let Some(entry) = ResourceEntry::from_wire(&r) {
                        self.resources.insert(entry.id.clone(), entry);
                    }
                }
                Update::DelResource(path) => {
                    if let Some(exporter) = path.exporter_name {
                        self.resources.remove(&ResourceId {
                            exporter,
                            group: path.group_name,
                            name: path.resource_name,
                        });
                    }
                }
                Update::Place(p) => {
                    self.places.insert(p.name.clone(), p);
                }
                Update::DelPlace(name) => {
                    self.places.remove(&name);
                }
            }
        }
        if let Some(sync) = msg.sync {
            self.synced = self.synced.max(sync.id);
        }
    }
}

/// The view, shared between the stream task and the callers.
#[derive(Debug, Default)]
pub struct Shared {
    view: Mutex<View>,
    changed: Condvar,
}

impl Shared {
    /// The view as it is now.
    pub fn lock(&self) -> MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `done` holds for the view or the stream ended; `false` on timeout.
    pub fn wait_until(&self, limit: Duration, mut done: impl FnMut(&View) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        let mut view = self.lock();
        loop {
            if done(&view) || view.ended.is_some() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            view = self
                .changed
                .wait_timeout(view, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn update(&self, f: impl FnOnce(&mut View)) {
        f(&mut self.lock());
        self.changed.notify_all();
    }
}

/// Runs the session stream until it ends, applying every update to `shared`.
pub async fn run(
    mut grpc: Grpc<Channel>,
    outgoing: UnboundedReceiver<ClientInMessage>,
    shared: Arc<Shared>,
) {
    let ended = match stream(&mut grpc, outgoing, &shared).await {
        Ok(()) => "the coordinator closed the session".to_string(),
        Err(status) => format!("{} ({:?})", status.message(), status.code()),
    };
    shared.update(|v| {
        v.ended.get_or_insert(ended);
    });
}

async fn stream(
    grpc: &mut Grpc<Channel>,
    outgoing: UnboundedReceiver<ClientInMessage>,
    shared: &Shared,
) -> Result<(), tonic::Status> {
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let codec = tonic_prost::ProstCodec::<ClientInMessage, ClientOutMessage>::default();
    let request = tonic::Request::new(UnboundedReceiverStream::new(outgoing));
    let mut incoming = grpc
        .streaming(request, method_path("ClientStream"), codec)
        .await?
        .into_inner();
    while let Some(msg) = incoming.next().await {
        let msg = msg?;
        shared.update(|v| v.apply(msg));
    }
    Ok(())
}
