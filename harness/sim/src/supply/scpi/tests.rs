//! Table checks and wire-level behaviour of every simulated SCPI model.
