//! What categorisation reads that changes only when files are imported, kept between requests:
//! the national quartiles (making them reads every school's figures, seconds for England) and
//! the LA's schools, figures, comparators and inspections (most of a page's time otherwise).
//! Each is kept with the figures version it was made from and given only while that version
//! stands; intelligence, judgements and runs are read on every request.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use stride_core::categorisation::{CategorisationEvidence, NationalQuartiles};
use stride_core::{LaCode, Measure, PupilGroup};

/// Values made from imported data, by key, each with the figures version it was made from.
pub struct KeptUntilImport<K, V> {
    made: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K, V> Default for KeptUntilImport<K, V> {
    fn default() -> Self {
        KeptUntilImport {
            made: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> KeptUntilImport<K, V> {
    pub fn get(&self, key: &K, version: i64) -> Option<Arc<V>> {
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        made.get(key)
            .filter(|(made_from, _)| *made_from == version)
            .map(|(_, value)| value.clone())
    }

    /// Keeps a value, and forgets those made from other versions, which are stale.
    pub fn keep(&self, key: K, version: i64, value: Arc<V>) {
        self.keep_at_most(key, version, value, usize::MAX);
    }

    /// Keeps a value as [`keep`](Self::keep) does, starting afresh once `most` are kept: for
    /// values of which there are many (a page of each of England's schools), so that memory
    /// stays bounded however many are asked for.
    pub fn keep_at_most(&self, key: K, version: i64, value: Arc<V>, most: usize) {
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        made.retain(|_, (made_from, _)| *made_from == version);
        if made.len() >= most {
            made.clear();
        }
        made.insert(key, (version, value));
    }
}

/// The measures and pupil groups a rule set compares.
pub type Pairs = Vec<(Measure, PupilGroup)>;

/// Everything categorisation keeps between imports.
#[derive(Default)]
pub struct KeptEvidence {
    /// By the measures compared nationally.
    pub quartiles: KeptUntilImport<Pairs, NationalQuartiles>,
    /// By the LA (none for every school held) and the measures read; without intelligence.
    pub evidence: KeptUntilImport<(Option<LaCode>, Pairs), CategorisationEvidence>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_given_only_for_its_key_and_the_version_it_was_made_from() {
        let kept: KeptUntilImport<Pairs, NationalQuartiles> = KeptUntilImport::default();
        let measures = vec![(Measure::Ks4Progress8, PupilGroup::All)];
        assert!(kept.get(&measures, 3).is_none());
        kept.keep(measures.clone(), 3, Arc::new(NationalQuartiles::new()));
        assert!(kept.get(&measures, 3).is_some());
        assert!(kept.get(&measures, 4).is_none(), "files imported since");
        assert!(kept.get(&vec![(Measure::OverallAbsence, PupilGroup::All)], 3).is_none());
    }

    #[test]
    fn no_more_are_kept_than_asked() {
        let kept: KeptUntilImport<u8, u8> = KeptUntilImport::default();
        for key in 0..5 {
            kept.keep_at_most(key, 1, Arc::new(key), 3);
        }
        assert!(kept.made.lock().expect("not poisoned").len() <= 3);
        assert_eq!(kept.get(&4, 1).as_deref(), Some(&4), "the latest is kept");
    }

    #[test]
    fn keeping_a_value_of_a_new_version_forgets_the_stale_ones() {
        let kept: KeptUntilImport<u8, u8> = KeptUntilImport::default();
        kept.keep(1, 3, Arc::new(10));
        kept.keep(2, 4, Arc::new(20));
        assert_eq!(kept.made.lock().expect("not poisoned").len(), 1);
        assert_eq!(kept.get(&2, 4).as_deref(), Some(&20));
    }
}
