//! Remembers what each page was rendered from, as a hash of its inputs, so
//! that `vigie serve` re-renders after an edit only the pages whose inputs
//! changed (the edited incident's page, its neighbours, the lists that show
//! it) and reuses every other page of the site it already serves.

use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How many locks the keys of the build under way are spread over.
const SHARDS: usize = 16;

/// The shard of `file`.
fn shard(file: &str) -> usize {
    let mut hasher = rustc_hash::FxHasher::default();
    file.hash(&mut hasher);
    hasher.finish() as usize % SHARDS
}

/// Rendered fragments by kind and input key: their HTML and its hash.
type Fragments = FxHashMap<(&'static str, u64), (Arc<str>, u64)>;

/// Page keys and rendered fragments of the last good build, and those of
/// the build under way.
#[derive(Default)]
pub struct RenderMemo {
    previous: FxHashMap<String, u64>,
    /// Sharded by file name: the pages of a build record their keys from every thread at once.
    current: [Mutex<FxHashMap<String, u64>>; SHARDS],
    /// Fragments by kind and input key.
    previous_fragments: Fragments,
    current_fragments: [Mutex<Fragments>; SHARDS],
    reused: AtomicUsize,
}

impl RenderMemo {
    /// Whether `file` was rendered from inputs with this `key` in the last
    /// good build (then it need not be rendered again); records the key.
    pub fn reuse(&self, file: &str, key: u64) -> bool {
        self.current[shard(file)].lock().unwrap_or_else(|e| e.into_inner()).insert(file.to_string(), key);
        let same = self.previous.get(file) == Some(&key);
        if same {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        same
    }

    /// A fragment of this kind (a card, a feed entry) rendered by the last
    /// good build from inputs with this key (a hash of everything it is made
    /// of, the incident's path included), if any, else rendered now; with a
    /// hash of its HTML. It is kept for the next build either way.
    pub fn fragment<E>(
        &self,
        kind: &'static str,
        key: u64,
        render: impl FnOnce() -> Result<Arc<str>, E>,
    ) -> Result<(Arc<str>, u64), E> {
        let name = (kind, key);
        let fragment = match self.previous_fragments.get(&name) {
            Some(fragment) => fragment.clone(),
            None => {
                let html = render()?;
                let hash = key_of(&*html);
                (html, hash)
            }
        };
        let shard = &self.current_fragments[key as usize % SHARDS];
        shard.lock().unwrap_or_else(|e| e.into_inner()).insert(name, fragment.clone());
        Ok(fragment)
    }

    /// The files of the last good build that the build under way no longer makes.
    pub fn gone(&self) -> Vec<String> {
        self.previous.keys().filter(|file| !self.has_produced(file)).cloned().collect()
    }

    /// Whether a good build was committed since the memo was made: the
    /// build under way then renders only what changed since.
    pub fn has_previous(&self) -> bool {
        !self.previous.is_empty()
    }

    /// Whether the build under way rendered or reused `file`.
    pub fn has_produced(&self, file: &str) -> bool {
        self.current[shard(file)].lock().unwrap_or_else(|e| e.into_inner()).contains_key(file)
    }

    /// [`key_of`] what a view shows, through its serialized form.
    pub fn view_key(view: &impl serde::Serialize) -> u64 {
        key_of(serde_json::to_vec(view).unwrap_or_default())
    }

    /// How many pages were reused rather than rendered in the build under way.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Makes the build under way the reference for the next one (after it succeeded).
    pub fn commit(&mut self) {
        self.previous.clear();
        for shard in &mut self.current {
            self.previous.extend(shard.get_mut().unwrap_or_else(|e| e.into_inner()).drain());
        }
        self.previous_fragments.clear();
        for shard in &mut self.current_fragments {
            self.previous_fragments.extend(shard.get_mut().unwrap_or_else(|e| e.into_inner()).drain());
        }
        self.reused = AtomicUsize::new(0);
    }

    /// Forgets the build under way (after it failed).
    pub fn discard(&mut self) {
        for shard in &mut self.current {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        }
        for shard in &mut self.current_fragments {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        }
        self.reused = AtomicUsize::new(0);
    }
}

/// A hash of anything hashable: the inputs of a page.
pub fn key_of(value: impl Hash) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_only_after_a_committed_build_with_the_same_key() {
        let mut memo = RenderMemo::default();
        assert!(!memo.reuse("a.html", 1), "nothing to reuse at first");
        memo.commit();
        assert!(memo.reuse("a.html", 1));
        assert!(!memo.reuse("b.html", 1), "another file");
        memo.discard();
        assert!(memo.reuse("a.html", 1), "a failed build does not forget the served one");
        assert!(!memo.reuse("a.html", 2), "other inputs");
        memo.commit();
        assert!(memo.reuse("a.html", 2));
        assert!(memo.has_produced("a.html"));
        assert!(memo.has_previous());
        assert!(memo.gone().is_empty());
        memo.commit();
        memo.reuse("b.html", 3);
        assert_eq!(memo.gone(), vec!["a.html".to_string()], "a.html is no longer made");
    }

    #[test]
    fn fragments_are_rendered_once_per_key() {
        let mut memo = RenderMemo::default();
        let render = |html: &str| -> Result<Arc<str>, ()> { Ok(Arc::from(html)) };
        let html = |result: Result<(Arc<str>, u64), ()>| result.map(|(html, _)| html);
        assert_eq!(html(memo.fragment("card", 7, || render("<p>1</p>"))), Ok(Arc::from("<p>1</p>")));
        memo.commit();
        assert_eq!(
            html(memo.fragment("card", 7, || -> Result<Arc<str>, ()> { panic!("must be reused") })),
            Ok(Arc::from("<p>1</p>"))
        );
        assert_eq!(html(memo.fragment("card", 8, || render("<p>2</p>"))), Ok(Arc::from("<p>2</p>")));
        assert_eq!(html(memo.fragment("entry", 7, || render("<p>3</p>"))), Ok(Arc::from("<p>3</p>")), "by kind");
    }
}
