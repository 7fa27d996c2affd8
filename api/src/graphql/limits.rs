//! Document limits that async-graphql does not have: length, tokens, aliases
//! and total directives. Pure functions, checked before and after parsing.

use std::collections::HashMap;

use async_graphql::Positioned;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::config::QueryLimits;
use crate::error::AppError;

/// Checks the raw document's length and token count. Runs before parsing, so
/// an oversized document never reaches the parser.
pub fn check_source(query: &str, limits: &QueryLimits) -> Result<(), AppError> {
    let length = query.chars().count();
    if length > limits.max_query_length {
        return Err(AppError::QueryTooComplex(format!(
            "query is {length} characters long; the limit is {}",
            limits.max_query_length
        )));
    }
    let tokens = count_tokens(query, limits.max_tokens + 1);
    if tokens > limits.max_tokens {
        return Err(AppError::QueryTooComplex(format!(
            "query has more than {} tokens",
            limits.max_tokens
        )));
    }
    Ok(())
}

/// Most fields a document may select once every fragment spread is written
/// out in place: a chain of fragments each spreading the next twice would
/// otherwise make a document of a few hundred tokens select millions of fields.
pub const MAX_EXPANDED_FIELDS: usize = 20_000;

/// Checks the parsed document's aliases and directives. Aliases are counted
/// as the operations execute them: a fragment spread twice counts its
/// aliases twice.
pub fn check_document(doc: &ExecutableDocument, limits: &QueryLimits) -> Result<(), AppError> {
    let mut written = Written::default();
    for (_, operation) in doc.operations.iter() {
        written.directives += operation.node.directives.len();
        written.selection_set(&operation.node.selection_set);
    }
    for fragment in doc.fragments.values() {
        written.directives += fragment.node.directives.len();
        written.selection_set(&fragment.node.selection_set);
    }
    if written.nul {
        return Err(nul_error("a string in the document"));
    }
    if written.directives > limits.max_directives {
        return Err(AppError::QueryTooComplex(format!(
            "query uses {} directives; the limit is {}",
            written.directives, limits.max_directives
        )));
    }
    let mut expansion = Expansion {
        doc,
        fragments: HashMap::new(),
    };
    let mut executed = Size::default();
    for (_, operation) in doc.operations.iter() {
        executed = executed.plus(expansion.selection_set(&operation.node.selection_set));
    }
    if executed.aliases > limits.max_aliases {
        return Err(AppError::QueryTooComplex(format!(
            "query uses {} aliases (a fragment counts each time it is spread); the limit is {}",
            executed.aliases, limits.max_aliases
        )));
    }
    if executed.fields > MAX_EXPANDED_FIELDS {
        return Err(AppError::QueryTooComplex(format!(
            "query selects more than {MAX_EXPANDED_FIELDS} fields once its fragments are spread"
        )));
    }
    Ok(())
}

/// Refuses text the databases cannot keep alike: PostgreSQL cannot store a
/// NUL character in text, so a NUL anywhere in the variables is refused up
/// front, on every database, as the client's error.
pub fn check_variables(variables: &async_graphql::Variables) -> Result<(), AppError> {
    for (name, value) in variables.iter() {
        if const_has_nul(value) {
            return Err(nul_error(name.as_str()));
        }
    }
    Ok(())
}

fn nul_error(field: &str) -> AppError {
    AppError::BadInput {
        field: None,
        message: format!("{field}: text may not contain NUL characters"),
    }
}

fn const_has_nul(value: &async_graphql::Value) -> bool {
    use async_graphql::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(const_has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || const_has_nul(value)),
        _ => false,
    }
}

/// A NUL in a literal of the document (variables are checked on their own).
fn literal_has_nul(value: &async_graphql_value::Value) -> bool {
    use async_graphql_value::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(literal_has_nul),
        Value::Object(fields) => fields.values().any(literal_has_nul),
        _ => false,
    }
}

/// What a document holds as written: directives, and NUL characters in literals.
#[derive(Default)]
struct Written {
    directives: usize,
    /// A string literal in the document holds a NUL.
    nul: bool,
}

impl Written {
    fn selection_set(&mut self, set: &Positioned<SelectionSet>) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    self.directives += field.node.directives.len();
                    self.nul |= field
                        .node
                        .arguments
                        .iter()
                        .any(|(_, value)| literal_has_nul(&value.node));
                    self.selection_set(&field.node.selection_set);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives += spread.node.directives.len();
                }
                Selection::InlineFragment(inline) => {
                    self.directives += inline.node.directives.len();
                    self.selection_set(&inline.node.selection_set);
                }
            }
        }
    }
}

/// Fields and aliases of a selection with every fragment spread in place.
#[derive(Default, Clone, Copy)]
struct Size {
    fields: usize,
    aliases: usize,
}

impl Size {
    fn plus(self, other: Size) -> Size {
        Size {
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
        }
    }
}

/// Sizes selections with fragments written out, each fragment's size
/// computed once (so the work is linear in the document, whatever the
/// expansion). A fragment spread inside itself counts nothing here; the
/// validation that follows refuses the cycle.
struct Expansion<'a> {
    doc: &'a ExecutableDocument,
    /// `None` while a fragment is being sized.
    fragments: HashMap<&'a str, Option<Size>>,
}

impl<'a> Expansion<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>) -> Size {
        let mut size = Size::default();
        for item in &set.node.items {
            let part = match &item.node {
                Selection::Field(field) => Size {
                    fields: 1,
                    aliases: usize::from(field.node.alias.is_some()),
                }
                .plus(self.selection_set(&field.node.selection_set)),
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())
                }
                Selection::InlineFragment(inline) => self.selection_set(&inline.node.selection_set),
            };
            size = size.plus(part);
        }
        size
    }

    fn fragment(&mut self, name: &'a str) -> Size {
        match self.fragments.get(name) {
            Some(Some(size)) => return *size,
            Some(None) => return Size::default(),
            None => {}
        }
        let Some((key, fragment)) = self.doc.fragments.get_key_value(name) else {
            return Size::default();
        };
        let key = key.as_str();
        self.fragments.insert(key, None);
        let size = self.selection_set(&fragment.node.selection_set);
        self.fragments.insert(key, Some(size));
        size
    }
}

/// Counts GraphQL lexical tokens (punctuators, names, numbers, strings),
/// skipping white space, commas and comments. Stops counting at `stop_at`.
pub fn count_tokens(source: &str, stop_at: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut tokens = 0;
    while i < bytes.len() && tokens < stop_at {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            0xEF if bytes.get(i..i + 3) == Some(&[0xEF, 0xBB, 0xBF]) => i += 3,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' => {
                tokens += 1;
                if bytes.get(i..i + 3) == Some(b"\"\"\"") {
                    i += 3;
                    while i < bytes.len() && bytes.get(i..i + 3) != Some(b"\"\"\"") {
                        i += if bytes.get(i..i + 4) == Some(b"\\\"\"\"") {
                            4
                        } else {
                            1
                        };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'.' if bytes.get(i..i + 3) == Some(b"...") => {
                tokens += 1;
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                tokens += 1;
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
            }
            _ => {
                tokens += 1;
                // Advance by one whole character so multi-byte input stays aligned.
                i += source[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests;
