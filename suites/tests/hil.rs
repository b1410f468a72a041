//! `cargo test --test hil`: the conformance suites on every DUT of the rack (`HIL_RACK`, or
//! the simulated rack), as libtest trials named `<dut>::<suite>::<case>`.

fn main() -> std::process::ExitCode {
    hil_app::libtest_main()
}
