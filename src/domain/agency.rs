//! The agency hierarchy: kinds, subtrees, and the checks that keep it a tree.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgencyKind {
    /// A people's government (city, county, district, township).
    Government,
    /// A department or office of a government, its general office included.
    Department,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 3] = [
        AgencyKind::Government,
        AgencyKind::Department,
        AgencyKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AgencyKind::Government => "government",
            AgencyKind::Department => "department",
            AgencyKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<AgencyKind> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// Parent links of a set of agencies, keyed by id or by code.
#[derive(Clone, Debug, Default)]
pub struct Tree<K: Ord + Clone> {
    parent: BTreeMap<K, Option<K>>,
    children: BTreeMap<K, Vec<K>>,
}

impl<K: Ord + Clone> Tree<K> {
    pub fn new(links: impl IntoIterator<Item = (K, Option<K>)>) -> Self {
        let mut tree = Tree {
            parent: BTreeMap::new(),
            children: BTreeMap::new(),
        };
        for (k, p) in links {
            tree.parent.insert(k, p);
        }
        for (k, p) in &tree.parent {
            if let Some(p) = p {
                tree.children.entry(p.clone()).or_default().push(k.clone());
            }
        }
        tree
    }

    pub fn contains(&self, k: &K) -> bool {
        self.parent.contains_key(k)
    }

    pub fn parent_of(&self, k: &K) -> Option<&K> {
        self.parent.get(k).and_then(|p| p.as_ref())
    }

    pub fn children_of(&self, k: &K) -> &[K] {
        self.children.get(k).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Agencies with no parent (or a parent outside the tree), in key order.
    pub fn roots(&self) -> Vec<K> {
        self.parent
            .iter()
            .filter(|(_, p)| p.as_ref().is_none_or(|p| !self.parent.contains_key(p)))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The agency and everything below it, depth first, the agency first.
    pub fn subtree(&self, root: &K) -> Vec<K> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.clone()];
        while let Some(k) = stack.pop() {
            if !seen.insert(k.clone()) {
                continue;
            }
            for c in self.children_of(&k).iter().rev() {
                stack.push(c.clone());
            }
            out.push(k);
        }
        out
    }

    /// Depth below its root (0 for a root), for indenting a tree view.
    pub fn depth(&self, k: &K) -> usize {
        let mut d = 0;
        let mut cur = self.parent_of(k);
        while let Some(p) = cur {
            d += 1;
            if d > self.parent.len() {
                break;
            }
            cur = self.parent_of(p);
        }
        d
    }

    /// Would giving `k` the parent `new_parent` make a cycle?
    pub fn would_cycle(&self, k: &K, new_parent: &K) -> bool {
        let mut cur = Some(new_parent);
        let mut steps = 0;
        while let Some(p) = cur {
            if p == k {
                return true;
            }
            steps += 1;
            if steps > self.parent.len() {
                return true;
            }
            cur = self.parent_of(p);
        }
        false
    }

    /// The first cycle found, as the keys on it, if the links contain one.
    pub fn find_cycle(&self) -> Option<Vec<K>> {
        let mut cleared: BTreeSet<K> = BTreeSet::new();
        for start in self.parent.keys() {
            let mut path: Vec<K> = Vec::new();
            let mut cur = Some(start.clone());
            while let Some(k) = cur {
                if cleared.contains(&k) {
                    break;
                }
                if let Some(pos) = path.iter().position(|p| *p == k) {
                    return Some(path[pos..].to_vec());
                }
                path.push(k.clone());
                cur = self.parent_of(&k).cloned();
            }
            cleared.extend(path);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Tree<&'static str> {
        Tree::new([
            ("CZ", None),
            ("CZ-GTJ", Some("CZ")),
            ("CZ-XB", Some("CZ")),
            ("CZ-XB-HJ", Some("CZ-XB")),
            ("SQ", None),
        ])
    }

    #[test]
    fn subtree_and_roots() {
        let t = t();
        assert_eq!(t.subtree(&"CZ"), vec!["CZ", "CZ-GTJ", "CZ-XB", "CZ-XB-HJ"]);
        assert_eq!(t.subtree(&"CZ-XB"), vec!["CZ-XB", "CZ-XB-HJ"]);
        assert_eq!(t.roots(), vec!["CZ", "SQ"]);
        assert_eq!(t.depth(&"CZ-XB-HJ"), 2);
    }

    #[test]
    fn cycles_are_found() {
        let t = t();
        assert!(t.would_cycle(&"CZ", &"CZ-XB-HJ"));
        assert!(t.would_cycle(&"CZ", &"CZ"));
        assert!(!t.would_cycle(&"CZ-XB", &"SQ"));
        assert_eq!(t.find_cycle(), None);
        let bad = Tree::new([("A", Some("B")), ("B", Some("C")), ("C", Some("A"))]);
        let cycle = bad.find_cycle().unwrap();
        assert_eq!(cycle.len(), 3);
    }

    #[test]
    fn kinds_parse() {
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(k.code()), Some(k));
        }
        assert_eq!(AgencyKind::parse("ministry"), None);
    }
}
