//! `vigie serve`: the authors' live preview, built on the same pipeline as
//! `vigie build`. The site is built into memory and served from there (the
//! output folder is never written); the sources are watched, and each change
//! rebuilds the site, swaps it in when the build succeeds and tells the open
//! pages to reload. When a build fails, the last good site stays served with
//! the error shown over every page.

pub mod http;
pub mod livereload;
pub mod watch;

use crate::output::Output;
use crate::site::{BuildOptions, Site};
use chrono::{DurationRound, TimeDelta, Utc};
use livereload::Generation;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response, Server};

/// How to run the preview server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port asked for by the user; `None` takes 1111 or the next free port; `Some(0)` any free port.
    pub port: Option<u16>,
    /// Includes drafts.
    pub drafts: bool,
    /// Uses a polling watcher instead of native events.
    pub poll: bool,
    /// The build output folder, never written and never watched.
    pub output: PathBuf,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken or the address unusable.
    #[error("cannot listen on {addr}: {message}\n  help: {hint}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The system's message.
        message: String,
        /// What to do.
        hint: String,
    },
    /// The sources cannot be watched.
    #[error("cannot watch the site's files: {0}\n  help: try --poll")]
    Watch(#[from] notify::Error),
}

/// The site being served and the state of the last build.
pub struct Served {
    site: RwLock<Arc<Output>>,
    error: RwLock<Option<String>>,
    generation: Arc<Generation>,
}

impl Served {
    fn snapshot(&self) -> (Arc<Output>, Option<String>) {
        let site = self.site.read().unwrap_or_else(|e| e.into_inner()).clone();
        let error = self.error.read().unwrap_or_else(|e| e.into_inner()).clone();
        (site, error)
    }
}

const DEFAULT_PORT: u16 = 1111;

/// Binds the port first (so that a busy port fails before any work), builds,
/// then serves and rebuilds on changes until Ctrl-C.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let server = Arc::new(bind(options.bind, options.port)?);
    let addr = server.server_addr().to_ip().ok_or_else(|| ServeError::Bind {
        addr: SocketAddr::new(options.bind, 0),
        message: "not an IP socket".into(),
        hint: "use --bind with an IP address".into(),
    })?;
    let base_url = format!("http://{addr}/");
    let served = Arc::new(Served {
        site: RwLock::new(Arc::new(Output::default())),
        error: RwLock::new(None),
        generation: Arc::new(Generation::default()),
    });
    rebuild(&options, &base_url, &served, Instant::now());

    let (tx, rx) = channel();
    let watcher = watch::watch(&options.root, &options.output, options.poll, tx)?;
    let watcher = Arc::new(Mutex::new(watcher));
    {
        let (options, base_url, served, watcher) = (options.clone(), base_url.clone(), served.clone(), watcher.clone());
        std::thread::spawn(move || rebuild_on_changes(&rx, &options, &base_url, &served, &watcher));
    }
    eprintln!("Serving {} at {base_url} (Ctrl-C to stop)", options.root.display());

    let stopping = Arc::new(AtomicBool::new(false));
    {
        let (server, stopping) = (server.clone(), stopping.clone());
        let _ = ctrlc::set_handler(move || {
            stopping.store(true, Ordering::SeqCst);
            server.unblock();
        });
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, served, stopping) = (server.clone(), served.clone(), stopping.clone());
            std::thread::spawn(move || {
                while !stopping.load(Ordering::SeqCst) {
                    match server.recv() {
                        Ok(request) => respond(request, &served),
                        Err(_) => break,
                    }
                }
                server.unblock();
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    drop(watcher);
    eprintln!("Stopped.");
    Ok(())
}

fn bind(ip: IpAddr, port: Option<u16>) -> Result<Server, ServeError> {
    let attempt = |port: u16| Server::http(SocketAddr::new(ip, port));
    match port {
        Some(port) => attempt(port).map_err(|e| ServeError::Bind {
            addr: SocketAddr::new(ip, port),
            message: e.to_string(),
            hint: format!(
                "port {port} is taken or not allowed: choose another with --port, or --port 0 for any free port"
            ),
        }),
        None => {
            let mut last = String::new();
            for port in DEFAULT_PORT..DEFAULT_PORT + 100 {
                match attempt(port) {
                    Ok(server) => return Ok(server),
                    Err(e) => last = e.to_string(),
                }
            }
            Err(ServeError::Bind {
                addr: SocketAddr::new(ip, DEFAULT_PORT),
                message: last,
                hint: "ports 1111 to 1210 are all taken: choose one with --port".into(),
            })
        }
    }
}

/// Builds the site into memory; on success swaps it in, on failure keeps the
/// last good one and records the error. Pages reload only when what they
/// show changed.
fn rebuild(options: &ServeOptions, base_url: &str, served: &Served, started: Instant) {
    let mut build = BuildOptions::new(&options.root);
    build.base_url = Some(base_url.to_string());
    build.drafts = options.drafts;
    // Whole minutes, so that a rebuild that changes nothing gives the same bytes.
    build.now = Utc::now().duration_trunc(TimeDelta::minutes(1)).unwrap_or_else(|_| Utc::now());
    let result = Site::load(build).and_then(|mut site| {
        let output = site.render()?;
        Ok((output, site.content.warnings, site.content.incidents.len()))
    });
    let (site, error) = served.snapshot();
    match result {
        Ok((output, warnings, incidents)) => {
            for warning in &warnings {
                eprintln!("{warning}");
            }
            let changed = *site != output || error.is_some();
            *served.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(output);
            *served.error.write().unwrap_or_else(|e| e.into_inner()) = None;
            eprintln!("Built {incidents} incidents in {} ms", started.elapsed().as_millis());
            if changed {
                served.generation.bump();
            }
        }
        Err(e) => {
            let report = e.report();
            eprintln!("{report}");
            eprintln!("Build failed: still serving the last good version; fix the error and save again.");
            let changed = error.as_deref() != Some(report.as_str());
            *served.error.write().unwrap_or_else(|e| e.into_inner()) = Some(report);
            if changed {
                served.generation.bump();
            }
        }
    }
}

fn rebuild_on_changes(
    changes: &Receiver<Vec<PathBuf>>,
    options: &ServeOptions,
    base_url: &str,
    served: &Served,
    watcher: &Mutex<watch::SourceWatcher>,
) {
    while let Ok(mut paths) = changes.recv() {
        let started = Instant::now();
        // Coalesce what arrives while the burst settles into one rebuild.
        while let Ok(more) = changes.recv_timeout(Duration::from_millis(15)) {
            paths.extend(more);
        }
        for path in &paths {
            if path.is_dir() && path.parent().is_some_and(|p| same_dir(p, &options.root)) {
                watcher.lock().unwrap_or_else(|e| e.into_inner()).add_folder(path);
            }
        }
        rebuild(options, base_url, served, started);
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).unwrap_or_else(|()| unreachable!("constant header is valid"))
    })
}

fn respond(request: Request, served: &Served) {
    let url = request.url().to_string();
    if http::site_path(&url).as_deref() == Some(livereload::EVENTS_PATH) {
        let generation = served.generation.clone();
        let writer = request.into_writer();
        std::thread::spawn(move || livereload::stream_events(writer, generation));
        return;
    }
    let (site, error) = served.snapshot();
    let method = request.method().as_str().to_string();
    let page = |path: &str, status: u16| {
        let bytes = site.get(path).unwrap_or_default();
        let kind = http::content_type(path);
        let body = if kind.starts_with("text/html") {
            livereload::decorate(bytes, &url, error.as_deref())
        } else {
            bytes.to_vec()
        };
        Response::from_data(body).with_status_code(status).with_header(header("Content-Type", kind))
    };
    let response = match http::route(&method, &url, &site) {
        http::Answer::File(path) => page(&path, 200),
        http::Answer::Redirect(location) => {
            Response::from_data(Vec::new()).with_status_code(301).with_header(header("Location", &location))
        }
        http::Answer::NotFound if site.get("404.html").is_some() => page("404.html", 404),
        http::Answer::NotFound => {
            let body = livereload::decorate(
                b"<!DOCTYPE html><title>404</title><body><h1>404</h1></body>",
                &url,
                error.as_deref(),
            );
            Response::from_data(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
        http::Answer::MethodNotAllowed => Response::from_data(b"405 Method Not Allowed\n".to_vec())
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"))
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
    };
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}
