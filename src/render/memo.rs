//! Remembers what each page was rendered from, as a hash of its inputs, so
//! that `vigie serve` re-renders after an edit only the pages whose inputs
//! changed (the edited incident's page, its neighbours, the lists that show
//! it) and reuses every other page of the site it already serves.
//!
//! The records live from build to build: a build marks what it renders or
//! reuses with its number, so that an edit costs a lookup per page, with no
//! copying of the records of the whole site.

use rustc_hash::FxHashMap;
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
}

/// A rendered fragment: its HTML, the hash of the HTML, and the last build that used it.
struct FragmentRecord {
    html: Arc<str>,
    hash: u64,
    seen: u64,
}

type Shards<K, V> = [Mutex<FxHashMap<K, V>>; SHARDS];

/// Page keys and rendered fragments of the last good build and of the build under way.
pub struct RenderMemo {
    pages: Shards<String, PageRecord>,
    /// Fragments by kind and input key.
    fragments: Shards<(&'static str, u64), FragmentRecord>,
    /// The number of the build under way.
    build: u64,
    /// Whether a good build was committed.
    committed: bool,
    reused: AtomicUsize,
}

impl Default for RenderMemo {
    fn default() -> Self {
        RenderMemo {
            pages: Default::default(),
            fragments: Default::default(),
            build: 1,
            committed: false,
            reused: AtomicUsize::new(0),
        }
    }
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl RenderMemo {
    /// Whether `file` was rendered from inputs with this `key` in the last
    /// good build (then it need not be rendered again); records the key.
    pub fn reuse(&self, file: &str, key: u64) -> bool {
        let mut pages = locked(&self.pages[shard(file)]);
        let same = match pages.get_mut(file) {
            Some(record) => {
                record.pending = key;
                record.seen = self.build;
                record.committed == Some(key)
            }
            None => {
                pages.insert(file.to_string(), PageRecord { committed: None, pending: key, seen: self.build });
                false
            }
        };
        if same {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        same
    }

    /// A fragment of this kind (a card, a feed entry) rendered earlier from
    /// inputs with this key (a hash of everything it is made of, the
    /// incident's path included), if any, else rendered now; with a hash of
    /// its HTML. It is kept for the next build either way.
    pub fn fragment<E>(
        &self,
        kind: &'static str,
        key: u64,
        render: impl FnOnce() -> Result<Arc<str>, E>,
    ) -> Result<(Arc<str>, u64), E> {
        let name = (kind, key);
        let shard = &self.fragments[key as usize % SHARDS];
        if let Some(record) = locked(shard).get_mut(&name) {
            record.seen = self.build;
            return Ok((record.html.clone(), record.hash));
        }
        // Rendered without holding the lock: other threads go on meanwhile.
        let html = render()?;
        let hash = key_of(&*html);
        locked(shard).insert(name, FragmentRecord { html: html.clone(), hash, seen: self.build });
        Ok((html, hash))
    }

    /// The files of the last good build that the build under way no longer makes.
    pub fn gone(&self) -> Vec<String> {
        let mut gone = Vec::new();
        for shard in &self.pages {
            let pages = locked(shard);
            gone.extend(
                pages.iter().filter(|(_, r)| r.committed.is_some() && r.seen != self.build).map(|(f, _)| f.clone()),
            );
        }
        gone
    }

    /// Whether a good build was committed since the memo was made: the
    /// build under way then renders only what changed since.
    pub fn has_previous(&self) -> bool {
        self.committed
    }

    /// Whether the build under way rendered or reused `file`.
    pub fn has_produced(&self, file: &str) -> bool {
        locked(&self.pages[shard(file)]).get(file).is_some_and(|r| r.seen == self.build)
    }

    /// [`key_of`] what a view shows, through its serialized form.
    pub fn view_key(view: &impl serde::Serialize) -> u64 {
        key_of(serde_json::to_vec(view).unwrap_or_default())
    }

    /// How many pages were reused rather than rendered in the build under way.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Makes the build under way the reference for the next one (after it
    /// succeeded): what it did not make is forgotten.
    pub fn commit(&mut self) {
        let build = self.build;
        for shard in &mut self.pages {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| {
                record.committed = Some(record.pending);
                record.seen == build
            });
        }
        for shard in &mut self.fragments {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| record.seen == build);
        }
        self.committed = true;
        self.next_build();
    }

    /// Forgets the build under way (after it failed); its fragments stay
    /// at hand until a good build no longer uses them.
    pub fn discard(&mut self) {
        for shard in &mut self.pages {
            shard.get_mut().unwrap_or_else(|e| e.into_inner()).retain(|_, record| record.committed.is_some());
        }
        self.next_build();
    }

    fn next_build(&mut self) {
        self.build += 1;
        self.reused = AtomicUsize::new(0);
    }
}

/// A hash of anything hashable: the inputs of a page.
pub fn key_of(value: impl Hash) -> u64 {
    // The bytes `Hash` feeds are gathered in this thread's buffer and hashed
    // at once: cheaper than setting up XXH3's streaming state for every key
    // (a page, a card, a list: tens of thousands of keys per rebuild).
    KEY_BYTES.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut bytes) => {
            bytes.clear();
            let key = hash_bytes(value, &mut bytes);
            if bytes.capacity() > MAX_KEPT_KEY_BYTES {
                *bytes = Vec::new();
            }
            key
        }
        // A key computed while computing another one: a buffer of its own.
        Err(_) => hash_bytes(value, &mut Vec::new()),
    })
}

/// The largest buffer [`key_of`] keeps between calls.
const MAX_KEPT_KEY_BYTES: usize = 1 << 20;

thread_local! {
    /// Where [`key_of`] gathers the bytes of a value.
    static KEY_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// XXH3 of the bytes `value` feeds to a hasher, gathered in `bytes`.
fn hash_bytes(value: impl Hash, bytes: &mut Vec<u8>) -> u64 {
    value.hash(&mut ByteGatherer(bytes));
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A hasher that only gathers the bytes it is fed.
struct ByteGatherer<'b>(&'b mut Vec<u8>);

impl Hasher for ByteGatherer<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_xxh3_of_the_hashed_bytes_even_when_nested() {
        let streamed = |value: &dyn Fn(&mut xxhash_rust::xxh3::Xxh3Default)| {
            let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
            value(&mut hasher);
            hasher.finish()
        };
        let value = ("page", 3usize, vec![1u64, 2, 3], Some("a/b/"));
        assert_eq!(key_of(value.clone()), streamed(&|h| value.hash(h)), "same as XXH3 fed piece by piece");
        assert_ne!(key_of(("ab", "c")), key_of(("a", "bc")), "strings are delimited");
        let big = vec![7u8; 2 * MAX_KEPT_KEY_BYTES];
        assert_eq!(key_of(&big), streamed(&|h| big.hash(h)), "a value larger than the kept buffer");
        struct Nested(u64);
        impl Hash for Nested {
            fn hash<H: Hasher>(&self, state: &mut H) {
                key_of(self.0).hash(state);
            }
        }
        let inner = key_of(5u64);
        assert_eq!(key_of((Nested(5), 1u8)), key_of((inner, 1u8)), "a key computed inside another");
    }

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

    #[test]
    fn a_good_build_forgets_what_it_did_not_use() {
        let mut memo = RenderMemo::default();
        let render = |html: &str| -> Result<Arc<str>, ()> { Ok(Arc::from(html)) };
        memo.reuse("a.html", 1);
        memo.fragment("card", 1, || render("<p>1</p>")).ok();
        memo.commit();
        memo.reuse("b.html", 2);
        memo.fragment("card", 2, || render("<p>2</p>")).ok();
        memo.discard();
        assert!(!memo.has_produced("b.html"), "a failed build made nothing");
        assert!(!memo.reuse("b.html", 2), "nor is it reused: the served site does not have it");
        memo.commit();
        let mut rendered = false;
        let again = memo.fragment("card", 1, || {
            rendered = true;
            render("<p>1</p>")
        });
        assert!(rendered, "the fragment unused by the last good build was forgotten");
        assert_eq!(again.map(|(html, _)| html), Ok(Arc::from("<p>1</p>")));
        assert_eq!(memo.gone(), vec!["b.html".to_string()], "b.html is not made by the build under way");
    }
}
