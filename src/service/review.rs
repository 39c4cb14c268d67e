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

/// The printable record of one submission for review (the review page, the dossier).
pub fn record(
    conn: &mut DbConn,
    case: &db::cases::Case,
    history: &[(db::cases::EventRow, crate::domain::case::Event)],
    round: &crate::domain::review::Round,
) -> Result<review::Record, Fail> {
    let agency = db::agencies::find(conn, case.agency_id)?.ok_or(Fail::NotFound)?;
    let requester = db::cases::find_requester(conn, case.requester_id)?.ok_or(Fail::NotFound)?;
    let ids: Vec<i64> = std::iter::once(round.by)
        .chain(round.entries.iter().map(|e| e.by))
        .collect();
    let names: BTreeMap<i64, String> = db::cases::user_names(conn, &ids)?.into_iter().collect();
    Ok(review::record(
        &review::RecordCase {
            agency: &agency.name,
            tracking_no: &case.tracking_no,
            requester_name: &requester.name,
            requester_type: crate::domain::outcome::RequesterType::parse(&requester.kind)
                .unwrap_or(crate::domain::outcome::RequesterType::NaturalPerson),
            received_on: case.received_on,
            channel: crate::domain::outcome::Channel::parse(&case.channel)
                .unwrap_or(crate::domain::outcome::Channel::Other),
            subject: &case.subject,
            due_on: case.due_on,
        },
        round,
        &|id| names.get(&id).cloned().unwrap_or_default(),
        &|i| {
            history
                .get(i)
                .map(|(row, _)| crate::domain::calendar::china_time(row.at))
        },
    ))
}
