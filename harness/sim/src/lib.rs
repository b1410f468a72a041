//! The simulated nRF91 rack.
//!
//! Everything a lab rack has, reached through the same transports as hardware:
//! - [`modem`]: a stateful nRF91 modem whose per-firmware behaviour comes from data
//!   ([`profile`], one YAML file per modem firmware under `profiles/`);
//! - [`dut`]: a simulated board — the firmware-under-test's own console code (`at-console`)
//!   in front of the modem, powered from a [`rail`], behind a [`pty`] that any serial program opens;
//! - [`supply`]: simulated bench supplies (SCPI over TCP on 127.0.0.1, Korad and PPK2 over a pty)
//!   that drive a DUT's rail (the PPK2 streams the DUT's [`load`] current at 100 kS/s);
//! - [`rack`]: starts a set of DUTs with their supplies and reports where to reach them.

#![warn(missing_docs)]

pub mod dut;
pub mod load;
pub mod modem;
pub mod profile;
pub mod pty;
pub mod rack;
pub mod rail;
pub mod supply;
pub mod timing;
