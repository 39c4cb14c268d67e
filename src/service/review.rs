//! The review steps each agency's answers pass before they are made (art. 17;
//! `domain::review`), set by administrators on the settings page.

use super::Fail;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::{self, DbConn};
use crate::domain::review::{self, Step};
use std::collections::BTreeMap;

/// Saves the steps ticked on the settings page: each field `step` is `{agency id}:{step}`;
/// an agency not named uses none. Every agency whose steps change gets an audit entry.
/// Returns how many changed. Drafts already under review keep the steps they were
/// submitted with.
pub fn save(conn: &mut DbConn, actor: &Actor, fields: &[(String, String)]) -> Result<usize, Fail> {
    db::write_tx(conn, |conn| {
        let agencies = db::agencies::all(conn)?;
        let mut wanted: BTreeMap<i64, Vec<Step>> = BTreeMap::new();
        for (_, value) in fields.iter().filter(|(k, _)| k == "step") {
            let (agency, step) = value
                .split_once(':')
                .and_then(|(a, s)| Some((a.trim().parse::<i64>().ok()?, Step::parse(s)?)))
                .ok_or(Fail::Refused("error-bad-form"))?;
            if !agencies.iter().any(|a| a.id == agency) {
                return Err(Fail::Refused("error-bad-form"));
            }
            wanted.entry(agency).or_default().push(step);
        }
        let before = db::review::all_steps(conn)?;
        let mut changed = 0;
        for a in &agencies {
            let old = before.get(&a.id).cloned().unwrap_or_default();
            let new = review::normalise(wanted.remove(&a.id).unwrap_or_default());
            if old == new {
                continue;
            }
            db::review::set_steps(conn, a.id, &new)?;
            audit::record(
                conn,
                actor,
                Action::SettingsReview,
                &a.code,
                &Detail::none().change(
                    Field::ReviewSteps,
                    review::codes(&old),
                    review::codes(&new),
                ),
            )?;
            changed += 1;
        }
        Ok(changed)
    })
}
