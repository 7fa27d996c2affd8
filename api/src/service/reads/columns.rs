//! Rows read by position: each model's columns listed once, in the order
//! its decoder takes them, so a page's joined statement decodes without
//! looking any column up by name. A field added to a model and not here
//! fails to compile.

use sea_orm::sea_query::{Expr, IntoIden, SelectStatement};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// Takes the value at `at` and moves on.
pub fn take<T: TryGetable>(row: &QueryResult, at: &mut usize) -> Result<T, DbErr> {
    let value = row.try_get_by_index(*at)?;
    *at += 1;
    Ok(value)
}

/// Selects `columns` of `table` (in order) into `query`.
pub fn select<T, C>(query: &mut SelectStatement, table: T, columns: &[C])
where
    T: IntoIden + Clone,
    C: IntoIden + Copy,
{
    for column in columns {
        query.expr(Expr::col((table.clone(), *column)));
    }
}

macro_rules! model_columns {
    ($(#[$doc:meta])* $name:ident: $entity:ident { $($field:ident: $column:ident),* $(,)? }) => {
        $(#[$doc])*
        pub mod $name {
            use entity::$entity::{Column, Model};
            use sea_orm::{DbErr, QueryResult};

            /// The columns [`decode`] reads, in its order.
            pub const COLUMNS: &[Column] = &[$(Column::$column),*];

            /// The model whose columns start at `at`; `at` moves past them.
            pub fn decode(row: &QueryResult, at: &mut usize) -> Result<Model, DbErr> {
                Ok(Model { $($field: super::take(row, at)?),* })
            }

            /// The model whose columns start at `at`, or none when its id is
            /// null (an outer join that found nothing); `at` moves past them.
            #[allow(dead_code)]
            pub fn decode_optional(row: &QueryResult, at: &mut usize) -> Result<Option<Model>, DbErr> {
                let present = row.try_get_by_index::<Option<i64>>(*at)?.is_some();
                if present {
                    decode(row, at).map(Some)
                } else {
                    *at += COLUMNS.len();
                    Ok(None)
                }
            }
        }
    };
}

model_columns!(
    /// A clinic's columns.
    clinic: clinic {
        id: Id,
        organisation_id: OrganisationId,
        series_id: SeriesId,
        seat_pool_id: SeatPoolId,
        facilitator_id: FacilitatorId,
        title: Title,
        description: Description,
        starts_at: StartsAt,
        ends_at: EndsAt,
        timezone: Timezone,
        location: Location,
        online_url: OnlineUrl,
        status: Status,
        cancel_reason: CancelReason,
        cancelled_at: CancelledAt,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
    }
);

/// A clinic as the board shows it when its selection asks for nothing but
/// [`crate::graphql::types::Clinic::BOARD_FIELDS`]: its keys, title and
/// times are read and every other field of the model is blank. Such a model
/// answers those fields (with the seat counts, facilitator, skills and the
/// caller's registration the page reads beside it) and nothing else; the
/// page decides from the selection (see `reads::clinics::Columns`).
pub mod clinic_board {
    use chrono::DateTime;
    use entity::ClinicStatus;
    use entity::clinic::{Column, Model};
    use sea_orm::{DbErr, QueryResult};

    /// The columns [`decode`] reads, in its order.
    pub const COLUMNS: &[Column] = &[
        Column::Id,
        Column::OrganisationId,
        Column::SeatPoolId,
        Column::FacilitatorId,
        Column::Title,
        Column::StartsAt,
        Column::EndsAt,
    ];

    /// The clinic whose columns start at `at`; `at` moves past them.
    pub fn decode(row: &QueryResult, at: &mut usize) -> Result<Model, DbErr> {
        Ok(Model {
            id: super::take(row, at)?,
            organisation_id: super::take(row, at)?,
            seat_pool_id: super::take(row, at)?,
            facilitator_id: super::take(row, at)?,
            title: super::take(row, at)?,
            starts_at: super::take(row, at)?,
            ends_at: super::take(row, at)?,
            series_id: None,
            description: String::new(),
            timezone: String::new(),
            location: None,
            online_url: None,
            status: ClinicStatus::Scheduled,
            cancel_reason: None,
            cancelled_at: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        })
    }
}

model_columns!(
    /// A user's columns.
    user: user {
        id: Id,
        organisation_id: OrganisationId,
        email: Email,
        password_hash: PasswordHash,
        display_name: DisplayName,
        role: Role,
        active: Active,
        token_version: TokenVersion,
        calendar_token: CalendarToken,
        locale: Locale,
        email_kinds: EmailKinds,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
    }
);

/// A member as a page shows them beside something else (a clinic's
/// facilitator) when the selection asks for their id and name only: the two
/// columns are read and every other field of the model is blank. Such a
/// model answers `id` and `displayName` and nothing else; the page decides
/// from the selection (see `reads::clinics::Facilitator`).
pub mod user_card {
    use chrono::DateTime;
    use entity::user::{Column, Locale, Model, Role};
    use sea_orm::{DbErr, QueryResult};

    /// The columns [`decode_optional`] reads, in its order.
    pub const COLUMNS: &[Column] = &[Column::Id, Column::DisplayName];

    /// The card whose columns start at `at`, or none when its id is null;
    /// `at` moves past them.
    pub fn decode_optional(row: &QueryResult, at: &mut usize) -> Result<Option<Model>, DbErr> {
        let id: Option<i64> = super::take(row, at)?;
        let display_name: Option<String> = super::take(row, at)?;
        Ok(id.zip(display_name).map(|(id, display_name)| Model {
            id,
            display_name,
            organisation_id: 0,
            email: String::new(),
            password_hash: String::new(),
            role: Role::Member,
            active: true,
            token_version: 0,
            calendar_token: String::new(),
            locale: Locale::En,
            email_kinds: String::new(),
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }))
    }
}

model_columns!(
    /// A seat's columns.
    seat: seat {
        id: Id,
        pool_id: PoolId,
        user_id: UserId,
        status: Status,
        attended: Attended,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
        confirmed_at: ConfirmedAt,
        cancelled_at: CancelledAt,
        completed_at: CompletedAt,
    }
);

model_columns!(
    /// A skill's columns.
    skill: skill {
        id: Id,
        organisation_id: OrganisationId,
        key: Key,
        name: Name,
        kind: Kind,
        description: Description,
        created_at: CreatedAt,
    }
);

model_columns!(
    /// A course's columns.
    course: course {
        id: Id,
        organisation_id: OrganisationId,
        seat_pool_id: SeatPoolId,
        title: Title,
        summary: Summary,
        status: Status,
        created_by: CreatedBy,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
        published_at: PublishedAt,
        archived_at: ArchivedAt,
    }
);

model_columns!(
    /// A mentor profile's columns.
    mentor_profile: mentor_profile {
        user_id: UserId,
        bio: Bio,
        max_mentees: MaxMentees,
        accepting_mentees: AcceptingMentees,
        active_mentees: ActiveMentees,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
    }
);

model_columns!(
    /// A self-assessed level's columns.
    user_skill: user_skill {
        user_id: UserId,
        skill_id: SkillId,
        level: Level,
        updated_at: UpdatedAt,
    }
);

model_columns!(
    /// A pairing's columns.
    pairing: pairing {
        id: Id,
        organisation_id: OrganisationId,
        request_id: RequestId,
        mentor_id: MentorId,
        learner_id: LearnerId,
        proposed_by: ProposedBy,
        status: Status,
        goals: Goals,
        cancel_reason: CancelReason,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
        responded_at: RespondedAt,
        ended_at: EndedAt,
    }
);

model_columns!(
    /// A mentoring session's columns.
    mentoring_session: mentoring_session {
        id: Id,
        pairing_id: PairingId,
        author_id: AuthorId,
        held_at: HeldAt,
        minutes: Minutes,
        notes: Notes,
        private_note: PrivateNote,
        created_at: CreatedAt,
    }
);

model_columns!(
    /// A notification's columns.
    notification: notification {
        id: Id,
        organisation_id: OrganisationId,
        user_id: UserId,
        kind: Kind,
        message: Message,
        subject_type: SubjectType,
        subject_id: SubjectId,
        created_at: CreatedAt,
        read_at: ReadAt,
        once_key: OnceKey,
    }
);

model_columns!(
    /// A plan goal's columns.
    plan_goal: plan_goal {
        id: Id,
        organisation_id: OrganisationId,
        proposed_by: ProposedBy,
        platform_id: PlatformId,
        title: Title,
        description: Description,
        metric: Metric,
        target: Target,
        starts_on: StartsOn,
        due_on: DueOn,
        status: Status,
        decided_by: DecidedBy,
        decided_at: DecidedAt,
        settled_at: SettledAt,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
    }
);

model_columns!(
    /// A clinic question's columns.
    clinic_question: clinic_question {
        id: Id,
        organisation_id: OrganisationId,
        clinic_id: ClinicId,
        author_id: AuthorId,
        anonymous: Anonymous,
        text: Text,
        created_at: CreatedAt,
        answered_at: AnsweredAt,
    }
);

model_columns!(
    /// A mentoring request's columns.
    mentoring_request: mentoring_request {
        id: Id,
        organisation_id: OrganisationId,
        learner_id: LearnerId,
        message: Message,
        status: Status,
        created_at: CreatedAt,
        updated_at: UpdatedAt,
    }
);
