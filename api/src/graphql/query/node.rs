//! `node(id)` and `nodes(ids)`: any object by its global id.

use async_graphql::{Context, ID, Object};

use crate::error::AppError;
use crate::graphql::context::{actor, state};
use crate::graphql::nodes;
use crate::graphql::types::Node;
/// Most ids one `nodes` call accepts.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when it does not exist or is
    /// not visible to the caller.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let actor = actor(ctx).await?;
        Ok(nodes::find(state(ctx)?, &actor, &id).await?.map(Node::from))
    }

    /// The objects with these global ids, in the same order; null where one does
    /// not exist or is not visible. At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        let actor = actor(ctx).await?;
        if ids.len() > MAX_NODES {
            return Err(AppError::field("ids", format!("at most {MAX_NODES} ids")).into());
        }
        let state = state(ctx)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(nodes::find(state, &actor, id).await?.map(Node::from));
        }
        Ok(out)
    }
}
