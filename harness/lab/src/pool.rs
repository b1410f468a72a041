//! A small pool for bring-up: at most a given number of threads work through a list, and the
//! results come back in the list's order. Bring-up mostly waits on consoles and supplies, so
//! many boards come up at once — but a rack of a thousand boards must not start a thousand
//! threads (and a stop request then waits for at most one round of them).

use std::sync::Mutex;

/// `work` applied to every item of `items` on at most `threads` threads; the results in the
/// order of `items`.
///
/// # Panics
/// If `work` panics (bring-up turns every failure into a board fault instead).
pub(crate) fn map_in_pool<I, T>(
    items: Vec<I>,
    threads: usize,
    work: impl Fn(I) -> T + Sync,
) -> Vec<T>
where
    I: Send,
    T: Send,
{
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, count.max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    while let Some((i, item)) = next() {
                        out.push((i, work(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("bring-up work does not panic"))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_item_once_in_order_on_at_most_the_given_threads() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let out = map_in_pool((0..100).collect(), 4, |i: usize| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::yield_now();
            running.fetch_sub(1, Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 4);
        assert!(map_in_pool(Vec::<usize>::new(), 4, |i| i).is_empty());
    }
}
