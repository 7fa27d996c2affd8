//! Relay connections over [`Paged`] results, with opaque cursors.

use std::borrow::Cow;

use async_graphql::connection::{
    ConnectionNameType, DefaultConnectionName, DefaultEdgeName, EdgeNameType, PageInfo,
};
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{Context, Object, OutputType, TypeName};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::ids::Text;
use super::inline::Inline;
use crate::domain::paging::{PageRequest, Paged, Position};
use crate::error::AppError;

/// A Relay connection with `totalCount`: `<T>Connection` in the schema
/// (async-graphql's naming), with the fields and descriptions of
/// async-graphql's own connection.
/// Its edges and items are resolved [`Inline`]: a page's items are read
/// with the page, so their fields are in memory and need no future each.
pub struct Page<T> {
    edges: Vec<Inline<PageEdge<T>>>,
    has_previous_page: bool,
    has_next_page: bool,
    total_count: u64,
}

impl<T: OutputType> TypeName for Page<T> {
    fn type_name() -> Cow<'static, str> {
        DefaultConnectionName::type_name::<T>().into()
    }
}

#[Object(name_type)]
impl<T: ContainerType> Page<T> {
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|edge| edge.0.cursor.clone()),
            end_cursor: self.edges.last().map(|edge| edge.0.cursor.clone()),
        }
    }

    /// A list of edges.
    async fn edges(&self) -> &[Inline<PageEdge<T>>] {
        &self.edges
    }

    /// A list of nodes.
    async fn nodes(&self) -> Vec<&Inline<T>> {
        self.edges.iter().map(|edge| &edge.0.node).collect()
    }

    /// Number of items in the whole filtered list, not just this page.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

/// An edge in a connection.
pub struct PageEdge<T> {
    node: Inline<T>,
    cursor: String,
}

impl<T: OutputType> TypeName for PageEdge<T> {
    fn type_name() -> Cow<'static, str> {
        DefaultEdgeName::type_name::<T>().into()
    }
}

/// An edge in a connection.
#[Object(name_type)]
impl<T: ContainerType> PageEdge<T> {
    /// The item at the end of the edge
    async fn node(&self) -> &Inline<T> {
        &self.node
    }

    /// A cursor for use in pagination
    async fn cursor(&self) -> &str {
        &self.cursor
    }
}

/// The opaque cursor of an item at `position`.
pub fn cursor(position: Position) -> String {
    let mut text = Text::new();
    text.push("cursor:");
    if let Some(key) = position.key {
        text.push(itoa::Buffer::new().format(key));
        text.push(":");
    }
    text.push(itoa::Buffer::new().format(position.id));
    URL_SAFE_NO_PAD.encode(text.as_bytes())
}

fn parse_position(text: &str) -> Option<Position> {
    let rest = text.strip_prefix("cursor:")?;
    match rest.split_once(':') {
        Some((key, id)) => Some(Position {
            key: Some(key.parse().ok()?),
            id: id.parse().ok()?,
        }),
        None => Some(Position::id(rest.parse().ok()?)),
    }
}

fn decode_cursor(
    cursor: Option<String>,
    field: &'static str,
) -> Result<Option<Position>, AppError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| parse_position(&text))
        .map(Some)
        .ok_or_else(|| AppError::field(field, "malformed cursor"))
}

/// Validates `first`/`after`/`last`/`before`; the total is counted only when
/// the connection's `totalCount` is selected.
pub fn page_request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<PageRequest, AppError> {
    let mut request = PageRequest::new(
        first,
        decode_cursor(after, "after")?,
        last,
        decode_cursor(before, "before")?,
    )?;
    request.count_total = ctx.look_ahead().field("totalCount").exists();
    Ok(request)
}

/// What a connection's selection asks of its items (through `edges { node }`
/// or `nodes`, fragments included), for a page that reads it with the rows.
pub struct ItemSelection<'a> {
    edges: async_graphql::Lookahead<'a>,
    nodes: async_graphql::Lookahead<'a>,
}

impl<'a> ItemSelection<'a> {
    /// The selection of the connection `ctx` resolves.
    pub fn of(ctx: &'a Context<'a>) -> Self {
        let connection = ctx.look_ahead();
        Self {
            edges: connection.field("edges").field("node"),
            nodes: connection.field("nodes"),
        }
    }

    /// Whether any of `fields` of an item is selected.
    pub fn any(&self, fields: &[&str]) -> bool {
        fields
            .iter()
            .any(|field| self.edges.field(field).exists() || self.nodes.field(field).exists())
    }

    /// Whether an item's selection asks for nothing but `fields` (fragments
    /// looked into; true when no item field is selected).
    pub fn only(&self, fields: &[&str]) -> bool {
        self.edges
            .selection_fields()
            .into_iter()
            .chain(self.nodes.selection_fields())
            .all(|item| item.selection_set().all(|f| fields.contains(&f.name())))
    }

    /// Whether an item's `parent` field is selected and asks for nothing
    /// but `fields` (fragments looked into).
    pub fn only_in(&self, parent: &str, fields: &[&str]) -> bool {
        let mut asked = self
            .edges
            .field(parent)
            .selection_fields()
            .into_iter()
            .chain(self.nodes.field(parent).selection_fields())
            .peekable();
        asked.peek().is_some()
            && asked.all(|field| field.selection_set().all(|f| fields.contains(&f.name())))
    }

    /// Whether any of `fields` of an item's `parent` field is selected.
    pub fn any_in(&self, parent: &str, fields: &[&str]) -> bool {
        fields.iter().any(|field| {
            self.edges.field(parent).field(field).exists()
                || self.nodes.field(parent).field(field).exists()
        })
    }
}

/// Turns a page of rows into a connection of GraphQL objects.
pub fn connection<M, T: ContainerType>(
    paged: Paged<M>,
    position: impl Fn(&M) -> Position,
    wrap: impl Fn(M) -> T,
) -> Page<T> {
    Page {
        has_previous_page: paged.has_previous_page,
        has_next_page: paged.has_next_page,
        total_count: paged.total_count,
        edges: paged
            .items
            .into_iter()
            .map(|item| {
                Inline(PageEdge {
                    cursor: cursor(position(&item)),
                    node: Inline(wrap(item)),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
