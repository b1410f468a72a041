//! The pieces of `hil bench`: running a child `hil run` and measuring it ([`child`]), the rack
//! files it runs on ([`racks`]), the `hil sim` process serving a rack host's boards
//! ([`served`]), and the targets the numbers are judged against ([`targets`]).

pub mod child;
pub mod racks;
pub mod report;
pub mod served;
pub mod targets;
