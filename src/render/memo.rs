//! Stage 4 (render): the memory of what the last good build rendered: each
//! file's key (the hash of the data it was made of, from its render job) and
//! the fragments shared by pages, so that after an edit only the files whose
//! data changed are rendered again (the edited incident's page, its
//! neighbours, the lists that show it) and every other file is kept. It is
//! the [`ReuseHook`] `vigie serve` hands to the render stage, and the one
//! `vigie build` hands it when the memo of the build that made the output
//! was kept beside it ([`super::memo_file`]).
//!
//! The records live from build to build: a build marks what it renders or
//! reuses with its number, so that an edit costs a lookup per page, with no
//! copying of the records of the whole site.

use crate::diagnostics::Diagnostic;
use crate::render::jobs::{key_of, Fragment, ReuseHook};
use crate::render::KeptModel;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How many locks the records are spread over: pages record their keys from every thread at once.
const SHARDS: usize = 16;

/// The shard of `file`.
fn shard(file: &str) -> usize {
    let mut hasher = rustc_hash::FxHasher::default();
    file.hash(&mut hasher);
    hasher.finish() as usize % SHARDS
}

/// What is known of one output file.
struct PageRecord {
    /// The key of the inputs it was rendered from in the last good build, if it was made then.
    committed: Option<u64>,
    /// Its key in the build numbered `seen`.
    pending: u64,
    /// The last build that made it.
    seen: u64,
    /// The kind of job that makes it (empty for a record read from disk
    /// until a build lists its file: only the kinds a build carries are
    /// compared, and a build started from disk carries none).
    kind: &'static str,
}

/// A rendered fragment: its HTML, the hash of the HTML, and the last build that used it.
struct FragmentRecord {
    html: Arc<str>,
    hash: u64,
    seen: u64,
}

type Shards<K, V> = [Mutex<FxHashMap<K, V>>; SHARDS];

/// Page keys and rendered fragments of the last good build and of the build under way.
pub(crate) struct RenderMemo {
    pages: Shards<String, PageRecord>,
    /// Fragments by [`fragment_name`].
    fragments: Shards<u64, FragmentRecord>,
    /// The number of the build under way.
    build: u64,
    /// Whether a good build was committed.
    committed: bool,
    reused: AtomicUsize,
    /// The model of the last good build, until the next build takes it.
    model: Mutex<Option<KeptModel>>,
    /// The model of the build under way, and whether it was patched from the kept one.
    pending_model: Mutex<Option<(KeptModel, bool)>>,
    /// The kinds of files the build under way keeps as they are unless it lists them.
    carried: Mutex<Vec<&'static str>>,
}

impl Default for RenderMemo {
    fn default() -> Self {
        RenderMemo {
            pages: Default::default(),
            fragments: Default::default(),
            build: 1,
            committed: false,
            reused: AtomicUsize::new(0),
            model: Mutex::new(None),
            pending_model: Mutex::new(None),
            carried: Mutex::new(Vec::new()),
        }
    }
}

/// What a fragment is known by: its kind and its key, as one key.
fn fragment_name(kind: &str, key: u64) -> u64 {
    key_of((kind, key))
}

/// What a good build's memo holds, in the form kept on disk between builds:
/// each file's key, and each fragment by name with its HTML and hash.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SavedMemo {
    pages: Vec<(String, u64)>,
    fragments: Vec<(u64, u64, Arc<str>)>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl RenderMemo {
    /// Whether `file` was rendered from inputs with this `key` in the last
    /// good build (then it need not be rendered again); records the key.
    pub(crate) fn reuse(&self, kind: &'static str, file: &str, key: u64) -> bool {
        let mut pages = locked(&self.pages[shard(file)]);
        let same = match pages.get_mut(file) {
            Some(record) => {
                record.pending = key;
                record.seen = self.build;
                record.kind = kind;
                record.committed == Some(key)
            }
            None => {
                pages.insert(file.to_string(), PageRecord { committed: None, pending: key, seen: self.build, kind });
                false
            }
        };
        if same {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        same
    }

    /// The files of the last good build that the build under way no longer makes.
    pub(crate) fn gone(&self) -> Vec<String> {
        let carried = locked(&self.carried).clone();
        let mut gone = Vec::new();
        for shard in &self.pages {
            let pages = locked(shard);
            gone.extend(pages.iter().filter(|(_, r)| !self.made(r, &carried)).map(|(f, _)| f.clone()));
        }
        gone
    }

    /// Whether the build under way made `record`'s file, or keeps it as it
    /// was (a file of a kind in `carried` that the last good build made).
    fn made(&self, record: &PageRecord, carried: &[&str]) -> bool {
        record.seen == self.build || (record.committed.is_some() && carried.contains(&record.kind))
    }

    /// Says that the build under way keeps the files of this kind it does
    /// not list as the last good build made them.
    pub(crate) fn carry(&self, kind: &'static str) {
        locked(&self.carried).push(kind);
    }

    /// Whether a good build was committed since the memo was made: the
    /// build under way then renders only what changed since.
    pub(crate) fn has_previous(&self) -> bool {
        self.committed
    }

    /// Whether the build under way rendered or reused `file`.
    pub(crate) fn has_produced(&self, file: &str) -> bool {
        let carried = locked(&self.carried).clone();
        locked(&self.pages[shard(file)]).get(file).is_some_and(|r| self.made(r, &carried))
    }

    /// How many pages were reused rather than rendered in the build under way.
    pub(crate) fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Makes the build under way the reference for the next one (after it
    /// succeeded): what it did not make is forgotten.
    pub(crate) fn commit(&mut self) {
        let build = self.build;
        let carried = std::mem::take(self.carried.get_mut().unwrap_or_else(|e| e.into_inner()));
        for shard in &mut self.pages {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| {
                if record.seen == build {
                    record.committed = Some(record.pending);
                    true
                } else {
                    // Kept as it was: its key stays the one it was made with.
                    record.committed.is_some() && carried.contains(&record.kind)
                }
            });
        }
        let (model, patched) = self.pending_model.get_mut().unwrap_or_else(|e| e.into_inner()).take().unzip();
        // A patched model's records hold the cards it did not ask for: they stay.
        if patched != Some(true) {
            for shard in &mut self.fragments {
                shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| record.seen == build);
            }
        }
        *self.model.get_mut().unwrap_or_else(|e| e.into_inner()) = model;
        self.committed = true;
        self.next_build();
    }

    /// Forgets the build under way (after it failed); its fragments stay
    /// at hand until a good build no longer uses them.
    pub(crate) fn discard(&mut self) {
        *self.pending_model.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        for shard in &mut self.pages {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| record.committed.is_some());
        }
        self.next_build();
    }

    /// What the last good build left (call after [`RenderMemo::commit`]).
    pub(crate) fn saved(&self) -> SavedMemo {
        let mut saved = SavedMemo::default();
        for shard in &self.pages {
            let pages = locked(shard);
            saved.pages.extend(pages.iter().filter_map(|(file, r)| Some((file.clone(), r.committed?))));
        }
        for shard in &self.fragments {
            let fragments = locked(shard);
            saved.fragments.extend(fragments.iter().map(|(name, r)| (*name, r.hash, r.html.clone())));
        }
        // In file order: two builds of the same site leave the same bytes.
        saved.pages.sort_unstable();
        saved.fragments.sort_unstable_by_key(|(name, _, _)| *name);
        saved
    }

    /// A memo whose last good build is the one `saved` was taken from.
    pub(crate) fn from_saved(saved: SavedMemo) -> RenderMemo {
        let mut memo = RenderMemo { committed: true, ..RenderMemo::default() };
        for (file, key) in saved.pages {
            let record = PageRecord { committed: Some(key), pending: key, seen: 0, kind: "" };
            memo.pages[shard(&file)].get_mut().unwrap_or_else(|e| e.into_inner()).insert(file, record);
        }
        for (name, hash, html) in saved.fragments {
            let record = FragmentRecord { html, hash, seen: 0 };
            memo.fragments[name as usize % SHARDS].get_mut().unwrap_or_else(|e| e.into_inner()).insert(name, record);
        }
        memo
    }

    fn next_build(&mut self) {
        self.build += 1;
        self.carried.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        self.reused = AtomicUsize::new(0);
    }
}

impl ReuseHook for RenderMemo {
    fn unchanged(&self, kind: &'static str, file: &str, key: u64) -> bool {
        self.reuse(kind, file, key)
    }

    fn carry(&self, kind: &'static str) {
        RenderMemo::carry(self, kind);
    }

    /// Fragments are known by kind and key (a hash of everything they are
    /// made of, the incident's address included): one made earlier from
    /// the same data is handed back, else it is made now; it is kept for
    /// the next build either way.
    fn fragment(
        &self,
        kind: &'static str,
        key: u64,
        make: &mut dyn FnMut() -> Result<Arc<str>, Diagnostic>,
    ) -> Result<Fragment, Diagnostic> {
        let name = fragment_name(kind, key);
        let shard = &self.fragments[name as usize % SHARDS];
        if let Some(record) = locked(shard).get_mut(&name) {
            record.seen = self.build;
            return Ok(Fragment { html: record.html.clone(), hash: record.hash });
        }
        // Made without holding the lock: other threads go on meanwhile.
        let html = make()?;
        let hash = key_of(&*html);
        locked(shard).insert(name, FragmentRecord { html: html.clone(), hash, seen: self.build });
        Ok(Fragment { html, hash })
    }

    fn produced(&self, file: &str) -> bool {
        self.has_produced(file)
    }

    fn kept_model(&self) -> Option<KeptModel> {
        locked(&self.model).take()
    }

    fn keep_model(&self, model: KeptModel, patched: bool) {
        *locked(&self.pending_model) = Some((model, patched));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML of the fragment `(kind, key)`, made as `made` if not kept.
    fn html(memo: &RenderMemo, kind: &'static str, key: u64, made: &str) -> String {
        let fragment = memo.fragment(kind, key, &mut || Ok(Arc::from(made)));
        fragment.map(|f| f.html.to_string()).unwrap_or_default()
    }

    #[test]
    fn reuses_only_after_a_committed_build_with_the_same_key() {
        let mut memo = RenderMemo::default();
        assert!(!memo.reuse("page", "a.html", 1), "nothing to reuse at first");
        memo.commit();
        assert!(memo.reuse("page", "a.html", 1));
        assert!(!memo.reuse("page", "b.html", 1), "another file");
        memo.discard();
        assert!(memo.reuse("page", "a.html", 1), "a failed build does not forget the served one");
        assert!(!memo.reuse("page", "a.html", 2), "other inputs");
        memo.commit();
        assert!(memo.reuse("page", "a.html", 2));
        assert!(memo.has_produced("a.html"));
        assert!(memo.has_previous());
        assert!(memo.gone().is_empty());
        memo.commit();
        memo.reuse("page", "b.html", 3);
        assert_eq!(memo.gone(), vec!["a.html".to_string()], "a.html is no longer made");
    }

    #[test]
    fn fragments_are_rendered_once_per_key() {
        let mut memo = RenderMemo::default();
        assert_eq!(html(&memo, "card", 7, "<p>1</p>"), "<p>1</p>");
        memo.commit();
        let kept = memo.fragment("card", 7, &mut || panic!("must be reused")).map(|f| f.html);
        assert_eq!(kept.as_deref().ok(), Some("<p>1</p>"));
        assert_eq!(html(&memo, "card", 8, "<p>2</p>"), "<p>2</p>");
        assert_eq!(html(&memo, "entry", 7, "<p>3</p>"), "<p>3</p>", "by kind");
    }

    #[test]
    fn a_memo_saved_and_read_back_reuses_what_the_saved_one_would() {
        let mut memo = RenderMemo::default();
        memo.reuse("page", "a.html", 1);
        memo.reuse("page", "b.html", 2);
        html(&memo, "card", 7, "<p>7</p>");
        memo.commit();
        let saved = memo.saved();
        assert_eq!(saved.pages.len(), 2);
        let mut again = RenderMemo::from_saved(saved);
        assert!(again.has_previous());
        assert!(again.reuse("page", "a.html", 1), "same key");
        assert!(!again.reuse("page", "b.html", 3), "another key");
        assert!(!again.has_produced("c.html"));
        let kept = again.fragment("card", 7, &mut || panic!("must be reused")).map(|f| f.html);
        assert_eq!(kept.as_deref().ok(), Some("<p>7</p>"));
        assert_eq!(html(&again, "entry", 7, "<p>e</p>"), "<p>e</p>", "by kind");
        again.commit();
        assert!(again.reuse("page", "b.html", 3), "the new key is committed");
        let file_order = |m: &RenderMemo| m.saved().pages.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        assert_eq!(file_order(&again), ["a.html", "b.html"], "in file order, what the last build made");
    }

    #[test]
    fn a_good_build_forgets_what_it_did_not_use() {
        let mut memo = RenderMemo::default();
        memo.reuse("page", "a.html", 1);
        html(&memo, "card", 1, "<p>1</p>");
        memo.commit();
        memo.reuse("page", "b.html", 2);
        html(&memo, "card", 2, "<p>2</p>");
        memo.discard();
        assert!(!memo.has_produced("b.html"), "a failed build made nothing");
        assert!(!memo.reuse("page", "b.html", 2), "nor is it reused: the served site does not have it");
        memo.commit();
        let mut rendered = false;
        let again = memo.fragment("card", 1, &mut || {
            rendered = true;
            Ok(Arc::from("<p>1</p>"))
        });
        assert!(rendered, "the fragment unused by the last good build was forgotten");
        assert_eq!(again.map(|f| f.html.to_string()).ok().as_deref(), Some("<p>1</p>"));
        assert_eq!(memo.gone(), vec!["b.html".to_string()], "b.html is not made by the build under way");
    }
}
