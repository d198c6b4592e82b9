//! Stage 4 (render): render jobs and the one executor that runs them. Each
//! render step says what its files are made of as a list of [`Job`]s: the
//! output file, the page's address, and the data the file is made of. The
//! executor renders them on every core and streams each file to the sink.
//!
//! A job's data is also where its reuse key comes from ([`key_of`] the same
//! value), so that the key and what the page shows cannot disagree. The
//! build passes no [`ReuseHook`]; `vigie serve` passes its own, which keeps
//! what the last good build made and answers whether a file is unchanged.

use crate::diagnostics::Diagnostic;
use crate::output::{OutputError, Sink};
use rayon::prelude::*;
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One file to make: where it goes, which page it is, what it is made of.
pub(crate) struct Job<'p, D> {
    /// The output file, site-relative (`2016/11/22/panne/index.html`).
    pub file: String,
    /// The page's site-relative address (`2016/11/22/panne/`), borrowed
    /// when the incident or the step already holds it.
    pub page: Cow<'p, str>,
    /// Everything the file is made of, besides the build's constants.
    pub data: D,
}

/// Why a render step failed: a template (or the data handed to it) failed
/// on a page, or a rendered file could not be stored. Boxed: it travels
/// through every render step's `Result`.
#[derive(Debug)]
pub(crate) struct RenderError(pub Box<Diagnostic>);

impl From<Diagnostic> for RenderError {
    fn from(diagnostic: Diagnostic) -> Self {
        RenderError(Box::new(diagnostic))
    }
}

impl From<OutputError> for RenderError {
    fn from(error: OutputError) -> Self {
        RenderError::from(Diagnostic::from(error))
    }
}

impl From<RenderError> for crate::diagnostics::Error {
    fn from(error: RenderError) -> Self {
        (*error.0).into()
    }
}

/// A rendered fragment shared by several files (an incident's card, a feed
/// entry's content), with the hash of its HTML that the files' keys use.
#[derive(Debug, Clone)]
pub(crate) struct Fragment {
    /// The HTML.
    pub html: Arc<str>,
    /// [`key_of`] the HTML when a reuse hook asked for it, else 0.
    pub hash: u64,
}

impl Hash for Fragment {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

/// What `vigie serve` keeps between builds, as the executor sees it.
pub(crate) trait ReuseHook: Sync {
    /// Whether `file`, made from data whose key is `key`, is the same as in
    /// the last good build (then it is not rendered again, nor put in the sink).
    fn unchanged(&self, kind: &'static str, file: &str, key: u64) -> bool;

    /// Says that this build keeps the files of jobs of `kind` (see
    /// [`Executor::run`]) that it does not list as the last good build
    /// made them: the step listed only those whose data may have changed.
    fn carry(&self, kind: &'static str);

    /// The fragment of this kind made from data whose key is `key`: kept
    /// from an earlier build, or made now by `make` (and kept).
    fn fragment(
        &self,
        kind: &'static str,
        key: u64,
        make: &mut dyn FnMut() -> Result<Arc<str>, Diagnostic>,
    ) -> Result<Fragment, Diagnostic>;

    /// Whether the build under way made or kept `file`.
    fn produced(&self, file: &str) -> bool;

    /// What the last good build kept of its model, handed over (once);
    /// none by default.
    fn kept_model(&self) -> Option<super::KeptModel> {
        None
    }

    /// Keeps this build's model for the next build, once this one is
    /// committed; `patched` says whether it was patched from the kept one
    /// (then the fragments it did not ask for are still in use). By
    /// default nothing is kept.
    fn keep_model(&self, _model: super::KeptModel, _patched: bool) {}
}

/// Runs jobs: renders each file on every core and stores it in the sink,
/// unless the reuse hook says it is unchanged.
pub(crate) struct Executor<'a> {
    sink: &'a dyn Sink,
    hook: Option<&'a dyn ReuseHook>,
}

impl<'a> Executor<'a> {
    /// Files go to `sink`; `hook` (in `vigie serve`) may spare unchanged ones.
    pub(crate) fn new(sink: &'a dyn Sink, hook: Option<&'a dyn ReuseHook>) -> Self {
        Executor { sink, hook }
    }

    /// Makes every job's file with `make` (`kind` tells jobs of different
    /// makers apart in the keys); returns how many jobs there were.
    pub(crate) fn run<D: Hash + Sync>(
        &self,
        kind: &'static str,
        jobs: &[Job<'_, D>],
        make: impl Fn(&Job<'_, D>, &mut Vec<u8>) -> Result<(), Diagnostic> + Sync,
    ) -> Result<usize, RenderError> {
        jobs.par_iter().try_for_each(|job| -> Result<(), RenderError> {
            if self.hook.is_some_and(|hook| hook.unchanged(kind, &job.file, key_of((kind, &job.data)))) {
                return Ok(());
            }
            let mut out = Vec::with_capacity(LAST_LENGTH.get() + 1024);
            make(job, &mut out)?;
            LAST_LENGTH.set(out.len());
            self.sink.put(&job.file, out)?;
            Ok(())
        })?;
        Ok(jobs.len())
    }

    /// The fragment of this kind made from `data`: through the hook when
    /// there is one, else made now (with no hash: nothing compares keys).
    pub(crate) fn fragment<D: Hash>(
        &self,
        kind: &'static str,
        data: &D,
        make: impl Fn(&D) -> Result<String, Diagnostic>,
    ) -> Result<Fragment, Diagnostic> {
        self.keyed_fragment(kind, key_of((kind, data)), &mut || make(data).map(Arc::from))
    }

    /// [`Executor::fragment`], for data whose key (`key_of((kind, data))`) is known.
    pub(crate) fn keyed_fragment(
        &self,
        kind: &'static str,
        key: u64,
        make: &mut dyn FnMut() -> Result<Arc<str>, Diagnostic>,
    ) -> Result<Fragment, Diagnostic> {
        match self.hook {
            Some(hook) => hook.fragment(kind, key, make),
            None => Ok(Fragment { html: make()?, hash: 0 }),
        }
    }

    /// Says that this build keeps the files of `kind` it does not list as
    /// the last good build made them (only with a reuse hook, whose last
    /// good build made them: a step lists only what may have changed when
    /// the model was patched, see [`super::Renderer::patched`]).
    pub(crate) fn carry(&self, kind: &'static str) {
        if let Some(hook) = self.hook {
            hook.carry(kind);
        }
    }

    /// Whether this build made or kept `file` (in this build's sink or, in
    /// `vigie serve`, in the site it already serves).
    pub(crate) fn kept(&self, file: &str) -> bool {
        self.hook.is_some_and(|hook| hook.produced(file))
    }
}

thread_local! {
    /// The length of the last file this thread made: room to reserve for the next.
    static LAST_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(8192) };
}

/// A hash of anything hashable: the key of what a file is made of.
pub(crate) fn key_of(value: impl Hash) -> u64 {
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
    use crate::output::MemorySink;
    use std::sync::Mutex;

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

    /// A hook that calls every file with key 1 unchanged, and records the keys it is asked about.
    #[derive(Default)]
    struct KeepOnes(Mutex<Vec<(String, u64)>>);

    impl ReuseHook for KeepOnes {
        fn unchanged(&self, _: &'static str, file: &str, key: u64) -> bool {
            self.0.lock().expect("lock").push((file.to_string(), key));
            key == key_of(("page", &1u8))
        }
        fn fragment(
            &self,
            _: &'static str,
            key: u64,
            make: &mut dyn FnMut() -> Result<Arc<str>, Diagnostic>,
        ) -> Result<Fragment, Diagnostic> {
            Ok(Fragment { html: make()?, hash: key })
        }
        fn produced(&self, _: &str) -> bool {
            true
        }
        fn carry(&self, _: &'static str) {}
    }

    fn jobs() -> Vec<Job<'static, u8>> {
        (1..=3).map(|n| Job { file: format!("{n}.html"), page: format!("{n}/").into(), data: n }).collect()
    }

    #[test]
    fn the_executor_renders_every_job_without_a_hook() {
        let sink = MemorySink::default();
        let count = Executor::new(&sink, None).run("page", &jobs(), |job, out| {
            out.extend_from_slice(format!("{}:{}", job.page, job.data).as_bytes());
            Ok(())
        });
        assert_eq!(count.ok(), Some(3));
        let output = sink.into_output();
        assert_eq!(output.get("2.html"), Some(&b"2/:2"[..]));
        assert_eq!(output.files.len(), 3);
    }

    #[test]
    fn the_hook_is_asked_with_the_key_of_the_data_and_spares_unchanged_files() {
        let (sink, hook) = (MemorySink::default(), KeepOnes::default());
        let executor = Executor::new(&sink, Some(&hook));
        executor
            .run("page", &jobs(), |job, out| {
                out.push(job.data);
                Ok(())
            })
            .ok();
        let output = sink.into_output();
        assert!(output.get("1.html").is_none(), "the unchanged file is not rendered again");
        assert_eq!(output.get("3.html"), Some(&[3u8][..]));
        let mut asked = hook.0.into_inner().expect("lock");
        asked.sort();
        assert_eq!(asked[2], ("3.html".to_string(), key_of(("page", &3u8))), "the key is made from the job's data");
    }

    #[test]
    fn a_failing_job_fails_the_step() {
        let sink = MemorySink::default();
        let result = Executor::new(&sink, None).run("page", &jobs(), |job, _| {
            if job.data == 2 {
                Err(Diagnostic::error(std::path::Path::new("t.html"), (1, 1), "bad"))
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(RenderError(d)) if d.message == "bad"));
    }
}
