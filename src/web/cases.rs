//! Case pages: intake, the case page with its actions, timeline and deadline
//! explanation, and the case lists.

use super::AppState;
use super::admin::agencies::tree_order;
use super::appeals::AppealRow;
use super::attachments::AttachmentRow;
use super::csrf::{CsrfForm, NoFields};
use super::page::{Ctx, FieldErrors, flash, html_status, redirect};
use super::session::CurrentUser;
use crate::db::generations::Generations;
use crate::db::{self, DbConn, agencies::Agency, cases as q};
use crate::domain::appeal;
use crate::domain::calendar::Calendar;
use crate::domain::case::{self, Action, Event};
use crate::domain::deadline::{Deadline, Step};
use crate::domain::fees;
use crate::domain::outcome::{Channel, Ground, Outcome, RequesterType};
use crate::domain::review::Step as ReviewStep;
use crate::domain::scope::Role;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::cache::Reference;
use crate::service::cases::{Clock, IntakeInput, Staff};
use crate::service::{self, Fail};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything a request needs to act on cases: who, where, and the clock.
pub struct Env {
    pub staff: Staff,
    /// Agencies, calendar, rules, topics and users, as kept by the process.
    pub reference: Arc<Reference>,
    /// The generations read at the start of the request's database work.
    pub generations: Generations,
    pub today: NaiveDate,
}

impl Env {
    pub fn clock(&self) -> Clock<'_> {
        Clock {
            calendar: &self.reference.calendar,
            settings: &self.reference.settings,
            today: self.today,
        }
    }
}

/// The signed-in user as the services know staff: role and the agencies in scope.
pub fn staff(conn: &mut DbConn, user: &CurrentUser) -> Result<Staff, AppError> {
    let generations = db::generations::read(conn)?;
    let reference = service::cache::reference(conn, generations.reference)?;
    Ok(staff_of(user, &reference))
}

fn staff_of(user: &CurrentUser, reference: &Reference) -> Staff {
    Staff {
        id: user.id,
        role: user.role,
        scope: user.scope(&reference.tree),
    }
}

pub fn env(conn: &mut DbConn, user: &CurrentUser, today: NaiveDate) -> Result<Env, AppError> {
    let generations = db::generations::read(conn)?;
    let reference = service::cache::reference(conn, generations.reference)?;
    Ok(Env {
        staff: staff_of(user, &reference),
        reference,
        generations,
        today,
    })
}

// ---------------------------------------------------------------- intake

#[derive(Template)]
#[template(path = "cases/new.html")]
struct IntakePage {
    ctx: Ctx,
    input: IntakeInput,
    agencies: Vec<(Agency, usize)>,
    staff: Vec<(i64, String, i64)>,
    topics: Vec<String>,
    requester_query: String,
    found: Vec<q::Requester>,
    preview: Option<Preview>,
    errors: FieldErrors,
    /// A case just recorded with the same requester and subject: (id, number).
    duplicate: Option<(i64, String)>,
}

pub struct Preview {
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub steps: Vec<String>,
    pub warnings: Vec<String>,
}

impl IntakePage {
    fn requester_types(&self) -> [RequesterType; 6] {
        RequesterType::ALL
    }
    fn channels(&self) -> [Channel; 5] {
        Channel::ALL
    }
    fn outcomes(&self) -> [Outcome; 23] {
        Outcome::ALL
    }
    fn delivery_forms(&self) -> [&'static str; 4] {
        service::cases::DELIVERY_FORMS
    }
    fn id_types(&self) -> [&'static str; 4] {
        service::cases::ID_TYPES
    }
    fn mask(&self, s: &str) -> String {
        case::mask_id(s)
    }
}

#[derive(serde::Deserialize)]
pub struct IntakeQuery {
    #[serde(default)]
    rq: String,
}

/// How the intake form is shown again: with a preview, the refusals, or the case it
/// seems to repeat.
#[derive(Default)]
struct IntakeShown {
    preview: Option<Preview>,
    errors: FieldErrors,
    duplicate: Option<(i64, String)>,
}

async fn intake_page(
    ctx: Ctx,
    state: &AppState,
    user: &CurrentUser,
    input: IntakeInput,
    requester_query: String,
    shown: IntakeShown,
) -> Result<HttpResponse, AppError> {
    let IntakeShown {
        preview,
        errors,
        duplicate,
    } = shown;
    let u = user.clone();
    let rq = requester_query.clone();
    let today = state.today();
    let (agencies, staff, topics, found) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let agencies: Vec<(Agency, usize)> = tree_order(db::agencies::all(c)?)
                .into_iter()
                .filter(|(a, _)| env.staff.scope.contains(a.id))
                .collect();
            let ids: Vec<i64> = agencies.iter().map(|(a, _)| a.id).collect();
            let staff = db::users::in_agencies(c, &ids)?
                .into_iter()
                .filter(|u| u.active && u.role != "admin")
                .map(|u| (u.id, u.display_name, u.agency_id.unwrap_or_default()))
                .collect();
            let found = if rq.trim().chars().count() >= 2 {
                q::search_requesters(c, &rq, env.staff.scope.ids(), 20)?
            } else {
                Vec::new()
            };
            Ok((agencies, staff, q::topics(c)?, found))
        })
        .await?;
    let status = if errors.is_empty() && duplicate.is_none() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html_status(
        status,
        &IntakePage {
            ctx,
            input,
            agencies,
            staff,
            topics,
            requester_query,
            found,
            preview,
            errors,
            duplicate,
        },
    )
}

pub async fn new_form(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<IntakeQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.today().to_string();
    let input = IntakeInput {
        form_token: uuid::Uuid::new_v4().to_string(),
        agency_id: user.agency_id.map(|a| a.to_string()).unwrap_or_default(),
        assigned_to: if user.role == Role::Clerk {
            user.id.to_string()
        } else {
            String::new()
        },
        channel: "in_person".into(),
        arrived_on: today,
        delivery_form: "paper".into(),
        r_kind: "natural_person".into(),
        r_id_type: "resident_id".into(),
        ..Default::default()
    };
    let rq = query.into_inner().rq;
    intake_page(ctx, &state, &user, input, rq, IntakeShown::default()).await
}

#[derive(serde::Deserialize)]
pub struct IntakeForm {
    #[serde(flatten)]
    input: IntakeInput,
    #[serde(default)]
    preview: String,
}

pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    let input = form.input;
    let to_save = input.clone();
    let u = user.clone();
    let today = state.today();
    let preview = !form.preview.is_empty();
    let result = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            if preview {
                return match service::cases::check_intake(c, &env.staff, &to_save, &env.clock()) {
                    Ok(i) => Ok(IntakeResult::Preview(Preview {
                        received_on: i.received_on,
                        due_on: i.deadline.due_on,
                        steps: explain(&tr, &i.deadline),
                        warnings: warnings(&tr, &i.notes),
                    })),
                    Err(Fail::Fields(f)) => Ok(IntakeResult::Refused(f)),
                    Err(e) => Err(e.into()),
                };
            }
            match service::cases::intake(c, &env.staff, &to_save, &env.clock()) {
                Ok(r) => Ok(IntakeResult::Saved(r.id, warnings(&tr, &r.notes))),
                Err(Fail::Fields(f)) => Ok(IntakeResult::Refused(f)),
                Err(Fail::Duplicate(id, no)) => Ok(IntakeResult::Duplicate(id, no)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let shown = match result {
        IntakeResult::Saved(id, warnings) => {
            flash(&req, tr.t("case-recorded"));
            for w in warnings {
                flash(&req, w);
            }
            return Ok(redirect(&format!("/cases/{id}")));
        }
        IntakeResult::Preview(p) => IntakeShown {
            preview: Some(p),
            ..Default::default()
        },
        IntakeResult::Refused(fields) => IntakeShown {
            errors: FieldErrors::from_fails(&tr, &fields),
            ..Default::default()
        },
        IntakeResult::Duplicate(id, no) => IntakeShown {
            duplicate: Some((id, no)),
            ..Default::default()
        },
    };
    intake_page(ctx, &state, &user, input, String::new(), shown).await
}

enum IntakeResult {
    Saved(i64, Vec<String>),
    Preview(Preview),
    Refused(crate::service::FieldFails),
    Duplicate(i64, String),
}

/// What the clerk is warned of at intake: an identity number held under other names, the
/// same information asked for before, a month's volume reaching the fee tiers.
fn warnings(tr: &Tr, notes: &crate::service::cases::Notes) -> Vec<String> {
    let mut w = Vec::new();
    if !notes.id_held_by.is_empty() {
        let names = notes.id_held_by.join(&tr.t("names-separator"));
        w.push(tr.ta1("intake-id-held-by", "names", names));
    }
    if let Some(no) = &notes.asked_before {
        w.push(tr.ta1("intake-asked-before", "number", no));
    }
    if let Some(n) = notes.nth_this_month {
        w.push(tr.ta1("intake-month-volume", "count", n));
    }
    w
}

// ---------------------------------------------------------------- the case page

/// One line of the timeline.
pub struct TimelineRow {
    pub at: String,
    pub on: String,
    pub who: String,
    pub what: String,
    pub detail: Vec<String>,
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct CasePage {
    ctx: Ctx,
    case: q::Case,
    agency: Agency,
    requester: q::Requester,
    assignee: String,
    deadline: Deadline,
    steps: Vec<String>,
    timeline: Vec<TimelineRow>,
    letters: Vec<q::LetterRow>,
    actions: Vec<&'static str>,
    letter_kinds: Vec<&'static str>,
    assignable: Vec<(i64, String)>,
    today: NaiveDate,
    /// The form shown again after a refusal, with its input and messages.
    open_form: String,
    /// The fields of the refused form, shown again as typed.
    submitted: BTreeMap<String, String>,
    errors: FieldErrors,
    alert: Option<String>,
    /// The requester's identity number in full (after a recorded "show").
    reveal_id: bool,
    /// A third party consulted under art. 32 objected.
    objection: bool,
    extension: Option<ExtensionView>,
    /// The outcome chosen for the decision form: only its fields are shown.
    decide: Option<Outcome>,
    /// Reconsiderations and lawsuits over the case.
    appeals: Vec<AppealRow>,
    /// Corrected appeals not yet answered again.
    owed: Vec<i64>,
    /// The messages the case caused (the applicant's copies of letters or SMS that they
    /// are ready, staff notices).
    mails: Vec<MailRow>,
    /// Files kept with the case.
    attachments: Vec<AttachmentRow>,
    /// The drafting units asked: (task, unit's name).
    tasks: Vec<(db::units::Task, String)>,
    /// Units the case may be sent to.
    units: Vec<(i64, String)>,
    /// The review steps the agency's answers pass (none: answers are made at once).
    review_steps: Vec<ReviewStep>,
    /// The draft under review or sent back, as the page shows it.
    review: Option<ReviewView>,
    /// Submissions for review so far: each has its printable record.
    rounds: usize,
}

/// A draft under review, or the last one sent back, as the case page shows it.
pub struct ReviewView {
    pub round: usize,
    pub drafted_by: String,
    pub drafted_on: NaiveDate,
    pub outcome: String,
    /// Each step: its code, and who passed it and when, or nothing yet.
    pub lines: Vec<ReviewLine>,
    /// The step it waits for; none once sent back.
    pub waiting: Option<&'static str>,
    /// Sent back: at which step, by whom, when and why.
    pub returned: Option<ReviewLine>,
}

pub struct ReviewLine {
    pub step: &'static str,
    pub who: String,
    pub on: String,
    pub text: String,
}

fn review_view(
    round: Option<&crate::domain::review::Round>,
    names: &BTreeMap<i64, String>,
) -> Option<ReviewView> {
    use crate::domain::review::Ending;
    let r = round.filter(|r| matches!(r.ending, Ending::UnderReview | Ending::Returned))?;
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    let line = |e: &crate::domain::review::StepEntry| ReviewLine {
        step: e.step.code(),
        who: name(&e.by),
        on: e.on.to_string(),
        text: e.text.clone(),
    };
    let lines = r
        .steps
        .iter()
        .map(
            |s| match r.entries.iter().find(|e| e.step == *s && !e.returned) {
                Some(e) => line(e),
                None => ReviewLine {
                    step: s.code(),
                    who: String::new(),
                    on: String::new(),
                    text: String::new(),
                },
            },
        )
        .collect();
    Some(ReviewView {
        round: r.number,
        drafted_by: name(&r.by),
        drafted_on: r.on,
        outcome: r.decision.outcome.code().to_string(),
        lines,
        waiting: (r.ending == Ending::UnderReview)
            .then(|| {
                r.steps
                    .iter()
                    .find(|s| !r.entries.iter().any(|e| e.step == **s))
                    .map(|s| s.code())
            })
            .flatten(),
        returned: r.entries.iter().find(|e| e.returned).map(line),
    })
}

/// The fields of the decision form, filled from a draft sent back, so the clerk redrafts
/// from it. The date is left out: other forms share its name.
fn redraft_fields(d: &case::Decision) -> BTreeMap<String, String> {
    [
        ("outcome", d.outcome.code().to_string()),
        ("findings", d.findings.clone()),
        ("reasons", d.reasons.clone()),
        ("extra_basis", d.extra_basis.clone()),
        ("how_provided", d.how_provided.clone()),
        ("other_agency", d.other_agency.clone()),
        ("earlier_answer", d.earlier_answer.clone()),
        ("delivery_method", d.delivery_method.clone()),
        (
            "ground",
            d.ground.map(|g| g.code().to_string()).unwrap_or_default(),
        ),
        ("ground_law", d.ground_law.clone()),
        ("public_interest", d.public_interest.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A message about the case, as its page lists it.
pub struct MailRow {
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub status_code: String,
    /// When it went, or when it was queued.
    pub at: String,
}

impl MailRow {
    fn new(tr: &Tr, m: db::outbox::Message) -> MailRow {
        let at = crate::domain::calendar::china_time(m.sent_at.unwrap_or(m.created_at));
        // An SMS is marked as one: "短信 13800000000".
        let recipient = if m.channel == crate::domain::mail::Channel::Sms.code() {
            format!("{} {}", tr.code("mail-channel", &m.channel), m.recipient)
        } else {
            m.recipient
        };
        MailRow {
            kind: tr.code_or_raw("mail-kind", &m.kind),
            recipient,
            status: tr.code_or_raw("mail-status", &m.status),
            status_code: m.status,
            at: at.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

impl CasePage {
    /// Whether the decision form shows a field: every field until an outcome is chosen.
    fn shows(&self, field: &str) -> bool {
        self.decide.is_none_or(|o| o.form_fields().contains(&field))
    }
    /// The outcomes that use a field, for the script that hides the others.
    fn outcomes_using(&self, field: &str) -> String {
        Outcome::ALL
            .into_iter()
            .filter(|o| o.form_fields().contains(&field))
            .map(Outcome::code)
            .collect::<Vec<_>>()
            .join(" ")
    }
    fn masked(&self) -> String {
        case::mask_id(&self.requester.id_number)
    }
    /// The details form: what was typed after a refusal, or what is registered now.
    fn detail(&self, field: &str) -> String {
        if self.open_form == "edit_details" {
            return self.submitted.get(field).cloned().unwrap_or_default();
        }
        match field {
            "subject" => self.case.subject.clone(),
            "channel" => self.case.channel.clone(),
            "arrived_on" => self.case.arrived_at.date().to_string(),
            "confirmed_on" => self
                .case
                .confirmed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            "r_phone" => self.requester.phone.clone(),
            "r_email" => self.requester.email.clone(),
            "r_address" => self.requester.address.clone(),
            "letter_signed" => self.case.letter_signed.to_string(),
            _ => String::new(),
        }
    }
    fn channels(&self) -> [Channel; 5] {
        Channel::ALL
    }
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
    /// Whether the agency reviews its answers before they are made.
    fn reviewed(&self) -> bool {
        !self.review_steps.is_empty()
    }
    /// The agency's review steps, named in running text.
    fn review_steps_text(&self) -> String {
        let names: Vec<String> = self
            .review_steps
            .iter()
            .map(|s| self.ctx.tr.code("review-step", s.code()))
            .collect();
        self.ctx.tr.names(&names)
    }
    /// The step the draft under review waits for.
    fn waiting_step(&self) -> &'static str {
        self.review.as_ref().and_then(|r| r.waiting).unwrap_or("")
    }
    fn outcomes(&self) -> [Outcome; 23] {
        Outcome::ALL
    }
    fn grounds(&self) -> [Ground; 5] {
        Ground::ALL
    }
    fn delivery_methods(&self) -> [&'static str; 6] {
        service::cases::DELIVERY_METHODS
    }
    /// What staff may say a file is (an applicant's own files come with the application).
    fn attachment_kinds(&self) -> Vec<&'static str> {
        crate::domain::attachment::Kind::ALL
            .iter()
            .filter(|k| {
                !matches!(
                    k,
                    crate::domain::attachment::Kind::ApplicantFile
                        | crate::domain::attachment::Kind::UnitReply
                )
            })
            .map(|k| k.code())
            .collect()
    }
    /// A task's internal deadline has passed with no answer.
    fn task_overdue(&self, t: &db::units::Task) -> bool {
        crate::domain::units::Status::parse(&t.status)
            .is_some_and(|s| crate::domain::units::overdue(s, t.due_on, self.today))
    }
    fn unit_days(&self) -> u32 {
        crate::domain::units::DEFAULT_DAYS
    }
    fn max_attachment_mib(&self) -> usize {
        crate::domain::attachment::MAX_BYTES >> 20
    }
    fn is_open(&self, form: &str) -> bool {
        self.open_form == form
    }
    /// The value of a retained field, or a default.
    fn value<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        match self.submitted.get(field) {
            Some(v) if !v.is_empty() => v,
            _ => default,
        }
    }
    fn selected(&self, field: &str, value: &str) -> bool {
        self.submitted.get(field).is_some_and(|v| v == value)
    }
    fn appeal_kinds(&self) -> [appeal::Kind; 3] {
        appeal::Kind::ALL
    }
    /// A suit against the lack of an answer is what an open case invites.
    fn default_grounds(&self) -> &'static str {
        if self.case.outcome.is_some() {
            "decision"
        } else {
            "inaction"
        }
    }
    fn reviews(&self) -> Vec<&AppealRow> {
        self.appeals
            .iter()
            .filter(|r| r.appeal.kind == appeal::Kind::Review.code())
            .collect()
    }
    fn owed(&self) -> Vec<&AppealRow> {
        self.appeals
            .iter()
            .filter(|r| self.owed.contains(&r.appeal.id))
            .collect()
    }
    /// The update form of one appeal: what was typed after a refusal, or what
    /// is recorded now.
    fn appeal_value(&self, r: &AppealRow, field: &str) -> String {
        let id = r.appeal.id.to_string();
        if self.open_form == "update_appeal" && self.selected("appeal_id", &id) {
            return self.submitted.get(field).cloned().unwrap_or_default();
        }
        let a = &r.appeal;
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match field {
            "served_on" => day(a.served_on),
            "answered_on" => day(a.answered_on),
            "decided_on" => day(a.decided_on),
            "result" => a.result.clone().unwrap_or_default(),
            "doc_numbers" => a.doc_numbers.clone(),
            "notes" => a.notes.clone(),
            _ => String::new(),
        }
    }
}

struct Loaded {
    case: q::Case,
    agency: Agency,
    requester: q::Requester,
    assignee: String,
    deadline: Deadline,
    events: Vec<(q::EventRow, Event)>,
    names: BTreeMap<i64, String>,
    letters: Vec<q::LetterRow>,
    actions: Vec<&'static str>,
    letter_kinds: Vec<&'static str>,
    assignable: Vec<(i64, String)>,
    today: NaiveDate,
    objection: bool,
    extension: Option<ExtensionView>,
    appeals: Vec<AppealRow>,
    owed: Vec<i64>,
    mails: Vec<db::outbox::Message>,
    attachments: Vec<db::attachments::Listed>,
    /// The drafting units asked: (task, unit's name).
    tasks: Vec<(db::units::Task, String)>,
    /// Units the case may be sent to: the agencies under the case's.
    units: Vec<(i64, String)>,
    review_steps: Vec<ReviewStep>,
    review: Option<ReviewView>,
    rounds: usize,
    /// The decision of a draft sent back, to redraft from.
    redraft: Option<case::Decision>,
}

/// What a supervisor needs to decide on an extension, and what a clerk needs to read
/// about one that was refused.
pub struct ExtensionView {
    pub asked_by: String,
    pub asked_on: NaiveDate,
    pub reason: String,
    pub current_due: Option<NaiveDate>,
    /// The deadline engine's date if approved today; none while the clock stands still.
    pub if_approved: Option<NaiveDate>,
    pub days: u32,
    pub refused: Option<String>,
}

fn extension_view(
    case: &q::Case,
    events: &[(q::EventRow, Event)],
    names: &BTreeMap<i64, String>,
    deadline: &Deadline,
    env: &Env,
) -> Option<ExtensionView> {
    let mut view: Option<ExtensionView> = None;
    for (_, e) in events {
        match e {
            Event::ExtensionRequested { on, reason, by } => {
                view = Some(ExtensionView {
                    asked_by: names.get(by).cloned().unwrap_or_default(),
                    asked_on: *on,
                    reason: reason.clone(),
                    current_due: deadline.due_on,
                    if_approved: None,
                    days: deadline.rule_set.extension_days,
                    refused: None,
                })
            }
            Event::ExtensionRefused { reason, .. } => {
                if let Some(v) = view.as_mut() {
                    v.refused = Some(reason.clone());
                }
            }
            Event::ExtensionApproved { .. } => view = None,
            _ => {}
        }
    }
    let mut v = view?;
    if v.refused.is_none() {
        let mut with: Vec<Event> = events.iter().map(|(_, e)| e.clone()).collect();
        with.push(Event::ExtensionApproved {
            on: env.today,
            days: v.days,
            new_due: None,
            by: env.staff.id,
        });
        let after = crate::domain::deadline::compute(
            case.received_on,
            &case::clock_events(&with),
            &env.reference.calendar,
            &env.reference.settings,
            env.today,
        );
        v.if_approved = after.due_on;
    }
    Some(v)
}

fn load(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: i64,
    today: NaiveDate,
) -> Result<Loaded, AppError> {
    let env = env(conn, user, today)?;
    let case = service::cases::load_in_scope(conn, &env.staff, id)?;
    let events = service::cases::history(conn, id)?;
    let plain: Vec<Event> = events.iter().map(|(_, e)| e.clone()).collect();
    let (facts, deadline, _) = service::cases::derive(&case, &plain, &env.clock());
    let agency = env
        .reference
        .agency(case.agency_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let requester = q::find_requester(conn, case.requester_id)?.ok_or(AppError::NotFound)?;
    let rounds = crate::domain::review::rounds(&plain);
    let mut ids: Vec<i64> = events.iter().filter_map(|(r, _)| r.user_id).collect();
    ids.extend(events.iter().filter_map(|(_, e)| match e {
        Event::ExtensionRequested { by, .. } => Some(*by),
        _ => None,
    }));
    ids.extend(
        rounds
            .iter()
            .flat_map(|r| std::iter::once(r.by).chain(r.entries.iter().map(|e| e.by))),
    );
    ids.extend(case.assigned_to);
    ids.extend(case.updated_by);
    let attachments = db::attachments::of_case(conn, id)?;
    let tree = &env.reference.tree;
    let agency_name = |id: i64| {
        env.reference
            .agency(id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let tasks: Vec<(db::units::Task, String)> = db::units::of_case(conn, id)?
        .into_iter()
        .map(|t| {
            let name = agency_name(t.unit_id);
            (t, name)
        })
        .collect();
    let units: Vec<(i64, String)> = tree
        .subtree(&case.agency_id)
        .into_iter()
        .filter(|u| *u != case.agency_id)
        .map(|u| (u, agency_name(u)))
        .collect();
    ids.extend(attachments.iter().filter_map(|a| a.uploaded_by));
    let names: BTreeMap<i64, String> = ids
        .iter()
        .filter_map(|&id| Some((id, env.reference.user(id)?.display_name.clone())))
        .collect();
    let assignee = case
        .assigned_to
        .and_then(|a| names.get(&a).cloned())
        .unwrap_or_default();
    let who = case::Who {
        role: env.staff.role,
        user_id: env.staff.id,
    };
    let actions = Action::ALL
        .into_iter()
        .filter(|a| case::check(*a, &facts, who, &deadline, today).is_ok())
        .map(Action::code)
        .collect();
    let assignable = db::users::in_agencies(conn, &[case.agency_id])?
        .into_iter()
        .filter(|u| u.active && u.role != "admin")
        .map(|u| (u.id, u.display_name))
        .collect();
    let letter_kinds = crate::domain::letters::issuable(&facts, &plain);
    let letters = q::letters(conn, id)?;
    let extension = extension_view(&case, &events, &names, &deadline, &env);
    let appeals = db::appeals::of_case(conn, id)?
        .into_iter()
        .map(|appeal| {
            let listed = db::appeals::Listed {
                appeal,
                tracking_no: case.tracking_no.clone(),
                agency_id: case.agency_id,
                requester_name: case.requester_name.clone(),
            };
            AppealRow::new(listed, &BTreeMap::new(), &env.reference.calendar, today)
        })
        .collect();
    let owed = facts.reanswer_owed().iter().map(|a| a.id).collect();
    let mails = db::outbox::of_case(conn, id)?;
    let review = review_view(rounds.last(), &names);
    let redraft = facts
        .returned
        .as_ref()
        .and(rounds.last())
        .map(|r| r.decision.clone());
    let review_steps = db::review::steps(conn, case.agency_id)?;
    Ok(Loaded {
        case,
        agency,
        requester,
        assignee,
        deadline,
        events,
        names,
        letters,
        actions,
        letter_kinds,
        assignable,
        today,
        objection: facts.objection,
        extension,
        appeals,
        owed,
        mails,
        attachments,
        tasks,
        units,
        review_steps,
        review,
        rounds: rounds.len(),
        redraft,
    })
}

/// How the case page is shown again after a refused action.
pub(crate) struct Shown {
    pub open_form: String,
    pub submitted: BTreeMap<String, String>,
    pub errors: FieldErrors,
    pub alert: Option<String>,
    pub status: StatusCode,
    pub reveal_id: bool,
    pub decide: Option<Outcome>,
}

impl Shown {
    pub fn plain() -> Shown {
        Shown {
            open_form: String::new(),
            submitted: BTreeMap::new(),
            errors: FieldErrors::default(),
            alert: None,
            status: StatusCode::OK,
            reveal_id: false,
            decide: None,
        }
    }
    pub fn alert(text: String) -> Shown {
        Shown {
            alert: Some(text),
            status: StatusCode::CONFLICT,
            ..Shown::plain()
        }
    }
}

pub(crate) async fn case_page(
    ctx: Ctx,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let Shown {
        open_form,
        submitted,
        errors,
        alert,
        status,
        reveal_id,
        decide,
    } = shown;
    let u = user.clone();
    let today = state.today();
    let l = state.db(move |c| load(c, &u, id, today)).await?;
    let tr = ctx.tr;
    // A draft sent back: the decision form starts from it.
    let submitted = match &l.redraft {
        Some(d) if open_form.is_empty() && submitted.is_empty() => redraft_fields(d),
        _ => submitted,
    };
    let timeline = l
        .events
        .iter()
        .map(|(row, e)| TimelineRow {
            at: timeline_time(row.at),
            on: row.on_date.map(|d| d.to_string()).unwrap_or_default(),
            who: row
                .user_id
                .and_then(|u| l.names.get(&u).cloned())
                .unwrap_or_default(),
            what: tr.code("event", e.kind()),
            detail: describe(&tr, e),
        })
        .collect();
    let steps = explain(&tr, &l.deadline);
    html_status(
        status,
        &CasePage {
            ctx,
            case: l.case,
            agency: l.agency,
            requester: l.requester,
            assignee: l.assignee,
            deadline: l.deadline,
            steps,
            timeline,
            letters: l.letters,
            actions: l.actions,
            letter_kinds: l.letter_kinds,
            assignable: l.assignable,
            today: l.today,
            open_form,
            submitted,
            errors,
            alert,
            reveal_id,
            objection: l.objection,
            extension: l.extension,
            decide,
            appeals: l.appeals,
            owed: l.owed,
            mails: l.mails.into_iter().map(|m| MailRow::new(&tr, m)).collect(),
            attachments: l
                .attachments
                .into_iter()
                .map(|a| {
                    let by = a.uploaded_by.and_then(|u| l.names.get(&u));
                    AttachmentRow::new(&tr, a, by)
                })
                .collect(),
            tasks: l.tasks,
            units: l.units,
            review_steps: l.review_steps,
            review: l.review,
            rounds: l.rounds,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    /// The outcome chosen for the decision form (without JavaScript).
    #[serde(default)]
    decide: String,
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let decide = Outcome::parse(query.decide.trim());
    let submitted = decide
        .map(|o| ("outcome".to_string(), o.code().to_string()))
        .into_iter()
        .collect();
    let shown = Shown {
        decide,
        submitted,
        ..Shown::plain()
    };
    case_page(ctx, &state, &user, path.into_inner(), shown).await
}

/// Shows the requester's identity number in full, once, and records who
/// looked at it in the audit log.
pub async fn reveal_identity(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let u = user.clone();
    let today = state.today();
    state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let case = service::cases::load_in_scope(c, &env.staff, id)?;
            db::audit::record(
                c,
                &u.actor(),
                db::audit::Action::RequesterRevealId,
                &case.tracking_no,
                &db::audit::Detail::none(),
            )?;
            Ok(())
        })
        .await?;
    let shown = Shown {
        reveal_id: true,
        ..Shown::plain()
    };
    case_page(ctx, &state, &user, id, shown).await
}

pub async fn act(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    CsrfForm(input): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (id, code) = path.into_inner();
    let action = Action::parse(&code).ok_or(AppError::NotFound)?;
    let u = user.clone();
    let today = state.today();
    let to_do = input.clone();
    let result = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let due_before = q::find(c, id)?.and_then(|c| c.due_on);
            match service::cases::act(c, &env.staff, id, action, &to_do, &env.clock()) {
                Ok(()) => {
                    // A corrected receipt date moves the deadline: say so.
                    let due_after = q::find(c, id)?.and_then(|c| c.due_on);
                    let moved = (action == Action::EditDetails && due_after != due_before)
                        .then_some((due_before, due_after));
                    let waiting = db::review::waiting_step(c, id)?;
                    Ok(Ok((
                        moved,
                        off_days(&env.reference.calendar, action, &to_do),
                        waiting,
                    )))
                }
                Err(e @ (Fail::Fields(_) | Fail::Refused(_) | Fail::Conflict { .. })) => {
                    let who = match &e {
                        Fail::Conflict { by: Some(by), .. } => {
                            db::users::find(c, *by)?.map(|u| u.display_name)
                        }
                        _ => None,
                    };
                    Ok(Err((e, who)))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    let tr = ctx.tr;
    match result {
        Ok((moved, off, waiting)) => {
            for day in off {
                flash(&req, tr.ta1("case-date-not-working-day", "on", day));
            }
            let done = tr.ta1(
                "case-action-done",
                "action",
                tr.code("action", action.code()),
            );
            // An answer that went to review, or on to its next step, says where it waits.
            flash(
                &req,
                match (action, waiting) {
                    (Action::PassReview, Some(step)) => format!(
                        "{done} {}",
                        tr.ta1("case-draft-waiting", "step", tr.code("review-step", &step))
                    ),
                    (
                        Action::Decide | Action::CorrectionOverdue | Action::CloseFeeUnpaid,
                        Some(step),
                    ) => tr.ta1(
                        "case-draft-submitted",
                        "step",
                        tr.code("review-step", &step),
                    ),
                    _ => done,
                },
            );
            if let Some((before, after)) = moved {
                let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or("—".into());
                flash(
                    &req,
                    tr.ta(
                        "case-deadline-recomputed",
                        &[("before", &day(before)), ("after", &day(after))],
                    ),
                );
            }
            Ok(redirect(&format!("/cases/{id}")))
        }
        Err((Fail::Fields(fields), _)) => {
            let shown = Shown {
                open_form: code,
                errors: FieldErrors::from_fails(&tr, &fields),
                alert: Some(tr.t("form-has-errors")),
                status: StatusCode::BAD_REQUEST,
                decide: (action == Action::Decide)
                    .then(|| input.iter().find(|(k, _)| k == "outcome"))
                    .flatten()
                    .and_then(|(_, v)| Outcome::parse(v.trim())),
                submitted: input.into_iter().collect(),
                reveal_id: false,
            };
            case_page(ctx, &state, &user, id, shown).await
        }
        Err((Fail::Refused(key), _)) => {
            case_page(ctx, &state, &user, id, Shown::alert(tr.t(key))).await
        }
        Err((Fail::Conflict { at, .. }, who)) => {
            let alert = conflict(&tr, who, at);
            case_page(ctx, &state, &user, id, Shown::alert(alert)).await
        }
        Err((e, _)) => Err(e.into()),
    }
}

/// Dates typed into a form that the law counts in working days but that fall on a
/// day off (which fields: `Action::working_day_fields`).
fn off_days(calendar: &Calendar, action: Action, fields: &[(String, String)]) -> Vec<NaiveDate> {
    fields
        .iter()
        .filter(|(k, _)| action.working_day_fields().contains(&k.as_str()))
        .filter_map(|(_, v)| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
        .filter(|d| !calendar.is_working_day(*d))
        .collect()
}

/// When a history entry was recorded, China time, to the minute.
pub(crate) fn timeline_time(at: chrono::NaiveDateTime) -> String {
    crate::domain::calendar::china_time(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "Changed by X at T" (China time), for a form that went stale.
pub(crate) fn conflict(tr: &Tr, who: Option<String>, at: chrono::NaiveDateTime) -> String {
    let at = crate::domain::calendar::china_time(at)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let who = who.unwrap_or_default();
    tr.ta("case-conflict", &[("who", &who), ("at", &at)])
}

/// The deadline explanation in the user's language.
pub fn explain(tr: &Tr, d: &Deadline) -> Vec<String> {
    let f = |d: &NaiveDate| d.to_string();
    d.steps
        .iter()
        .map(|s| match s {
            Step::Fallback { year } => tr.ta1("step-fallback", "year", year),
            Step::Received {
                on,
                rule_set_code,
                days,
            } => tr.ta(
                "step-received",
                &[
                    ("on", &f(on)),
                    ("rules", rule_set_code),
                    ("days", &days.to_string()),
                ],
            ),
            Step::CorrectionRequested {
                on,
                due,
                notice_late,
            } => {
                let mut t = tr.ta(
                    "step-correction-requested",
                    &[("on", &f(on)), ("due", &f(due))],
                );
                if *notice_late {
                    t.push_str(&tr.t("step-correction-late"));
                }
                t
            }
            Step::CorrectionRestart { on } => tr.ta1("step-correction-restart", "on", f(on)),
            Step::DayOne { on } => tr.ta1("step-day-one", "on", f(on)),
            Step::HolidaysSkipped { from, to } if from == to => {
                tr.ta1("step-holiday", "on", f(from))
            }
            Step::HolidaysSkipped { from, to } => {
                tr.ta("step-holidays", &[("from", &f(from)), ("to", &f(to))])
            }
            Step::MakeUpWorkday { on } => tr.ta1("step-makeup", "on", f(on)),
            Step::Stopped {
                reason,
                from,
                to,
                lapsed,
                working_days,
            } => {
                let why = tr.code("clock", reason.code());
                let days = working_days.to_string();
                match to {
                    Some(to) => {
                        let key = if *lapsed {
                            "step-stopped-lapsed"
                        } else {
                            "step-stopped"
                        };
                        tr.ta(
                            key,
                            &[
                                ("why", &why),
                                ("from", &f(from)),
                                ("to", &f(to)),
                                ("days", &days),
                            ],
                        )
                    }
                    None => tr.ta(
                        "step-stopped-open",
                        &[("why", &why), ("from", &f(from)), ("days", &days)],
                    ),
                }
            }
            Step::Extended { on, days } => tr.ta(
                "step-extended",
                &[("on", &f(on)), ("days", &days.to_string())],
            ),
            Step::DeadlineSet { on, due } => {
                tr.ta("step-deadline-set", &[("on", &f(on)), ("due", &f(due))])
            }
            Step::Due { on } => tr.ta1("step-due", "on", f(on)),
            Step::Decided { on, late: false } => tr.ta1("step-decided", "on", f(on)),
            Step::Decided { on, late: true } => tr.ta1("step-decided-late", "on", f(on)),
            Step::Reopened { on, due: None } => tr.ta1("step-reopened", "on", f(on)),
            Step::Reopened { on, due: Some(due) } => {
                tr.ta("step-reanswer", &[("on", &f(on)), ("due", &f(due))])
            }
            Step::TooLate { on } => tr.ta1("step-too-late", "on", f(on)),
        })
        .collect()
}

/// The details of a timeline entry.
pub(crate) fn describe(tr: &Tr, e: &Event) -> Vec<String> {
    let l = |key: &str, v: &str| tr.labelled(key, v);
    match e {
        Event::Imported { source, row } => vec![tr.ta(
            "case-imported-from",
            &[("file", source), ("row", &row.to_string())],
        )],
        Event::Intake {
            received_on,
            channel,
            on_the_spot,
        } => {
            let mut v = vec![
                l("field-received-on", &received_on.to_string()),
                l("field-channel", &tr.code("channel", channel)),
            ];
            if *on_the_spot {
                v.push(tr.t("case-on-the-spot"));
            }
            v
        }
        Event::Assigned { to_name, .. } => vec![l("field-assignee", to_name)],
        Event::CorrectionRequested {
            due,
            items,
            late_notice,
            ..
        } => {
            let mut v: Vec<String> = items.iter().map(|i| format!("· {i}")).collect();
            v.push(l("field-correction-due", &due.to_string()));
            if *late_notice {
                v.push(tr.t("case-correction-notice-late"));
            }
            v
        }
        Event::CorrectionReceived { note, .. } => vec![note.clone()],
        Event::ConsultationStarted {
            consultation,
            party,
            matter,
            receipt_on,
            answer_due,
            ..
        } => vec![
            tr.code("consultation", consultation.code()),
            l("field-party", party),
            l("field-matter", matter),
            receipt_on
                .map(|r| l("field-receipt-on", &r.to_string()))
                .unwrap_or_default(),
            l("field-answer-due", &answer_due.to_string()),
        ],
        Event::ConsultationEnded { reply, note, .. } => vec![tr.code("reply", reply), note.clone()],
        Event::ExtensionRequested { reason, .. } | Event::ExtensionRefused { reason, .. } => {
            vec![l("field-reason", reason)]
        }
        Event::ExtensionApproved { days, new_due, .. } => vec![match new_due {
            Some(due) => tr.ta(
                "case-extension-approved",
                &[("days", &days.to_string()), ("due", &due.to_string())],
            ),
            None => tr.ta1("case-extension-approved-stopped", "days", days),
        }],
        Event::ReasonsRequested { note, .. } => vec![note.clone()],
        // A ledger gives the amount without the count behind it.
        Event::FeeProposed {
            units: 0, amount, ..
        } => vec![tr.labelled("field-amount", fees::yuan(*amount))],
        Event::FeeProposed {
            method,
            units,
            amount,
            how_to_pay,
            ..
        } => vec![
            tr.ta(
                &format!("fee-calculation-{}", method.replace('_', "-")),
                &[
                    ("units", &units.to_string()),
                    ("amount", &fees::yuan(*amount)),
                ],
            ),
            tr.labelled("field-how-to-pay", how_to_pay),
        ],
        Event::FeeApproved { .. } => Vec::new(),
        Event::FeeRefused { reason, .. } => vec![tr.labelled("field-reason", reason)],
        Event::FeeNoticeReceived { due, .. } => vec![tr.labelled("field-fee-due", due)],
        Event::FeePaid {
            amount, receipt_no, ..
        } => vec![
            tr.labelled("field-amount", fees::yuan(*amount)),
            tr.labelled("field-receipt-no", receipt_no),
        ],
        Event::FeeCancelled { waived, reason, .. } => vec![
            tr.t(if *waived {
                "fee-waived"
            } else {
                "fee-cancelled"
            }),
            tr.labelled("field-reason", reason),
        ],
        Event::DeadlineSet {
            due,
            reason,
            applicant_reasons,
            ..
        } => vec![
            l("field-due", &due.to_string()),
            l("field-applicant-reasons", applicant_reasons),
            l("field-reason", reason),
        ],
        Event::DraftSubmitted {
            steps, decision, ..
        } => {
            let names: Vec<String> = steps
                .iter()
                .map(|s| tr.code("review-step", s.code()))
                .collect();
            let mut v = vec![l("field-review-steps", &tr.names(&names))];
            v.extend(describe(tr, &Event::Decided(decision.clone())));
            v
        }
        Event::ReviewPassed { step, opinion, .. } => vec![
            tr.code("review-step", step.code()),
            if opinion.is_empty() {
                String::new()
            } else {
                l("field-opinion", opinion)
            },
        ],
        Event::SignedOff { opinion, .. } if opinion.is_empty() => Vec::new(),
        Event::SignedOff { opinion, .. } => vec![l("field-opinion", opinion)],
        Event::DraftReturned { step, reason, .. } => vec![
            tr.code("review-step", step.code()),
            l("field-reason", reason),
        ],
        Event::Decided(d) => {
            let mut v = vec![l("field-outcome", &tr.code("outcome", d.outcome.code()))];
            if let Some(g) = d.ground {
                let ground = match g {
                    Ground::OtherLaw => d.ground_law.clone(),
                    _ => tr.code("ground", g.code()),
                };
                v.push(l("field-ground", &ground));
            }
            if !d.public_interest.is_empty() {
                v.push(l("field-public-interest", &d.public_interest));
            }
            for (k, t) in [
                ("field-findings", &d.findings),
                ("field-reasons", &d.reasons),
                ("field-how-provided", &d.how_provided),
            ] {
                if !t.is_empty() {
                    v.push(l(k, t));
                }
            }
            v
        }
        Event::Delivered {
            method,
            recipient,
            postal_tracking,
            ..
        } => {
            let mut v = vec![
                l("field-method", &tr.code("delivery-method", method)),
                l("field-recipient", recipient),
            ];
            if !postal_tracking.is_empty() {
                v.push(l("field-postal-tracking", postal_tracking));
            }
            v
        }
        Event::Reopened {
            reason,
            due: Some(due),
            ..
        } => vec![l("field-due", &due.to_string()), l("field-reason", reason)],
        Event::Reopened { reason, .. } | Event::Voided { reason, .. } => {
            vec![l("field-reason", reason)]
        }
        Event::AppealFiled {
            appeal_kind,
            grounds,
            filed_on,
            body,
            body_case_no,
            ..
        } => vec![
            tr.code("appeal-kind", appeal_kind.code()),
            tr.code("appeal-grounds", grounds.code()),
            l("field-filed-on", &filed_on.to_string()),
            l("field-appeal-body", body),
            l("field-body-case-no", body_case_no),
        ],
        Event::AppealUpdated {
            appeal_kind,
            answered_on,
            result,
            decided_on,
            doc_numbers,
            ..
        } => {
            let mut v = vec![tr.code("appeal-kind", appeal_kind.code())];
            if let Some(d) = answered_on {
                v.push(l("field-answered-on", &d.to_string()));
            }
            v.push(l(
                "field-appeal-result",
                &tr.code("appeal-result", result.map_or("pending", |r| r.code())),
            ));
            if let Some(d) = decided_on {
                v.push(l("field-decided-on", &d.to_string()));
            }
            if !doc_numbers.is_empty() {
                v.push(l("field-doc-numbers", doc_numbers));
            }
            v
        }
        Event::DetailsEdited { changes, received } => {
            let mut v: Vec<String> = changes
                .iter()
                .map(|c| {
                    let shown = |v: &str| match c.field.as_str() {
                        "channel" => tr.code("channel", v),
                        "letter_signed" => tr.t(if v == "true" { "yes" } else { "no" }),
                        _ if v.is_empty() => "—".to_string(),
                        _ => v.to_string(),
                    };
                    let label = tr.code("detail", &c.field);
                    tr.ta(
                        "label-change",
                        &[
                            ("label", &label),
                            ("from", &shown(&c.old)),
                            ("to", &shown(&c.new)),
                        ],
                    )
                })
                .collect();
            if let Some((before, after)) = received {
                v.push(tr.ta(
                    "case-receipt-moved",
                    &[
                        ("before", &before.to_string()),
                        ("after", &after.to_string()),
                    ],
                ));
            }
            v
        }
        Event::LetterIssued {
            letter, doc_number, ..
        } => {
            let mut v = vec![tr.code("letter", letter)];
            v.extend(doc_number.clone());
            v
        }
        Event::AttachmentAdded {
            file_kind,
            file_name,
            ..
        } => vec![tr.code("attachment-kind", file_kind), file_name.clone()],
        Event::UnitsAsked {
            units, due, note, ..
        } => {
            let names: Vec<String> = units.iter().map(|(_, n)| n.clone()).collect();
            vec![
                tr.list(&names),
                tr.ta1("unit-due", "due", due),
                note.clone(),
            ]
        }
        Event::UnitSigned { unit } => vec![unit.clone()],
        Event::UnitReturned { unit, reason } => vec![unit.clone(), reason.clone()],
        Event::UnitReplied { unit, answer, late } => {
            let mut v = vec![unit.clone(), answer.clone()];
            if *late {
                v.push(tr.t("unit-replied-late"));
            }
            v
        }
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

// ---------------------------------------------------------------- letters

#[derive(serde::Deserialize)]
pub struct IssueForm {
    kind: String,
    #[serde(default)]
    version: String,
}

pub async fn issue_letter(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let kind = crate::domain::letters::LetterKind::parse(&form.kind)
        .ok_or(AppError::BadRequest("error-bad-form"))?;
    let version: i32 = form.version.trim().parse().unwrap_or(-1);
    let u = user.clone();
    let today = state.today();
    let result = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            match service::letters::issue(c, &env.staff, id, kind, version, &env.clock()) {
                Ok(l) => Ok(Ok(l)),
                Err(Fail::Refused(key)) => Ok(Err(Err(key))),
                Err(Fail::Conflict { by, at }) => {
                    let who = match by {
                        Some(by) => db::users::find(c, by)?.map(|u| u.display_name),
                        None => None,
                    };
                    Ok(Err(Ok((who, at))))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let ctx = Ctx::from_req(&req);
    match result {
        Ok(letter) => Ok(redirect(&format!("/cases/{id}/letters/{letter}"))),
        Err(Ok((who, at))) => {
            let alert = conflict(&ctx.tr, who, at);
            case_page(ctx, &state, &user, id, Shown::alert(alert)).await
        }
        Err(Err(key)) => {
            let alert = ctx.tr.t(key);
            case_page(ctx, &state, &user, id, Shown::alert(alert)).await
        }
    }
}

#[derive(Template)]
#[template(path = "cases/letter.html")]
struct LetterPage {
    ctx: Ctx,
    case: q::Case,
    letter: q::LetterRow,
    /// The letter laid out for A4.
    html: String,
}

/// A letter exactly as it was issued, laid out for printing on A4.
pub async fn show_letter(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, letter_id) = path.into_inner();
    let u = user.clone();
    let today = state.today();
    let (case, letter) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let case = service::cases::load_in_scope(c, &env.staff, id)?;
            let letter = q::letter(c, id, letter_id)?.ok_or(AppError::NotFound)?;
            Ok((case, letter))
        })
        .await?;
    let html = super::letters::stored_html(&letter.body)?;
    html_status(
        StatusCode::OK,
        &LetterPage {
            ctx,
            case,
            letter,
            html,
        },
    )
}

// ---------------------------------------------------------------- the review record

#[derive(Template)]
#[template(path = "cases/review.html")]
struct ReviewPage {
    ctx: Ctx,
    case: q::Case,
    /// The record of the submission asked for; none when the case has had no review.
    record: Option<crate::domain::review::Record>,
    round: usize,
    rounds: usize,
}

/// A review record alone, for the dossier.
#[derive(Template)]
#[template(path = "cases/_review_record.html")]
pub(crate) struct ReviewRecordHtml<'a> {
    pub r: &'a crate::domain::review::Record,
}

#[derive(serde::Deserialize)]
pub struct ReviewQuery {
    /// Which submission (from 1); the latest when absent.
    #[serde(default)]
    round: String,
}

/// The review record of a submission (政府信息公开审查单), laid out for A4 as the letters
/// are: printed, signed where a step is still to come, and kept on file.
pub async fn show_review(
    ctx: Ctx,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, AppError> {
    use crate::domain::review;
    let id = path.into_inner();
    let u = user.clone();
    let today = state.today();
    let asked = query.round.trim().parse::<usize>().ok();
    let (case, record, round, rounds) = state
        .db(move |c| {
            let env = env(c, &u, today)?;
            let case = service::cases::load_in_scope(c, &env.staff, id)?;
            let history = service::cases::history(c, id)?;
            let plain: Vec<Event> = history.iter().map(|(_, e)| e.clone()).collect();
            let rounds = review::rounds(&plain);
            let n = asked.unwrap_or(rounds.len());
            let Some(round) = n.checked_sub(1).and_then(|i| rounds.get(i)) else {
                if asked.is_some() {
                    return Err(AppError::NotFound);
                }
                return Ok((case, None, 0, 0));
            };
            let record = service::review::record(c, &case, &history, round)?;
            Ok((case, Some(record), n, rounds.len()))
        })
        .await?;
    html_status(
        StatusCode::OK,
        &ReviewPage {
            ctx,
            case,
            record,
            round,
            rounds,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An action is one form module, one template partial and its labels: none of
    /// them can be forgotten.
    #[test]
    fn every_action_has_its_form_and_labels() {
        let root = env!("CARGO_MANIFEST_DIR");
        let show = std::fs::read_to_string(format!("{root}/templates/cases/show.html")).unwrap();
        for a in Action::ALL {
            let partial = format!("cases/actions/{}.html", a.code());
            assert!(
                std::path::Path::new(&format!("{root}/templates/{partial}")).exists(),
                "no template partial for {}",
                a.code()
            );
            assert!(
                show.contains(&partial),
                "show.html does not include {partial}"
            );
            for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
                let label = Tr::new(lang).code("action", a.code());
                assert!(!label.starts_with("action-"), "no label for {}", a.code());
            }
        }
    }
}
