//! When a command reached a simulated instrument, for the ones that lose commands sent too close
//! together. An [`Arrival`] is a range: a pty carries no stamps, so a command read from one
//! arrived after the previous read returned and before this one did.
//!
//! Over TCP: the kernel's receive time stamp of the TCP
//! segment that carried its line end (`SO_TIMESTAMPNS`, Linux), not the moment the simulator's
//! thread got round to reading it. On a loaded host that thread can be scheduled tens of
//! milliseconds late; judged by its read time, two commands a driver paced 25 ms apart could
//! look back to back and be "dropped" although a real instrument would have taken both.
//!
//! One catch: segments that wait unread are merged by the kernel and keep only the newest
//! stamp. Lines sharing a stamp therefore arrived somewhere between the previous stamp and
//! theirs; [`Arrival::earliest`] says so, and the instrument only drops a command that was too
//! early for certain.

/// When one line arrived: at `at`, or (for lines the kernel merged) somewhere in
/// `earliest..=at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arrival {
    pub at: Instant,
    pub earliest: Instant,
}

impl Arrival {
    /// An arrival known exactly (e.g. read from a pty, which has no stamps).
    pub fn exact(at: Instant) -> Self {
        Arrival { at, earliest: at }
    }
}

/// The kernel stamp as received, to tell merged segments (same stamp) apart.
type RawStamp = (i64, i64);

/// Turns the stamps of successive reads on one connection into [`Arrival`]s.
#[derive(Debug)]
pub(crate) struct ArrivalClock {
    /// The stamp of the latest read and its time.
    current: Option<(RawStamp, Instant)>,
    /// Nothing read since arrived before this: the read before the latest stamp changed, or
    /// (for the first lines) when the simulator started waiting for the connection.
    before: Instant,
}

impl ArrivalClock {
    /// A clock for a connection the simulator started waiting for at `since`.
    pub fn since(since: Instant) -> Self {
        ArrivalClock {
            current: None,
            before: since,
        }
    }

    fn arrival(&mut self, raw: Option<RawStamp>, at: Instant) -> Arrival {
        match (raw, self.current) {
            (Some(raw), Some((current, _))) if raw == current => Arrival {
                at,
                earliest: self.before.min(at),
            },
            (raw, previous) => {
                if let Some((_, t)) = previous {
                    self.before = t;
                }
                self.current = raw.map(|r| (r, at));
                Arrival::exact(at)
            }
        }
    }
}

use std::io;
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

/// Turns receive time stamps on for `listener`; connections it accepts inherit the setting, so
/// the first segment of a connection is stamped too. Where the platform has no stamps this is
/// a no-op and [`read_line_chunk`] falls back to the read time.
pub(crate) fn enable(listener: &TcpListener) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::socket::{setsockopt, sockopt::ReceiveTimestampns};
        setsockopt(listener, ReceiveTimestampns, &true).map_err(io::Error::from)?;
        stamps_switched_on();
    }
    #[cfg(not(target_os = "linux"))]
    let _ = listener;
    Ok(())
}

/// The kernel switches receive stamping on for the whole host from a work queue, some time
/// after the first socket asks (later on a loaded host), and off again when the last one closes.
/// The first time a simulator needs stamps, this keeps a stamping socket open for the life of
/// the process and waits (at most 2 s) until a test segment comes back stamped, so the first
/// commands of a connection are not left unstamped.
#[cfg(target_os = "linux")]
fn stamps_switched_on() {
    use std::net::Ipv4Addr;
    use std::sync::OnceLock;
    use std::time::Duration;

    static KEEPER: OnceLock<Option<TcpListener>> = OnceLock::new();
    KEEPER.get_or_init(|| {
        let probe = || -> io::Result<TcpListener> {
            use std::io::Write;
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            nix::sys::socket::setsockopt(
                &listener,
                nix::sys::socket::sockopt::ReceiveTimestampns,
                &true,
            )
            .map_err(io::Error::from)?;
            let deadline = Instant::now() + Duration::from_secs(2);
            loop {
                let mut client = TcpStream::connect(listener.local_addr()?)?;
                let (server, _) = listener.accept()?;
                client.write_all(b"\n")?;
                let (_, raw, _) = receive(&server, &mut [0u8; 1])?;
                if raw.is_some() || Instant::now() >= deadline {
                    return Ok(listener);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        };
        probe().ok()
    });
}

/// Reads into `buf` up to and including the first line end waiting on `stream` (or everything
/// waiting, if it holds none), and returns the byte count with the arrival of the last byte
/// read. Blocks like `read` (the stream's read timeout applies); `Ok((0, _))` is the end of the
/// connection. Use one `clock` per connection.
pub(crate) fn read_line_chunk(
    stream: &TcpStream,
    buf: &mut [u8],
    clock: &mut ArrivalClock,
) -> io::Result<(usize, Arrival)> {
    let waiting = stream.peek(buf)?;
    if waiting == 0 {
        return Ok((0, Arrival::exact(Instant::now())));
    }
    let len = buf[..waiting]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(waiting, |nl| nl + 1);
    let (n, raw, at) = receive(stream, &mut buf[..len])?;
    Ok((n, clock.arrival(raw, at)))
}

#[cfg(target_os = "linux")]
fn receive(stream: &TcpStream, buf: &mut [u8]) -> io::Result<(usize, Option<RawStamp>, Instant)> {
    use std::io::IoSliceMut;
    use std::os::fd::AsRawFd;

    use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
    use nix::sys::time::TimeSpec;

    let mut cmsg = nix::cmsg_space!(TimeSpec);
    let mut iov = [IoSliceMut::new(buf)];
    let msg = recvmsg::<()>(
        stream.as_raw_fd(),
        &mut iov,
        Some(&mut cmsg),
        MsgFlags::empty(),
    )
    .map_err(io::Error::from)?;
    // The kernel stamps the last segment the read consumed: the one holding the line end.
    let stamp = msg.cmsgs().ok().and_then(|mut all| {
        all.find_map(|c| match c {
            ControlMessageOwned::ScmTimestampns(ts) => Some(ts),
            _ => None,
        })
    });
    let at = stamp.map_or_else(Instant::now, instant_of);
    let raw = stamp.map(|ts| (ts.tv_sec(), ts.tv_nsec()));
    Ok((msg.bytes, raw, at))
}

#[cfg(not(target_os = "linux"))]
fn receive(stream: &TcpStream, buf: &mut [u8]) -> io::Result<(usize, Option<RawStamp>, Instant)> {
    use std::io::Read;
    let n = (&*stream).read(buf)?;
    Ok((n, None, Instant::now()))
}

/// A wall-clock kernel time stamp as an `Instant`, through one anchor pair of clock readings
/// for the whole process (taken as close together as a few tries get them): any conversion
/// error is the same for every stamp and cancels out of the gaps between commands.
#[cfg(target_os = "linux")]
fn instant_of(ts: nix::sys::time::TimeSpec) -> Instant {
    use std::sync::OnceLock;
    use std::time::{Duration, SystemTime};

    static ANCHOR: OnceLock<(Instant, SystemTime)> = OnceLock::new();
    let (mono, wall) = *ANCHOR.get_or_init(|| {
        // The closest-bracketed of a few tries: the wall reading between two monotonic ones.
        let mut best: Option<(Duration, Instant, SystemTime)> = None;
        for _ in 0..20 {
            let (before, wall, after) = (Instant::now(), SystemTime::now(), Instant::now());
            let spread = after - before;
            if best.is_none_or(|(b, _, _)| spread < b) {
                best = Some((spread, before + spread / 2, wall));
            }
        }
        let (_, mono, wall) = best.expect("at least one try");
        (mono, wall)
    });
    let (Ok(secs), Ok(nanos)) = (u64::try_from(ts.tv_sec()), u32::try_from(ts.tv_nsec())) else {
        return Instant::now();
    };
    let stamped = SystemTime::UNIX_EPOCH + Duration::new(secs, nanos);
    match stamped.duration_since(wall) {
        Ok(after) => mono + after,
        Err(before) => mono.checked_sub(before.duration()).unwrap_or(mono),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        enable(&listener).unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_nodelay(true).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn lines_are_read_one_at_a_time_and_stamped_when_they_arrived() {
        let (mut client, server) = pair();
        let mut clock = ArrivalClock::since(Instant::now());
        let mut buf = [0u8; 64];
        let before_a = Instant::now();
        client.write_all(b"A\n").unwrap();
        let (n, first) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        let after_a = Instant::now();
        assert_eq!(&buf[..n], b"A\n");
        std::thread::sleep(Duration::from_millis(60));
        let before_b = Instant::now();
        client.write_all(b"BB\n").unwrap();
        let after_b = Instant::now();
        // Read only long after it arrived: the stamps still say when the lines came (each
        // between the clock readings around its write and read; 2 ms for converting the
        // wall-clock stamps), not when they were read.
        std::thread::sleep(Duration::from_millis(100));
        let (n, second) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        assert_eq!(&buf[..n], b"BB\n");
        if cfg!(target_os = "linux") {
            let slack = Duration::from_millis(2);
            let spacing = second.at.duration_since(first.at);
            assert!(spacing + slack >= before_b - after_a, "{spacing:?}");
            assert!(spacing <= after_b - before_a + slack, "{spacing:?}");
        }
        drop(client);
        assert_eq!(read_line_chunk(&server, &mut buf, &mut clock).unwrap().0, 0);
    }

    #[test]
    fn lines_that_waited_together_may_have_arrived_any_time_since_the_read_before() {
        let (mut client, server) = pair();
        let mut clock = ArrivalClock::since(Instant::now());
        let mut buf = [0u8; 64];
        client.write_all(b"A\n").unwrap();
        let (_, a) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        // Two writes that wait unread: the kernel may merge them (then they share a stamp).
        client.write_all(b"B\n").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        client.write_all(b"C\nD").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let (n, b) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        assert_eq!(&buf[..n], b"B\n");
        let (n, c) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        assert_eq!(&buf[..n], b"C\n");
        assert!(c.at >= b.at);
        let (n, _) = read_line_chunk(&server, &mut buf, &mut clock).unwrap();
        assert_eq!(&buf[..n], b"D");
        assert_eq!(a.earliest, a.at);
        assert_eq!(
            b.earliest, b.at,
            "the first line of a read is taken as exact"
        );
        // C either has its own stamp (exact) or shares B's: then it came after A.
        assert!(c.earliest == c.at || c.earliest == a.at, "{a:?} {c:?}");
    }

    #[test]
    fn the_clock_widens_only_lines_that_share_a_stamp() {
        let t0 = Instant::now();
        let t = |ms| t0 + Duration::from_millis(ms);
        let mut clock = ArrivalClock::since(t0);
        assert_eq!(clock.arrival(Some((0, 5)), t(10)), Arrival::exact(t(10)));
        let merged = clock.arrival(Some((0, 5)), t(11));
        assert_eq!(
            (merged.earliest, merged.at),
            (t0, t(11)),
            "since the connection"
        );
        assert_eq!(clock.arrival(Some((1, 0)), t(20)), Arrival::exact(t(20)));
        assert_eq!(clock.arrival(Some((2, 0)), t(50)), Arrival::exact(t(50)));
        let merged = clock.arrival(Some((2, 0)), t(51));
        assert_eq!((merged.earliest, merged.at), (t(20), t(51)));
        assert_eq!(clock.arrival(None, t(60)), Arrival::exact(t(60)));
        assert_eq!(clock.arrival(None, t(61)), Arrival::exact(t(61)));
    }
}
