//! Request coalescing and a short-lived answer cache.
//!
//! Many widgets poll the same import through the proxy. A [`Coalescer`] makes identical
//! concurrent requests share one upstream fetch, and keeps a successful answer for as
//! long as the caller's `lifetime` says, so the upstream sees at most one request per key
//! and lifetime however many viewers there are.
//!
//! The fetch runs in its own task (`tokio::spawn` on the runtime of the caller that
//! started it), so it completes and is shared even when that caller goes away. One
//! coalescer can serve several runtimes on several threads: its table sits behind a
//! `std::sync::Mutex` that is only held for map look-ups, never across an `.await`.
//!
//! Failures (see [`Failure`]):
//! - a fetch that **panics** (or whose `lifetime` panics) delivers
//!   [`Failure::Panicked`] to every caller waiting for it; nothing is kept and the key is
//!   free again, so the next call starts a new fetch. The waiters do not retry: a bug that
//!   panics once would most likely panic again, once per waiter.
//! - a fetch task that is **dropped unfinished** (its runtime shut down) wakes its
//!   waiters, and each of them retries: one becomes the new leader with its own `fetch`
//!   and the others join it. A caller whose own `fetch` was the one lost gets
//!   [`Failure::Cancelled`] (in practice it was on the dying runtime and is gone too).
//!
//! Memory is bounded: expired answers are removed when their key is looked up, and by a
//! sweep of the whole table when a fetch starts, at most once per [`SWEEP_INTERVAL`] (or
//! whenever [`Coalescer::sweep`] is called); the table holds at most
//! `capacity` keys ([`DEFAULT_CAPACITY`] unless set). When it is full, expired answers go
//! first, then the answer closest to expiry; if every key is a fetch still in flight, the
//! new fetch runs unshared and unkept rather than growing the table.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::time::Instant;

/// How many keys a coalescer made with [`Coalescer::new`] holds at most.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// How often, at most, the whole table is swept for expired answers.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// The longest an answer is kept, whatever `lifetime` says (so that no deadline
/// overflows the clock).
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How an answer was obtained (for metrics and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// This caller started the fetch.
    Fetched,
    /// This caller joined a fetch another caller had started.
    Joined,
    /// A kept answer, still within its lifetime.
    Cached,
}

/// An answer and how it was obtained.
#[derive(Debug, Clone)]
pub struct Shared<V> {
    /// The answer.
    pub value: V,
    /// Where it came from.
    pub source: Source,
    /// Time since the answer arrived from its fetch (so that, e.g., a kept 429's
    /// `Retry-After` can be reduced by it). Near zero unless `source` is
    /// [`Source::Cached`].
    pub age: Duration,
}

/// Why [`Coalescer::get`] has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The fetch (or the `lifetime` function) panicked. Every caller waiting for that
    /// fetch gets this; the next call starts a new fetch.
    Panicked,
    /// The fetch task was dropped before it finished (its runtime shut down) and this
    /// caller's own `fetch` had already been used.
    Cancelled,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Failure::Panicked => "the shared fetch panicked",
            Failure::Cancelled => "the shared fetch was cancelled",
        })
    }
}

impl std::error::Error for Failure {}

/// Shares one in-flight fetch per key among concurrent callers and keeps answers for as
/// long as `lifetime` says. `Send + Sync`: hold it in an `Arc` and share it between
/// runtimes and threads. Values are cloned for every caller, so make `V` cheap to clone
/// (`Bytes`, `Arc`).
pub struct Coalescer<K, V> {
    inner: Arc<Inner<K, V>>,
}

struct Inner<K, V> {
    capacity: usize,
    table: Mutex<Table<K, V>>,
}

struct Table<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// Distinguishes successive fetches of one key, so a finishing fetch only ever
    /// touches its own entry.
    next_id: u64,
    next_sweep: Instant,
}

enum Entry<V> {
    InFlight {
        id: u64,
        outcome: watch::Receiver<Outcome<V>>,
    },
    Ready {
        value: V,
        arrived: Instant,
        expires: Instant,
    },
}

#[derive(Clone)]
enum Outcome<V> {
    Pending,
    Done { value: V, arrived: Instant },
    Failed(Failure),
}

/// What a look-up found.
enum Lookup<V> {
    Fresh { value: V, arrived: Instant },
    InFlight(watch::Receiver<Outcome<V>>),
    Missing,
}

impl<V> Entry<V> {
    /// Whether the entry is of no more use: an expired answer, or a fetch whose outcome
    /// has already been published (it replaces its entry before publishing, so this
    /// only happens if a task vanished without its guard running).
    fn is_stale(&self, now: Instant) -> bool {
        match self {
            Entry::Ready { expires, .. } => *expires <= now,
            Entry::InFlight { outcome, .. } => {
                outcome.has_changed().is_err() || !matches!(*outcome.borrow(), Outcome::Pending)
            }
        }
    }
}

impl<K, V> Coalescer<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// An empty coalescer holding at most [`DEFAULT_CAPACITY`] keys.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// An empty coalescer holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                capacity: capacity.max(1),
                table: Mutex::new(Table {
                    entries: HashMap::new(),
                    next_id: 0,
                    next_sweep: Instant::now() + SWEEP_INTERVAL,
                }),
            }),
        }
    }

    /// The most keys this coalescer holds.
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// How many keys are held now (fetches in flight and kept answers, some perhaps
    /// expired but not yet swept).
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every expired answer now (a timer may call it; fetches starting do it
    /// anyway, at most once per [`SWEEP_INTERVAL`]) and returns how many keys remain.
    pub fn sweep(&self) -> usize {
        let now = Instant::now();
        let mut table = self.inner.lock();
        table.entries.retain(|_, entry| !entry.is_stale(now));
        table.next_sweep = now + SWEEP_INTERVAL;
        table.entries.len()
    }

    /// Returns the kept answer for `key` if still fresh; else joins the fetch in flight
    /// for `key`; else calls `fetch` and runs its future in a task of its own
    /// (`tokio::spawn` on the caller's runtime, so it completes and is shared even if
    /// the caller goes away) and awaits it.
    ///
    /// When the fetch completes, `lifetime(&value)` says how long the answer may be
    /// reused, counted from its arrival (capped at [`MAX_LIFETIME`]); `None` or zero: not
    /// kept, but still shared with every caller already waiting. Of the callers sharing
    /// one fetch, only the leader's `fetch` and `lifetime` are used.
    ///
    /// Must be called within a tokio runtime. The returned future is `Send` when `K`,
    /// `F` and `L` are (it keeps `fetch` until it knows whether it leads, and to retry
    /// a cancelled fetch). See the module docs for [`Failure`]s.
    pub async fn get<F, Fut, L>(&self, key: K, fetch: F, lifetime: L) -> Result<Shared<V>, Failure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V> + Send + 'static,
        L: FnOnce(&V) -> Option<Duration> + Send + 'static,
    {
        let mut unused = Some((fetch, lifetime));
        // Each turn returns, or waits for a fetch that was then cancelled: that takes a
        // runtime shutting down, so the loop ends.
        loop {
            let now = Instant::now();
            // One critical section decides and registers: two callers that both found
            // nothing must not both start a fetch.
            let step = {
                let mut table = self.inner.lock();
                match table.lookup(&key, now) {
                    Lookup::Fresh { value, arrived } => {
                        return Ok(Shared {
                            value,
                            source: Source::Cached,
                            age: now.saturating_duration_since(arrived),
                        });
                    }
                    Lookup::InFlight(outcome) => Step::Join(outcome),
                    Lookup::Missing => {
                        let Some(mine) = unused.take() else {
                            return Err(Failure::Cancelled);
                        };
                        let (sender, outcome) = watch::channel(Outcome::Pending);
                        let slot =
                            table.register(key.clone(), outcome.clone(), now, self.inner.capacity);
                        Step::Lead {
                            sender,
                            outcome,
                            slot,
                            mine,
                        }
                    }
                }
            };
            let (outcome, source) = match step {
                Step::Join(outcome) => (outcome, Source::Joined),
                Step::Lead {
                    sender,
                    outcome,
                    slot,
                    mine: (fetch, lifetime),
                } => {
                    self.launch(sender, slot, fetch, lifetime);
                    (outcome, Source::Fetched)
                }
            };
            match wait(outcome).await {
                Outcome::Done { value, arrived } => {
                    return Ok(Shared {
                        value,
                        source,
                        age: Instant::now().saturating_duration_since(arrived),
                    });
                }
                Outcome::Failed(Failure::Panicked) => return Err(Failure::Panicked),
                Outcome::Failed(Failure::Cancelled) | Outcome::Pending => {}
            }
        }
    }

    /// Runs a registered flight: calls `fetch` and spawns its future.
    fn launch<F, Fut, L>(
        &self,
        sender: watch::Sender<Outcome<V>>,
        slot: Option<(K, u64)>,
        fetch: F,
        lifetime: L,
    ) where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V> + Send + 'static,
        L: FnOnce(&V) -> Option<Duration> + Send + 'static,
    {
        // The guard exists before any of the caller's code runs: whatever happens from
        // here on, the waiters are woken and the key is freed.
        let flight = Flight {
            inner: Arc::clone(&self.inner),
            slot,
            sender,
            finished: false,
        };
        let future = fetch();
        tokio::spawn(async move {
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(value) => {
                    let keep = lifetime(&value);
                    flight.finish(value, keep);
                }
                Err(_) => flight.fail(Failure::Panicked),
            }
        });
    }
}

/// What a caller does after the look-up.
enum Step<K, V, M> {
    Join(watch::Receiver<Outcome<V>>),
    Lead {
        sender: watch::Sender<Outcome<V>>,
        outcome: watch::Receiver<Outcome<V>>,
        slot: Option<(K, u64)>,
        mine: M,
    },
}

impl<K, V> Default for Coalescer<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> fmt::Debug for Coalescer<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coalescer")
            .field("keys", &self.inner.lock().entries.len())
            .field("capacity", &self.inner.capacity)
            .finish()
    }
}

/// Waits until the fetch behind `outcome` has published its outcome.
async fn wait<V: Clone>(mut outcome: watch::Receiver<Outcome<V>>) -> Outcome<V> {
    // The borrow is cloned and released at once: it must not live across an await.
    let result = outcome
        .wait_for(|o| !matches!(o, Outcome::Pending))
        .await
        .map(|o| o.clone());
    // A sender dropped without a word (cannot happen while the guard does its job):
    // treated like a cancelled fetch.
    result.unwrap_or(Outcome::Failed(Failure::Cancelled))
}

impl<K, V> Inner<K, V> {
    fn lock(&self) -> MutexGuard<'_, Table<K, V>> {
        // Every critical section leaves the table consistent entry by entry, so a panic
        // in one (in a key's `Hash` or a value's `Clone`) does not make it unusable.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Eq + Hash, V: Clone> Table<K, V> {
    fn lookup(&mut self, key: &K, now: Instant) -> Lookup<V> {
        let Some(entry) = self.entries.get(key) else {
            return Lookup::Missing;
        };
        if entry.is_stale(now) {
            self.entries.remove(key);
            return Lookup::Missing;
        }
        match entry {
            Entry::Ready { value, arrived, .. } => Lookup::Fresh {
                value: value.clone(),
                arrived: *arrived,
            },
            Entry::InFlight { outcome, .. } => Lookup::InFlight(outcome.clone()),
        }
    }

    /// Adds a flight for `key`, making room if needed; `None` when there is no room (the
    /// table is full of flights).
    fn register(
        &mut self,
        key: K,
        outcome: watch::Receiver<Outcome<V>>,
        now: Instant,
        capacity: usize,
    ) -> Option<(K, u64)>
    where
        K: Clone,
    {
        if now >= self.next_sweep {
            self.entries.retain(|_, entry| !entry.is_stale(now));
            self.next_sweep = now + SWEEP_INTERVAL;
        }
        if self.entries.len() >= capacity && !self.entries.contains_key(&key) {
            self.entries.retain(|_, entry| !entry.is_stale(now));
            if self.entries.len() >= capacity {
                let soonest = self
                    .entries
                    .iter()
                    .filter_map(|(key, entry)| match entry {
                        Entry::Ready { expires, .. } => Some((*expires, key)),
                        Entry::InFlight { .. } => None,
                    })
                    .min_by_key(|(expires, _)| *expires)
                    .map(|(_, key)| key.clone())?;
                self.entries.remove(&soonest);
            }
        }
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.entries
            .insert(key.clone(), Entry::InFlight { id, outcome });
        Some((key, id))
    }

    /// Whether `key`'s entry is still the flight `id`.
    fn owns(&self, key: &K, id: u64) -> bool {
        matches!(self.entries.get(key), Some(Entry::InFlight { id: mine, .. }) if *mine == id)
    }
}

/// The fetch task's side of a flight: publishes the outcome, keeps or frees the key, and
/// on drop without an outcome (a panic, or the task dropped with its runtime) wakes the
/// waiters with a [`Failure`].
struct Flight<K: Eq + Hash, V: Clone> {
    inner: Arc<Inner<K, V>>,
    /// The key and flight id, if the flight is in the table.
    slot: Option<(K, u64)>,
    sender: watch::Sender<Outcome<V>>,
    finished: bool,
}

impl<K: Eq + Hash, V: Clone> Flight<K, V> {
    fn finish(mut self, value: V, lifetime: Option<Duration>) {
        let arrived = Instant::now();
        if let Some((key, id)) = self.slot.take() {
            let mut table = self.inner.lock();
            if table.owns(&key, id) {
                match lifetime.filter(|d| !d.is_zero()) {
                    Some(lifetime) => {
                        let expires = arrived + lifetime.min(MAX_LIFETIME);
                        let value = value.clone();
                        table.entries.insert(
                            key,
                            Entry::Ready {
                                value,
                                arrived,
                                expires,
                            },
                        );
                    }
                    None => {
                        table.entries.remove(&key);
                    }
                }
            }
        }
        // The table is updated first: a caller that no longer finds the flight either
        // gets the kept answer or starts afresh, never a flight that has ended.
        self.sender.send_replace(Outcome::Done { value, arrived });
        self.finished = true;
    }

    fn fail(mut self, failure: Failure) {
        self.abandon(failure);
    }

    fn abandon(&mut self, failure: Failure) {
        if let Some((key, id)) = self.slot.take() {
            let mut table = self.inner.lock();
            if table.owns(&key, id) {
                table.entries.remove(&key);
            }
        }
        self.sender.send_replace(Outcome::Failed(failure));
        self.finished = true;
    }
}

impl<K: Eq + Hash, V: Clone> Drop for Flight<K, V> {
    fn drop(&mut self) {
        if !self.finished {
            let failure = if std::thread::panicking() {
                Failure::Panicked
            } else {
                Failure::Cancelled
            };
            self.abandon(failure);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Calls = Arc<AtomicUsize>;

    fn calls() -> Calls {
        Arc::new(AtomicUsize::new(0))
    }

    /// A fetch that counts its calls, takes `delay`, and answers `value`.
    fn counted(
        calls: &Calls,
        delay: Duration,
        value: u32,
    ) -> impl FnOnce() -> futures_util::future::BoxFuture<'static, u32> + use<> {
        let calls = Arc::clone(calls);
        move || {
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                value
            })
        }
    }

    fn keep_for(secs: u64) -> impl FnOnce(&u32) -> Option<Duration> + Send + 'static {
        move |_| Some(Duration::from_secs(secs))
    }

    const FETCH: Duration = Duration::from_millis(100);

    #[tokio::test(start_paused = true)]
    async fn hundred_concurrent_gets_share_one_fetch() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let calls = calls();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let coalescer = Arc::clone(&coalescer);
            let fetch = counted(&calls, FETCH, 7);
            tasks.spawn(async move { coalescer.get("import", fetch, keep_for(1)).await });
        }
        let mut sources = HashMap::new();
        while let Some(result) = tasks.join_next().await {
            let shared = result.expect("task").expect("answer");
            assert_eq!(shared.value, 7);
            *sources.entry(shared.source).or_insert(0) += 1;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(sources.get(&Source::Fetched), Some(&1));
        assert_eq!(sources.get(&Source::Joined), Some(&99));
    }

    #[tokio::test(start_paused = true)]
    async fn answer_is_kept_for_its_lifetime_then_fetched_again() {
        let coalescer = Coalescer::<&str, u32>::new();
        let calls = calls();
        let first = coalescer
            .get("k", counted(&calls, FETCH, 1), keep_for(1))
            .await
            .expect("first");
        assert_eq!(first.source, Source::Fetched);

        tokio::time::advance(Duration::from_millis(400)).await;
        let kept = coalescer
            .get("k", counted(&calls, FETCH, 2), keep_for(1))
            .await
            .expect("kept");
        assert_eq!((kept.value, kept.source), (1, Source::Cached));
        assert_eq!(kept.age, Duration::from_millis(400));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        tokio::time::advance(Duration::from_millis(600)).await;
        let fresh = coalescer
            .get("k", counted(&calls, FETCH, 3), keep_for(1))
            .await
            .expect("fresh");
        assert_eq!((fresh.value, fresh.source), (3, Source::Fetched));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_or_no_lifetime_shares_but_does_not_keep() {
        for lifetime in [Some(Duration::ZERO), None] {
            let coalescer = Arc::new(Coalescer::<&str, u32>::new());
            let calls = calls();
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..10 {
                let coalescer = Arc::clone(&coalescer);
                let fetch = counted(&calls, FETCH, 5);
                tasks.spawn(async move { coalescer.get("k", fetch, move |_| lifetime).await });
            }
            while let Some(result) = tasks.join_next().await {
                assert_eq!(result.expect("task").expect("answer").value, 5);
            }
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{lifetime:?}");
            assert!(coalescer.is_empty(), "{lifetime:?}");

            let again = coalescer
                .get("k", counted(&calls, FETCH, 6), move |_| lifetime)
                .await
                .expect("again");
            assert_eq!((again.value, again.source), (6, Source::Fetched));
            assert_eq!(calls.load(Ordering::SeqCst), 2, "{lifetime:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn lifetime_can_depend_on_the_value() {
        // E.g. keep successes, not errors.
        let coalescer = Coalescer::<&str, u32>::new();
        let calls = calls();
        let keep_even = |v: &u32| v.is_multiple_of(2).then_some(Duration::from_secs(1));
        coalescer
            .get("odd", counted(&calls, FETCH, 1), keep_even)
            .await
            .expect("odd");
        coalescer
            .get("even", counted(&calls, FETCH, 2), keep_even)
            .await
            .expect("even");
        let odd = coalescer
            .get("odd", counted(&calls, FETCH, 1), keep_even)
            .await
            .expect("odd again");
        let even = coalescer
            .get("even", counted(&calls, FETCH, 2), keep_even)
            .await
            .expect("even again");
        assert_eq!(odd.source, Source::Fetched);
        assert_eq!(even.source, Source::Cached);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn different_keys_do_not_share() {
        let coalescer = Arc::new(Coalescer::<u32, u32>::new());
        let calls = calls();
        let mut tasks = tokio::task::JoinSet::new();
        for key in 0..5 {
            let coalescer = Arc::clone(&coalescer);
            let fetch = counted(&calls, FETCH, key * 10);
            tasks.spawn(async move { (key, coalescer.get(key, fetch, keep_for(1)).await) });
        }
        while let Some(result) = tasks.join_next().await {
            let (key, shared) = result.expect("task");
            let shared = shared.expect("answer");
            assert_eq!((shared.value, shared.source), (key * 10, Source::Fetched));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn starter_going_away_still_delivers_to_the_others_and_keeps_the_answer() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let calls = calls();
        let starter = {
            let coalescer = Arc::clone(&coalescer);
            let fetch = counted(&calls, FETCH, 9);
            tokio::spawn(async move { coalescer.get("k", fetch, keep_for(1)).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        let joiner = {
            let coalescer = Arc::clone(&coalescer);
            let fetch = counted(&calls, FETCH, 0);
            tokio::spawn(async move { coalescer.get("k", fetch, keep_for(1)).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        starter.abort();
        assert!(starter.await.expect_err("aborted").is_cancelled());

        let joined = joiner.await.expect("joiner").expect("answer");
        assert_eq!((joined.value, joined.source), (9, Source::Joined));
        let kept = coalescer
            .get("k", counted(&calls, FETCH, 0), keep_for(1))
            .await
            .expect("kept");
        assert_eq!((kept.value, kept.source), (9, Source::Cached));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn panicking_fetch_fails_its_waiters_and_frees_the_key() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let calls = calls();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let coalescer = Arc::clone(&coalescer);
            let calls = Arc::clone(&calls);
            let fetch = move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(FETCH).await;
                panic!("fetch bug");
            };
            tasks.spawn(async move { coalescer.get("k", fetch, keep_for(1)).await });
        }
        while let Some(result) = tasks.join_next().await {
            assert_eq!(
                result.expect("task").map(|s| s.value),
                Err(Failure::Panicked)
            );
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "waiters do not retry a panic"
        );
        assert!(coalescer.is_empty());

        let next = coalescer
            .get("k", counted(&calls, FETCH, 4), keep_for(1))
            .await
            .expect("next");
        assert_eq!((next.value, next.source), (4, Source::Fetched));
    }

    #[tokio::test(start_paused = true)]
    async fn panicking_lifetime_fails_its_waiters_and_frees_the_key() {
        let coalescer = Coalescer::<&str, u32>::new();
        let calls = calls();
        let result = coalescer
            .get(
                "k",
                counted(&calls, FETCH, 1),
                |_: &u32| -> Option<Duration> { panic!("lifetime bug") },
            )
            .await;
        assert_eq!(result.map(|s| s.value), Err(Failure::Panicked));
        assert!(coalescer.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn table_stays_within_capacity_and_is_swept() {
        let coalescer = Coalescer::<u32, u32>::with_capacity(100);
        let calls = calls();
        for key in 0..1_000 {
            coalescer
                .get(key, counted(&calls, Duration::ZERO, key), keep_for(10))
                .await
                .expect("answer");
            assert!(coalescer.len() <= 100);
            tokio::time::advance(Duration::from_millis(1)).await;
        }
        assert_eq!(coalescer.len(), 100);
        // The most recent answers are the ones kept (the oldest expire first).
        for key in [900, 999] {
            let kept = coalescer
                .get(key, counted(&calls, Duration::ZERO, 0), keep_for(10))
                .await
                .expect("kept");
            assert_eq!((kept.value, kept.source), (key, Source::Cached));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1_000);

        // Key k arrived at k ms and expires at 10,000 + k ms: at 10,949 ms, 950 to 999 are
        // left. Expired answers are swept: by an explicit sweep...
        tokio::time::advance(Duration::from_millis(9_949)).await;
        assert_eq!(coalescer.sweep(), 50);
        // ... or by the next fetch to start.
        tokio::time::advance(Duration::from_millis(1_500)).await;
        coalescer
            .get(5_000, counted(&calls, Duration::ZERO, 0), keep_for(10))
            .await
            .expect("answer");
        assert_eq!(coalescer.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn table_full_of_flights_runs_new_fetches_unshared() {
        let coalescer = Arc::new(Coalescer::<u32, u32>::with_capacity(2));
        let calls = calls();
        let mut tasks = tokio::task::JoinSet::new();
        for key in [1, 2, 3, 3] {
            let shared = Arc::clone(&coalescer);
            let fetch = counted(&calls, FETCH, key);
            tasks.spawn(async move { shared.get(key, fetch, keep_for(1)).await });
            tokio::task::yield_now().await;
            assert!(coalescer.len() <= 2);
        }
        while let Some(result) = tasks.join_next().await {
            let shared = result.expect("task").expect("answer");
            assert_eq!(shared.source, Source::Fetched);
        }
        // Key 3 found no room, twice: two fetches, and nothing kept for it.
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(coalescer.len(), 2);
    }

    /// Current-thread runtimes on several OS threads, as the proxy runs them, sharing one
    /// coalescer: one fetch.
    #[test]
    fn runtimes_on_several_threads_share_one_fetch() {
        const THREADS: usize = 4;
        const TASKS: usize = 25;
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let calls = calls();
        let barrier = Arc::new(std::sync::Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let coalescer = Arc::clone(&coalescer);
                let calls = Arc::clone(&calls);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_time()
                        .build()
                        .expect("runtime");
                    barrier.wait();
                    runtime.block_on(async {
                        let mut tasks = tokio::task::JoinSet::new();
                        for _ in 0..TASKS {
                            let coalescer = Arc::clone(&coalescer);
                            let fetch = counted(&calls, Duration::from_millis(300), 42);
                            tasks
                                .spawn(async move { coalescer.get("k", fetch, keep_for(5)).await });
                        }
                        let mut sources = Vec::new();
                        while let Some(result) = tasks.join_next().await {
                            let shared = result.expect("task").expect("answer");
                            assert_eq!(shared.value, 42);
                            sources.push(shared.source);
                        }
                        sources
                    })
                })
            })
            .collect();
        let sources: Vec<_> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("thread"))
            .collect();
        assert_eq!(sources.len(), THREADS * TASKS);
        let fetched = sources.iter().filter(|s| **s == Source::Fetched).count();
        assert_eq!(fetched, 1);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn coalescer_and_get_are_send() {
        fn send<T: Send>(_: &T) {}
        fn sync<T: Send + Sync>() {}
        sync::<Coalescer<String, Arc<str>>>();
        let coalescer = Coalescer::<String, Arc<str>>::new();
        let upstream = Arc::new(String::from("client"));
        // What a handler passes: a closure holding a client, a future using it.
        let get = coalescer.get(
            "key".to_owned(),
            move || async move { Arc::from(upstream.as_str()) },
            |_| Some(Duration::from_secs(1)),
        );
        send(&get);
    }

    /// The runtime running a fetch shuts down: the caller waiting on another runtime is
    /// woken and fetches itself.
    #[test]
    fn fetch_lost_with_its_runtime_is_retried_by_a_waiter() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let calls = calls();
        let runtime = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("runtime")
        };
        let doomed = runtime();
        // Starts a fetch that never ends on `doomed`, leaving it in flight.
        let never = {
            let calls = Arc::clone(&calls);
            move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                std::future::pending::<u32>().await
            }
        };
        doomed.block_on(async {
            let get = coalescer.get("k", never, keep_for(1));
            assert!(
                tokio::time::timeout(Duration::from_millis(20), get)
                    .await
                    .is_err()
            );
        });
        assert_eq!(coalescer.len(), 1);

        let (sender, started) = std::sync::mpsc::channel();
        let waiter = {
            let coalescer = Arc::clone(&coalescer);
            let fetch = counted(&calls, Duration::from_millis(10), 8);
            std::thread::spawn(move || {
                runtime().block_on(async {
                    let get = coalescer.get("k", fetch, keep_for(1));
                    let mut get = std::pin::pin!(get);
                    // Joins the doomed flight, then reports it is waiting.
                    std::future::poll_fn(|cx| {
                        assert!(get.as_mut().poll(cx).is_pending());
                        std::task::Poll::Ready(())
                    })
                    .await;
                    sender.send(()).expect("send");
                    get.await
                })
            })
        };
        started.recv().expect("waiter started");
        drop(doomed);
        let shared = waiter.join().expect("thread").expect("answer");
        assert_eq!((shared.value, shared.source), (8, Source::Fetched));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
