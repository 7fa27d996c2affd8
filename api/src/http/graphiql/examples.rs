//! The example documents GraphiQL opens with: one tab per thing a newcomer
//! tries first, written against the demo organisation (`serve --demo`).

/// (query, variables, headers) of each tab, in order.
pub const TABS: &[(&str, &str, &str)] = &[
    (
        r#"# Welcome to Voimavara. Run this (▶) to sign in as the demo learner,
# then copy "accessToken" into the Headers tab below as
#   {"Authorization": "Bearer <accessToken>"}
# and try the other tabs. The admin is aino.virtanen@kuusisto.example and
# the mentor matti.korhonen@kuusisto.example (same password).
mutation SignIn($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    accessToken
    expiresAt
    user { displayName role }
  }
}
"#,
        r#"{"email": "liisa.makinen@kuusisto.example", "password": "kokeile-voimavaraa"}"#,
        "",
    ),
    (
        r#"# The clinic board: what is coming up, how many seats are left, and
# where you stand.
query ClinicBoard {
  clinics(first: 10) {
    totalCount
    edges {
      node {
        id
        title
        startsAt
        timezone
        seatsLeft
        waitlistLength
        facilitator { displayName }
        skills { name }
        myRegistration { status waitlistPosition }
      }
    }
  }
}
"#,
        "",
        r#"{"Authorization": "Bearer <accessToken>"}"#,
    ),
    (
        r#"# Take a seat (or a place on the waitlist). Put a clinic id from the
# board into the variables.
mutation Register($clinicId: ID!) {
  registerForClinic(clinicId: $clinicId) {
    id
    status
    waitlistPosition
    clinic { title seatsLeft waitlistLength }
  }
}
"#,
        r#"{"clinicId": "<an id from the clinic board>"}"#,
        r#"{"Authorization": "Bearer <accessToken>"}"#,
    ),
    (
        r#"# Your open mentoring requests, and the mentors suggested for each,
# ranked and explained.
query MySuggestions {
  myMentoringRequests(first: 5) {
    edges {
      node {
        id
        status
        skills { name }
        pairings { status mentor { displayName } }
      }
    }
  }
}

query SuggestionsFor($requestId: ID!) {
  mentorSuggestions(requestId: $requestId, first: 3) {
    mentor { displayName }
    score
    reasons { skill { name } mentorLevel learnerLevel points }
  }
}
"#,
        r#"{"requestId": "<an id from MySuggestions>"}"#,
        r#"{"Authorization": "Bearer <accessToken>"}"#,
    ),
    (
        r#"# The expertise map (sign in as the admin): supply and demand per
# skill, and the hidden experts nobody has asked yet.
query SkillMap {
  skillMap {
    rows { skill { name } experts mentoringExperts learners gap }
    hiddenExperts { user { displayName } skills { skill { name } level } }
  }
}
"#,
        "",
        r#"{"Authorization": "Bearer <accessToken>"}"#,
    ),
];
