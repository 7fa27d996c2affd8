//! Permission rules, one function per rule. Services call these and nothing
//! else decides who may do what.

use crate::auth::Actor;
use crate::error::{AppError, AppResult};

/// Managing members, courses, clinics, reports and automatic matching: ADMIN only.
pub fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only an admin may do this"))
    }
}

/// Tenancy: an object of another organisation is treated as absent.
pub fn require_same_organisation(
    actor: &Actor,
    organisation_id: i64,
    what: &'static str,
) -> AppResult<()> {
    if actor.organisation_id == organisation_id {
        Ok(())
    } else {
        Err(AppError::NotFound(what))
    }
}

#[cfg(test)]
mod tests;
