//! Live reload: the script added to every served HTML page, the error
//! overlay, and the server-sent event stream that tells pages to reload.
//! Events go through the raw connection on a thread of their own, flushed
//! one by one, since tiny_http buffers ordinary response bodies.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Path of the event stream, relative to the site root.
pub(crate) const EVENTS_PATH: &str = "__vigie/events";

/// A counter of site versions that event streams wait on.
#[derive(Default)]
pub(crate) struct Generation {
    value: Mutex<u64>,
    changed: Condvar,
}

impl Generation {
    /// The current version.
    pub(crate) fn get(&self) -> u64 {
        *self.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Announces a new version to every waiting stream.
    pub(crate) fn bump(&self) {
        let mut value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        *value += 1;
        self.changed.notify_all();
    }

    /// Waits until the version differs from `seen`, or `timeout` passes; returns the current version.
    pub(crate) fn wait_change(&self, seen: u64, timeout: Duration) -> u64 {
        let value = self.value.lock().unwrap_or_else(|e| e.into_inner());
        let (value, _) =
            self.changed.wait_timeout_while(value, timeout, |v| *v == seen).unwrap_or_else(|e| e.into_inner());
        *value
    }
}

/// Adds the reload script (and the error overlay, when the last build
/// failed) to an HTML page served at `request_path`.
pub(crate) fn decorate(html: &[u8], request_path: &str, error: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(error) = error {
        extra.push_str(&overlay(error));
    }
    extra.push_str(&script(request_path));
    let at = html.rfind("</body>").unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + extra.len());
    out.push_str(&html[..at]);
    out.push_str(&extra);
    out.push_str(&html[at..]);
    out.into_bytes()
}

/// The event stream URL relative to the page, so that it works behind a proxy
/// that serves the preview under a sub-path.
fn relative_events_url(request_path: &str) -> String {
    let path = request_path.split(['?', '#']).next().unwrap_or(request_path);
    let depth = path.trim_start_matches('/').matches('/').count();
    format!("{}{EVENTS_PATH}", "../".repeat(depth))
}

fn script(request_path: &str) -> String {
    let url = serde_json::to_string(&relative_events_url(request_path)).unwrap_or_else(|_| "\"\"".into());
    format!(
        "<script>(function(){{var seen=null;var es=new EventSource({url});\
es.onmessage=function(e){{if(seen===null){{seen=e.data;}}else if(e.data!==seen){{es.close();location.reload();}}}};}})();</script>\n"
    )
}

fn overlay(error: &str) -> String {
    format!(
        "<div id=\"vigie-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;\
margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#fff;border-top:4px solid #d93025;font:14px/1.5 ui-monospace,monospace\">\
<strong style=\"font:600 16px/1.4 system-ui,sans-serif\">vigie: the last build failed, this is the last good version of the site.</strong>\
<pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>\n",
        crate::render::engine::escape_html(error)
    )
}

/// Streams server-sent events to one client until it goes away: the current
/// version at once, then each new version, with a comment every 15 s to
/// notice a closed connection.
pub(crate) fn stream_events(mut writer: Box<dyn Write + Send>, generation: Arc<Generation>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    let mut seen = generation.get();
    if writer.write_all(head.as_bytes()).is_err() || send(&mut writer, seen).is_err() {
        return;
    }
    loop {
        let now = generation.wait_change(seen, Duration::from_secs(15));
        let result = if now == seen {
            writer.write_all(b": keep-alive\n\n").and_then(|()| writer.flush())
        } else {
            send(&mut writer, now)
        };
        if result.is_err() {
            return;
        }
        seen = now;
    }
}

fn send(writer: &mut Box<dyn Write + Send>, generation: u64) -> std::io::Result<()> {
    writer.write_all(format!("data: {generation}\n\n").as_bytes())?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_url_is_relative_to_the_page() {
        assert_eq!(relative_events_url("/"), "__vigie/events");
        assert_eq!(relative_events_url("/2016/"), "../__vigie/events");
        assert_eq!(relative_events_url("/2016/11/22/x/?a=b"), "../../../../__vigie/events");
        assert_eq!(relative_events_url("/404.html"), "__vigie/events");
    }

    #[test]
    fn overlay_escapes_the_error_and_goes_before_body_end() {
        let page = decorate(b"<html><body><p>x</p></body></html>", "/", Some("a.md:1:1: error: <b>"));
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.contains("a.md:1:1: error: &lt;b&gt;"), "{page}");
        assert!(page.ends_with("</script>\n</body></html>"), "{page}");
        assert!(!decorate(b"<body></body>", "/", None).windows(11).any(|w| w == b"vigie-error"));
    }
}
