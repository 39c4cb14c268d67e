//! Who may open a route, enforced once for every route from the route table
//! (`super::ROUTES`) before any form is read; handlers still check roles and
//! each case's agency scope themselves.

use super::session::CurrentUser;
use crate::domain::scope::Role;
use crate::error::AppError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in member of staff.
    Staff,
    /// Supervisors and administrators.
    Supervisor,
    /// Administrators only.
    Admin,
}

impl Access {
    /// Whether a signed-in user of this role may open the route.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::Staff => true,
            Access::Supervisor => role != Role::Clerk,
            Access::Admin => role == Role::Admin,
        }
    }
}

/// The access the route table gives a request's route (unknown: public,
/// which answers 404 anyway).
fn access_of(req: &ServiceRequest) -> Access {
    let Some(pattern) = req.match_pattern() else {
        return Access::Public;
    };
    let method = req.method().as_str();
    super::ROUTES
        .iter()
        .find(|(m, p, _)| *p == pattern && m.eq_ignore_ascii_case(method))
        .map_or(Access::Public, |r| r.2)
}

/// Middleware: signs the user in from the session and checks the role before
/// the handler reads anything, so a refused role reads 403 whatever the form
/// held. The user found is kept for the handler's own `CurrentUser`.
pub async fn enforce<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let access = access_of(&req);
    if access != Access::Public {
        let user = CurrentUser::from_request(req.request(), &mut Payload::None).await;
        let refusal = match user {
            Err(e) => Some(e),
            Ok(u) if !access.allows(u.role) => Some(AppError::Forbidden),
            Ok(u) => {
                req.extensions_mut().insert(u);
                None
            }
        };
        if let Some(e) = refusal {
            return Ok(req.error_response(e).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_against_access() {
        use Role::*;
        for (access, allowed) in [
            (Access::Staff, [true, true, true]),
            (Access::Supervisor, [false, true, true]),
            (Access::Admin, [false, false, true]),
        ] {
            for (role, ok) in [Clerk, Supervisor, Admin].into_iter().zip(allowed) {
                assert_eq!(access.allows(role), ok, "{access:?} {role:?}");
            }
        }
    }

    #[test]
    fn every_admin_page_is_for_administrators() {
        for (_, path, access) in super::super::ROUTES {
            if path.starts_with("/admin") {
                assert_eq!(*access, Access::Admin, "{path}");
            }
        }
    }
}
