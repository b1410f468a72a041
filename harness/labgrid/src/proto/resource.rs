//! Resources as the coordinator publishes them: a path (exporter, group, name), a class such
//! as `NetworkSerialPort`, parameters and extra values, who acquired it, whether it is there.

use std::collections::HashMap;

/// A resource of an exporter.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Resource {
    /// Where it is.
    #[prost(message, optional, tag = "1")]
    pub path: Option<ResourcePath>,
    /// Its class, e.g. `NetworkSerialPort`, `PyVISADevice`, `NetworkService`.
    #[prost(string, tag = "2")]
    pub cls: String,
    /// Its parameters, e.g. `host`, `port`, `speed`.
    #[prost(map = "string, message", tag = "3")]
    pub params: HashMap<String, MapValue>,
    /// Extra values, e.g. the exporter-side `path`.
    #[prost(map = "string, message", tag = "4")]
    pub extra: HashMap<String, MapValue>,
    /// The place that acquired it (empty when free).
    #[prost(string, tag = "5")]
    pub acquired: String,
    /// Whether the exporter has it (a USB device may come and go).
    #[prost(bool, tag = "6")]
    pub avail: bool,
}

/// `exporter/group/name` of a resource.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Message)]
pub struct ResourcePath {
    /// The exporter (set on updates from the coordinator).
    #[prost(string, optional, tag = "1")]
    pub exporter_name: Option<String>,
    /// The resource group (one board, usually).
    #[prost(string, tag = "2")]
    pub group_name: String,
    /// The resource's name in its group (its class when unnamed).
    #[prost(string, tag = "3")]
    pub resource_name: String,
}

/// One parameter value; no kind means `None`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MapValue {
    /// The value.
    #[prost(oneof = "Value", tags = "1, 2, 3, 4, 5")]
    pub kind: Option<Value>,
}

/// The kinds of [`MapValue`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Value {
    /// A boolean.
    #[prost(bool, tag = "1")]
    Bool(bool),
    /// A signed integer.
    #[prost(int64, tag = "2")]
    Int(i64),
    /// An unsigned integer.
    #[prost(uint64, tag = "3")]
    Uint(u64),
    /// A floating-point number.
    #[prost(double, tag = "4")]
    Float(f64),
    /// A string.
    #[prost(string, tag = "5")]
    String(String),
}
