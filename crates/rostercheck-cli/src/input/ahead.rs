//! Where the other thread starts the file checked ahead (see `plan_ahead`): decided when it
//! has checked its part of the split file before it, from the speeds both threads showed on
//! that file, so that both threads end together. (A cut fixed in advance left one thread idle
//! for 0.2–0.4 s at the end of a city on a loaded machine: the threads' speeds drift from run
//! to run.) The page does the same (`aheadCut` in web/worker.js).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Taking in the other thread's part and ending the split file costs this thread about as
/// long as checking this share of the file's bytes: more in a large file, whose tables no
/// longer fit in the processor's caches. Measured: 1.0–1.3 ms for a 6.4 MB enrollments.csv,
/// 4 ms for 23.5 MB (a district's), about 220 ms for a city's 517 MB, checked at 120–150 MB/s.
const TAKE_IN_PERCENT_SMALL: u64 = 3;
const TAKE_IN_PERCENT_LARGE: u64 = 6;
/// Split files up to the first size take the small share, from the second the large one;
/// between them it grows with the size.
const TAKE_IN_SMALL_UP_TO: u64 = 32 << 20;
const TAKE_IN_LARGE_FROM: u64 = 256 << 20;

/// The least of the next file the other thread is given: less is not worth its part.
const LEAST_BYTES: u64 = 512 << 10;

/// The least of the next file this thread is given: it takes the other's part in anyway, so
/// a few chunks of its own cost nothing more (with 512 KB here too, this thread waited 7–10 ms
/// while the other checked a 10 MB package's or a district's demographics.csv whole).
const LEAST_BYTES_HERE: u64 = 64 << 10;

/// The bytes of a split file of `size` that taking its part in costs as much time as.
fn take_in_bytes(size: u64) -> u64 {
    let span = TAKE_IN_LARGE_FROM - TAKE_IN_SMALL_UP_TO;
    let into = size.clamp(TAKE_IN_SMALL_UP_TO, TAKE_IN_LARGE_FROM) - TAKE_IN_SMALL_UP_TO;
    // Hundredths of a percent, so that the share grows smoothly.
    let basis = TAKE_IN_PERCENT_SMALL * 100
        + (TAKE_IN_PERCENT_LARGE - TAKE_IN_PERCENT_SMALL) * 100 * into / span;
    size / 10_000 * basis
}

/// This thread's progress through its part of the file being checked, read by the other.
#[derive(Default)]
pub(super) struct Progress {
    fed: AtomicU64,
    fed_for_micros: AtomicU64,
}

impl Progress {
    pub(super) fn set(&self, fed: u64, fed_for: Duration) {
        self.fed.store(fed, Ordering::Relaxed);
        let micros = u64::try_from(fed_for.as_micros()).unwrap_or(u64::MAX);
        self.fed_for_micros.store(micros, Ordering::Relaxed);
    }

    /// Bytes fed, and bytes per second (none before the first block).
    fn read(&self) -> (u64, Option<f64>) {
        let fed = self.fed.load(Ordering::Relaxed);
        let micros = self.fed_for_micros.load(Ordering::Relaxed);
        let rate = (fed > 0 && micros > 0).then(|| fed as f64 * 1e6 / micros as f64);
        (fed, rate)
    }
}

/// The byte of the file checked ahead from which the other thread checks it (this thread
/// checks the bytes before it), or none: this thread checks it whole. Decided once; the
/// reading thread waits for it before it reads the file.
#[derive(Default)]
pub(super) struct Decision {
    cell: Mutex<Option<Option<u64>>>,
    decided: Condvar,
}

impl Decision {
    /// Decides, unless decided already (the first decision stands).
    pub(super) fn decide(&self, at: Option<u64>) {
        let mut cell = self.cell.lock().unwrap_or_else(PoisonError::into_inner);
        if cell.is_none() {
            *cell = Some(at);
            self.decided.notify_all();
        }
    }

    /// The decision, once made.
    pub(super) fn get(&self) -> Option<Option<u64>> {
        *self.cell.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the decision.
    pub(super) fn wait(&self) -> Option<u64> {
        let mut cell = self.cell.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(at) = *cell {
                return at;
            }
            cell = self
                .decided
                .wait(cell)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Decides "this thread checks it whole" when dropped undecided: a thread that stops early,
/// or panics, never leaves the reading thread waiting.
pub(super) struct WholeUnlessDecided<'a>(pub(super) &'a Decision);

impl Drop for WholeUnlessDecided<'_> {
    fn drop(&mut self) {
        self.0.decide(None);
    }
}

/// What the decision is made from, when the other thread has checked its part of the split
/// file.
pub(super) struct Measured<'a> {
    /// This thread's progress through its part of the split file.
    pub progress: &'a Progress,
    /// The split file's size, and where its second part starts.
    pub split_size: u64,
    pub split_cut: u64,
    /// How long the other thread took for its part (`split_size - split_cut` bytes).
    pub part_took: Duration,
    /// The next file's size and the end of its header.
    pub next_size: u64,
    pub header_end: u64,
}

/// How many bytes of the next file's body this thread should check so that both threads end
/// together; [`Share::Other`] when the other thread should check all of it (this one has as
/// much left as the other would take for the whole file), [`Share::Here`] when this one should.
#[derive(Debug, PartialEq)]
pub(super) enum Share {
    Other,
    Split(u64),
    Here,
}

pub(super) fn share(m: &Measured<'_>) -> Share {
    let part_bytes = m.split_size.saturating_sub(m.split_cut);
    let there_rate = part_bytes as f64 / m.part_took.as_secs_f64().max(1e-6);
    let (fed, measured) = m.progress.read();
    // (Until it has checked a few MB, this thread's speed is taken to be the other's.)
    let here_rate = measured
        .filter(|_| fed >= 8 << 20)
        .unwrap_or(there_rate)
        .max(1.0);
    let there_rate = there_rate.max(1.0);
    let left = m.split_cut.saturating_sub(fed) + take_in_bytes(m.split_size);
    let body = m.next_size.saturating_sub(m.header_end);
    let here = left as f64 / here_rate;
    let there = body as f64 / there_rate;
    let mine = (there - here) / (1.0 / there_rate + 1.0 / here_rate);
    if mine < LEAST_BYTES_HERE as f64 {
        Share::Other
    } else if (body as f64 - mine) < LEAST_BYTES as f64 {
        Share::Here
    } else {
        Share::Split(mine as u64)
    }
}

#[cfg(test)]
#[allow(clippy::panic)] // test code
mod tests {
    use super::*;

    const MB: u64 = 1_000_000;

    fn measured(progress: &Progress, part_took_ms: u64) -> Measured<'_> {
        Measured {
            progress,
            split_size: 500 * MB,
            split_cut: 250 * MB,
            part_took: Duration::from_millis(part_took_ms),
            next_size: 100 * MB,
            header_end: 100,
        }
    }

    #[test]
    fn both_threads_end_together() {
        // Both at 100 MB/s; this thread has 50 MB left and 30 MB of taking in: 0.8 s. The
        // other's 100 MB would take 1 s: this thread takes 10 MB, both end 0.1 s later.
        let progress = Progress::default();
        progress.set(200 * MB, Duration::from_secs(2));
        let Share::Split(mine) = share(&measured(&progress, 2500)) else {
            panic!("not split");
        };
        let mine = mine as f64 / MB as f64;
        assert!((mine - 10.0).abs() < 0.01, "{mine}");
    }

    #[test]
    fn a_thread_with_more_left_than_the_whole_next_file_takes_none_of_it() {
        let progress = Progress::default();
        progress.set(100 * MB, Duration::from_secs(1));
        assert_eq!(share(&measured(&progress, 2500)), Share::Other);
    }

    #[test]
    fn a_thread_that_waits_for_the_part_takes_all_but_little() {
        // This thread fed its whole part at 2.5 GB/s: it has only the taking in left, and
        // the other thread is slow.
        let progress = Progress::default();
        progress.set(250 * MB, Duration::from_millis(100));
        let next = Measured {
            next_size: 2 * MB,
            ..measured(&progress, 25_000)
        };
        assert_eq!(share(&next), Share::Here);
    }

    #[test]
    fn before_a_few_mb_this_thread_is_taken_to_be_as_fast_as_the_other() {
        let progress = Progress::default();
        let early = |progress| Measured {
            split_cut: 10 * MB,
            ..measured(progress, 2500)
        };
        progress.set(4 * MB, Duration::from_secs(100));
        let slow = share(&early(&progress));
        progress.set(4 * MB, Duration::from_millis(1));
        assert_eq!(slow, share(&early(&progress)));
        assert!(matches!(slow, Share::Split(_)), "{slow:?}");
    }

    #[test]
    fn taking_a_part_in_costs_more_of_a_larger_file() {
        assert_eq!(take_in_bytes(10 * MB), 10 * MB / 100 * 3);
        assert_eq!(take_in_bytes(1000 * MB), 1000 * MB / 100 * 6);
        let middle = take_in_bytes(144 << 20) as f64 / f64::from(144 << 20);
        assert!((middle - 0.045).abs() < 0.001, "{middle}");
    }

    #[test]
    fn a_thread_with_little_left_takes_a_small_share_of_the_next_file() {
        // A 10 MB package's enrollments.csv (6.4 MB) and demographics.csv (1.2 MB), both
        // threads at 140 MB/s, this one done with its part: it has only the taking in left
        // (about 1.4 ms), the other would take 8.4 ms for the whole file. So this one takes
        // about 0.5 MB of it.
        let progress = Progress::default();
        progress.set(3_600_000, Duration::from_millis(26));
        let next = Measured {
            progress: &progress,
            split_size: 6_350_000,
            split_cut: 3_600_000,
            part_took: Duration::from_micros(19_640),
            next_size: 1_180_000,
            header_end: 300,
        };
        let Share::Split(mine) = share(&next) else {
            panic!("not split");
        };
        assert!((400_000..600_000).contains(&mine), "{mine}");
    }

    #[test]
    fn a_decision_stands_and_is_waited_for() {
        let decision = Decision::default();
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| decision.wait());
            decision.decide(Some(7));
            decision.decide(None);
            assert_eq!(waiting.join().ok(), Some(Some(7)));
        });
        assert_eq!(decision.get(), Some(Some(7)));
        let undecided = Decision::default();
        drop(WholeUnlessDecided(&undecided));
        assert_eq!(undecided.wait(), None);
    }
}
