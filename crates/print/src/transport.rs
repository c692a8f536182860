//! Where print jobs go: a folder (development, archiving), a network printer on raw TCP
//! port 9100, a USB printer device file, or a CUPS queue through `lp`.

use crate::{Format, PrintError};
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

/// Default raw-printing TCP port (JetDirect / AppSocket).
pub const DEFAULT_TCP_PORT: u16 = 9100;
/// Time allowed to connect to a network printer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Time allowed for a write to a network printer.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a printer has to answer a real-time status request (DLE EOT n). Printers that do not
/// answer within it are assumed to be ready (many network interfaces do not relay answers).
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(500);

/// A printer connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Write each job as `<folder>/<job_name>.<ext>` (development, or an archive of tickets).
    Folder(PathBuf),
    /// A network printer speaking raw ESC/POS on `host:port` (port 9100 by default).
    Tcp(String),
    /// A printer device file, e.g. `/dev/usb/lp0`.
    Device(PathBuf),
    /// A CUPS queue through the `lp` command; `None` is the default destination.
    Cups {
        /// The CUPS destination (`lp -d`).
        queue: Option<String>,
    },
}

impl FromStr for Transport {
    type Err = PrintError;

    /// `folder:/path`, `tcp:host[:port]`, `device:/dev/usb/lp0`, `cups` or `cups:QUEUE`.
    fn from_str(s: &str) -> Result<Self, PrintError> {
        let s = s.trim();
        let bad = || {
            PrintError::InvalidSetting(format!(
                "unknown printer “{s}” (use folder:/path, tcp:host:port, device:/dev/usb/lp0, cups or cups:QUEUE)"
            ))
        };
        if s == "cups" {
            return Ok(Transport::Cups { queue: None });
        }
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        if rest.is_empty() {
            return Err(bad());
        }
        match kind {
            "folder" => Ok(Transport::Folder(PathBuf::from(rest))),
            "device" => Ok(Transport::Device(PathBuf::from(rest))),
            "cups" => Ok(Transport::Cups {
                queue: Some(rest.to_string()),
            }),
            "tcp" => Ok(Transport::Tcp(with_default_port(rest))),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Folder(p) => write!(f, "folder:{}", p.display()),
            Transport::Tcp(a) => write!(f, "tcp:{a}"),
            Transport::Device(p) => write!(f, "device:{}", p.display()),
            Transport::Cups { queue: None } => f.write_str("cups"),
            Transport::Cups { queue: Some(q) } => write!(f, "cups:{q}"),
        }
    }
}

/// `host` → `host:9100`; `host:port` and `[v6]:port` unchanged; a bare IPv6 address is bracketed.
fn with_default_port(addr: &str) -> String {
    if let Some(rest) = addr.strip_prefix('[') {
        return if rest.contains("]:") {
            addr.to_string()
        } else {
            format!("{addr}:{DEFAULT_TCP_PORT}")
        };
    }
    match addr.matches(':').count() {
        0 => format!("{addr}:{DEFAULT_TCP_PORT}"),
        1 => addr.to_string(),
        _ => format!("[{addr}]:{DEFAULT_TCP_PORT}"),
    }
}

/// What a printer reports about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterStatus {
    /// Ready to print (or it does not report its status and is assumed ready).
    Ready,
    /// Offline or unreachable.
    Offline,
    /// The paper roll is empty.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// Some other problem, described.
    Error(String),
}

impl PrinterStatus {
    /// The error to return instead of printing, if the status forbids printing.
    fn into_error(self, what: &str) -> Option<PrintError> {
        match self {
            PrinterStatus::Ready => None,
            PrinterStatus::Offline => Some(PrintError::Offline(format!("{what} reports offline"))),
            PrinterStatus::PaperOut => Some(PrintError::PaperOut),
            PrinterStatus::CoverOpen => Some(PrintError::CoverOpen),
            PrinterStatus::Error(e) => Some(PrintError::PrinterFault(e)),
        }
    }
}

/// Where a job went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOutcome {
    /// Written to this file (folder transport).
    File(PathBuf),
    /// Sent to a network printer.
    Sent {
        /// `host:port`.
        addr: String,
        /// Bytes written.
        bytes: usize,
    },
    /// Written to a device file.
    Device {
        /// The device.
        path: PathBuf,
        /// Bytes written.
        bytes: usize,
    },
    /// Queued in CUPS.
    Queued {
        /// The request id `lp` printed, e.g. `"kiosk-42"`.
        request_id: Option<String>,
    },
}

impl fmt::Display for PrintOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrintOutcome::File(p) => write!(f, "written to {}", p.display()),
            PrintOutcome::Sent { addr, bytes } => write!(f, "sent {bytes} bytes to {addr}"),
            PrintOutcome::Device { path, bytes } => {
                write!(f, "wrote {bytes} bytes to {}", path.display())
            }
            PrintOutcome::Queued {
                request_id: Some(id),
            } => write!(f, "queued in CUPS as {id}"),
            PrintOutcome::Queued { request_id: None } => f.write_str("queued in CUPS"),
        }
    }
}

/// Send `bytes` (already rendered in `format`) to the printer.
///
/// The TCP transport first asks the printer for its real-time status and refuses to send when
/// it reports paper out, cover open or offline: the job is not sent, so nothing half-prints.
pub fn print(
    transport: &Transport,
    job_name: &str,
    format: Format,
    bytes: &[u8],
) -> Result<PrintOutcome, PrintError> {
    match transport {
        Transport::Folder(dir) => write_to_folder(dir, job_name, format, bytes),
        Transport::Tcp(addr) => print_tcp(addr, bytes),
        Transport::Device(path) => print_device(path, bytes),
        Transport::Cups { queue } => print_cups(None, queue.as_deref(), job_name, format, bytes),
    }
}

/// Ask the printer how it is. Never fails: problems are reported as a status.
pub fn status(transport: &Transport) -> PrinterStatus {
    match transport {
        Transport::Folder(dir) => match fs::metadata(dir) {
            Ok(m) if m.is_dir() => PrinterStatus::Ready,
            Ok(_) => PrinterStatus::Error(format!("{} is not a folder", dir.display())),
            // Printing creates it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => PrinterStatus::Ready,
            Err(e) => PrinterStatus::Error(format!("{}: {e}", dir.display())),
        },
        Transport::Tcp(addr) => match connect(addr) {
            Ok(mut s) => {
                let st = query_status(&mut s);
                let _ = s.shutdown(Shutdown::Both);
                st
            }
            Err(_) => PrinterStatus::Offline,
        },
        Transport::Device(path) => match OpenOptions::new().write(true).open(path) {
            Ok(_) => PrinterStatus::Ready,
            Err(e) if e.kind() == io::ErrorKind::NotFound => PrinterStatus::Offline,
            Err(e) => PrinterStatus::Error(format!("{}: {e}", path.display())),
        },
        Transport::Cups { queue } => cups_status(None, queue.as_deref()),
    }
}

// ---------------------------------------------------------------------------------------------
// Folder

/// A file name from a job name: letters, digits, `-`, `_` and `.` kept, the rest replaced.
fn safe_file_stem(job_name: &str) -> String {
    let s: String = job_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "job".to_string()
    } else {
        s.to_string()
    }
}

fn write_to_folder(
    dir: &Path,
    job_name: &str,
    format: Format,
    bytes: &[u8],
) -> Result<PrintOutcome, PrintError> {
    fs::create_dir_all(dir)
        .map_err(|e| PrintError::io(format!("cannot create {}", dir.display()), e))?;
    let name = format!("{}.{}", safe_file_stem(job_name), format.extension());
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &path)?;
        // Make the rename itself durable.
        File::open(dir)?.sync_all()
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        PrintError::io(format!("cannot write {}", path.display()), e)
    })?;
    Ok(PrintOutcome::File(path))
}

// ---------------------------------------------------------------------------------------------
// TCP (raw port 9100) and the ESC/POS real-time status

fn connect(addr: &str) -> Result<TcpStream, PrintError> {
    let addrs = addr
        .to_socket_addrs()
        .map_err(|e| PrintError::Offline(format!("cannot resolve {addr}: {e}")))?;
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                s.set_write_timeout(Some(WRITE_TIMEOUT))
                    .and_then(|_| s.set_read_timeout(Some(STATUS_TIMEOUT)))
                    .map_err(|e| PrintError::io("cannot set socket timeouts", e))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(PrintError::Offline(match last {
        Some(e) => format!("cannot connect to {addr}: {e}"),
        None => format!("{addr} resolves to no address"),
    }))
}

/// DLE EOT n: transmit real-time status n (1 printer, 2 offline cause, 3 error cause, 4 paper).
fn dle_eot(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// A status byte has bit 1 and bit 4 set, bit 0 and bit 7 clear (Epson ESC/POS, DLE EOT).
fn is_status_byte(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// Send DLE EOT `n`, wait for the one-byte answer. `Ok(None)`: no (valid) answer in time.
fn ask<S: Read + Write>(s: &mut S, n: u8) -> io::Result<Option<u8>> {
    s.write_all(&dle_eot(n))?;
    s.flush()?;
    let mut b = [0u8; 1];
    match s.read(&mut b) {
        Ok(0) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the printer closed the connection",
        )),
        Ok(_) => Ok(is_status_byte(b[0]).then_some(b[0])),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Interpret the real-time status bytes.
///
/// * DLE EOT 1 (printer): bit 3 = offline.
/// * DLE EOT 2 (offline cause): bit 2 = cover open, bit 5 = stopped by paper end,
///   bit 6 = error.
/// * DLE EOT 4 (roll paper sensor): bits 5–6 = paper end (bits 2–3, near end, still print).
pub(crate) fn interpret(
    printer: u8,
    offline_cause: Option<u8>,
    paper: Option<u8>,
) -> PrinterStatus {
    if paper.is_some_and(|p| p & 0x60 != 0) {
        return PrinterStatus::PaperOut;
    }
    if printer & 0x08 == 0 {
        return PrinterStatus::Ready;
    }
    match offline_cause {
        Some(c) if c & 0x04 != 0 => PrinterStatus::CoverOpen,
        Some(c) if c & 0x20 != 0 => PrinterStatus::PaperOut,
        Some(c) if c & 0x40 != 0 => PrinterStatus::Error("printer error (cutter or head)".into()),
        _ => PrinterStatus::Offline,
    }
}

/// Ask a connected printer for its status. A printer that does not answer is assumed ready.
pub(crate) fn query_status<S: Read + Write>(s: &mut S) -> PrinterStatus {
    let run = |s: &mut S| -> io::Result<PrinterStatus> {
        let Some(printer) = ask(s, 1)? else {
            return Ok(PrinterStatus::Ready);
        };
        let paper = ask(s, 4)?;
        let cause = if printer & 0x08 != 0 {
            ask(s, 2)?
        } else {
            None
        };
        Ok(interpret(printer, cause, paper))
    };
    run(s).unwrap_or_else(|e| PrinterStatus::Error(format!("status request failed: {e}")))
}

fn print_tcp(addr: &str, bytes: &[u8]) -> Result<PrintOutcome, PrintError> {
    let mut s = connect(addr)?;
    if let Some(e) = query_status(&mut s).into_error(addr) {
        let _ = s.shutdown(Shutdown::Both);
        return Err(e);
    }
    let send = |s: &mut TcpStream| -> io::Result<()> {
        s.write_all(bytes)?;
        s.flush()?;
        s.shutdown(Shutdown::Write)
    };
    send(&mut s).map_err(|e| match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            PrintError::Offline(format!("{addr} stopped accepting data (write timed out)"))
        }
        _ => PrintError::io(format!("cannot send to {addr}"), e),
    })?;
    Ok(PrintOutcome::Sent {
        addr: addr.to_string(),
        bytes: bytes.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// Device file

fn print_device(path: &Path, bytes: &[u8]) -> Result<PrintOutcome, PrintError> {
    let mut f = match OpenOptions::new().write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(PrintError::DeviceMissing(path.to_path_buf()))
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            return Err(PrintError::io(
                format!(
                    "no permission to write {} (add the kiosk user to the `lp` group)",
                    path.display()
                ),
                e,
            ))
        }
        Err(e) => return Err(PrintError::io(format!("cannot open {}", path.display()), e)),
    };
    f.write_all(bytes)
        .and_then(|_| f.flush())
        .map_err(|e| PrintError::io(format!("cannot write to {}", path.display()), e))?;
    Ok(PrintOutcome::Device {
        path: path.to_path_buf(),
        bytes: bytes.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// CUPS

/// `lp` (or `lpstat`), with the child's `PATH` replaced when `path_env` is given (tests).
fn cups_command(program: &str, path_env: Option<&OsString>) -> Command {
    let mut c = Command::new(program);
    if let Some(p) = path_env {
        c.env("PATH", p);
    }
    c
}

/// The `lp` arguments for a job.
pub(crate) fn lp_args(queue: Option<&str>, job_name: &str, format: Format) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(q) = queue {
        args.extend(["-d".to_string(), q.to_string()]);
    }
    args.extend(["-t".to_string(), job_name.to_string()]);
    if matches!(format, Format::EscPos(_)) {
        // Printer-ready bytes: no CUPS filter may touch them.
        args.extend(["-o".to_string(), "raw".to_string()]);
    }
    args
}

pub(crate) fn print_cups(
    path_env: Option<&OsString>,
    queue: Option<&str>,
    job_name: &str,
    format: Format,
    bytes: &[u8],
) -> Result<PrintOutcome, PrintError> {
    let mut child = cups_command("lp", path_env)
        .args(lp_args(queue, job_name, format))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => PrintError::LpMissing,
            _ => PrintError::io("cannot run lp", e),
        })?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Write on another thread so a chatty `lp` cannot deadlock us on a full stderr pipe.
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        stdin.write_all(&data)?;
        stdin.flush()
    });
    let out = child
        .wait_with_output()
        .map_err(|e| PrintError::io("cannot run lp", e))?;
    let written = writer.join().unwrap_or(Ok(()));
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(PrintError::Cups(if msg.is_empty() {
            format!("lp exited with {}", out.status)
        } else {
            msg
        }));
    }
    written.map_err(|e| PrintError::io("cannot pass the job to lp", e))?;
    // "request id is QUEUE-42 (1 file(s))"
    let stdout = String::from_utf8_lossy(&out.stdout);
    let request_id = stdout
        .split_once("request id is ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(str::to_string);
    Ok(PrintOutcome::Queued { request_id })
}

pub(crate) fn cups_status(path_env: Option<&OsString>, queue: Option<&str>) -> PrinterStatus {
    let mut cmd = cups_command("lpstat", path_env);
    match queue {
        Some(q) => cmd.args(["-p", q]),
        None => cmd.arg("-d"),
    };
    match cmd.output() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            PrinterStatus::Error("CUPS is not installed (no lpstat)".into())
        }
        Err(e) => PrinterStatus::Error(format!("cannot run lpstat: {e}")),
        Ok(o) if !o.status.success() => {
            PrinterStatus::Error(String::from_utf8_lossy(&o.stderr).trim().to_string())
        }
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stdout);
            if text.contains("disabled") {
                PrinterStatus::Offline
            } else if queue.is_none() && text.contains("no system default") {
                PrinterStatus::Error("CUPS has no default printer".into())
            } else {
                PrinterStatus::Ready
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render_ticket, sample_ticket, Paper};
    use std::net::TcpListener;
    use std::os::unix::fs::PermissionsExt;
    use std::thread::JoinHandle;

    /// How the fake printer answers DLE EOT n: `None` = it never answers.
    #[derive(Clone, Copy)]
    struct FakeStatus {
        printer: u8,
        offline_cause: u8,
        paper: u8,
    }

    const OK: FakeStatus = FakeStatus {
        printer: 0x12,
        offline_cause: 0x12,
        paper: 0x12,
    };

    /// What the fake printer saw: the status requests it answered and the job bytes.
    #[derive(Debug)]
    struct Seen {
        queries: Vec<u8>,
        data: Vec<u8>,
    }

    /// A one-connection network printer on 127.0.0.1 speaking the real protocol: while the
    /// stream starts with DLE EOT n it answers the status byte, then it takes the job.
    fn fake_printer(status: Option<FakeStatus>) -> (String, JoinHandle<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut seen = Seen {
                queries: Vec::new(),
                data: Vec::new(),
            };
            let mut buf = Vec::new();
            let mut in_job = false;
            let mut chunk = [0u8; 8192];
            loop {
                let n = match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if in_job {
                    seen.data.extend_from_slice(&chunk[..n]);
                    continue;
                }
                buf.extend_from_slice(&chunk[..n]);
                while !in_job {
                    match (status, buf.as_slice()) {
                        (Some(st), [0x10, 0x04, q, ..]) => {
                            let q = *q;
                            let answer = match q {
                                1 => st.printer,
                                2 => st.offline_cause,
                                4 => st.paper,
                                _ => 0x12,
                            };
                            seen.queries.push(q);
                            s.write_all(&[answer]).unwrap();
                            buf.drain(..3);
                        }
                        (Some(_), [0x10] | [0x10, 0x04]) | (_, []) => break, // need more
                        _ => {
                            in_job = true;
                            seen.data.append(&mut buf);
                        }
                    }
                }
            }
            seen
        });
        (addr, handle)
    }

    fn job() -> Vec<u8> {
        render_ticket(&sample_ticket(), Format::EscPos(Paper::Mm80)).unwrap()
    }

    #[test]
    fn tcp_ready_printer_receives_exactly_the_job() {
        let (addr, printer) = fake_printer(Some(OK));
        let bytes = job();
        let out = print(
            &Transport::Tcp(addr.clone()),
            "t",
            Format::EscPos(Paper::Mm80),
            &bytes,
        )
        .unwrap();
        assert_eq!(
            out,
            PrintOutcome::Sent {
                addr,
                bytes: bytes.len()
            }
        );
        let seen = printer.join().unwrap();
        assert_eq!(seen.queries, vec![1, 4]);
        assert!(seen.data == bytes, "job bytes differ");
    }

    #[test]
    fn tcp_paper_out_refuses_and_sends_nothing() {
        let (addr, printer) = fake_printer(Some(FakeStatus {
            paper: 0x12 | 0x60, // roll paper end sensor
            ..OK
        }));
        let err = print(
            &Transport::Tcp(addr),
            "t",
            Format::EscPos(Paper::Mm80),
            &job(),
        )
        .unwrap_err();
        assert!(matches!(err, PrintError::PaperOut), "{err:?}");
        let seen = printer.join().unwrap();
        assert_eq!(seen.queries, vec![1, 4]);
        assert!(seen.data.is_empty(), "{} bytes printed", seen.data.len());
    }

    #[test]
    fn tcp_offline_with_cover_open_refuses() {
        let (addr, printer) = fake_printer(Some(FakeStatus {
            printer: 0x12 | 0x08,       // offline
            offline_cause: 0x12 | 0x04, // cover open
            paper: 0x12,
        }));
        let err = print(
            &Transport::Tcp(addr),
            "t",
            Format::EscPos(Paper::Mm80),
            &job(),
        )
        .unwrap_err();
        assert!(matches!(err, PrintError::CoverOpen), "{err:?}");
        let seen = printer.join().unwrap();
        assert_eq!(seen.queries, vec![1, 4, 2]);
        assert!(seen.data.is_empty());
    }

    #[test]
    fn tcp_status_reports_paper_out_and_ready() {
        let (addr, printer) = fake_printer(Some(FakeStatus {
            paper: 0x12 | 0x60,
            ..OK
        }));
        assert_eq!(status(&Transport::Tcp(addr)), PrinterStatus::PaperOut);
        printer.join().unwrap();
        let (addr, printer) = fake_printer(Some(OK));
        assert_eq!(status(&Transport::Tcp(addr)), PrinterStatus::Ready);
        assert!(printer.join().unwrap().data.is_empty());
    }

    #[test]
    fn tcp_silent_printer_is_assumed_ready() {
        let (addr, printer) = fake_printer(None);
        let bytes = job();
        print(
            &Transport::Tcp(addr),
            "t",
            Format::EscPos(Paper::Mm80),
            &bytes,
        )
        .unwrap();
        let seen = printer.join().unwrap();
        // One unanswered DLE EOT 1, then the job.
        assert_eq!(&seen.data[..3], &[0x10, 0x04, 0x01]);
        assert!(seen.data[3..] == bytes[..]);
    }

    #[test]
    fn tcp_connection_refused_is_offline() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        }; // closed again: nothing listens there now
        let t = Transport::Tcp(format!("127.0.0.1:{port}"));
        let err = print(&t, "t", Format::EscPos(Paper::Mm80), b"x").unwrap_err();
        assert!(matches!(err, PrintError::Offline(_)), "{err:?}");
        assert_eq!(status(&t), PrinterStatus::Offline);
    }

    #[test]
    fn status_bits_per_epson_spec() {
        assert_eq!(interpret(0x12, None, Some(0x12)), PrinterStatus::Ready);
        // Paper near end (bits 2-3) still prints.
        assert_eq!(interpret(0x12, None, Some(0x1E)), PrinterStatus::Ready);
        assert_eq!(interpret(0x12, None, Some(0x72)), PrinterStatus::PaperOut);
        assert_eq!(interpret(0x1A, Some(0x32), None), PrinterStatus::PaperOut);
        assert_eq!(
            interpret(0x1A, Some(0x16), Some(0x12)),
            PrinterStatus::CoverOpen
        );
        assert!(matches!(
            interpret(0x1A, Some(0x52), None),
            PrinterStatus::Error(_)
        ));
        assert_eq!(interpret(0x1A, None, None), PrinterStatus::Offline);
        assert!(is_status_byte(0x12) && is_status_byte(0x1A) && !is_status_byte(0x41));
    }

    #[test]
    fn folder_writes_the_file_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let spool = dir.path().join("spool");
        let t = Transport::Folder(spool.clone());
        assert_eq!(status(&t), PrinterStatus::Ready);
        let bytes = job();
        let out = print(&t, "ticket-A023", Format::EscPos(Paper::Mm80), &bytes).unwrap();
        let path = spool.join("ticket-A023.escpos");
        assert_eq!(out, PrintOutcome::File(path.clone()));
        assert_eq!(fs::read(&path).unwrap(), bytes);
        // A second job of the same name replaces it; no temp files are left behind.
        print(&t, "ticket-A023", Format::EscPos(Paper::Mm80), b"again").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"again");
        // A hostile job name stays inside the folder.
        let out = print(&t, "../../etc/passwd", Format::Pdf, b"%PDF").unwrap();
        let PrintOutcome::File(p) = out else { panic!() };
        assert_eq!(p.parent().unwrap(), spool);
        let names: Vec<_> = fs::read_dir(&spool)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().all(|n| !n.ends_with(".tmp")));
    }

    #[test]
    fn device_missing_is_a_clear_error_and_a_present_one_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("lp9");
        let err = print(
            &Transport::Device(missing.clone()),
            "t",
            Format::EscPos(Paper::Mm58),
            b"x",
        )
        .unwrap_err();
        assert!(
            matches!(&err, PrintError::DeviceMissing(p) if p == &missing),
            "{err:?}"
        );
        assert!(err.to_string().contains("lp9"));
        assert_eq!(status(&Transport::Device(missing)), PrinterStatus::Offline);

        // Write-only open: it must not create the file, and must write into an existing one.
        let dev = dir.path().join("lp0");
        fs::write(&dev, b"").unwrap();
        let out = print(
            &Transport::Device(dev.clone()),
            "t",
            Format::EscPos(Paper::Mm58),
            b"\x1b@",
        )
        .unwrap();
        assert_eq!(
            out,
            PrintOutcome::Device {
                path: dev.clone(),
                bytes: 2
            }
        );
        assert_eq!(fs::read(&dev).unwrap(), b"\x1b@");
    }

    fn script(dir: &Path, name: &str, body: &str) {
        let p = dir.join(name);
        fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn cups_without_lp_is_a_clear_error() {
        let empty = tempfile::tempdir().unwrap();
        let path = OsString::from(empty.path());
        let err = print_cups(Some(&path), None, "t", Format::Pdf, b"%PDF").unwrap_err();
        assert!(matches!(err, PrintError::LpMissing), "{err:?}");
        assert!(err.to_string().contains("lp"));
        assert!(matches!(
            cups_status(Some(&path), None),
            PrinterStatus::Error(_)
        ));
    }

    #[test]
    fn cups_passes_queue_raw_option_and_the_bytes_on_stdin() {
        let bin = tempfile::tempdir().unwrap();
        let log = bin.path().join("args");
        let data = bin.path().join("stdin");
        script(
            bin.path(),
            "lp",
            &format!(
                "printf '%s\\n' \"$@\" > '{}'\n/bin/cat > '{}'\necho 'request id is Kiosk_80-42 (0 file(s))'",
                log.display(),
                data.display()
            ),
        );
        let path = OsString::from(bin.path());
        let bytes = job();
        let out = print_cups(
            Some(&path),
            Some("Kiosk_80"),
            "ticket-A023",
            Format::EscPos(Paper::Mm80),
            &bytes,
        )
        .unwrap();
        assert_eq!(
            out,
            PrintOutcome::Queued {
                request_id: Some("Kiosk_80-42".into())
            }
        );
        let args = fs::read_to_string(&log).unwrap();
        assert_eq!(
            args.lines().collect::<Vec<_>>(),
            ["-d", "Kiosk_80", "-t", "ticket-A023", "-o", "raw"]
        );
        assert!(fs::read(&data).unwrap() == bytes, "stdin differs");

        // A PDF goes through the CUPS filters: no -o raw; the default queue: no -d.
        print_cups(Some(&path), None, "x", Format::Pdf, b"%PDF-1.7").unwrap();
        let args = fs::read_to_string(&log).unwrap();
        assert_eq!(args.lines().collect::<Vec<_>>(), ["-t", "x"]);
    }

    #[test]
    fn cups_failure_reports_lp_stderr() {
        let bin = tempfile::tempdir().unwrap();
        script(
            bin.path(),
            "lp",
            "/bin/cat > /dev/null\necho 'lp: The printer or class does not exist.' >&2\nexit 1",
        );
        let path = OsString::from(bin.path());
        let err = print_cups(Some(&path), Some("nope"), "t", Format::Pdf, b"%PDF").unwrap_err();
        match err {
            PrintError::Cups(msg) => assert!(msg.contains("does not exist"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}
