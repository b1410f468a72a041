//! hil-power against the simulated instruments of hil-sim: every driver talks to the simulator
//! of its own protocol over the same transport as hardware (TCP on 127.0.0.1 or a pty).

mod common;
mod guard;
mod junk;
mod korad;
mod network;
mod polled;
mod ppk2;
mod ppk2_stream;
mod profile;
mod scpi;
mod trace;
