//! Remembers what each page was rendered from, as a hash of its inputs, so
//! that `vigie serve` re-renders after an edit only the pages whose inputs
//! changed (the edited incident's page, its neighbours, the lists that show
//! it) and reuses every other page of the site it already serves.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Page keys and rendered fragments of the last good build, and those of
/// the build under way.
#[derive(Default)]
pub struct RenderMemo {
    previous: HashMap<String, u64>,
    current: Mutex<HashMap<String, u64>>,
    previous_fragments: HashMap<(String, u64), Arc<str>>,
    current_fragments: Mutex<HashMap<(String, u64), Arc<str>>>,
    reused: AtomicUsize,
}

impl RenderMemo {
    /// Whether `file` was rendered from inputs with this `key` in the last
    /// good build (then it need not be rendered again); records the key.
    pub fn reuse(&self, file: &str, key: u64) -> bool {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).insert(file.to_string(), key);
        let same = self.previous.get(file) == Some(&key);
        if same {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        same
    }

    /// A fragment (a card, a feed entry) rendered by the last good build from
    /// inputs with this key, if any; it is kept for the next build either way.
    pub fn fragment<E>(
        &self,
        kind: &str,
        id: &str,
        key: u64,
        render: impl FnOnce() -> Result<Arc<str>, E>,
    ) -> Result<Arc<str>, E> {
        let name = (format!("{kind}:{id}"), key);
        let html = match self.previous_fragments.get(&name) {
            Some(html) => html.clone(),
            None => render()?,
        };
        self.current_fragments.lock().unwrap_or_else(|e| e.into_inner()).insert(name, html.clone());
        Ok(html)
    }

    /// The files of the build under way that were rendered or reused.
    pub fn produced(&self) -> Vec<String> {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect()
    }

    /// How many pages were reused rather than rendered in the build under way.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Makes the build under way the reference for the next one (after it succeeded).
    pub fn commit(&mut self) {
        self.previous = std::mem::take(self.current.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.previous_fragments = std::mem::take(self.current_fragments.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.reused = AtomicUsize::new(0);
    }

    /// Forgets the build under way (after it failed).
    pub fn discard(&mut self) {
        self.current.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        self.current_fragments.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        self.reused = AtomicUsize::new(0);
    }
}

/// A hash of anything hashable: the inputs of a page.
pub fn key_of(value: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
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
        assert_eq!(memo.produced(), vec!["a.html".to_string()]);
    }

    #[test]
    fn fragments_are_rendered_once_per_key() {
        let mut memo = RenderMemo::default();
        let render = |html: &str| -> Result<Arc<str>, ()> { Ok(Arc::from(html)) };
        assert_eq!(memo.fragment("card", "x", 7, || render("<p>1</p>")), Ok(Arc::from("<p>1</p>")));
        memo.commit();
        assert_eq!(
            memo.fragment("card", "x", 7, || -> Result<Arc<str>, ()> { panic!("must be reused") }),
            Ok(Arc::from("<p>1</p>"))
        );
        assert_eq!(memo.fragment("card", "x", 8, || render("<p>2</p>")), Ok(Arc::from("<p>2</p>")));
    }
}
