//! The layers, checked from the source: which module of `api/src` may use
//! which (README, "Rooms and rules"), and no import cycle between files.
//! The checker runs on the real tree, and on planted mistakes to show it
//! would catch them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// A module path (`service::sessions`) and its source, for every file.
type Tree = BTreeMap<String, String>;

/// Every `.rs` file under `root`, by module path; test files and
/// `#[cfg(test)]` tails left out.
fn read_tree(root: &Path) -> Tree {
    fn walk(dir: &Path, prefix: &str, out: &mut Tree) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let next = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}::{name}")
                };
                walk(&path, &next, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                if stem == "tests" {
                    continue;
                }
                let module = match (prefix.is_empty(), stem) {
                    (true, "lib") => "crate".to_owned(),
                    (true, _) => stem.to_owned(),
                    (false, "mod") => prefix.to_owned(),
                    (false, _) => format!("{prefix}::{stem}"),
                };
                let source = std::fs::read_to_string(&path).unwrap();
                let code = match source.find("#[cfg(test)]") {
                    Some(at) => source[..at].to_owned(),
                    None => source,
                };
                out.insert(module, code);
            }
        }
    }
    let mut tree = Tree::new();
    walk(root, "", &mut tree);
    tree
}

/// The paths a source names: `crate::a::b`, `super::c`, with `{…}` groups
/// expanded; comments left out.
fn paths(source: &str) -> Vec<Vec<String>> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(start) {
            let at = from + found;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            expand(&code[at..], &mut out);
        }
    }
    out
}

/// Expands one path that starts `text`: `a::b::{c, d::e}` gives three.
fn expand(text: &str, out: &mut Vec<Vec<String>>) {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 1;
                let mut close = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let inner = &group[..close];
                let mut depth = 0;
                let mut part_start = 0;
                let mut parts = Vec::new();
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(&inner[part_start..i]);
                            part_start = i + 1;
                        }
                        _ => {}
                    }
                }
                parts.push(&inner[part_start..]);
                for part in parts {
                    let part = part.trim();
                    if part.is_empty() || part == "self" {
                        out.push(segments.clone());
                        continue;
                    }
                    let mut nested = Vec::new();
                    expand(part, &mut nested);
                    for tail in nested {
                        let mut full = segments.clone();
                        full.extend(tail);
                        out.push(full);
                    }
                }
                return;
            }
            break;
        }
        segments.push(rest[..end].to_owned());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    out.push(segments);
}

/// The file module a path names from `module`: the longest prefix that is a
/// file, following `pub use` re-exports of a directory's `mod.rs`.
fn resolve(tree: &Tree, module: &str, path: &[String]) -> Option<String> {
    let mut segments: Vec<String> = Vec::new();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => rest = &rest[1..],
        Some("super") => {
            let mut base: Vec<String> = module.split("::").map(str::to_owned).collect();
            // `super` of a directory's mod.rs or a file both climb one level.
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
            if base.first().map(String::as_str) == Some("crate") {
                base.clear();
            }
            segments = base;
        }
        _ => return None,
    }
    let name = |s: &[String]| {
        if s.is_empty() {
            "crate".to_owned()
        } else {
            s.join("::")
        }
    };
    let mut found = None;
    for segment in rest {
        segments.push(segment.clone());
        if tree.contains_key(&name(&segments)) {
            found = Some(name(&segments));
        } else {
            // An item of the last module found: maybe re-exported from a child.
            let parent = found.clone().unwrap_or_else(|| "crate".into());
            if let Some(source) = tree.get(&parent) {
                for line in source
                    .lines()
                    .filter(|l| l.trim_start().starts_with("pub use "))
                {
                    let line = line.trim_start().trim_start_matches("pub use ");
                    if line.contains(segment.as_str()) {
                        let child = line.split("::").next().unwrap_or("").trim();
                        let candidate = if parent == "crate" {
                            child.to_owned()
                        } else {
                            format!("{parent}::{child}")
                        };
                        if tree.contains_key(&candidate) {
                            return Some(candidate);
                        }
                    }
                }
            }
            break;
        }
    }
    found
}

/// Every file's outgoing edges to other files (lib.rs is a namespace). A
/// module brought in by `use` (`use crate::service;`) and then named
/// (`service::sessions::authenticate`) counts as the file it names.
fn edges(tree: &Tree) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (module, source) in tree {
        let mut targets = BTreeSet::new();
        let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
        for path in paths(source) {
            if let Some(target) = resolve(tree, module, &path) {
                if let Some(last) = path.last()
                    && target.ends_with(last.as_str())
                    && path.len() > 1
                {
                    aliases.push((last.clone(), path.clone()));
                }
                targets.insert(target);
            }
        }
        for (alias, full) in aliases {
            let needle = format!("{alias}::");
            let mut from = 0;
            while let Some(found) = source[from..].find(&needle) {
                let at = from + found;
                from = at + needle.len();
                let before = source[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let mut nested = Vec::new();
                expand(&source[from..], &mut nested);
                for tail in nested {
                    let mut path = full.clone();
                    path.extend(tail);
                    if let Some(target) = resolve(tree, module, &path) {
                        targets.insert(target);
                    }
                }
            }
        }
        targets.retain(|t| t != module && t != "crate" && !module.starts_with(&format!("{t}::")));
        out.insert(module.clone(), targets);
    }
    out
}

/// The first layer rule a file breaks, if any.
fn layer_violations(tree: &Tree) -> Vec<String> {
    const RULES: [(&str, &[&str], &[&str]); 4] = [
        (
            "domain",
            &[
                "service", "graphql", "http", "mail", "db", "context", "startup", "cli", "seed",
            ],
            &["entity::", "sea_orm", "actix", "async_graphql"],
        ),
        // The one error type, which the domain uses too.
        (
            "error",
            &["service", "graphql", "http", "db", "context"],
            &["entity::", "sea_orm"],
        ),
        (
            "service",
            &["graphql", "http", "mail", "startup", "cli"],
            &["actix", "async_graphql"],
        ),
        // The schema calls services; it writes no query of its own.
        ("graphql", &["http", "startup", "cli"], &["sea_orm"]),
    ];
    let graph = edges(tree);
    let mut out = Vec::new();
    for (module, targets) in &graph {
        for (layer, banned, crates) in RULES {
            if !(module == layer || module.starts_with(&format!("{layer}::"))) {
                continue;
            }
            for target in targets {
                let top = target.split("::").next().unwrap_or("");
                if banned.contains(&top) {
                    out.push(format!("{module} uses {target}"));
                }
            }
            let source = &tree[module];
            for name in crates {
                if source.lines().any(|l| {
                    let l = l.trim_start();
                    !l.starts_with("//")
                        && (l.contains(&format!("use {name}"))
                            || l.contains(&format!(" {name}"))
                            || l.contains(&format!("({name}")))
                }) {
                    out.push(format!(
                        "{module} uses the {} crate",
                        name.trim_end_matches("::")
                    ));
                }
            }
        }
    }
    out
}

/// Every cycle between files, as the files on it.
fn cycles(tree: &Tree) -> Vec<Vec<String>> {
    let graph = edges(tree);
    // Tarjan's strongly connected components.
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        graph: &graph,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.out
}

fn api_tree() -> Tree {
    read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src"))
}

#[test]
fn the_layers_hold() {
    let tree = api_tree();
    assert!(tree.len() > 50, "read {} files", tree.len());
    assert_eq!(layer_violations(&tree), Vec::<String>::new());
    let entity = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("entity/src"));
    for (module, source) in entity {
        assert!(
            !source.contains("voimavara_api"),
            "entity::{module} uses the api crate"
        );
    }
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    assert_eq!(cycles(&api_tree()), Vec::<Vec<String>>::new());
}

#[test]
fn the_checker_catches_planted_mistakes() {
    let mut tree = Tree::new();
    tree.insert(
        "crate".into(),
        "pub mod domain; pub mod service; pub mod db;".into(),
    );
    tree.insert(
        "domain".into(),
        "pub mod seats;\npub use seats::Seat;".into(),
    );
    tree.insert("domain::seats".into(), "pub struct Seat;".into());
    tree.insert("service".into(), "pub mod a; pub mod b;".into());
    tree.insert(
        "service::a".into(),
        "use super::b::go;\nuse crate::domain::Seat;".into(),
    );
    tree.insert("service::b".into(), "pub fn go() {}".into());
    tree.insert("db".into(), "pub fn connect() {}".into());
    assert!(layer_violations(&tree).is_empty());
    assert!(cycles(&tree).is_empty());
    assert_eq!(
        edges(&tree)["service::a"],
        ["domain::seats", "service::b"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );

    // The domain reaching for the database, and an entity type.
    let mut planted = tree.clone();
    planted.insert(
        "domain::seats".into(),
        "use crate::db::connect;\nuse entity::SeatStatus;\npub struct Seat;".into(),
    );
    let found = layer_violations(&planted);
    assert!(
        found.contains(&"domain::seats uses db".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"domain::seats uses the entity crate".to_owned()),
        "{found:?}"
    );

    // A resolver writing its own query.
    let mut planted = tree.clone();
    planted.insert(
        "graphql".into(),
        "use sea_orm::EntityTrait;\npub fn load() {}".into(),
    );
    assert_eq!(
        layer_violations(&planted),
        vec!["graphql uses the sea_orm crate".to_owned()]
    );

    // Two services using each other, one through a group import.
    let mut planted = tree.clone();
    planted.insert(
        "service::b".into(),
        "use crate::service::{a::x, self};\npub fn go() {}".into(),
    );
    assert_eq!(
        cycles(&planted),
        vec![vec!["service::a".to_owned(), "service::b".to_owned()]]
    );

    // Shared plumbing calling up into a service through a module it imported.
    let mut planted = tree.clone();
    planted.insert(
        "db".into(),
        "use crate::service;\npub fn connect() { service::a::run() }".into(),
    );
    planted.insert(
        "service::b".into(),
        "use crate::db;\npub fn go() { db::connect() }".into(),
    );
    assert_eq!(
        cycles(&planted),
        vec![vec![
            "db".to_owned(),
            "service::a".to_owned(),
            "service::b".to_owned()
        ]]
    );
}
