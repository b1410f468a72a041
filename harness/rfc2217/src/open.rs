//! One way to open any serial port: a device path through `serialport`, `rfc2217://host:port`
//! and `tcp://host:port` through [`NetworkPort`]. The AT client and the serial instrument
//! drivers both open their ports here.

use std::time::Duration;

use serialport::{DataBits, FlowControl, Parity, SerialPort, StopBits};

use crate::port::{LineSettings, NetworkOptions, NetworkPort};
use crate::spec::PortSpec;

/// How to open a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerialConfig {
    /// The line settings to apply.
    pub line: LineSettings,
    /// Read timeout of the returned port (changeable with `set_timeout`).
    pub timeout: Duration,
    /// Assert (or drop) DTR on open; `None` leaves it as the device does. Over RFC 2217 this is
    /// sent without waiting for a confirmation unless [`NetworkOptions::await_control_acks`].
    pub dtr_on_open: Option<bool>,
    /// Timeouts and policies of network ports.
    pub network: NetworkOptions,
}

impl SerialConfig {
    /// 8N1 at `baud`, no flow control, 100 ms read timeout, DTR untouched.
    pub fn new(baud: u32) -> Self {
        SerialConfig {
            line: LineSettings::new(baud),
            timeout: Duration::from_millis(100),
            dtr_on_open: None,
            network: NetworkOptions::default(),
        }
    }

    /// With `stop_bits`.
    pub fn stop_bits(mut self, stop_bits: StopBits) -> Self {
        self.line.stop_bits = stop_bits;
        self
    }

    /// With `data_bits`.
    pub fn data_bits(mut self, data_bits: DataBits) -> Self {
        self.line.data_bits = data_bits;
        self
    }

    /// With `parity`.
    pub fn parity(mut self, parity: Parity) -> Self {
        self.line.parity = parity;
        self
    }

    /// With `flow_control`.
    pub fn flow_control(mut self, flow_control: FlowControl) -> Self {
        self.line.flow_control = flow_control;
        self
    }

    /// With a read timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Asserting (or dropping) DTR on open.
    pub fn dtr_on_open(mut self, level: bool) -> Self {
        self.dtr_on_open = Some(level);
        self
    }
}

/// Opens `spec` (a device path, `rfc2217://host:port` or `tcp://host:port`) at `baud`, 8N1.
pub fn open_serial(spec: &str, baud: u32) -> serialport::Result<Box<dyn SerialPort>> {
    let spec = PortSpec::parse(spec)?;
    open_serial_with(&spec, &SerialConfig::new(baud))
}

/// Opens `spec` with `config`. Local ports open exclusively, like `serialport`'s default.
/// Network errors carry the typed [`crate::Error`]'s message.
pub fn open_serial_with(
    spec: &PortSpec,
    config: &SerialConfig,
) -> serialport::Result<Box<dyn SerialPort>> {
    let line = &config.line;
    let mut port: Box<dyn SerialPort> = match spec {
        PortSpec::Device(path) => {
            let mut builder = serialport::new(path.to_string_lossy(), line.baud)
                .data_bits(line.data_bits)
                .parity(line.parity)
                .stop_bits(line.stop_bits)
                .flow_control(line.flow_control)
                .timeout(config.timeout);
            if let Some(level) = config.dtr_on_open {
                builder = builder.dtr_on_open(level);
            }
            return builder.open();
        }
        PortSpec::Rfc2217(endpoint) => {
            Box::new(NetworkPort::rfc2217(endpoint, line, config.network)?)
        }
        PortSpec::RawTcp(endpoint) => {
            Box::new(NetworkPort::raw_tcp(endpoint, line, config.network)?)
        }
    };
    port.set_timeout(config.timeout)?;
    if let (Some(level), PortSpec::Rfc2217(_)) = (config.dtr_on_open, spec) {
        port.write_data_terminal_ready(level)?;
    }
    Ok(port)
}
