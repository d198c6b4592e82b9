//! Stage 4 (render), from one `vigie build` to the next: the render memo of
//! the build that made an output, kept beside it (`.NAME.vigie-memo`, out
//! of the folder that is deployed), so that the next build renders only the
//! files whose data changed and keeps the others as they are on disk. The
//! posts that build parsed are kept with it ([`ParseCache`]): the next
//! build parses again only the files whose stamp changed ([`crate::paths::FileStamp`]).
//!
//! A memo is used only by a build with the same constants (the same
//! program, configuration, theme and options: [`Fingerprint::constants`])
//! and only for the output it describes: the one whose marker records the
//! fingerprint the memo was saved with. Anything else (no memo, another
//! version's, a memo left by a build whose site was replaced since) is
//! ignored, and every file rendered. A file it says is unchanged is kept
//! only when the output still has it as the build made it
//! ([`DiskSink::keep`]); otherwise it is rendered too.

use super::jobs::{Fragment, ReuseHook};
use super::memo::{RenderMemo, SavedMemo};
use super::KeptModel;
use crate::content::parse_cache::{ParseCache, SavedParses};
use crate::diagnostics::Diagnostic;
use crate::output::{recorded_fingerprint, site_name, DiskSink};
use crate::site::Fingerprint;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The layout of the file; another one is ignored (2: posts kept with their
/// whole [`crate::paths::FileStamp`], not only their size and modification
/// time; 3: no cards, and lists keyed by their cards' keys; 4: the memo and
/// each window of posts as a part of its own, its length first, read back
/// on every core).
const FORMAT: u32 = 4;

/// What a memo file says about itself.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    format: u32,
    /// [`Fingerprint::constants`] of the build that saved it.
    constants: u64,
    /// [`Fingerprint::output`] of that build: the one in its output's marker.
    output: String,
}

/// Where the memo of `output` is kept: beside it, under a name of vigie's.
pub(crate) fn memo_path(output: &Path) -> PathBuf {
    output.with_file_name(format!(".{}.vigie-memo", site_name(output)))
}

/// What the build that made `output` kept, when it was kept and a build of
/// these `constants` may use it: its render memo and its parses; else empty
/// ones (everything is parsed and rendered). The memo and the windows of
/// posts are read back on every core.
pub(crate) fn load(output: &Path, constants: u64) -> (RenderMemo, ParseCache) {
    let read = || -> Option<(RenderMemo, ParseCache)> {
        let recorded = recorded_fingerprint(output)?;
        let bytes = std::fs::read(memo_path(output)).ok()?;
        let (header, rest): (Header, _) = postcard::take_from_bytes(&bytes).ok()?;
        if header != (Header { format: FORMAT, constants, output: recorded }) {
            return None;
        }
        let (memo, rest) = take_part(rest)?;
        let (windows, rest): (usize, _) = postcard::take_from_bytes(rest).ok()?;
        let mut parts = Vec::with_capacity(windows.min(rest.len()));
        let mut rest = rest;
        for _ in 0..windows {
            let (part, after) = take_part(rest)?;
            parts.push(part);
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
        let (memo, posts) = rayon::join(
            || postcard::from_bytes::<SavedMemo>(memo).ok().map(RenderMemo::from_saved),
            || read_windows(&parts),
        );
        Some((memo?, ParseCache::from_saved(SavedParses::from(posts?))))
    };
    read().unwrap_or_default()
}

/// One part of the file: its length, then that many bytes.
fn take_part(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (length, rest): (u64, _) = postcard::take_from_bytes(bytes).ok()?;
    let length = usize::try_from(length).ok().filter(|&l| l <= rest.len())?;
    Some(rest.split_at(length))
}

/// The posts of every window written by [`write_windows`], in order.
fn read_windows<T: serde::de::DeserializeOwned + Send>(parts: &[&[u8]]) -> Option<Vec<T>> {
    use rayon::prelude::*;
    let windows: Vec<Vec<T>> = parts.par_iter().map(|part| postcard::from_bytes(part).ok()).collect::<Option<_>>()?;
    Some(windows.into_iter().flatten().collect())
}

/// Keeps `memo` (committed after the build of `fingerprint` was swapped in)
/// and `parses` beside `output`, replacing what was kept at once.
pub(crate) fn save(
    output: &Path,
    fingerprint: &Fingerprint,
    memo: &RenderMemo,
    parses: &ParseCache,
) -> std::io::Result<()> {
    let header = Header { format: FORMAT, constants: fingerprint.constants, output: fingerprint.output.clone() };
    let path = memo_path(output);
    let parent = path.parent().unwrap_or(Path::new("/"));
    let prefix = path.file_name().map_or_else(String::new, |n| format!("{}-", n.to_string_lossy()));
    let file = tempfile::Builder::new().prefix(&prefix).tempfile_in(parent)?;
    let (memo, parses) =
        rayon::join(|| postcard::to_stdvec(&memo.saved()).map_err(std::io::Error::other), || parses.saved());
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    postcard::to_io(&header, &mut writer).map_err(std::io::Error::other)?;
    write_part(&memo?, &mut writer)?;
    write_windows(parses.posts(), &mut writer)?;
    let file = writer.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    file.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// How many posts a window holds: a window is serialized, and read back,
/// on one core; the memo is never held whole a second time in memory (it
/// grows with the archive).
const WINDOW: usize = 512;

/// Writes `bytes` as one part of the file: its length, then the bytes.
fn write_part(bytes: &[u8], writer: &mut impl std::io::Write) -> std::io::Result<()> {
    postcard::to_io(&(bytes.len() as u64), &mut *writer).map_err(std::io::Error::other)?;
    writer.write_all(bytes)
}

/// Writes `items` in windows of [`WINDOW`]: their number, then each
/// window's postcard bytes as one part, serialized on every core (eight
/// windows at a time) and written in order.
fn write_windows<T: Serialize + Sync>(items: &[T], writer: &mut impl std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    postcard::to_io(&items.len().div_ceil(WINDOW), &mut *writer).map_err(std::io::Error::other)?;
    for batch in items.chunks(8 * WINDOW) {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(WINDOW)
            .map(postcard::to_stdvec)
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?;
        parts.iter().try_for_each(|part| write_part(part, writer))?;
    }
    Ok(())
}

/// The reuse hook of `vigie build`: the memo read from disk says which files
/// are unchanged, and the sink keeps those from the previous output.
pub(crate) struct KeptOnDisk<'a> {
    /// What the last build rendered, and what this one renders.
    pub memo: &'a RenderMemo,
    /// Where the new site is staged.
    pub sink: &'a DiskSink,
}

impl ReuseHook for KeptOnDisk<'_> {
    fn unchanged(&self, kind: &'static str, file: &str, key: u64) -> bool {
        self.memo.reuse(kind, file, key) && self.sink.keep(file)
    }

    fn carry(&self, kind: &'static str) {
        self.memo.carry(kind);
    }

    fn fragment(
        &self,
        kind: &'static str,
        key: u64,
        make: &mut dyn FnMut() -> Result<Arc<str>, Diagnostic>,
    ) -> Result<Fragment, Diagnostic> {
        // Cards are not kept on disk: a list's key is made of its cards'
        // keys, so a rebuild renders only the cards of the lists it renders,
        // and the memo stays half as big (quicker to read and to write).
        if kind == super::CARD_KIND {
            return Ok(Fragment { html: make()?, hash: 0 });
        }
        self.memo.fragment(kind, key, make)
    }

    fn produced(&self, file: &str) -> bool {
        self.memo.has_produced(file)
    }

    fn kept_model(&self) -> Option<KeptModel> {
        None
    }

    fn keep_model(&self, _model: KeptModel, _patched: bool) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_written_in_windows_are_read_back_in_order() {
        // No post, fewer than a window, more than a batch of windows and a
        // last window that is not full.
        for count in [0, 1, WINDOW - 1, WINDOW, 8 * WINDOW + 17] {
            let items: Vec<(String, u64, Vec<u8>)> =
                (0..count).map(|n| (format!("post-{n}"), n as u64 * 7919, vec![n as u8; n % 5])).collect();
            let mut written = Vec::new();
            write_windows(&items, &mut written).expect("written to memory");
            let (windows, mut rest): (usize, _) = postcard::take_from_bytes(&written).expect("a count");
            assert_eq!(windows, count.div_ceil(WINDOW), "{count} items");
            let mut parts = Vec::new();
            for _ in 0..windows {
                let (part, after) = take_part(rest).expect("a window");
                parts.push(part);
                rest = after;
            }
            assert!(rest.is_empty(), "nothing after the last window");
            assert_eq!(read_windows::<(String, u64, Vec<u8>)>(&parts), Some(items), "{count} items");
        }
    }

    #[test]
    fn a_part_longer_than_the_file_is_not_read() {
        let mut written = Vec::new();
        write_part(b"twelve bytes", &mut written).expect("written to memory");
        assert_eq!(take_part(&written), Some((&b"twelve bytes"[..], &b""[..])));
        assert_eq!(take_part(&written[..written.len() - 1]), None, "cut short");
    }
}
