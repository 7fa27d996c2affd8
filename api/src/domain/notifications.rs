//! What notifications are about: the one list of kinds, stored by name.

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Someone accepted an invitation the member sent.
    InvitationAccepted,
    /// The member moved from a waitlist to a confirmed place.
    WaitlistPromoted,
    /// A clinic the member registered for was cancelled.
    ClinicCancelled,
    /// A clinic the member registered for starts at another time.
    ClinicMoved,
    /// The member was proposed as a mentor.
    PairingProposed,
    /// The member's mentor accepted.
    PairingAccepted,
    /// The mentor declined.
    PairingDeclined,
    /// A pairing or proposal the member is part of was cancelled.
    PairingCancelled,
    /// A pairing the member is part of was completed.
    PairingCompleted,
    /// The other party left feedback.
    FeedbackReceived,
    /// A goal the member proposed was decided: accepted or declined by an
    /// admin, or achieved or missed by its figures.
    PlanGoalDecided,
    /// Someone commented on a goal the member proposed or commented on.
    PlanGoalCommented,
    /// A member asked a question of a clinic the member facilitates.
    ClinicQuestionAsked,
    /// A clinic the member has a place in starts within a day.
    ClinicReminder,
    /// A kind this server version does not know (written by a newer one).
    Other,
}

impl Kind {
    /// Every kind a server writes.
    pub const ALL: [Kind; 14] = [
        Kind::InvitationAccepted,
        Kind::WaitlistPromoted,
        Kind::ClinicCancelled,
        Kind::ClinicMoved,
        Kind::PairingProposed,
        Kind::PairingAccepted,
        Kind::PairingDeclined,
        Kind::PairingCancelled,
        Kind::PairingCompleted,
        Kind::FeedbackReceived,
        Kind::PlanGoalDecided,
        Kind::PlanGoalCommented,
        Kind::ClinicQuestionAsked,
        Kind::ClinicReminder,
    ];

    /// The stored name, which is also the GraphQL enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvitationAccepted => "INVITATION_ACCEPTED",
            Kind::WaitlistPromoted => "WAITLIST_PROMOTED",
            Kind::ClinicCancelled => "CLINIC_CANCELLED",
            Kind::ClinicMoved => "CLINIC_MOVED",
            Kind::PairingProposed => "PAIRING_PROPOSED",
            Kind::PairingAccepted => "PAIRING_ACCEPTED",
            Kind::PairingDeclined => "PAIRING_DECLINED",
            Kind::PairingCancelled => "PAIRING_CANCELLED",
            Kind::PairingCompleted => "PAIRING_COMPLETED",
            Kind::FeedbackReceived => "FEEDBACK_RECEIVED",
            Kind::PlanGoalDecided => "PLAN_GOAL_DECIDED",
            Kind::PlanGoalCommented => "PLAN_GOAL_COMMENTED",
            Kind::ClinicQuestionAsked => "CLINIC_QUESTION_ASKED",
            Kind::ClinicReminder => "CLINIC_REMINDER",
            Kind::Other => "OTHER",
        }
    }

    /// The kind stored under `name` (`Other` for a name this version does not know).
    pub fn parse(name: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .unwrap_or(Kind::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), kind);
        }
        assert_eq!(Kind::parse("SOMETHING_NEWER"), Kind::Other);
    }
}
