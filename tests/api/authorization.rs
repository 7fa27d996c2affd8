//! The authorization matrix: every operation, every role, one row each.
//! Each later operation adds its row here.
//!
//! Roles: anonymous, the admin of another organisation acting on the first
//! organisation's objects, a member (who holds registrations, an enrolment
//! and a mentoring request), a mentor (of the rows' pairings), a
//! facilitator (of the rows' clinics), and an admin. The same rows
//! drive the tenancy test: another organisation's ids must answer exactly
//! like ids that do not exist.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Session, TestApp, error_code, spawn_app};
use crate::mentoring;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    OtherAdmin,
    Member,
    Mentor,
    Facilitator,
    Admin,
}

/// Every role, in the order each row runs them.
const ROLES: [Who; 6] = [
    Who::Anonymous,
    Who::OtherAdmin,
    Who::Member,
    Who::Mentor,
    Who::Facilitator,
    Who::Admin,
];

/// What the call must do.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    Allowed,
    Code(&'static str),
}

use Expect::{Allowed, Code};

const UNAUTH: Expect = Code("UNAUTHENTICATED");
const FORBIDDEN: Expect = Code("FORBIDDEN");
const NOT_FOUND: Expect = Code("NOT_FOUND");

/// The organisation the rows act on, and an outsider.
pub struct Fixture {
    pub admin: Session,
    pub member: Session,
    pub other_admin: Session,
    /// The mentor of the rows' pairings.
    pub mentor: Session,
    /// A member of the first organisation that rows may change, and the
    /// facilitator of the rows' clinics.
    pub target: Session,
    pub invitation_id: String,
    /// A clinic in the future, run by `target`.
    pub upcoming_clinic: String,
    /// The member's registration for it.
    pub upcoming_registration: String,
    /// A clinic only the cancel row touches.
    pub cancellable_clinic: String,
    /// The member's registration for a clinic that has started.
    pub started_registration: String,
    /// A skill only the first organisation has.
    pub own_skill: String,
    /// A published course with lessons `lessons`, the member enrolled.
    pub course: String,
    pub lessons: Vec<String>,
    /// The member's enrolment in `course`.
    pub enrolment: String,
    /// A lesson of `course` only the remove row touches.
    pub removable_lesson: String,
    /// A draft course with a lesson, for the publish row.
    pub draft_course: String,
    /// A course only the archive row touches.
    pub archivable_course: String,
    /// The catalogue's LinkedIn skill.
    pub linkedin: String,
    /// The member's ORGANISATION LinkedIn channel, one snapshot of it, and
    /// a channel only the remove row touches.
    pub channel: String,
    pub snapshot: String,
    pub removable_channel: String,
    /// A goal the member proposed, the member's comment on it, and the
    /// member's question to `upcoming_clinic`.
    pub proposed_goal: String,
    pub comment: String,
    pub question: String,
    /// The member's own mentoring request.
    pub member_request: String,
    /// Pairings of `mentor`: proposed, active, and active (for cancel).
    pub proposed_pairing: String,
    pub active_pairing: String,
    pub cancellable_pairing: String,
}

impl Fixture {
    fn session(&self, who: Who) -> Option<&Session> {
        match who {
            Who::Anonymous => None,
            Who::OtherAdmin => Some(&self.other_admin),
            Who::Member => Some(&self.member),
            Who::Mentor => Some(&self.mentor),
            Who::Facilitator => Some(&self.target),
            Who::Admin => Some(&self.admin),
        }
    }
}

type Vars =
    for<'a> fn(&'a TestApp, &'a Fixture, Who) -> Pin<Box<dyn Future<Output = Value> + Send + 'a>>;

/// One operation and what each role gets: [anonymous, other admin, member,
/// mentor, facilitator, admin].
pub struct Row {
    pub operation: &'static str,
    pub document: &'static str,
    pub vars: Vars,
    pub expect: [Expect; 6],
}

fn none<'a>(
    _: &'a TestApp,
    _: &'a Fixture,
    _: Who,
) -> Pin<Box<dyn Future<Output = Value> + Send + 'a>> {
    Box::pin(async { json!({}) })
}

fn email_for(who: Who) -> String {
    format!("{who:?}-{}@example.fi", uuid::Uuid::new_v4().simple()).to_lowercase()
}

/// Every row. Admin runs last in each row, so state it changes cannot affect
/// another role's expectation.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            operation: "me",
            document: "{ me { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "organisation",
            document: "{ organisation { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "members",
            document: "{ members { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "node",
            document: "query($id: ID!) { node(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.target.user_id}) }),
            // Another organisation's object is simply absent: null, no error.
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "nodes",
            document: "query($id: ID!) { nodes(ids: [$id]) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.invitation_id}) }),
            // An invitation out of reach is absent, exactly like a missing one.
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "signUp",
            document: "mutation($e: String!, $p: String!) { signUp(input: {organisationName: \"New\", email: $e, password: $p, displayName: \"N\"}) { accessToken } }",
            vars: |_, _, who| Box::pin(async move { json!({"e": email_for(who), "p": PASSWORD}) }),
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "login",
            document: "mutation($p: String!) { login(input: {email: \"matrix-member@example.fi\", password: $p}) { accessToken } }",
            vars: |_, _, _| Box::pin(async move { json!({"p": PASSWORD}) }),
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "refreshSession",
            document: "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            vars: |app, _, _| {
                Box::pin(async move {
                    let body = app
                        .gql(
                            "mutation($p: String!) { login(input: {email: \"matrix-member@example.fi\", password: $p}) { refreshToken } }",
                            json!({"p": PASSWORD}),
                            None,
                        )
                        .await;
                    json!({"t": body["data"]["login"]["refreshToken"]})
                })
            },
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "logout",
            document: "mutation { logout(refreshToken: \"unknown\") }",
            vars: none,
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "acceptInvitation",
            document: "mutation($t: String!, $p: String!) { acceptInvitation(input: {token: $t, password: $p, displayName: \"New\"}) { accessToken } }",
            vars: |app, f, who| {
                Box::pin(async move {
                    let body = app
                        .gql(
                            "mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }",
                            json!({"e": email_for(who)}),
                            f.admin.token(),
                        )
                        .await;
                    json!({"t": body["data"]["inviteMember"]["token"], "p": PASSWORD})
                })
            },
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "inviteMember",
            document: "mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { token } }",
            vars: |_, _, who| Box::pin(async move { json!({"e": email_for(who)}) }),
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "invitations",
            document: "{ invitations { totalCount } }",
            vars: none,
            // Another organisation's admin lists their own (none of these).
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "revokeInvitation",
            document: "mutation($id: ID!) { revokeInvitation(id: $id) { status } }",
            vars: |app, f, who| {
                Box::pin(async move {
                    let body = app
                        .gql(
                            "mutation($e: String!) { inviteMember(input: {email: $e, role: MEMBER}) { id } }",
                            json!({"e": email_for(who)}),
                            f.admin.token(),
                        )
                        .await;
                    json!({"id": body["data"]["inviteMember"]["id"]})
                })
            },
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "changePassword",
            document: "mutation($p: String!) { changePassword(input: {currentPassword: $p, newPassword: $p}) { id } }",
            vars: |_, _, _| Box::pin(async move { json!({"p": PASSWORD}) }),
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "setMemberRole",
            document: "mutation($id: ID!) { setMemberRole(userId: $id, role: MEMBER) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.target.user_id}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "skills",
            document: "{ skills { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "clinics",
            document: "{ clinics { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "scheduleClinic",
            document: "mutation($f: ID!, $s: DateTime!, $e: DateTime!) { scheduleClinic(input: {title: \"M\", facilitatorId: $f,
                startsAt: $s, endsAt: $e, timezone: \"UTC\", capacity: 3}) { id } }",
            vars: |_, f, _| {
                Box::pin(async move { json!({"f": f.target.user_id, "s": "2027-06-01T10:00:00Z", "e": "2027-06-01T11:00:00Z"}) })
            },
            // Another organisation's member cannot facilitate: as if they did not exist.
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "updateClinic",
            document: "mutation($id: ID!) { updateClinic(id: $id, input: {title: \"Renamed\"}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.upcoming_clinic}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "cancelClinic",
            document: "mutation($id: ID!) { cancelClinic(id: $id, reason: \"x\") { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.cancellable_clinic}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "proposePlanGoal",
            document: "mutation($p: ID!) { proposePlanGoal(input: {title: \"Reach\", platformId: $p, metric: POSTS, target: 40, startsOn: \"2026-12-01\", dueOn: \"2027-03-01\"}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"p": f.linkedin}) }),
            // Anyone proposes, in their own organisation (LinkedIn is shared).
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "decidePlanGoal",
            document: "mutation($id: ID!) { decidePlanGoal(id: $id, accept: true) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.proposed_goal}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "planGoals",
            document: "{ planGoals(first: 5) { edges { node { id status progress } } } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "commentOnPlanGoal",
            document: "mutation($id: ID!) { commentOnPlanGoal(goalId: $id, text: \"Yes\") { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.proposed_goal}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "editPlanComment",
            document: "mutation($id: ID!) { editPlanComment(id: $id, text: \"Edited\") { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.comment}) }),
            // Its author alone, admins included.
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "removePlanComment",
            document: "mutation($id: ID!) { removePlanComment(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.comment}) }),
            // Its author (within 15 minutes) and admins.
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "askClinicQuestion",
            document: "mutation($id: ID!) { askClinicQuestion(clinicId: $id, text: \"Why?\", anonymous: true) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.upcoming_clinic}) }),
            // Only those with a place in it: the member (the others have none yet).
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "markQuestionAnswered",
            document: "mutation($id: ID!) { markQuestionAnswered(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.question}) }),
            // The asker sees it but may not mark it; the mentor cannot see it.
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, NOT_FOUND, Allowed, Allowed],
        },
        Row {
            operation: "registerForClinic",
            document: "mutation($id: ID!) { registerForClinic(clinicId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.upcoming_clinic}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Code("CONFLICT"), Allowed],
        },
        Row {
            operation: "cancelRegistration",
            document: "mutation($id: ID!) { cancelRegistration(registrationId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.upcoming_registration}) }),
            // The holder may cancel their own; an admin anyone's in the organisation.
            expect: [UNAUTH, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN, Allowed],
        },
        Row {
            operation: "markAttendance",
            document: "mutation($id: ID!) { markAttendance(registrationId: $id, attended: true) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.started_registration}) }),
            // The holder sees their registration but may not mark it.
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, NOT_FOUND, Allowed, Allowed],
        },
        Row {
            operation: "resetCalendarToken",
            document: "mutation { resetCalendarToken { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "skillMap",
            document: "{ skillMap { rows { gap } } }",
            vars: none,
            // Every admin sees their own organisation's map.
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "addSkill",
            document: "mutation($n: String!) { addSkill(input: {name: $n, kind: PLATFORM}) { id } }",
            vars: |_, _, who| Box::pin(async move { json!({"n": format!("Skill for {who:?}")}) }),
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "setMySkill",
            document: "mutation($id: ID!) { setMySkill(input: {skillId: $id, level: 4}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.own_skill}) }),
            // Another organisation's skill is unknown there.
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "removeMySkill",
            document: "mutation($id: ID!) { removeMySkill(skillId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.own_skill}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "setMyLearningGoals",
            document: "mutation($id: ID!) { setMyLearningGoals(skillIds: [$id]) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.own_skill}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "courses",
            document: "{ courses { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "createCourse",
            document: "mutation { createCourse(input: {title: \"New\"}) { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "updateCourse",
            document: "mutation($id: ID!) { updateCourse(id: $id, input: {summary: \"More\"}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.course}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "publishCourse",
            document: "mutation($id: ID!) { publishCourse(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.draft_course}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "archiveCourse",
            document: "mutation($id: ID!) { archiveCourse(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.archivable_course}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "reorderLessons",
            document: "mutation($c: ID!, $ids: [ID!]!) { reorderLessons(courseId: $c, lessonIds: $ids) { id } }",
            vars: |app, f, _| {
                Box::pin(async move {
                    let body = app
                        .gql("query($id: ID!) { node(id: $id) { ... on Course { lessons { id } } } }", json!({"id": f.course}), f.admin.token())
                        .await;
                    let mut ids: Vec<Value> = body["data"]["node"]["lessons"].as_array().unwrap().iter().map(|l| l["id"].clone()).collect();
                    ids.reverse();
                    json!({"c": f.course, "ids": ids})
                })
            },
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "addLesson",
            document: "mutation($c: ID!) { addLesson(courseId: $c, input: {title: \"L\", estimatedMinutes: 5}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"c": f.course}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "updateLesson",
            document: "mutation($id: ID!) { updateLesson(id: $id, input: {title: \"Renamed\"}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.lessons[0]}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "removeLesson",
            document: "mutation($id: ID!) { removeLesson(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.removable_lesson}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "enrolInCourse",
            document: "mutation($id: ID!) { enrolInCourse(courseId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.course}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "completeLesson",
            document: "mutation($id: ID!) { completeLesson(lessonId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.lessons[0]}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "cancelEnrolment",
            document: "mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.enrolment}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, NOT_FOUND, NOT_FOUND, Allowed],
        },
        Row {
            operation: "upsertMentorProfile",
            document: "mutation { upsertMentorProfile(input: {maxMentees: 5, acceptingMentees: true}) { maxMentees } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "requestMentoring",
            document: "mutation($id: ID!) { requestMentoring(input: {skillIds: [$id]}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.linkedin}) }),
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "myMentoringRequests",
            document: "{ myMentoringRequests { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "mentoringRequestsICanHelpWith",
            document: "{ mentoringRequestsICanHelpWith { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "mentoringRequests",
            document: "{ mentoringRequests { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "myPairings",
            document: "{ myPairings { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "mentorSuggestions",
            document: "query($id: ID!) { mentorSuggestions(requestId: $id) { score } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.member_request}) }),
            // The learner and admins only.
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "proposePairing",
            document: "mutation($r: ID!, $m: ID!) { proposePairing(input: {requestId: $r, mentorId: $m}) { id } }",
            vars: |_, f, who| {
                Box::pin(async move {
                    let mentor = if who == Who::Admin { &f.admin.user_id } else { &f.target.user_id };
                    json!({"r": f.member_request, "m": mentor})
                })
            },
            // Once matched, the request is out of sight of other members.
            expect: [UNAUTH, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN, Allowed],
        },
        Row {
            operation: "withdrawMentoringRequest",
            document: "mutation($id: ID!) { withdrawMentoringRequest(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.member_request}) }),
            // Only the learner withdraws; once matched, other members do not
            // even see the request (the facilitator is its proposed mentor).
            expect: [UNAUTH, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "respondToPairing",
            document: "mutation($id: ID!) { respondToPairing(pairingId: $id, accept: true) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.proposed_pairing}) }),
            // Only the mentor (here: the member) responds; an admin gets FORBIDDEN.
            expect: [UNAUTH, NOT_FOUND, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN],
        },
        Row {
            operation: "logMentoringSession",
            document: "mutation($id: ID!) { logMentoringSession(pairingId: $id, input: {heldAt: \"2026-11-27T10:00:00Z\", minutes: 30}) { minutes } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.active_pairing}) }),
            expect: [UNAUTH, NOT_FOUND, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN],
        },
        Row {
            operation: "leaveFeedback",
            document: "mutation($id: ID!) { leaveFeedback(pairingId: $id, input: {rating: 5}) { rating } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.active_pairing}) }),
            expect: [UNAUTH, NOT_FOUND, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN],
        },
        Row {
            operation: "completePairing",
            document: "mutation($id: ID!) { completePairing(id: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.active_pairing}) }),
            expect: [UNAUTH, NOT_FOUND, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN],
        },
        Row {
            operation: "cancelPairing",
            document: "mutation($id: ID!) { cancelPairing(id: $id, reason: \"x\") { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.cancellable_pairing}) }),
            expect: [UNAUTH, NOT_FOUND, NOT_FOUND, Allowed, NOT_FOUND, FORBIDDEN],
        },
        Row {
            operation: "autoMatch",
            document: "mutation { autoMatch(dryRun: true) { totalScore } }",
            vars: none,
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "notifications",
            document: "{ notifications { totalCount } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "unreadNotificationCount",
            document: "{ unreadNotificationCount }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "markNotificationsRead",
            document: "mutation { markNotificationsRead(ids: []) { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "notificationAdded",
            document: "subscription { notificationAdded { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "clinicSeatsChanged",
            document: "subscription($id: ID!) { clinicSeatsChanged(clinicId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.upcoming_clinic}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "requestPasswordReset",
            document: "mutation { requestPasswordReset(email: \"matrix-member@example.fi\") }",
            vars: none,
            expect: [Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "resetPassword",
            document: "mutation($p: String!) { resetPassword(input: {token: \"not a token\", newPassword: $p}) { accessToken } }",
            vars: |_, _, _| Box::pin(async move { json!({"p": PASSWORD}) }),
            // Anyone may try; only a mailed token works (see tests/api/mail.rs).
            expect: [Code("BAD_USER_INPUT"); 6],
        },
        Row {
            operation: "updateMe",
            document: "mutation { updateMe(input: {locale: EN}) { id } }",
            vars: none,
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "setDefaultLocale",
            document: "mutation { setDefaultLocale(locale: FI) { id } }",
            vars: none,
            // Another organisation's admin sets their own organisation's.
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "reactivateMember",
            document: "mutation($id: ID!) { reactivateMember(userId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.target.user_id}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "configureSso",
            document: "mutation { configureSso(input: {issuer: \"http://127.0.0.1:1\", clientId: \"c\", clientSecret: \"s\", allowedDomains: [\"example.fi\"]}) { enabled } }",
            vars: none,
            // Admins get as far as reading the (absent) discovery document.
            expect: [UNAUTH, Code("BAD_USER_INPUT"), FORBIDDEN, FORBIDDEN, FORBIDDEN, Code("BAD_USER_INPUT")],
        },
        Row {
            operation: "disableSso",
            document: "mutation { disableSso { enabled } }",
            vars: none,
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "completeSso",
            document: "mutation { completeSso(code: \"not a code\") { accessToken } }",
            vars: none,
            // Anyone may try; only a code from a finished sign-in works (tests/api/sso.rs).
            expect: [Code("BAD_USER_INPUT"); 6],
        },
        Row {
            operation: "addMyChannel",
            document: "mutation($p: ID!, $h: String!) { addMyChannel(input: {platformId: $p, handle: $h}) { id } }",
            vars: |_, f, who| Box::pin(async move { json!({"p": f.linkedin, "h": email_for(who)}) }),
            // LinkedIn is in the shared catalogue: everyone adds a channel of their own.
            expect: [UNAUTH, Allowed, Allowed, Allowed, Allowed, Allowed],
        },
        Row {
            operation: "updateMyChannel",
            document: "mutation($id: ID!) { updateMyChannel(id: $id, input: {visibility: ORGANISATION}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.channel}) }),
            // Colleagues see the channel but only its owner changes it.
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "recordPresence",
            document: "mutation($id: ID!) { recordPresence(input: {channelId: $id, takenOn: \"2026-11-02\", followers: 101, posts: 1, reactions: 1, comments: 1, shares: 1}) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.channel}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "importPresence",
            document: "mutation($id: ID!) { importPresence(channelId: $id, csv: \"date,followers,posts,reactions,comments,shares\\n2026-11-03,102,1,1,1,1\") { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.channel}) }),
            expect: [UNAUTH, NOT_FOUND, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        },
        Row {
            operation: "removeMyChannel",
            document: "mutation($id: ID!) { removeMyChannel(id: $id) }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.removable_channel}) }),
            // Admin runs last: the member removed it already.
            expect: [UNAUTH, NOT_FOUND, Allowed, NOT_FOUND, NOT_FOUND, NOT_FOUND],
        },
        Row {
            operation: "presenceReport",
            document: "{ presenceReport(from: \"2026-01-01\", to: \"2026-11-28\") { platforms { contributors } } }",
            vars: none,
            expect: [UNAUTH, Allowed, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
        Row {
            operation: "deactivateMember",
            document: "mutation($id: ID!) { deactivateMember(userId: $id) { id } }",
            vars: |_, f, _| Box::pin(async move { json!({"id": f.target.user_id}) }),
            expect: [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allowed],
        },
    ]
}

/// The organisations, people and objects every row acts on.
async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.sign_up("Matrix", "matrix-admin@example.fi").await;
    let member = app
        .add_member(&admin, "matrix-member@example.fi", "MEMBER")
        .await;
    let target = app
        .add_member(&admin, "matrix-target@example.fi", "MEMBER")
        .await;
    let mentor = app
        .add_member(&admin, "matrix-mentor@example.fi", "MEMBER")
        .await;
    let other_admin = app.sign_up("Elsewhere", "elsewhere@example.fi").await;
    let invited = app
        .gql("mutation { inviteMember(input: {email: \"pending@example.fi\", role: MEMBER}) { id } }", json!({}), admin.token())
        .await;
    const REGISTER: &str = "mutation($id: ID!) { registerForClinic(clinicId: $id) { id } }";
    let started = app
        .schedule_clinic(
            &admin,
            &target.user_id,
            "2026-11-28T09:05:00Z",
            "2026-11-28T10:00:00Z",
            5,
        )
        .await;
    let started_registration = app
        .gql(REGISTER, json!({"id": started}), member.token())
        .await;
    let upcoming_clinic = app
        .schedule_clinic(
            &admin,
            &target.user_id,
            "2027-01-10T10:00:00Z",
            "2027-01-10T11:00:00Z",
            5,
        )
        .await;
    let upcoming_registration = app
        .gql(REGISTER, json!({"id": upcoming_clinic}), member.token())
        .await;
    let cancellable_clinic = app
        .schedule_clinic(
            &admin,
            &target.user_id,
            "2027-01-11T10:00:00Z",
            "2027-01-11T11:00:00Z",
            5,
        )
        .await;
    let own_skill = app
        .gql(
            "mutation { addSkill(input: {name: \"Matrix skill\", kind: COMPETENCY}) { id } }",
            json!({}),
            admin.token(),
        )
        .await;
    let new_course = |title: &'static str| {
        let admin = admin.clone();
        async move {
            let body = app
                .gql(
                    "mutation($t: String!) { createCourse(input: {title: $t}) { id } }",
                    json!({"t": title}),
                    admin.token(),
                )
                .await;
            body["data"]["createCourse"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let add_lesson = |course: String| {
        let admin = admin.clone();
        async move {
            let body = app
                .gql("mutation($c: ID!) { addLesson(courseId: $c, input: {title: \"L\", estimatedMinutes: 5}) { id } }", json!({"c": course}), admin.token())
                .await;
            body["data"]["addLesson"]["id"].as_str().unwrap().to_owned()
        }
    };
    let course = new_course("Matrix course").await;
    let lessons = vec![
        add_lesson(course.clone()).await,
        add_lesson(course.clone()).await,
    ];
    let removable_lesson = add_lesson(course.clone()).await;
    app.gql(
        "mutation($id: ID!) { publishCourse(id: $id) { id } }",
        json!({"id": course}),
        admin.token(),
    )
    .await;
    let enrolment = app
        .gql(
            "mutation($id: ID!) { enrolInCourse(courseId: $id) { id } }",
            json!({"id": course}),
            member.token(),
        )
        .await["data"]["enrolInCourse"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft_course = new_course("Draft").await;
    add_lesson(draft_course.clone()).await;
    let archivable_course = new_course("Archivable").await;
    // Mentoring: the member, the target and the admin mentor LinkedIn; three
    // more learners propose the member as their mentor.
    let linkedin = app.skill_id(&admin, "linkedin").await;
    for who in [&member, &mentor, &target, &admin] {
        app.gql(
            "mutation($id: ID!) { setMySkill(input: {skillId: $id, level: 5}) { id } }",
            json!({"id": linkedin}),
            who.token(),
        )
        .await;
        app.gql("mutation { upsertMentorProfile(input: {maxMentees: 5, acceptingMentees: true}) { maxMentees } }", json!({}), who.token())
            .await;
    }
    let member_request = mentoring::request(app, &member, &[&linkedin]).await;
    let mut mentored = Vec::new();
    for learner in app.bulk_members(&admin, 3).await {
        mentored.push(mentoring::proposal(app, &learner, &mentor, &linkedin).await);
    }
    for pairing in &mentored[1..] {
        app.gql(
            "mutation($id: ID!) { respondToPairing(pairingId: $id, accept: true) { id } }",
            json!({"id": pairing}),
            mentor.token(),
        )
        .await;
    }
    // The first clinic has started; every token is still valid.
    app.clock.advance(chrono::Duration::minutes(6));
    let id_of = |body: &Value| {
        body["data"]["registerForClinic"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    const ADD_CHANNEL: &str = "mutation($p: ID!, $h: String!) { addMyChannel(input: {platformId: $p, handle: $h}) { id } }";
    let mut channels = Vec::new();
    for handle in ["matrix-member", "matrix-member-old"] {
        let body = app
            .gql(
                ADD_CHANNEL,
                json!({"p": linkedin, "h": handle}),
                member.token(),
            )
            .await;
        channels.push(
            body["data"]["addMyChannel"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
        );
    }
    let recorded = app
        .gql(
            "mutation($c: ID!) { recordPresence(input: {channelId: $c, takenOn: \"2026-11-01\", followers: 100, posts: 1, reactions: 2, comments: 0, shares: 0}) { id } }",
            json!({"c": channels[0]}),
            member.token(),
        )
        .await;
    let goal = app
        .gql(
            "mutation($p: ID!) { proposePlanGoal(input: {title: \"Matrix goal\", platformId: $p, metric: FOLLOWERS, target: 1000, startsOn: \"2026-12-01\", dueOn: \"2027-06-01\"}) { id } }",
            json!({"p": linkedin}),
            member.token(),
        )
        .await["data"]["proposePlanGoal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let comment = app
        .gql(
            "mutation($g: ID!) { commentOnPlanGoal(goalId: $g, text: \"Agreed\") { id } }",
            json!({"g": goal}),
            member.token(),
        )
        .await["data"]["commentOnPlanGoal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let question = app
        .gql(
            "mutation($c: ID!) { askClinicQuestion(clinicId: $c, text: \"How?\", anonymous: false) { id } }",
            json!({"c": upcoming_clinic}),
            member.token(),
        )
        .await["data"]["askClinicQuestion"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixture {
        proposed_goal: goal,
        comment,
        question,
        channel: channels[0].clone(),
        snapshot: recorded["data"]["recordPresence"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{recorded}"))
            .to_owned(),
        removable_channel: channels[1].clone(),
        invitation_id: invited["data"]["inviteMember"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        upcoming_clinic,
        upcoming_registration: id_of(&upcoming_registration),
        cancellable_clinic,
        started_registration: id_of(&started_registration),
        own_skill: own_skill["data"]["addSkill"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        linkedin,
        member_request,
        proposed_pairing: mentored[0].clone(),
        active_pairing: mentored[1].clone(),
        cancellable_pairing: mentored[2].clone(),
        course,
        lessons,
        enrolment,
        removable_lesson,
        draft_course,
        archivable_course,
        admin,
        member,
        mentor,
        other_admin,
        target,
    }
}

#[tokio::test]
async fn every_role_gets_exactly_what_its_row_says() {
    let app = spawn_app().await;
    let fixture = fixture(&app).await;

    let mut failures = Vec::new();
    for row in rows() {
        for (who, expect) in ROLES.into_iter().zip(row.expect) {
            let vars = (row.vars)(&app, &fixture, who).await;
            let token = fixture.session(who).map(|s| s.access_token.as_str());
            let body = if row.document.starts_with("subscription") {
                subscribe(&app, row.operation, row.document, vars, token).await
            } else {
                app.gql(row.document, vars, token).await
            };
            let ok = match expect {
                Allowed => {
                    body.get("errors").is_none() && body["data"].get(row.operation).is_some()
                }
                Code(code) => error_code(&body) == Some(code),
            };
            if !ok {
                failures.push(format!(
                    "{} as {who:?}: expected {expect:?}, got {body}",
                    row.operation
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs a subscription over WebSocket and reports it like an HTTP answer: a
/// refused connection as UNAUTHENTICATED, an error on the subscription as
/// that error, and a subscription still open after a round trip as allowed.
async fn subscribe(
    app: &TestApp,
    operation: &str,
    document: &str,
    vars: Value,
    token: Option<&str>,
) -> Value {
    let mut client = crate::helpers::WsClient::connect(app, token).await;
    if client.next().await.is_err() {
        return json!({"errors": [{"extensions": {"code": "UNAUTHENTICATED"}}]});
    }
    client.subscribe("row", document, vars).await;
    // An invalid subscription is answered at once; by then the row's own
    // refusal, if any, has been sent.
    client
        .subscribe("probe", "subscription { probe }", json!({}))
        .await;
    loop {
        let message = client.next().await.unwrap_or_default();
        if message["id"] == "row" && message["payload"]["errors"].is_array() {
            return json!({"errors": message["payload"]["errors"]});
        }
        if message["id"] == "probe" {
            return json!({"data": {operation: "subscribed"}});
        }
    }
}

/// Every root field of the schema: the list the matrix must cover.
pub fn root_fields() -> Vec<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc =
        async_graphql::parser::parse_schema(voimavara_api::graphql::sdl()).expect("the SDL parses");
    let mut fields = Vec::new();
    for definition in doc.definitions {
        if let TypeSystemDefinition::Type(ty) = definition
            && ["Query", "Mutation", "Subscription"].contains(&ty.node.name.node.as_str())
            && let TypeKind::Object(object) = &ty.node.kind
        {
            fields.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
        }
    }
    fields
}

#[test]
fn every_query_mutation_and_subscription_has_a_row() {
    let covered: Vec<&str> = rows().iter().map(|row| row.operation).collect();
    let fields = root_fields();
    assert!(fields.len() >= covered.len());
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| !covered.contains(&f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without an authorization row: {missing:?}"
    );
}

/// The variables with every global id (but the `shared` ones: the skill
/// catalogue belongs to every organisation) replaced by an id of the same
/// kind that does not exist, and how many were replaced.
fn with_missing_ids(value: &Value, shared: &[&str]) -> (Value, usize) {
    use voimavara_api::graphql::ids::{decode_any, encode};
    match value {
        Value::String(text) if shared.contains(&text.as_str()) => (value.clone(), 0),
        Value::String(text) => match decode_any(text, "id") {
            Ok((kind, raw)) => (json!(encode(kind, 1_000_000_000 + raw).0), 1),
            Err(_) => (value.clone(), 0),
        },
        Value::Array(items) => {
            let mut count = 0;
            let items = items
                .iter()
                .map(|item| {
                    let (item, n) = with_missing_ids(item, shared);
                    count += n;
                    item
                })
                .collect();
            (Value::Array(items), count)
        }
        Value::Object(map) => {
            let mut count = 0;
            let map = map
                .iter()
                .map(|(key, item)| {
                    let (item, n) = with_missing_ids(item, shared);
                    count += n;
                    (key.clone(), item)
                })
                .collect();
            (Value::Object(map), count)
        }
        other => (other.clone(), 0),
    }
}

/// Tenancy: the admin of another organisation, given this organisation's ids
/// in every operation that takes one (every row of the matrix whose
/// variables hold an id) and in `node`/`nodes` for every kind of object,
/// gets exactly the answer an id that does not exist gets.
#[tokio::test]
async fn another_organisations_ids_answer_exactly_like_missing_ones() {
    let app = spawn_app().await;
    let fixture = fixture(&app).await;
    let outsider = Some(fixture.other_admin.access_token.as_str());
    let run = |document: &'static str, operation: &'static str, vars: Value| {
        let app = &app;
        async move {
            if document.starts_with("subscription") {
                subscribe(app, operation, document, vars, outsider).await
            } else {
                app.gql(document, vars, outsider).await
            }
        }
    };

    let shared = [fixture.linkedin.as_str()];
    let mut failures = Vec::new();
    let mut compared = 0;
    for row in rows() {
        let foreign = (row.vars)(&app, &fixture, Who::OtherAdmin).await;
        let (missing, swapped) = with_missing_ids(&foreign, &shared);
        if swapped == 0 {
            continue;
        }
        let with_foreign = run(row.document, row.operation, foreign).await;
        let with_missing = run(row.document, row.operation, missing).await;
        compared += 1;
        if with_foreign != with_missing {
            failures.push(format!(
                "{}: foreign ids gave {with_foreign}, missing ids gave {with_missing}",
                row.operation
            ));
        }
    }

    // Every kind of object through node and nodes.
    let organisation = app
        .gql("{ organisation { id } }", json!({}), fixture.admin.token())
        .await["data"]["organisation"]["id"]
        .clone();
    let notification = app
        .gql(
            "{ notifications(first: 1) { edges { node { id } } } }",
            json!({}),
            fixture.mentor.token(),
        )
        .await["data"]["notifications"]["edges"][0]["node"]["id"]
        .clone();
    let objects = [
        json!(fixture.member.user_id),
        organisation,
        json!(fixture.invitation_id),
        json!(fixture.own_skill),
        json!(fixture.upcoming_clinic),
        json!(fixture.upcoming_registration),
        json!(fixture.course),
        json!(fixture.lessons[0]),
        json!(fixture.enrolment),
        json!(fixture.member_request),
        json!(fixture.active_pairing),
        notification,
        json!(fixture.channel),
        json!(fixture.snapshot),
        json!(fixture.proposed_goal),
        json!(fixture.comment),
        json!(fixture.question),
    ];
    let mut kinds = std::collections::HashSet::new();
    for id in &objects {
        let (missing, swapped) = with_missing_ids(id, &[]);
        assert_eq!(swapped, 1, "{id} is a global id");
        kinds.insert(
            voimavara_api::graphql::ids::decode_any(id.as_str().unwrap(), "id")
                .unwrap()
                .0
                .name(),
        );
        const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
        const NODES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        let node = run(NODE, "node", json!({"id": id})).await;
        let absent = run(NODE, "node", json!({"id": missing})).await;
        compared += 1;
        if node != absent || node != json!({"data": {"node": null}}) {
            failures.push(format!("node({id}): {node} vs {absent}"));
        }
        let nodes = run(NODES, "nodes", json!({"ids": [id, missing]})).await;
        if nodes != json!({"data": {"nodes": [null, null]}}) {
            failures.push(format!("nodes([{id}, missing]): {nodes}"));
        }
    }
    assert_eq!(kinds.len(), objects.len(), "one object of every kind");
    assert!(compared >= 40, "only {compared} comparisons");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
