//! The domain's statuses and the stored ones, converted at the service
//! boundary (the domain knows nothing of the database's types).

use crate::domain::courses;
use crate::domain::mentoring as rules;
use crate::domain::plan;

macro_rules! mirror {
    ($stored:ty, $domain:ty, [$($variant:ident),+ $(,)?]) => {
        impl From<$stored> for $domain {
            fn from(status: $stored) -> Self {
                match status {
                    $(<$stored>::$variant => <$domain>::$variant,)+
                }
            }
        }

        impl From<$domain> for $stored {
            fn from(status: $domain) -> Self {
                match status {
                    $(<$domain>::$variant => <$stored>::$variant,)+
                }
            }
        }
    };
}

mirror!(
    entity::PairingStatus,
    rules::PairingStatus,
    [Proposed, Active, Declined, Cancelled, Completed]
);
mirror!(
    entity::RequestStatus,
    rules::RequestStatus,
    [Open, Matched, Withdrawn, Closed]
);
mirror!(
    entity::CourseStatus,
    courses::CourseStatus,
    [Draft, Published, Archived]
);
mirror!(
    entity::GoalStatus,
    plan::GoalStatus,
    [Proposed, Accepted, Declined, Achieved, Missed]
);
mirror!(
    entity::Metric,
    plan::Metric,
    [Followers, Posts, Interactions, EngagementRate]
);
