//! Files are read independently of one another, so a batch is read on every core the machine
//! has; results come back in the batch's order, whichever thread finished first.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
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
    let mut done = Vec::with_capacity(items.len());
    try_in_parallel_in_order(items, work, |result| {
        done.push(result);
        ControlFlow::Continue(())
    })?;
    Ok(done)
}

/// As [`try_in_parallel`], handing each result on, on the calling thread, as soon as it and
/// every one before it are done, so that a batch can be written while its later files are still
/// being read. `hand_on` breaks off to stop the work (no more items are started).
pub fn try_in_parallel_in_order<T, R, E>(
    items: &[T],
    work: impl Fn(usize, &T) -> Result<R, E> + Sync,
    mut hand_on: impl FnMut(R) -> ControlFlow<()>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .clamp(1, items.len().max(1));
    let (next, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let (finished, arrivals) = std::sync::mpsc::channel::<(usize, Result<R, E>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let finished = finished.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    let position = next.fetch_add(1, Ordering::AcqRel);
                    let Some(item) = items.get(position) else { break };
                    let result = work(position, item);
                    if result.is_err() {
                        stop.store(true, Ordering::Release);
                    }
                    if finished.send((position, result)).is_err() {
                        break;
                    }
                }
            });
        }
        // Only the workers hold senders now, so the arrivals end when the last of them does.
        drop(finished);
        let outcome = hand_on_in_order(arrivals, &mut hand_on);
        stop.store(true, Ordering::Release);
        outcome
    })
}

/// Results as they arrive, out of order, handed on in order; the first failure in order ends it.
fn hand_on_in_order<R, E>(
    arrivals: std::sync::mpsc::Receiver<(usize, Result<R, E>)>,
    hand_on: &mut impl FnMut(R) -> ControlFlow<()>,
) -> Result<(), E> {
    let (mut waiting, mut wanted) = (BTreeMap::new(), 0);
    for (position, result) in arrivals {
        waiting.insert(position, result);
        while let Some(result) = waiting.remove(&wanted) {
            wanted += 1;
            if hand_on(result?).is_break() {
                return Ok(());
            }
        }
    }
    Ok(())
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
    fn a_result_is_handed_on_while_later_items_are_still_being_worked() {
        let items: Vec<u32> = (0..4).collect();
        let (first_handed_on, told) = std::sync::mpsc::channel();
        let told = std::sync::Mutex::new(told);
        let mut handed_on = Vec::new();
        let outcome: Result<(), &str> = try_in_parallel_in_order(
            &items,
            |_, item| {
                if *item == 3 {
                    // The last item waits to hear that the first was handed on; were results only
                    // handed on at the end, it would wait in vain.
                    let told = told.lock().map_err(|_| "poisoned")?;
                    told.recv_timeout(std::time::Duration::from_secs(10))
                        .map_err(|_| "the first was not handed on before the last was done")?;
                }
                Ok(*item)
            },
            |item| {
                if item == 0 {
                    let _ = first_handed_on.send(());
                }
                handed_on.push(item);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(outcome, Ok(()));
        assert_eq!(handed_on, [0, 1, 2, 3]);
    }

    #[test]
    fn breaking_off_starts_no_more_items() {
        let items: Vec<u32> = (0..200).collect();
        let started = AtomicUsize::new(0);
        let mut handed_on = 0;
        let outcome = try_in_parallel_in_order(
            &items,
            |_, item| {
                started.fetch_add(1, Ordering::AcqRel);
                std::thread::sleep(std::time::Duration::from_millis(1));
                Ok::<_, ()>(*item)
            },
            |_| {
                handed_on += 1;
                if handed_on == 5 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(outcome, Ok(()));
        assert_eq!(handed_on, 5);
        assert!(started.load(Ordering::Acquire) < 200);
    }

    #[test]
    fn no_items_is_no_results() {
        let items: [u8; 0] = [];
        assert_eq!(try_in_parallel(&items, |_, item| Ok::<_, ()>(*item)), Ok(Vec::new()));
    }
}
