//! `GET /calendar/<token>.ics`: a member's clinics as iCalendar.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::HttpState;
use crate::error::AppError;
use crate::service::calendar;

/// Serves the feed; an unknown or revoked address is 404.
pub async fn feed(path: web::Path<String>, http: web::Data<HttpState>) -> HttpResponse {
    let Some(token) = path
        .strip_suffix(".ics")
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
    else {
        return HttpResponse::NotFound().finish();
    };
    match calendar::feed(&http.state, token).await {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .body(body),
        Err(AppError::NotFound(_)) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}
