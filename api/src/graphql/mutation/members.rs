//! `inviteMember`, `acceptInvitation`, `setMemberRole`, `deactivateMember`,
//! `reactivateMember`, `changePassword`, `updateMe`, `setDefaultLocale`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::context::{actor, client_addr, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{
    AuthPayload, Invitation, Locale, NotificationKind, Organisation, Role, User,
};
use crate::service::users::MySettings;
use crate::service::{invitations, members, organisations, sessions, users};

/// Whom to invite.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The address to invite.
    pub email: String,
    /// The role they will have.
    pub role: Role,
}

/// Accepting an invitation creates the account.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from `inviteMember`.
    pub token: String,
    /// 10 to 256 characters.
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
}

/// A new password.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password now in use.
    pub current_password: String,
    /// 10 to 256 characters.
    pub new_password: String,
}

/// A member's own settings; what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateMeInput {
    /// Name shown to others (1 to 200 characters).
    pub display_name: Option<String>,
    /// The language mails and dates are written in.
    pub locale: Option<Locale>,
    /// The notification kinds that also reach you by e-mail (the whole
    /// choice; an empty list mails none).
    pub email_notifications: Option<Vec<NotificationKind>>,
}

#[derive(Default)]
pub struct MemberMutation;

#[Object]
impl MemberMutation {
    /// Invites someone into the caller's organisation (ADMIN). There is no mail
    /// server: the token is returned here and the message is recorded in the outbox.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: InviteMemberInput,
    ) -> async_graphql::Result<Invitation> {
        let actor = actor(ctx).await?;
        let issued =
            invitations::invite(state(ctx)?, &actor, &input.email, input.role.into()).await?;
        Ok(Invitation {
            model: issued.invitation,
            token: Some(issued.token),
        })
    }

    /// Revokes an invitation that has not been accepted (ADMIN): its token
    /// stops working at once. Revoking twice changes nothing.
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation to revoke.")] id: ID,
    ) -> async_graphql::Result<Invitation> {
        let actor = actor(ctx).await?;
        let id = ids::decode(&id, Kind::Invitation, "id")?;
        Ok(Invitation {
            model: invitations::revoke(state(ctx)?, &actor, id).await?,
            token: None,
        })
    }

    /// Accepts an invitation: creates the member and signs them in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: AcceptInvitationInput,
    ) -> async_graphql::Result<AuthPayload> {
        let session = invitations::accept(
            state(ctx)?,
            &input.token,
            &input.password,
            &input.display_name,
            Some(&client_addr(ctx)),
        )
        .await?;
        Ok(session.into())
    }

    /// Changes a member's role (ADMIN). The organisation keeps at least one active admin.
    async fn set_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member.")] user_id: ID,
        #[graphql(desc = "The new role.")] role: Role,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let user_id = ids::decode(&user_id, Kind::User, "userId")?;
        Ok(User::new(
            members::set_role(state(ctx)?, &actor, user_id, role.into()).await?,
        ))
    }

    /// Deactivates a member (ADMIN): their tokens stop working at once.
    async fn deactivate_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member.")] user_id: ID,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let user_id = ids::decode(&user_id, Kind::User, "userId")?;
        Ok(User::new(
            members::deactivate(state(ctx)?, &actor, user_id).await?,
        ))
    }

    /// Brings a deactivated member back (ADMIN). They sign in with their
    /// password again; their old sessions stay ended.
    async fn reactivate_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member to bring back.")] user_id: ID,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let user_id = ids::decode(&user_id, Kind::User, "userId")?;
        Ok(User::new(
            members::reactivate(state(ctx)?, &actor, user_id).await?,
        ))
    }

    /// Changes the caller's own name, language or e-mailed notification kinds.
    async fn update_me(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")] input: UpdateMeInput,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let settings = MySettings {
            display_name: input.display_name,
            locale: input.locale.map(Into::into),
            email_kinds: input
                .email_notifications
                .map(|kinds| kinds.into_iter().map(Into::into).collect()),
        };
        Ok(User::owned(
            users::update_me(state(ctx)?, &actor, settings).await?,
        ))
    }

    /// Sets the language new members of the organisation start with (ADMIN).
    async fn set_default_locale(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language new members start with.")] locale: Locale,
    ) -> async_graphql::Result<Organisation> {
        let actor = actor(ctx).await?;
        Ok(Organisation(
            organisations::set_default_locale(state(ctx)?, &actor, locale.into()).await?,
        ))
    }

    /// Changes the caller's password and ends their other sessions.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The details, as the input type describes them.")]
        input: ChangePasswordInput,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let user = sessions::change_password(
            state(ctx)?,
            &actor,
            &input.current_password,
            &input.new_password,
        )
        .await?;
        Ok(User::owned(user))
    }
}
