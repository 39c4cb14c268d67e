//! The periods the law leaves to the office (rules.md section 2), kept as
//! settings with the defaults the rules name, and the topic list.

use super::Fail;
use crate::db::audit::{self, Action, Actor, Detail, Field};
use crate::db::schema::topics;
use crate::db::{self, DbConn};
use crate::domain::deadline::Settings;
use diesel::prelude::*;

const KEYS: [&str; 4] = [
    "rule.correction_period_days",
    "rule.consultation_days",
    "rule.correction_notice_days",
    "rule.fee_stops_clock",
];

pub fn load(conn: &mut DbConn) -> Result<Settings, Fail> {
    let mut s = Settings::default();
    let num = |v: Option<String>, d: u32| v.and_then(|v| v.parse().ok()).unwrap_or(d);
    s.correction_period_days = num(db::settings::get(conn, KEYS[0])?, s.correction_period_days);
    s.consultation_days = num(db::settings::get(conn, KEYS[1])?, s.consultation_days);
    s.correction_notice_days = num(db::settings::get(conn, KEYS[2])?, s.correction_notice_days);
    if let Some(v) = db::settings::get(conn, KEYS[3])? {
        s.fee_stops_clock = v == "true";
    }
    Ok(s)
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RulesInput {
    pub correction_period_days: String,
    pub consultation_days: String,
    pub correction_notice_days: String,
    pub fee_stops_clock: String,
}

impl RulesInput {
    pub fn from(s: &Settings) -> RulesInput {
        RulesInput {
            correction_period_days: s.correction_period_days.to_string(),
            consultation_days: s.consultation_days.to_string(),
            correction_notice_days: s.correction_notice_days.to_string(),
            fee_stops_clock: if s.fee_stops_clock {
                "true".into()
            } else {
                String::new()
            },
        }
    }
}

/// Saves the periods (1 to 60 working days each). Open cases' stored
/// deadlines are recomputed; closed cases keep the periods they were answered under.
pub fn save(
    conn: &mut DbConn,
    actor: &Actor,
    input: &RulesInput,
    today: chrono::NaiveDate,
) -> Result<(), Fail> {
    let mut errors = Vec::new();
    let mut days = |field: &'static str, v: &str| match v.trim().parse::<u32>() {
        Ok(n) if (1..=60).contains(&n) => n,
        _ => {
            errors.push((field, "settings-days-range"));
            0
        }
    };
    let values = [
        days("correction_period_days", &input.correction_period_days),
        days("consultation_days", &input.consultation_days),
        days("correction_notice_days", &input.correction_notice_days),
    ];
    if !errors.is_empty() {
        return Err(Fail::Fields(errors));
    }
    let fee = if input.fee_stops_clock == "true" {
        "true"
    } else {
        "false"
    };
    db::write_tx(conn, |conn| {
        for (key, v) in KEYS.iter().zip(values) {
            db::settings::set(conn, key, &v.to_string())?;
        }
        db::settings::set(conn, KEYS[3], fee)?;
        audit::record(
            conn,
            actor,
            Action::SettingsRules,
            "",
            &Detail::none()
                .with(Field::CorrectionPeriodDays, values[0])
                .with(Field::ConsultationDays, values[1])
                .with(Field::CorrectionNoticeDays, values[2])
                .with(Field::FeeStopsClock, fee),
        )?;
        let calendar = db::calendar::load(conn)?;
        let settings = load(conn)?;
        let clock = super::cases::Clock {
            calendar: &calendar,
            settings: &settings,
            today,
        };
        super::cases::refresh_after_calendar_change(conn, today, &clock)?;
        Ok(())
    })
}

#[derive(Queryable, Clone, Debug)]
pub struct Topic {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub active: bool,
}

pub fn topics(conn: &mut DbConn) -> Result<Vec<Topic>, Fail> {
    Ok(topics::table
        .select((topics::id, topics::name, topics::position, topics::active))
        .order((topics::position, topics::name))
        .load(conn)?)
}

/// The longest topic name, in characters.
pub const MAX_TOPIC: usize = 20;

pub fn add_topic(conn: &mut DbConn, actor: &Actor, name: &str) -> Result<(), Fail> {
    let name = super::required(name, "name", MAX_TOPIC)?;
    db::write_tx(conn, |conn| {
        let exists: i64 = topics::table
            .filter(topics::name.eq(&name))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(Fail::field("name", "topic-exists"));
        }
        let position: Option<i32> = topics::table
            .filter(topics::position.lt(99))
            .select(diesel::dsl::max(topics::position))
            .first(conn)?;
        diesel::insert_into(topics::table)
            .values((
                topics::name.eq(&name),
                topics::position.eq(position.unwrap_or(0) + 1),
                topics::active.eq(true),
            ))
            .execute(conn)?;
        audit::record(conn, actor, Action::TopicAdd, &name, &Detail::none())?;
        Ok(())
    })
}

/// Topics are retired, not deleted: old cases keep theirs.
pub fn set_topic_active(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<(), Fail> {
    db::write_tx(conn, |conn| {
        let name: String = topics::table
            .find(id)
            .select(topics::name)
            .first(conn)
            .optional()?
            .ok_or(Fail::NotFound)?;
        diesel::update(topics::table.find(id))
            .set(topics::active.eq(active))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            if active {
                Action::TopicActivate
            } else {
                Action::TopicRetire
            },
            &name,
            &Detail::none(),
        )?;
        Ok(())
    })
}
