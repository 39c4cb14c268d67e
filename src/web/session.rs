//! The signed-in user, read from the session cookie and checked against the
//! database on every request (deactivated accounts and reset passwords end
//! sessions at once through the account's session epoch).

use super::AppState;
use crate::db::{self, audit::Actor};
use crate::domain::agency::Tree;
use crate::domain::scope::{self, Role, Scope};
use crate::error::AppError;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::Duration;
use std::future::Future;
use std::pin::Pin;

/// Sessions end after this long without a request (checked on the server).
pub const IDLE_SECONDS: i64 = 8 * 3600;

/// The session id in the cookie; the row it names is the session.
pub const SID: &str = "sid";
const EPOCH: &str = "epoch";
pub const ROLE: &str = "role";
pub const NAME: &str = "name";

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
}

impl CurrentUser {
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role == role {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            username: self.username.clone(),
        }
    }
    pub fn scope(&self, tree: &Tree<i64>) -> Scope {
        scope::scope(self.role, self.agency_id, tree)
    }
}

/// Starts a fresh session for a user who has just proved who they are: a
/// new row on the server and a new cookie.
pub async fn begin(
    state: &AppState,
    session: &Session,
    user: &db::users::User,
) -> Result<(), AppError> {
    let uid = user.id;
    let sid = state
        .db(move |c| {
            Ok(db::sessions::create(
                c,
                uid,
                Duration::seconds(IDLE_SECONDS),
            )?)
        })
        .await?;
    // Clear, not purge: a purged session cannot be written to again.
    session.clear();
    session.renew();
    let put = |k: &str, v: serde_json::Value| {
        session
            .insert(k, v)
            .map_err(|e| AppError::Internal(e.to_string()))
    };
    put(SID, sid.into())?;
    put(EPOCH, user.session_epoch.into())?;
    put(ROLE, user.role.clone().into())?;
    let shown = super::page::header_name(&user.display_name, &user.username);
    put(NAME, shown.into())?;
    // A fresh token now, not on the first page: pages opened side by side
    // right after login must all carry the same one.
    super::csrf::token(session);
    Ok(())
}

/// Ends the session on the server, so a saved copy of the cookie opens nothing.
pub async fn end(state: &AppState, session: &Session) -> Result<(), AppError> {
    if let Ok(Some(sid)) = session.get::<String>(SID) {
        state
            .db(move |c| Ok(db::sessions::delete(c, &sid)?))
            .await?;
    }
    session.purge();
    Ok(())
}

/// Paths a user who must change their password may still open.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(path, "/account/password" | "/logout") || path.starts_with("/static/")
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Already signed in by the access check for this request.
        if let Some(user) = req.extensions().get::<CurrentUser>() {
            let user = user.clone();
            return Box::pin(async move { Ok(user) });
        }
        let req = req.clone();
        Box::pin(async move {
            let session = req.get_session();
            let sid = session.get::<String>(SID).ok().flatten();
            let epoch = session.get::<i64>(EPOCH).ok().flatten();
            let (Some(sid), Some(epoch)) = (sid, epoch) else {
                return Err(AppError::LoginRequired);
            };
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Internal("no state".into()))?
                .clone();
            let now = db::now();
            let user = state
                .db(move |c| {
                    let Some(live) = db::sessions::find(c, &sid)? else {
                        return Ok(None);
                    };
                    let idle = now - live.seen_at;
                    if idle > Duration::seconds(IDLE_SECONDS) {
                        db::sessions::delete(c, &sid)?;
                        return Ok(None);
                    }
                    // Refresh the idle timer at most once a minute to spare writes.
                    if idle > Duration::seconds(60) {
                        db::sessions::touch(c, &sid)?;
                    }
                    Ok(Some(live.user))
                })
                .await?;
            let Some(user) = user.filter(|u| u.active && i64::from(u.session_epoch) == epoch)
            else {
                session.purge();
                return Err(AppError::LoginRequired);
            };
            if user.must_change_password && !allowed_before_password_change(req.path()) {
                return Err(AppError::PasswordChangeRequired);
            }
            Ok(CurrentUser {
                id: user.id,
                username: user.username,
                display_name: user.display_name,
                role: Role::parse(&user.role).ok_or(AppError::Forbidden)?,
                agency_id: user.agency_id,
            })
        })
    }
}
