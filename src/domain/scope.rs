//! The scoping rule: which agencies' cases a user may see and act on, and
//! which requesters follow from them. One function each, used by every
//! handler and every list query.

use super::agency::Tree;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Clerk,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Clerk, Role::Supervisor, Role::Admin];
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
    }
    /// Clerks and supervisors belong to an agency; an administrator may not.
    pub fn needs_agency(self) -> bool {
        self != Role::Admin
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every agency (administrators).
    All,
    /// These agencies only, sorted; empty means none.
    Agencies(Vec<i64>),
}

impl Scope {
    pub fn contains(&self, agency: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Agencies(ids) => ids.binary_search(&agency).is_ok(),
        }
    }
    /// The agency ids to filter by, or None for "no filter".
    pub fn ids(&self) -> Option<&[i64]> {
        match self {
            Scope::All => None,
            Scope::Agencies(ids) => Some(ids),
        }
    }
}

/// A clerk works in their own agency; a supervisor in their agency and
/// everything below it; an administrator everywhere. A clerk or supervisor
/// without an agency sees nothing.
pub fn scope(role: Role, agency: Option<i64>, tree: &Tree<i64>) -> Scope {
    match (role, agency) {
        (Role::Admin, _) => Scope::All,
        (_, None) => Scope::Agencies(Vec::new()),
        (Role::Clerk, Some(a)) => Scope::Agencies(vec![a]),
        (Role::Supervisor, Some(a)) => {
            let mut ids = tree.subtree(&a);
            ids.sort_unstable();
            Scope::Agencies(ids)
        }
    }
}

/// Requesters belong to the agencies that hold their cases: a user may find,
/// see and attach to a new case only a requester who has at least one case
/// in the user's scope. Nobody else's identity number, phone or address is
/// reachable, not even whether such a person exists. (The database applies
/// the same rule as a subquery: `db::cases::requesters_in_scope`.)
pub fn requester_visible(scope: &Scope, agencies_of_their_cases: &[i64]) -> bool {
    agencies_of_their_cases.iter().any(|a| scope.contains(*a))
}

/// The agencies a list or report covers: the user's scope, narrowed to the
/// chosen agency's subtree (or that agency alone with `only`); never wider
/// than the scope. `None` means every agency.
pub fn narrow(
    scope: &Scope,
    tree: &Tree<i64>,
    chosen: Option<i64>,
    only: bool,
) -> Option<Vec<i64>> {
    let Some(a) = chosen else {
        return scope.ids().map(<[i64]>::to_vec);
    };
    let picked = if only { vec![a] } else { tree.subtree(&a) };
    Some(
        picked
            .into_iter()
            .filter(|id| scope.contains(*id))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_as_a_table() {
        // 1 city government; 2 and 3 its departments; 4 a district under 1; 5 under 4; 9 elsewhere.
        let tree = Tree::new([
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(1)),
            (5, Some(4)),
            (9, None),
        ]);
        let cases: &[(Role, Option<i64>, i64, bool)] = &[
            (Role::Clerk, Some(4), 4, true),
            (Role::Clerk, Some(4), 5, false),
            (Role::Clerk, Some(4), 1, false),
            (Role::Clerk, Some(1), 2, false),
            (Role::Clerk, None, 1, false),
            (Role::Supervisor, Some(4), 4, true),
            (Role::Supervisor, Some(4), 5, true),
            (Role::Supervisor, Some(4), 1, false),
            (Role::Supervisor, Some(4), 3, false),
            (Role::Supervisor, Some(1), 5, true),
            (Role::Supervisor, Some(1), 9, false),
            (Role::Supervisor, None, 1, false),
            (Role::Admin, None, 9, true),
            (Role::Admin, Some(5), 1, true),
        ];
        for &(role, home, target, expected) in cases {
            assert_eq!(
                scope(role, home, &tree).contains(target),
                expected,
                "{role:?} of {home:?} acting on agency {target}"
            );
        }
    }

    #[test]
    fn requesters_follow_their_cases() {
        // A with child A1; B elsewhere.
        let tree = Tree::new([(1, None), (2, Some(1)), (3, None)]);
        let clerk_b = scope(Role::Clerk, Some(3), &tree);
        let clerk_a = scope(Role::Clerk, Some(1), &tree);
        let head_a = scope(Role::Supervisor, Some(1), &tree);
        let admin = scope(Role::Admin, None, &tree);
        // A requester with one case at A1.
        assert!(!requester_visible(&clerk_b, &[2]));
        assert!(!requester_visible(&clerk_a, &[2]));
        assert!(requester_visible(&head_a, &[2]));
        assert!(requester_visible(&admin, &[2]));
        // Once B holds a case of theirs too, B's clerk may see them.
        assert!(requester_visible(&clerk_b, &[2, 3]));
        // A requester without cases is nobody's.
        assert!(!requester_visible(&head_a, &[]));
    }

    #[test]
    fn roles_parse() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn narrowing_never_widens_the_scope() {
        // 1 ─ 2 ─ 3, and 4 beside 1.
        let tree = Tree::new([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        let mine = Scope::Agencies(vec![2, 3]);
        assert_eq!(narrow(&mine, &tree, None, false), Some(vec![2, 3]));
        assert_eq!(narrow(&Scope::All, &tree, None, false), None);
        assert_eq!(narrow(&mine, &tree, Some(1), false), Some(vec![2, 3]));
        assert_eq!(narrow(&mine, &tree, Some(2), true), Some(vec![2]));
        assert_eq!(narrow(&mine, &tree, Some(4), false), Some(vec![]));
        let mut all = narrow(&Scope::All, &tree, Some(1), false).unwrap();
        all.sort();
        assert_eq!(all, vec![1, 2, 3]);
    }
}
