//! Pseudo-terminal endpoints: how a simulated serial device is reached.
//!
//! The simulator owns the master side; clients open the slave path (`/dev/pts/N`, or a symlink
//! to it) with any serial program. The simulator keeps its own slave descriptor open for its
//! whole life, so clients can open and close the port any number of times without the master
//! seeing a hang-up (reading a master with no slave open returns EIO).

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{self, SetArg};

/// A master and its slave, both close-on-exec from the start (`openpty` leaves them inheritable):
/// a process spawned meanwhile, such as a ser2net serving the port, must not hold the master,
/// or the device could never vanish for it.
fn open_pair() -> nix::Result<(OwnedFd, OwnedFd)> {
    use nix::pty::{grantpt, posix_openpt, ptsname_r, unlockpt};
    let master = posix_openpt(OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname_r(&master)?;
    let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
    let slave = nix::fcntl::open(name.as_str(), flags, nix::sys::stat::Mode::empty())?;
    Ok((master.into(), slave))
}

/// The device side of a pseudo-terminal.
#[derive(Debug)]
pub struct PtyEndpoint {
    master: File,
    _slave_keepalive: OwnedFd,
    path: PathBuf,
    link: Option<PathBuf>,
}

impl PtyEndpoint {
    /// Allocates a pseudo-terminal in raw mode (no echo, no line editing, 8-bit clean).
    pub fn open() -> io::Result<Self> {
        let (master, slave) = open_pair().map_err(io::Error::from)?;
        let mut attrs = termios::tcgetattr(&slave).map_err(io::Error::from)?;
        termios::cfmakeraw(&mut attrs);
        termios::tcsetattr(&slave, SetArg::TCSANOW, &attrs).map_err(io::Error::from)?;
        let path = nix::unistd::ttyname(&slave).map_err(io::Error::from)?;
        let flags = fcntl(&master, FcntlArg::F_GETFL).map_err(io::Error::from)?;
        let flags = OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK;
        fcntl(&master, FcntlArg::F_SETFL(flags)).map_err(io::Error::from)?;
        Ok(PtyEndpoint {
            master: File::from(master),
            _slave_keepalive: slave,
            path,
            link: None,
        })
    }

    /// Also makes the port reachable at `link` (a symlink to the slave, replaced if present).
    pub fn link_at(&mut self, link: &Path) -> io::Result<()> {
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(link)?;
        }
        std::os::unix::fs::symlink(&self.path, link)?;
        self.link = Some(link.to_path_buf());
        Ok(())
    }

    /// The path a client opens: the symlink if one was made, otherwise `/dev/pts/N`.
    pub fn path(&self) -> &Path {
        self.link.as_deref().unwrap_or(&self.path)
    }

    /// The port's line settings as its client last set them (baud rate, stop bits; a pty
    /// forces 8 data bits and no parity).
    pub fn termios(&self) -> io::Result<termios::Termios> {
        termios::tcgetattr(&self._slave_keepalive).map_err(io::Error::from)
    }

    /// Waits up to `timeout` for bytes from the client; `Ok(0)` means nothing arrived.
    pub fn read_timeout(&self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        let ready = poll(
            &mut fds,
            PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
        )
        .map_err(io::Error::from)?;
        if ready == 0 {
            return Ok(0);
        }
        match (&self.master).read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(0),
            // EIO: no slave open at this instant (cannot happen while we hold ours, but be calm).
            Err(e) if e.raw_os_error() == Some(libc::EIO) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Sends bytes to the client. Like a UART with nobody listening, bytes that cannot be
    /// delivered within `timeout` (the client stopped reading and the buffer is full) are
    /// dropped; the return value says how many were delivered.
    pub fn write_timeout(&self, mut bytes: &[u8], timeout: Duration) -> io::Result<usize> {
        let deadline = Instant::now() + timeout;
        let total = bytes.len();
        while !bytes.is_empty() {
            match (&self.master).write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    let ms = left.as_millis().clamp(1, 50) as i32;
                    let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLOUT)];
                    poll(
                        &mut fds,
                        PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
                    )
                    .map_err(io::Error::from)?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(total - bytes.len())
    }
}

impl Drop for PtyEndpoint {
    fn drop(&mut self) {
        if let Some(link) = &self.link {
            let _ = std::fs::remove_file(link);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_side_is_inherited_by_spawned_processes() {
        use nix::fcntl::FdFlag;
        let pty = PtyEndpoint::open().unwrap();
        for fd in [pty.master.as_fd(), pty._slave_keepalive.as_fd()] {
            let flags = FdFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFD).unwrap());
            assert!(flags.contains(FdFlag::FD_CLOEXEC));
        }
    }

    #[test]
    fn a_serial_client_can_open_talk_and_reopen() {
        let pty = PtyEndpoint::open().unwrap();
        for round in 0..20 {
            let mut port = serialport::new(pty.path().to_string_lossy(), 115_200)
                .timeout(Duration::from_millis(500))
                .open()
                .unwrap_or_else(|e| panic!("open #{round}: {e}"));
            port.write_all(b"AT\r").unwrap();
            let mut buf = [0u8; 16];
            let mut got = Vec::new();
            while got.len() < 3 {
                let n = pty.read_timeout(&mut buf, Duration::from_secs(1)).unwrap();
                assert!(n > 0, "round {round}: nothing arrived");
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(got, b"AT\r");
            pty.write_timeout(b"OK\r\n", Duration::from_secs(1))
                .unwrap();
            let mut reply = [0u8; 4];
            port.read_exact(&mut reply).unwrap();
            assert_eq!(&reply, b"OK\r\n");
        }
    }

    #[test]
    fn a_symlink_reaches_the_same_port() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("ttySIM0");
        let mut pty = PtyEndpoint::open().unwrap();
        pty.link_at(&link).unwrap();
        assert_eq!(pty.path(), link);
        let mut port = serialport::new(link.to_string_lossy(), 115_200)
            .timeout(Duration::from_millis(500))
            .open()
            .unwrap();
        port.write_all(b"x").unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(
            pty.read_timeout(&mut buf, Duration::from_secs(1)).unwrap(),
            1
        );
        drop(pty);
        assert!(
            link.symlink_metadata().is_err(),
            "symlink removed with the endpoint"
        );
    }

    #[test]
    fn writes_without_a_reader_do_not_block_forever() {
        let pty = PtyEndpoint::open().unwrap();
        let big = vec![b'x'; 1 << 20];
        let start = Instant::now();
        let sent = pty.write_timeout(&big, Duration::from_millis(100)).unwrap();
        assert!(sent < big.len());
        assert!(start.elapsed() < Duration::from_secs(2));
    }
}
