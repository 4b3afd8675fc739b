//! Files are read independently of one another, so a batch is read on every core the machine
//! has; results come back in the batch's order, whichever thread finished first.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `work` done on every item, or the first failure in the items' order. Once an item fails no
/// thread starts another, but those under way finish: items are started in order, so every item
/// before a failure has been done, and the failure returned is the first there is.
pub fn try_in_parallel<T, R, E>(items: &[T], work: impl Fn(usize, &T) -> Result<R, E> + Sync) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .clamp(1, items.len().max(1));
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let mut done: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    while !failed.load(Ordering::Acquire) {
                        let position = next.fetch_add(1, Ordering::AcqRel);
                        let Some(item) = items.get(position) else { break };
                        let result = work(position, item);
                        if result.is_err() {
                            failed.store(true, Ordering::Release);
                        }
                        mine.push((position, result));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    done.sort_by_key(|(position, _)| *position);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_items_order() {
        let items: Vec<u64> = (0..200).collect();
        let squares = try_in_parallel(&items, |position, item| {
            // Uneven work, so that threads finish out of order.
            std::thread::sleep(std::time::Duration::from_micros((item % 7) * 50));
            Ok::<_, ()>((position, item * item))
        })
        .expect("none fails");
        assert_eq!(
            squares,
            items
                .iter()
                .map(|item| (*item as usize, item * item))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_first_failure_in_order_is_the_one_returned() {
        let items: Vec<u32> = (0..100).collect();
        let outcome = try_in_parallel(&items, |_, item| {
            if *item >= 40 && item % 10 == 0 {
                // A later item fails sooner than an earlier one.
                std::thread::sleep(std::time::Duration::from_millis(u64::from(100 - item)));
                Err(*item)
            } else {
                Ok(*item)
            }
        });
        assert_eq!(outcome, Err(40));
    }

    #[test]
    fn no_items_is_no_results() {
        let items: [u8; 0] = [];
        assert_eq!(try_in_parallel(&items, |_, item| Ok::<_, ()>(*item)), Ok(Vec::new()));
    }
}
