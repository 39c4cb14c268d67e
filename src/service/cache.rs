//! What a gongkai process keeps between requests, each piece under the
//! generation number (`db::generations`) it was read at. A request reads the
//! generations once; a piece kept under an older number is read again. Every
//! change, through any process sharing the database, bumps the number in its own
//! transaction, so no process serves what a committed change has outdated.

use super::Fail;
use crate::db::{self, DbConn, agencies::Agency, users::User};
use crate::domain::agency::Tree;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::Settings;
use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The data nearly every page reads and the office rarely changes.
pub struct Reference {
    pub agencies: Vec<Agency>,
    pub tree: Tree<i64>,
    pub calendar: Calendar,
    pub settings: Settings,
    /// Active topics, in the office's order.
    pub topics: Vec<String>,
    pub users: Vec<User>,
}

impl Reference {
    pub fn load(conn: &mut DbConn) -> Result<Reference, Fail> {
        let agencies = db::agencies::all(conn)?;
        Ok(Reference {
            tree: Tree::new(agencies.iter().map(|a| (a.id, a.parent_id))),
            agencies,
            calendar: db::calendar::load(conn)?,
            settings: super::rules::load(conn)?,
            topics: db::cases::topics(conn)?,
            users: db::users::all(conn)?,
        })
    }

    pub fn agency(&self, id: i64) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }

    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
}

/// Derived pieces kept at most; past that the oldest half is dropped.
const MAX_DERIVED: usize = 512;

#[derive(Default)]
pub struct Cache {
    reference: Mutex<Option<(i64, Arc<Reference>)>>,
    derived: Mutex<Derived>,
    /// A lock per piece being made: requests wanting the same missing piece wait
    /// for one to make it rather than all making it at once.
    making: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

type Piece = Arc<dyn Any + Send + Sync>;

/// Pieces derived from the cases: all of one `cases` generation.
#[derive(Default)]
struct Derived {
    generation: i64,
    /// By key, with the order they were made in.
    pieces: HashMap<String, (u64, Piece)>,
    made: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves at worst a piece to be made again.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cache {
    /// The reference data as of `generation` (read before this call).
    pub fn reference(&self, conn: &mut DbConn, generation: i64) -> Result<Arc<Reference>, Fail> {
        if let Some((at, kept)) = &*lock(&self.reference)
            && *at == generation
        {
            return Ok(kept.clone());
        }
        let fresh = Arc::new(Reference::load(conn)?);
        *lock(&self.reference) = Some((generation, fresh.clone()));
        Ok(fresh)
    }

    /// The piece `key` of the `cases` generation `generation`, made by `make`
    /// when this process has not made it for that generation. The key names
    /// everything else the piece depends on (scope, filter, day, the reference
    /// generation).
    pub fn derived<T, E>(
        &self,
        generation: i64,
        key: String,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
    {
        let kept = |key: &str| {
            let d = lock(&self.derived);
            if d.generation != generation {
                return None;
            }
            let (_, piece) = d.pieces.get(key)?;
            piece.clone().downcast::<T>().ok()
        };
        if let Some(piece) = kept(&key) {
            return Ok(piece);
        }
        let turn = lock(&self.making).entry(key.clone()).or_default().clone();
        let _mine = lock(&turn);
        if let Some(piece) = kept(&key) {
            return Ok(piece);
        }
        // Made outside the cache's lock: requests for other pieces go on meanwhile.
        let made = make().map(Arc::new);
        if let Ok(piece) = &made {
            self.keep(generation, key.clone(), piece.clone());
        }
        lock(&self.making).remove(&key);
        let piece = made?;
        Ok(piece)
    }

    fn keep(&self, generation: i64, key: String, piece: Piece) {
        let mut d = lock(&self.derived);
        if d.generation != generation {
            if generation < d.generation {
                // Made from older numbers than another request already saw.
                return;
            }
            d.generation = generation;
            d.pieces.clear();
        }
        if d.pieces.len() >= MAX_DERIVED {
            let mut ages: Vec<u64> = d.pieces.values().map(|(n, _)| *n).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            d.pieces.retain(|_, (n, _)| *n > cut);
        }
        d.made += 1;
        let n = d.made;
        d.pieces.insert(key, (n, piece));
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Cache>>> = const { RefCell::new(None) };
}

/// Runs `f` with `cache` as the cache of the work it does on this thread: how
/// `web::AppState::db` hands its process's cache to the services it calls.
pub fn scoped<T>(cache: &Arc<Cache>, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(Some(cache.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = before);
    out
}

/// The cache of the work running on this thread, if it runs under `scoped`.
pub fn current() -> Option<Arc<Cache>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// The reference data at the generation just read: kept, or loaded afresh
/// outside a process's request work (the command line, tests).
pub fn reference(conn: &mut DbConn, generation: i64) -> Result<Arc<Reference>, Fail> {
    match current() {
        Some(cache) => cache.reference(conn, generation),
        None => Ok(Arc::new(Reference::load(conn)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_is_made_once_a_generation() {
        let cache = Cache::default();
        let made = std::cell::Cell::new(0);
        let get = |g: i64, key: &str| {
            *cache
                .derived(g, key.to_string(), || {
                    made.set(made.get() + 1);
                    Ok::<_, ()>(g * 10)
                })
                .unwrap()
        };
        assert_eq!(get(1, "a"), 10);
        assert_eq!(get(1, "a"), 10);
        assert_eq!(get(2, "a"), 20, "a new generation outdates the piece");
        assert_eq!(get(1, "a"), 10, "an older number is answered, not kept");
        assert_eq!(get(2, "a"), 20);
        assert_eq!(made.get(), 3);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = Cache::default();
        for i in 0..(MAX_DERIVED * 3) {
            cache
                .derived(1, format!("k{i}"), || Ok::<_, ()>(i))
                .unwrap();
        }
        assert!(lock(&cache.derived).pieces.len() <= MAX_DERIVED);
        // The newest piece is still there.
        let last = MAX_DERIVED * 3 - 1;
        let kept = cache
            .derived(1, format!("k{last}"), || Ok::<_, ()>(usize::MAX))
            .unwrap();
        assert_eq!(*kept, last);
    }
}
