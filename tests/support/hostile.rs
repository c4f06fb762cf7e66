//! Loopback peers that misbehave, for the timeouts and caps: one that accepts connections and
//! never answers, one that sends its headers a byte at a time, and one whose body never ends.
//! Each serves every connection the same way until it is dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Accept, read what comes, never write a byte.
    Silent,
    /// Read the request, then send a status line and headers one byte every 100 ms, forever.
    SlowHeaders,
    /// Read the request, answer 200 with JSON headers and no length, then stream bytes forever.
    EndlessBody,
}

pub struct HostileServer {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    /// Connections accepted so far.
    accepted: Arc<AtomicU64>,
    /// Body bytes written so far (EndlessBody).
    sent: Arc<AtomicU64>,
    held: Arc<Mutex<Vec<TcpStream>>>,
}

/// Read until the end of a request's headers (or the peer gives up).
fn read_head(stream: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => return,
        }
    }
}

impl HostileServer {
    pub fn start(misbehaviour: Misbehaviour) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicU64::new(0));
        let sent = Arc::new(AtomicU64::new(0));
        let held = Arc::new(Mutex::new(Vec::new()));
        let (stop2, accepted2, sent2, held2) = (stop.clone(), accepted.clone(), sent.clone(), held.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                accepted2.fetch_add(1, Ordering::SeqCst);
                let (stop, sent) = (stop2.clone(), sent2.clone());
                match misbehaviour {
                    Misbehaviour::Silent => {
                        // Kept open (and unread) until the server is dropped.
                        held2.lock().unwrap().push(stream);
                    }
                    Misbehaviour::SlowHeaders => {
                        std::thread::spawn(move || {
                            read_head(&mut stream);
                            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
                            let mut i = 0usize;
                            while !stop.load(Ordering::SeqCst) {
                                let byte = if i < head.len() {
                                    head[i]
                                } else {
                                    b"X-Slow: a\r\n"[(i - head.len()) % 11]
                                };
                                if stream.write_all(&[byte]).is_err() {
                                    return;
                                }
                                i += 1;
                                std::thread::sleep(Duration::from_millis(100));
                            }
                        });
                    }
                    Misbehaviour::EndlessBody => {
                        std::thread::spawn(move || {
                            read_head(&mut stream);
                            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[";
                            if stream.write_all(head).is_err() {
                                return;
                            }
                            let chunk = b"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc\",".repeat(1024);
                            while !stop.load(Ordering::SeqCst) {
                                if stream.write_all(&chunk).is_err() {
                                    return;
                                }
                                sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                            }
                        });
                    }
                }
            }
        });
        HostileServer {
            addr,
            stop,
            accepted,
            sent,
            held,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Body bytes the endless server has written (what the client took in, give or take the
    /// socket buffers).
    pub fn body_bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.held.lock().unwrap().clear();
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}
