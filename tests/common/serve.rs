//! [`Server`]: a running `vigie serve`, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A `vigie serve` started by [`super::FixtureSite::serve`], killed on drop.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `127.0.0.1:PORT`, as the server printed it.
    pub addr: String,
    /// Every line it printed on stderr so far, the site root replaced by `[ROOT]`.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `command` (a `vigie serve`) and waits up to 30 s for the line giving its address.
    pub(super) fn start(mut command: Command, label: &str, root: String) -> Server {
        let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start vigie serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = channel();
        let log_writer = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split(" at http://").nth(1) {
                    let addr = rest.split(|c: char| c == '/' || c.is_whitespace()).next().unwrap_or_default();
                    let _ = tx.send(addr.to_string());
                }
                log_writer.lock().expect("log").push(line.replace(&root, super::ROOT));
            }
        });
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("[{label}] vigie serve did not print its address within 30 s: {:?}", log.lock().expect("log"));
        };
        Server { child, addr, log }
    }

    /// The lines printed on stderr so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait for vigie serve").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
