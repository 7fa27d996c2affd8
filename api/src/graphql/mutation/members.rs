//! `inviteMember`, `acceptInvitation`, `setMemberRole`, `deactivateMember`,
//! `changePassword`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::context::{actor, client_addr, state};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{AuthPayload, Invitation, Role, User};
use crate::service::{invitations, members, sessions};

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
    pub current_password: String,
    /// 10 to 256 characters.
    pub new_password: String,
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
        user_id: ID,
        role: Role,
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
        user_id: ID,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx).await?;
        let user_id = ids::decode(&user_id, Kind::User, "userId")?;
        Ok(User::new(
            members::deactivate(state(ctx)?, &actor, user_id).await?,
        ))
    }

    /// Changes the caller's password and ends their other sessions.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
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
