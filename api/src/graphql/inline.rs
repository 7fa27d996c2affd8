//! Objects resolved field after field inside one future.
//!
//! async-graphql resolves an object's fields concurrently: one boxed future
//! per field, polled through a `FuturesUnordered` (a task allocation each).
//! For the items of a page, whose fields are read from memory (the page
//! prefetched them), that machinery is most of what an item costs.
//! [`Inline`] resolves the same fields, with the same resolvers, in the
//! selection's order, awaiting each in place: one allocation per object
//! instead of two per field.
//!
//! What stays the same: the GraphQL type (an `Inline<T>` is `T` in the
//! schema), fragments and their type conditions, `__typename`, merging of
//! repeated response keys, and errors (a failed field is reported and left
//! out, as async-graphql does; the response shaping makes it `null`).
//! What differs: fields that each wait for the database wait one after the
//! other within an item. Items of a list still resolve concurrently, so a
//! DataLoader batches a field across the list as before.
//!
//! A type cannot contain itself through `Inline` alone (its future would be
//! infinitely large; the compiler refuses it), so cycles such as
//! `Clinic.myRegistration.clinic` keep one plain object in the loop.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::indexmap::map::Entry;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerError, ServerResult, Value,
};

/// `T`, resolved field after field in one future (see the module's notes).
pub struct Inline<T>(pub T);

impl<T: ContainerType> OutputType for Inline<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // One allocation per object, for all its fields: the future holds
        // the largest field's, and boxed it stays out of the futures of the
        // list or object it is part of, which would otherwise each be that
        // large for as long as they live.
        Box::pin(resolve(ctx, &self.0)).await
    }
}

/// Resolves `root`'s selection in `ctx`, one field after another.
pub async fn resolve<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
) -> ServerResult<Value> {
    let mut fields = Vec::new();
    collect(ctx, ctx.item, root, &mut fields)?;
    let mut results = IndexMap::with_capacity(fields.len());
    for field in fields {
        let name = field.node.response_key().node.clone();
        if field.node.name.node == "__typename" {
            let typename = root.introspection_type_name().into_owned();
            merge(&mut results, name, Value::String(typename));
            continue;
        }
        let ctx_field = ctx.with_field(field);
        match root.resolve_field(&ctx_field).await {
            Ok(value) => merge(&mut results, name, value.unwrap_or_default()),
            Err(error) => ctx.add_error(error),
        }
    }
    Ok(if results.is_empty() {
        Value::Null
    } else {
        Value::Object(results)
    })
}

/// The fields of `set` that apply to `root`, fragments flattened in place.
fn collect<'a, T: ContainerType>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a Positioned<SelectionSet>,
    root: &T,
    fields: &mut Vec<&'a Positioned<Field>>,
) -> ServerResult<()> {
    for selection in &set.node.items {
        let (condition, inner) = match &selection.node {
            Selection::Field(field) => {
                fields.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let Some(fragment) = ctx.query_env.fragments.get(name) else {
                    return Err(ServerError::new(
                        format!(r#"Unknown fragment "{name}"."#),
                        Some(spread.pos),
                    ));
                };
                (
                    Some(&fragment.node.type_condition),
                    &fragment.node.selection_set,
                )
            }
            Selection::InlineFragment(fragment) => (
                fragment.node.type_condition.as_ref(),
                &fragment.node.selection_set,
            ),
        };
        let applies = match condition {
            None => true,
            Some(condition) => {
                let condition = condition.node.on.node.as_str();
                let typename = root.introspection_type_name();
                typename == condition
                    || ctx
                        .schema_env
                        .registry
                        .implements
                        .get(typename.as_ref())
                        .is_some_and(|interfaces| interfaces.contains(condition))
            }
        };
        if applies {
            collect(ctx, inner, root, fields)?;
        }
    }
    Ok(())
}

/// Adds a field's value under its response key; a key selected twice merges
/// its objects (and the objects of its lists) as async-graphql does.
fn merge(target: &mut IndexMap<Name, Value>, name: Name, value: Value) {
    let previous = match target.entry(name) {
        Entry::Vacant(entry) => {
            entry.insert(value);
            return;
        }
        Entry::Occupied(entry) => entry.into_mut(),
    };
    match (previous, value) {
        (Value::Object(previous), Value::Object(object)) => {
            for (key, value) in object {
                merge(previous, key, value);
            }
        }
        (Value::List(previous), Value::List(list)) => {
            for (item, value) in previous.iter_mut().zip(list) {
                if let (Value::Object(item), Value::Object(object)) = (item, value) {
                    for (key, value) in object {
                        merge(item, key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
