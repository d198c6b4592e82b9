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
/// time; 3: no cards, and lists keyed by their cards' keys).
const FORMAT: u32 = 3;

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
/// ones (everything is parsed and rendered).
pub(crate) fn load(output: &Path, constants: u64) -> (RenderMemo, ParseCache) {
    let read = || -> Option<(RenderMemo, ParseCache)> {
        let recorded = recorded_fingerprint(output)?;
        let bytes = std::fs::read(memo_path(output)).ok()?;
        let (header, memo, parses): (Header, SavedMemo, SavedParses) = postcard::from_bytes(&bytes).ok()?;
        let expected = Header { format: FORMAT, constants, output: recorded };
        (header == expected).then(|| (RenderMemo::from_saved(memo), ParseCache::from_saved(parses)))
    };
    read().unwrap_or_default()
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
    let (memo, parses) = rayon::join(|| memo.saved(), || parses.saved());
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    // The bytes of `postcard::to_io(&(header, memo, parses))`: a tuple and a
    // newtype add nothing to their fields' bytes.
    postcard::to_io(&(header, memo), &mut writer).map_err(std::io::Error::other)?;
    write_sequence(parses.posts(), &mut writer)?;
    let file = writer.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    file.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// How many items of a sequence [`write_sequence`] serializes at a time:
/// the memo is never held whole a second time in memory (it grows with the archive).
const WINDOW: usize = 4096;

/// Writes `items` as postcard writes a sequence (its length, then each
/// item's bytes), the items of each [`WINDOW`] serialized on every core
/// and written in order: the same bytes as `postcard::to_io(items)`.
fn write_sequence<T: Serialize + Sync>(items: &[T], writer: &mut impl std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    let serialized = |item: &T, bytes: &mut Vec<u8>| postcard::to_io(item, bytes).map(|_| ());
    postcard::to_io(&items.len(), &mut *writer).map_err(std::io::Error::other)?;
    for window in items.chunks(WINDOW) {
        let parts: Vec<Vec<u8>> = window
            .par_chunks(WINDOW / 8)
            .map(|chunk| {
                let mut bytes = Vec::new();
                chunk.iter().try_for_each(|item| serialized(item, &mut bytes)).map(|()| bytes)
            })
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::other)?;
        parts.iter().try_for_each(|part| writer.write_all(part))?;
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
    fn a_sequence_written_in_windows_has_the_bytes_postcard_gives_it() {
        // More items than a window, and a last window that is not full.
        for count in [0, 1, WINDOW / 8 + 3, 2 * WINDOW + 17] {
            let items: Vec<(String, u64, Vec<u8>)> =
                (0..count).map(|n| (format!("post-{n}"), n as u64 * 7919, vec![n as u8; n % 5])).collect();
            let mut written = Vec::new();
            write_sequence(&items, &mut written).expect("written to memory");
            assert_eq!(written, postcard::to_stdvec(&items).expect("serialized"), "{count} items");
        }
    }
}
