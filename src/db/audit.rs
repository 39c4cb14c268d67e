//! The audit log: who did what and when. Append-only.

use super::schema::audit_log;
use super::{DbConn, now};
use crate::domain::vocabulary;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// Who acted: a signed-in user, or a name given at a failed login or by the CLI.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
}

/// The names entries carry when no person acted (shown translated).
pub const SYSTEM: &str = "(system)";
pub const COMMAND_LINE: &str = "(command line)";

impl Actor {
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            username: SYSTEM.into(),
        }
    }
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            username: COMMAND_LINE.into(),
        }
    }
}

vocabulary! {
    /// What an entry records. Entries store the code; the audit page shows
    /// the label `audit-action-{code}` from the catalogue.
    Action {
        LoginSuccess => "login.success",
        LoginFailure => "login.failure",
        LoginLocked => "login.locked",
        Logout => "logout",
        UserCreate => "user.create",
        UserUpdate => "user.update",
        UserPasswordChange => "user.password_change",
        UserPasswordReset => "user.password_reset",
        UserActivate => "user.activate",
        UserDeactivate => "user.deactivate",
        UserUnlock => "user.unlock",
        AgencyCreate => "agency.create",
        AgencyUpdate => "agency.update",
        AgencyImport => "agency.import",
        CalendarImport => "calendar.import",
        LedgerImport => "ledger.import",
        CalendarAdd => "calendar.add",
        CalendarChange => "calendar.change",
        CalendarRemove => "calendar.remove",
        SettingsRules => "settings.rules",
        TopicAdd => "topic.add",
        TopicActivate => "topic.activate",
        TopicRetire => "topic.retire",
        RequesterRevealId => "requester.reveal_id",
        ReportFinalise => "report.finalise",
        ReportBaseline => "report.baseline",
        MailResend => "mail.resend",
        SettingsMail => "settings.mail",
        AttachmentOpen => "attachment.open",
        CaseDossier => "case.dossier",
        DossierExport => "dossier.export",
        SettingsReview => "settings.review",
        SettingsSms => "settings.sms",
    }
}

vocabulary! {
    /// What a detail item is about; labelled `audit-field-{code}`.
    Field {
        Role => "role",
        Agency => "agency",
        DisplayName => "display_name",
        Email => "email",
        Code => "code",
        Name => "name",
        Parent => "parent",
        Kind => "kind",
        DayKind => "day_kind",
        Festival => "festival",
        Added => "added",
        Replaced => "replaced",
        Created => "created",
        Updated => "updated",
        Requesters => "requesters",
        CorrectionPeriodDays => "correction_period_days",
        ConsultationDays => "consultation_days",
        CorrectionNoticeDays => "correction_notice_days",
        FeeStopsClock => "fee_stops_clock",
        Year => "year",
        Profile => "profile",
        Reason => "reason",
        Received => "received",
        Reviews => "reviews",
        Lawsuits => "lawsuits",
        MailKind => "mail_kind",
        Attachment => "attachment",
        Cases => "cases",
        DigestHour => "digest_hour",
        ReviewSteps => "review_steps",
        Phone => "phone",
        SmsFrom => "sms_from",
        SmsUntil => "sms_until",
        SmsWorkingDaysOnly => "sms_working_days_only",
    }
}

/// The particulars of an entry: items, each a field with no value (it
/// changed, values not kept, as for a person's name), one value, or a
/// value before and after. Stored as a JSON list of lists of strings, so
/// the audit page can show them in the reader's language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detail(pub Vec<(Field, Vec<String>)>);

impl Detail {
    pub fn none() -> Detail {
        Detail::default()
    }
    /// `field: value`
    pub fn with(mut self, field: Field, value: impl ToString) -> Detail {
        self.0.push((field, vec![value.to_string()]));
        self
    }
    /// `field: before -> after`
    pub fn change(mut self, field: Field, before: impl ToString, after: impl ToString) -> Detail {
        self.0
            .push((field, vec![before.to_string(), after.to_string()]));
        self
    }
    /// `field` changed (the values are not recorded).
    pub fn changed(mut self, field: Field) -> Detail {
        self.0.push((field, Vec::new()));
        self
    }

    /// What is stored: empty for no items.
    pub fn encode(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows: Vec<Vec<&str>> = self
            .0
            .iter()
            .map(|(f, values)| {
                std::iter::once(f.code())
                    .chain(values.iter().map(String::as_str))
                    .collect()
            })
            .collect();
        serde_json::to_string(&rows).unwrap_or_default()
    }

    /// The items of a stored detail; None for text that is not in this
    /// form (entries written before it, shown as written).
    pub fn decode(stored: &str) -> Option<Detail> {
        if stored.is_empty() {
            return Some(Detail::none());
        }
        let rows: Vec<Vec<String>> = serde_json::from_str(stored).ok()?;
        rows.into_iter()
            .map(|mut row| {
                if row.is_empty() {
                    return None;
                }
                let field = Field::parse(&row.remove(0))?;
                (row.len() <= 2).then_some((field, row))
            })
            .collect::<Option<Vec<_>>>()
            .map(Detail)
    }
}

pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: Action,
    target: &str,
    detail: &Detail,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(now()),
            audit_log::user_id.eq(actor.user_id),
            audit_log::username.eq(&actor.username),
            audit_log::action.eq(action.code()),
            audit_log::target.eq(target),
            audit_log::detail.eq(detail.encode()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub username: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

pub fn list(
    conn: &mut DbConn,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Entry>, i64)> {
    let build = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(a) = &f.action {
            q = q.filter(audit_log::action.eq(a.clone()));
        }
        if let Some(u) = &f.username {
            q = q.filter(audit_log::username.eq(u.to_lowercase()));
        }
        if let Some(t) = f.from {
            q = q.filter(audit_log::at.ge(t));
        }
        if let Some(t) = f.until {
            q = q.filter(audit_log::at.lt(t));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .select(Entry::as_select())
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

pub fn actions(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    audit_log::table
        .select(audit_log::action)
        .distinct()
        .order(audit_log::action)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_and_old_text_is_left_alone() {
        let d = Detail::none()
            .change(Field::Role, "clerk", "admin")
            .with(Field::Name, "常州市人民政府")
            .changed(Field::Email);
        assert_eq!(Detail::decode(&d.encode()), Some(d));
        assert_eq!(Detail::none().encode(), "");
        assert_eq!(Detail::decode(""), Some(Detail::none()));
        assert_eq!(Detail::decode("3 added, 0 replaced"), None);
        assert_eq!(Detail::decode(r#"[["no_such_field","1"]]"#), None);
    }

    #[test]
    fn codes_are_unique_and_parse_back() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(*a));
        }
        for f in Field::ALL {
            assert_eq!(Field::parse(f.code()), Some(*f));
        }
    }
}
