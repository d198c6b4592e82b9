//! `vigie serve`: the authors' live preview, built on the same pipeline as
//! `vigie build`. The site is built into memory and served from there (the
//! output folder is never written); the sources are watched, and each change
//! rebuilds the site, swaps it in when the build succeeds and tells the open
//! pages to reload. When a build fails, the last good site stays served with
//! the error shown over every page: the same text as `vigie build` prints,
//! which the terminal shows too. What stops the server from starting (the
//! port taken, the sources not watchable) is an [`Error`] as well.

pub mod http;
pub(crate) mod livereload;
pub(crate) mod watch;

use crate::content::parse_cache::{load_content_cached, ParseCache};
use crate::diagnostics::{Diagnostic, Error};
use crate::output::{MemorySink, Output};
use crate::render::engine::Templates;
use crate::render::memo::RenderMemo;
use crate::site::{BuildOptions, Site};
use livereload::Generation;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
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
    /// Prints the time taken by each step of each rebuild.
    pub verbose: bool,
}

/// The site being served and the state of the last build.
pub(crate) struct Served {
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
pub fn serve(options: ServeOptions) -> Result<(), Error> {
    let server = Arc::new(bind(options.bind, options.port)?);
    let addr = server.server_addr().to_ip().ok_or_else(|| {
        cannot_listen(SocketAddr::new(options.bind, 0), "not an IP socket", "use --bind with an IP address")
    })?;
    let base_url = format!("http://{addr}/");
    // Ctrl-C works from now on: during the first build (which writes
    // nothing, the site lives in memory) it simply ends the process.
    let stopping = Arc::new(AtomicBool::new(false));
    let serving = Arc::new(AtomicBool::new(false));
    {
        let (server, stopping, serving) = (server.clone(), stopping.clone(), serving.clone());
        let _ = ctrlc::set_handler(move || {
            if !serving.load(Ordering::SeqCst) {
                eprintln!("Stopped.");
                std::process::exit(0);
            }
            stopping.store(true, Ordering::SeqCst);
            server.unblock();
        });
    }
    let served = Arc::new(Served {
        site: RwLock::new(Arc::new(Output::default())),
        error: RwLock::new(None),
        generation: Arc::new(Generation::default()),
    });
    let mut session = Session::new(options.clone(), base_url.clone());
    session.rebuild(&[], &served, Instant::now());

    let (tx, rx) = channel();
    let watcher = watch::watch(&options.root, &options.output, options.poll, tx)
        .map_err(|e| Diagnostic::general(format!("cannot watch the site's files: {e}")).with_hint("try --poll"))?;
    let watcher = Arc::new(Mutex::new(watcher));
    {
        let (served, watcher) = (served.clone(), watcher.clone());
        std::thread::spawn(move || rebuild_on_changes(&rx, &mut session, &served, &watcher));
    }
    serving.store(true, Ordering::SeqCst);
    eprintln!("Serving {} at {base_url} (Ctrl-C to stop)", options.root.display());

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

/// The port is taken or the address unusable: `message` is the system's.
fn cannot_listen(addr: SocketAddr, message: impl std::fmt::Display, hint: impl Into<String>) -> Diagnostic {
    Diagnostic::general(format!("cannot listen on {addr}: {message}")).with_hint(hint)
}

fn bind(ip: IpAddr, port: Option<u16>) -> Result<Server, Diagnostic> {
    let attempt = |port: u16| Server::from_listener(listen(SocketAddr::new(ip, port))?, None);
    match port {
        Some(port) => attempt(port).map_err(|e| {
            let hint = format!(
                "port {port} is taken or not allowed: choose another with --port, or --port 0 for any free port"
            );
            cannot_listen(SocketAddr::new(ip, port), e, hint)
        }),
        None => {
            let mut last = String::new();
            for port in DEFAULT_PORT..DEFAULT_PORT + 100 {
                match attempt(port) {
                    Ok(server) => return Ok(server),
                    Err(e) => last = e.to_string(),
                }
            }
            Err(cannot_listen(
                SocketAddr::new(ip, DEFAULT_PORT),
                last,
                "ports 1111 to 1210 are all taken: choose one with --port",
            ))
        }
    }
}

/// A socket listening on `addr` whose connections send small writes at once.
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    // Accepted connections inherit this: tiny_http writes a response's head
    // and body apart, and with Nagle's algorithm the body of every response
    // after the first on a kept-alive connection would wait for the
    // browser's delayed acknowledgement (40 ms a file).
    rustix::net::sockopt::set_tcp_nodelay(&listener, true)?;
    Ok(listener)
}

/// The state kept between rebuilds: the loaded site, what was parsed and
/// rendered from which inputs, so that an edit under `content/` re-parses
/// one file and re-renders only the pages that show it.
struct Session {
    options: ServeOptions,
    base_url: String,
    site: Option<Site>,
    /// The theme's compiled templates, kept until the theme changes.
    templates: Option<Templates>,
    parsed: ParseCache,
    memo: RenderMemo,
}

impl Session {
    fn new(options: ServeOptions, base_url: String) -> Self {
        Session {
            options,
            base_url,
            site: None,
            templates: None,
            parsed: ParseCache::default(),
            memo: RenderMemo::default(),
        }
    }

    /// Loads everything anew: at start-up, and when the configuration, the
    /// theme, the templates or the static files change.
    fn load_all(&mut self) -> Result<(), Error> {
        let now = crate::site::build_time();
        let mut build = BuildOptions::new(&self.options.root);
        build.base_url = Some(self.base_url.clone());
        build.drafts = self.options.drafts;
        build.now = now;
        self.parsed = ParseCache::default();
        self.memo = RenderMemo::default();
        self.site = None;
        self.templates = None;
        let parsed = &mut self.parsed;
        let mut content = |root: &Path, config: &_, drafts| load_content_cached(root, config, drafts, parsed, None);
        self.site = Some(Site::load_with(build, &mut content)?);
        Ok(())
    }

    /// Rebuilds after changes to `paths` (everything when `paths` is empty or
    /// touches more than `content/`), then swaps the new site in.
    fn rebuild(&mut self, paths: &[PathBuf], served: &Served, started: Instant) {
        let content_only = !paths.is_empty() && paths.iter().all(|p| is_under(p, &self.options.root.join("content")));
        // The watcher gives canonical paths; the content walk gives them under the root as given.
        let canonical_root = self.options.root.canonicalize().unwrap_or_else(|_| self.options.root.clone());
        let changed: Vec<PathBuf> = paths
            .iter()
            .map(|p| p.strip_prefix(&canonical_root).map_or_else(|_| p.clone(), |rel| self.options.root.join(rel)))
            .collect();
        let loaded = match (&mut self.site, content_only) {
            (Some(site), true) => {
                let (parsed, changed) = (&mut self.parsed, Some(&changed[..]));
                let mut content =
                    |root: &Path, config: &_, drafts| load_content_cached(root, config, drafts, parsed, changed);
                site.reload_content(crate::site::build_time(), &mut content)
            }
            _ => self.load_all(),
        };
        let (current, error) = served.snapshot();
        let verbose = self.options.verbose;
        let result = loaded.and_then(|()| {
            // Loaded just above when it succeeded; never None here.
            let site = self.site.as_mut().ok_or_else(|| Diagnostic::general("internal error: no site was loaded"))?;
            let templates = match &mut self.templates {
                Some(templates) => templates,
                templates => templates.insert(site.compile_templates()?),
            };
            let sink = MemorySink::default();
            let rendered = site.render_with(&sink, templates, Some(&self.memo))?;
            if verbose {
                for (step, took) in site.timings.drain(..) {
                    eprintln!("  {step:<16} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
                if let Some(posts) = rendered.patched_posts {
                    eprintln!("  the last build's index and cards patched for the edited posts ({posts})");
                }
            }
            site.timings.clear();
            Ok((sink.into_output(), site.content.warnings.clone(), site.content.incidents.len()))
        });
        match result {
            Ok((patch, warnings, incidents)) => {
                for warning in &warnings {
                    eprintln!("{warning}");
                }
                let rendered = patch.files.len();
                let reused = self.memo.reused();
                let gone = self.memo.gone();
                let changed = if content_only && self.memo.has_previous() {
                    // Only what was rendered anew changes in the served site.
                    drop(current);
                    let mut site = served.site.write().unwrap_or_else(|e| e.into_inner());
                    let output = Arc::make_mut(&mut site); // a copy only while a request holds the old one
                    let mut changed = error.is_some();
                    for (path, bytes) in patch.files {
                        if output.files.get(&path) != Some(&bytes) {
                            output.files.insert(path, bytes);
                            changed = true;
                        }
                    }
                    for path in gone {
                        changed |= output.files.remove(&path).is_some();
                    }
                    changed
                } else {
                    let changed = *current != patch || error.is_some();
                    *served.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(patch);
                    changed
                };
                self.memo.commit();
                *served.error.write().unwrap_or_else(|e| e.into_inner()) = None;
                eprintln!(
                    "Built {incidents} incidents in {} ms ({rendered} files rendered, {reused} pages reused)",
                    started.elapsed().as_millis()
                );
                if changed {
                    served.generation.bump();
                }
            }
            Err(e) => {
                self.memo.discard();
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
}

fn is_under(path: &Path, folder: &Path) -> bool {
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
    path.starts_with(&folder)
}

fn rebuild_on_changes(
    changes: &Receiver<Vec<PathBuf>>,
    session: &mut Session,
    served: &Served,
    watcher: &Mutex<watch::SourceWatcher>,
) {
    while let Ok(mut paths) = changes.recv() {
        let started = Instant::now();
        // What the watcher settled while the last rebuild ran goes into this one.
        while let Ok(more) = changes.try_recv() {
            paths.extend(more);
        }
        for path in &paths {
            if path.is_dir() && path.parent().is_some_and(|p| same_dir(p, &session.options.root)) {
                watcher.lock().unwrap_or_else(|e| e.into_inner()).add_folder(path);
            }
        }
        session.rebuild(&paths, served, started);
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
    if let Some(status) = http::refusal(&url, request.headers()) {
        let _ = request.respond(Response::from_data(format!("{status}\n").into_bytes()).with_status_code(status));
        return;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_connections_do_not_wait_to_send_small_writes() {
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0))).expect("a free port");
        let client = std::net::TcpStream::connect(listener.local_addr().expect("bound")).expect("connect");
        let (accepted, _) = listener.accept().expect("accept");
        assert!(
            rustix::net::sockopt::tcp_nodelay(&accepted).expect("read TCP_NODELAY"),
            "Nagle's algorithm is on: keep-alive responses wait 40 ms each"
        );
        drop(client);
    }
}
