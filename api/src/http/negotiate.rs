//! Content negotiation for GraphQL over HTTP.

/// The media types a GraphQL response can be sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// `application/graphql-response+json`: status codes follow the outcome.
    GraphqlResponse,
    /// `application/json`: the legacy type, always 200 for a well-formed request.
    Json,
}

impl ResponseType {
    /// The `Content-Type` header value.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from an `Accept` header; `None` when nothing the
/// client accepts can be produced (406). A missing header, `*/*` and
/// `application/*` mean `application/json`, as the specification asks of
/// servers during the transition period (older clients send those).
pub fn negotiate(accept: Option<&str>) -> Option<ResponseType> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(ResponseType::Json);
    };
    let mut best: Option<(f32, u8, ResponseType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut quality = 1.0f32;
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                quality = value.trim().parse().unwrap_or(0.0);
            }
        }
        if quality <= 0.0 {
            continue;
        }
        // Ties go to the more specific and newer type.
        let candidate = match media.as_str() {
            "application/graphql-response+json" => {
                Some((quality, 3, ResponseType::GraphqlResponse))
            }
            "application/json" => Some((quality, 2, ResponseType::Json)),
            "application/*" | "*/*" => Some((quality, 1, ResponseType::Json)),
            _ => None,
        };
        if let Some(candidate) = candidate
            && best.is_none_or(|b| (candidate.0, candidate.1) > (b.0, b.1))
        {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, ty)| ty)
}

/// Whether a `Content-Type` names JSON in UTF-8.
pub fn is_json_content_type(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests;
