//! `GET /auth/sso/start` and `GET /auth/sso/callback`: the browser's side of
//! single sign-on (see [`crate::service::sso`]). Both answer with a redirect;
//! what cannot be redirected safely (an unknown organisation, a
//! `redirect_uri` outside the frontend) is a 400 with a plain reason.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::HttpState;
use crate::error::AppError;
use crate::graphql::ids::{self, Kind};
use crate::service::sso::{self, Callback};

/// `?organisation=<Organisation id>&redirect_uri=<a page of the frontend>`.
#[derive(Debug, Deserialize)]
pub struct Start {
    organisation: Option<String>,
    redirect_uri: Option<String>,
}

/// Sends the browser to the organisation's provider.
pub async fn start(query: web::Query<Start>, http: web::Data<HttpState>) -> HttpResponse {
    let state = &http.state;
    let (Some(organisation), Some(redirect_uri)) = (&query.organisation, &query.redirect_uri)
    else {
        return refused("organisation and redirect_uri are both required");
    };
    let Ok(organisation) = ids::decode(organisation, Kind::Organisation, "organisation") else {
        return refused("organisation is not an Organisation id");
    };
    match sso::start(state, &state.app_url(), organisation, redirect_uri).await {
        Ok(url) => redirect(&url),
        Err(AppError::BadInput { message, .. }) => refused(&message),
        Err(AppError::Conflict(message)) => HttpResponse::BadGateway()
            .content_type("text/plain; charset=utf-8")
            .body(message),
        Err(err) => {
            tracing::error!(error = %err, "single sign-on could not start");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// `?state=…&code=…` (or `&error=…`) from the provider.
#[derive(Debug, Deserialize)]
pub struct Back {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

/// Finishes the flow and sends the browser back to the frontend.
pub async fn callback(query: web::Query<Back>, http: web::Data<HttpState>) -> HttpResponse {
    let state = &http.state;
    let back = Callback {
        state: query.state.clone(),
        code: query.code.clone(),
        error: query.error.clone(),
    };
    match sso::callback(state, &state.app_url(), back).await {
        Ok(url) => redirect(&url),
        Err(err) => {
            tracing::error!(error = %err, "single sign-on could not finish");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn redirect(url: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, url))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn refused(reason: &str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(reason.to_owned())
}
