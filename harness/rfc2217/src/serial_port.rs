//! `serialport::SerialPort` (and `io::Read`/`io::Write`) for [`NetworkPort`], so drivers
//! written against a local port work unchanged over the network. Reads time out like a local
//! port (`io::ErrorKind::TimedOut`); a dropped connection is `ConnectionAborted` carrying the
//! typed [`Error`] (see [`Error::from_io`]); what cannot be done over the link is a
//! `serialport::ErrorKind::InvalidInput` error that says so.

use std::io;
use std::time::Duration;

use serialport::{ClearBuffer, DataBits, FlowControl, Parity, SerialPort, StopBits};

use crate::comport::{Command, Control, Purge, modemstate};
use crate::error::Error;
use crate::port::NetworkPort;

type SResult<T> = serialport::Result<T>;

impl io::Read for NetworkPort {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.shared.read(buf, self.timeout)?)
    }
}

impl io::Write for NetworkPort {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.shared.write(buf)?;
        Ok(buf.len())
    }

    /// Writes go straight to the socket; nothing is held back.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl NetworkPort {
    fn setting(&mut self, command: Command) -> SResult<()> {
        Ok(self.shared.command(command, true)?)
    }

    fn control(&self, control: Control) -> SResult<()> {
        let wait = self.shared.options.await_control_acks;
        Ok(self.shared.command(Command::SetControl(control), wait)?)
    }

    fn reported<T>(&self, what: &str, value: Option<T>) -> SResult<T> {
        value.ok_or_else(|| {
            Error::Unsupported {
                port: self.shared.name.clone(),
                what: format!("reading the {what}"),
                why: "because the server has not reported it".into(),
            }
            .into()
        })
    }

    fn modem_line(&self, bit: u8, what: &str) -> SResult<bool> {
        if self.shared.is_raw() {
            return Err(self.shared.unsupported(&format!("reading {what}")).into());
        }
        let state = self.reported(
            &format!("{what} line (no NOTIFY-MODEMSTATE yet)"),
            self.shared.modem_state(),
        )?;
        Ok(state & bit != 0)
    }
}

impl SerialPort for NetworkPort {
    fn name(&self) -> Option<String> {
        Some(self.shared.name.clone())
    }

    fn baud_rate(&self) -> SResult<u32> {
        self.reported("baud rate", self.shared.line().baud)
    }

    fn data_bits(&self) -> SResult<DataBits> {
        self.reported("data bits", self.shared.line().data_bits)
    }

    fn flow_control(&self) -> SResult<FlowControl> {
        self.reported("flow control", self.shared.line().flow_control)
    }

    fn parity(&self) -> SResult<Parity> {
        self.reported("parity", self.shared.line().parity)
    }

    fn stop_bits(&self) -> SResult<StopBits> {
        self.reported("stop bits", self.shared.line().stop_bits)
    }

    fn timeout(&self) -> Duration {
        self.timeout
    }

    fn set_baud_rate(&mut self, baud_rate: u32) -> SResult<()> {
        self.setting(Command::SetBaudRate(baud_rate))
    }

    fn set_data_bits(&mut self, data_bits: DataBits) -> SResult<()> {
        self.setting(Command::SetDataSize(data_bits))
    }

    fn set_flow_control(&mut self, flow_control: FlowControl) -> SResult<()> {
        self.setting(Command::SetControl(Control::flow(flow_control)))
    }

    fn set_parity(&mut self, parity: Parity) -> SResult<()> {
        self.setting(Command::SetParity(parity))
    }

    fn set_stop_bits(&mut self, stop_bits: StopBits) -> SResult<()> {
        self.setting(Command::SetStopSize(stop_bits))
    }

    fn set_timeout(&mut self, timeout: Duration) -> SResult<()> {
        self.timeout = timeout;
        Ok(())
    }

    fn write_request_to_send(&mut self, level: bool) -> SResult<()> {
        self.control(if level {
            Control::RtsOn
        } else {
            Control::RtsOff
        })
    }

    fn write_data_terminal_ready(&mut self, level: bool) -> SResult<()> {
        self.control(if level {
            Control::DtrOn
        } else {
            Control::DtrOff
        })
    }

    fn read_clear_to_send(&mut self) -> SResult<bool> {
        self.modem_line(modemstate::CTS, "CTS")
    }

    fn read_data_set_ready(&mut self) -> SResult<bool> {
        self.modem_line(modemstate::DSR, "DSR")
    }

    fn read_ring_indicator(&mut self) -> SResult<bool> {
        self.modem_line(modemstate::RI, "RI")
    }

    fn read_carrier_detect(&mut self) -> SResult<bool> {
        self.modem_line(modemstate::DCD, "DCD")
    }

    fn bytes_to_read(&self) -> SResult<u32> {
        let n = self.shared.available()?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Always 0: writes are handed to the socket before they return.
    fn bytes_to_write(&self) -> SResult<u32> {
        Ok(0)
    }

    fn clear(&self, buffer_to_clear: ClearBuffer) -> SResult<()> {
        let which = match buffer_to_clear {
            ClearBuffer::Input => Purge::Receive,
            ClearBuffer::Output => Purge::Transmit,
            ClearBuffer::All => Purge::Both,
        };
        Ok(self.shared.purge(which)?)
    }

    fn try_clone(&self) -> SResult<Box<dyn SerialPort>> {
        Ok(Box::new(NetworkPort {
            shared: self.shared.clone(),
            timeout: self.timeout,
        }))
    }

    fn set_break(&self) -> SResult<()> {
        self.control(Control::BreakOn)
    }

    fn clear_break(&self) -> SResult<()> {
        self.control(Control::BreakOff)
    }
}
