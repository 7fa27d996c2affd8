//! The response's shape as the GraphQL specification gives it, which
//! async-graphql 7 does not keep: it resolves a selection's fields
//! concurrently and writes them in the order they finish, and it leaves a
//! field that failed out of its object (an object whose every field failed
//! becomes `null`). Here, after execution:
//!
//! - every field that failed is `null`, and the null propagates up through
//!   non-null fields (and non-null list items) to the nearest nullable one,
//!   or to `data` itself;
//! - every object's keys follow the selection's order (fragments in place).
//!
//! Field types come from the schema's SDL, read once per server.

use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationType, Selection, SelectionSet, Type, TypeKind,
};
use async_graphql::{Name, PathSegment, Positioned, Response, Value};

/// Every object and interface type's fields, and their types.
#[derive(Debug, Default)]
pub struct Shapes {
    fields: HashMap<String, HashMap<String, Type>>,
    roots: [String; 3],
}

impl Shapes {
    /// Reads the types from the schema's SDL.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shapes = Shapes {
            fields: HashMap::new(),
            roots: ["Query".into(), "Mutation".into(), "Subscription".into()],
        };
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return shapes;
        };
        for definition in doc.definitions {
            let async_graphql::parser::types::TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let fields = match &ty.node.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                _ => continue,
            };
            shapes.fields.insert(
                ty.node.name.node.to_string(),
                fields
                    .iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node.clone()))
                    .collect(),
            );
        }
        shapes
    }

    fn field_type<'s>(&'s self, parent: &str, field: &str) -> Option<&'s Type> {
        self.fields.get(parent)?.get(field)
    }

    /// Puts an executed response of `doc`'s `operation` into shape.
    pub fn conform(
        &self,
        response: &mut Response,
        doc: &ExecutableDocument,
        operation: Option<&str>,
    ) {
        let Some(op) = select(doc, operation) else {
            return;
        };
        let root = &self.roots[match op.node.ty {
            OperationType::Query => 0,
            OperationType::Mutation => 1,
            OperationType::Subscription => 2,
        }];
        let walk = Walk { shapes: self, doc };
        let paths: Vec<&[PathSegment]> = response
            .errors
            .iter()
            .map(|e| e.path.as_slice())
            .filter(|p| !p.is_empty())
            .collect();
        if !paths.is_empty() {
            if matches!(response.data, Value::Null) {
                response.data = Value::Object(IndexMap::new());
            }
            // First every failed field becomes null where it stands…
            for path in &paths {
                walk.set_null(&mut response.data, path);
            }
            // …then each null rises through the non-null fields above it.
            for path in &paths {
                let types = walk.types_along(root, &op.node.selection_set, path);
                let mut depth = path.len();
                while depth > 0 && types.get(depth - 1).is_some_and(|t| !t.nullable) {
                    depth -= 1;
                }
                if depth == 0 {
                    response.data = Value::Null;
                    break;
                }
                walk.null_at(&mut response.data, &path[..depth]);
            }
        }
        walk.order(&mut response.data, &[&op.node.selection_set]);
    }
}

fn select<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<async_graphql::parser::types::OperationDefinition>> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

struct Walk<'a> {
    shapes: &'a Shapes,
    doc: &'a ExecutableDocument,
}

impl<'a> Walk<'a> {
    /// Every field of `set` answered under `key`, with the type it was
    /// selected on (fragments and inline fragments looked into).
    fn fields_named(
        &self,
        parent: &'a str,
        set: &'a Positioned<SelectionSet>,
        key: &str,
        out: &mut Vec<(&'a str, &'a Positioned<async_graphql::parser::types::Field>)>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    if field.node.response_key().node.as_str() == key {
                        out.push((parent, field));
                    }
                }
                Selection::InlineFragment(inline) => {
                    let on = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.fields_named(on, &inline.node.selection_set, key, out, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.doc.fragments.get(&spread.node.fragment_name.node)
                    {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.fields_named(on, &fragment.node.selection_set, key, out, depth + 1);
                    }
                }
            }
        }
    }

    /// The type at each step of `path` (a field's type, or a list's item type).
    fn types_along(
        &self,
        root: &'a str,
        set: &'a Positioned<SelectionSet>,
        path: &[PathSegment],
    ) -> Vec<Type> {
        let mut types = Vec::with_capacity(path.len());
        let mut sets: Vec<&'a Positioned<SelectionSet>> = vec![set];
        let mut parent: &'a str = root;
        let mut current: Option<&'a Type> = None;
        for segment in path {
            match segment {
                PathSegment::Field(key) => {
                    let mut found = Vec::new();
                    for set in &sets {
                        self.fields_named(parent, set, key, &mut found, 0);
                    }
                    let Some((on, field)) = found.first() else {
                        break;
                    };
                    let Some(ty) = self.shapes.field_type(on, field.node.name.node.as_str()) else {
                        break;
                    };
                    sets = found.iter().map(|(_, f)| &f.node.selection_set).collect();
                    current = Some(ty);
                }
                PathSegment::Index(_) => match current.map(|t| &t.base) {
                    Some(BaseType::List(item)) => current = Some(&**item),
                    _ => break,
                },
            }
            let Some(ty) = current else { break };
            parent = named(ty);
            types.push(ty.clone());
        }
        types
    }

    /// Sets the value at `path` to null, making the objects on the way
    /// (one whose every field failed came back as `null`).
    fn set_null(&self, data: &mut Value, path: &[PathSegment]) {
        let mut at = data;
        for (i, segment) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            at = match segment {
                PathSegment::Field(key) => {
                    if matches!(at, Value::Null) {
                        *at = Value::Object(IndexMap::new());
                    }
                    let Value::Object(map) = at else { return };
                    let slot = map.entry(Name::new(key)).or_insert(Value::Null);
                    if last {
                        *slot = Value::Null;
                        return;
                    }
                    slot
                }
                PathSegment::Index(index) => {
                    let Value::List(items) = at else { return };
                    let Some(item) = items.get_mut(*index) else {
                        return;
                    };
                    if last {
                        *item = Value::Null;
                        return;
                    }
                    item
                }
            };
        }
    }

    /// Sets the value at `path` to null, if the way there still stands.
    fn null_at(&self, data: &mut Value, path: &[PathSegment]) {
        let mut at = data;
        for segment in path {
            at = match (segment, at) {
                (PathSegment::Field(key), Value::Object(map)) => match map.get_mut(key.as_str()) {
                    Some(next) => next,
                    None => return,
                },
                (PathSegment::Index(index), Value::List(items)) => match items.get_mut(*index) {
                    Some(next) => next,
                    None => return,
                },
                _ => return,
            };
        }
        *at = Value::Null;
    }

    /// Response keys in the order `sets` select them, fragments in place.
    fn keys(&self, sets: &[&'a Positioned<SelectionSet>], out: &mut Vec<&'a str>, depth: usize) {
        if depth > 64 {
            return;
        }
        for set in sets {
            for item in &set.node.items {
                match &item.node {
                    Selection::Field(field) => {
                        let key = field.node.response_key().node.as_str();
                        if !out.contains(&key) {
                            out.push(key);
                        }
                    }
                    Selection::InlineFragment(inline) => {
                        self.keys(&[&inline.node.selection_set], out, depth + 1)
                    }
                    Selection::FragmentSpread(spread) => {
                        if let Some(fragment) =
                            self.doc.fragments.get(&spread.node.fragment_name.node)
                        {
                            self.keys(&[&fragment.node.selection_set], out, depth + 1);
                        }
                    }
                }
            }
        }
    }

    /// The selection sets of every field answered under `key`.
    fn subselections(
        &self,
        sets: &[&'a Positioned<SelectionSet>],
        key: &str,
    ) -> Vec<&'a Positioned<SelectionSet>> {
        let mut found = Vec::new();
        for set in sets {
            self.fields_named("", set, key, &mut found, 0);
        }
        found
            .into_iter()
            .map(|(_, f)| &f.node.selection_set)
            .filter(|s| !s.node.items.is_empty())
            .collect()
    }

    /// What ordering the values selected by `sets` needs: their keys in
    /// order, and the same for each key's value once asked.
    fn plan(&self, sets: Vec<&'a Positioned<SelectionSet>>) -> Plan<'a> {
        let mut keys = Vec::new();
        self.keys(&sets, &mut keys, 0);
        Plan {
            sets,
            keys,
            children: Vec::new(),
        }
    }

    /// Puts every object's keys in selection order, all the way down. The
    /// items of a list share their selection, so its plan is made once for
    /// all of them (a page of a hundred walks the selection once).
    fn order(&self, value: &mut Value, sets: &[&'a Positioned<SelectionSet>]) {
        let mut plan = self.plan(sets.to_vec());
        self.order_by(value, &mut plan);
    }

    fn order_by(&self, value: &mut Value, plan: &mut Plan<'a>) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.order_by(item, plan);
                }
            }
            Value::Object(map) => {
                // In order when the keys come as the plan names them, gaps
                // allowed (a field that failed, or was skipped); checked by
                // comparing names, without hashing any.
                let mut wanted = plan.keys.iter();
                let in_order = map
                    .keys()
                    .all(|have| wanted.any(|want| have.as_str() == *want));
                if !in_order {
                    let mut sorted = IndexMap::with_capacity(map.len());
                    for key in &plan.keys {
                        if let Some((name, value)) = map.shift_remove_entry(*key) {
                            sorted.insert(name, value);
                        }
                    }
                    // Anything the selection does not name keeps its place after.
                    sorted.extend(map.drain(..));
                    *map = sorted;
                }
                for (key, child) in map.iter_mut() {
                    if !matches!(child, Value::Object(_) | Value::List(_)) {
                        continue;
                    }
                    let at = match plan.children.iter().position(|(k, _)| *k == key.as_str()) {
                        Some(at) => at,
                        None => {
                            let subsets = self.subselections(&plan.sets, key.as_str());
                            let child_plan = (!subsets.is_empty()).then(|| self.plan(subsets));
                            let name = plan.keys.iter().copied().find(|k| *k == key.as_str());
                            match name {
                                Some(name) => {
                                    plan.children.push((name, child_plan));
                                    plan.children.len() - 1
                                }
                                // A key the selection does not name has nothing to order by.
                                None => continue,
                            }
                        }
                    };
                    if let Some(child_plan) = &mut plan.children[at].1 {
                        self.order_by(child, child_plan);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The order of the values one selection gives (see [`Walk::plan`]).
struct Plan<'a> {
    sets: Vec<&'a Positioned<SelectionSet>>,
    keys: Vec<&'a str>,
    /// Each key's plan (none when its selection is empty), made on first use.
    children: Vec<(&'a str, Option<Plan<'a>>)>,
}

/// The named type at the bottom of a (list) type.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

#[cfg(test)]
mod tests;
