//! `schema.graphql` at the project root is the schema the server prints.

#[test]
fn schema_graphql_matches_the_server_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let printed = voimavara_api::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &printed).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api schema_file` \
         (or `cargo run -- print-schema > schema.graphql`) and commit the result"
    );
}

/// Everything in the schema a frontend reads in its editor has a
/// description: types, fields, arguments, enum values and input fields.
#[test]
fn every_type_field_argument_and_value_is_described() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc =
        async_graphql::parser::parse_schema(voimavara_api::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    let mut checked = 0;
    let mut check = |what: String, description: bool| {
        checked += 1;
        if !description {
            missing.push(what);
        }
    };
    for definition in doc.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = ty.node;
        let name = ty.name.node.to_string();
        // async-graphql's generated connection types take no description
        // (their fields have the library's); every other type has ours.
        let generated = name.ends_with("Connection");
        check(name.clone(), ty.description.is_some() || generated);
        match ty.kind {
            TypeKind::Object(object) => {
                for field in object.fields {
                    let field = field.node;
                    let path = format!("{name}.{}", field.name.node);
                    check(path.clone(), field.description.is_some());
                    for arg in field.arguments {
                        check(
                            format!("{path}({})", arg.node.name.node),
                            arg.node.description.is_some(),
                        );
                    }
                }
            }
            TypeKind::Interface(interface) => {
                for field in interface.fields {
                    let path = format!("{name}.{}", field.node.name.node);
                    check(path, field.node.description.is_some());
                }
            }
            TypeKind::Enum(values) => {
                for value in values.values {
                    check(
                        format!("{name}.{}", value.node.value.node),
                        value.node.description.is_some(),
                    );
                }
            }
            TypeKind::InputObject(input) => {
                for field in input.fields {
                    check(
                        format!("{name}.{}", field.node.name.node),
                        field.node.description.is_some(),
                    );
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(checked > 400, "only {checked} places checked");
    assert!(
        missing.is_empty(),
        "{} of {checked} have no description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// Every connection pages both ways: `first`/`after` and `last`/`before`.
#[test]
fn every_connection_pages_both_ways() {
    use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};
    let doc =
        async_graphql::parser::parse_schema(voimavara_api::graphql::sdl()).expect("the SDL parses");
    let mut connections = 0;
    let mut missing = Vec::new();
    for definition in doc.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let TypeKind::Object(object) = &ty.node.kind else {
            continue;
        };
        for field in &object.fields {
            let BaseType::Named(returns) = &field.node.ty.node.base else {
                continue;
            };
            if !returns.ends_with("Connection") {
                continue;
            }
            connections += 1;
            let args: Vec<&str> = field
                .node
                .arguments
                .iter()
                .map(|a| a.node.name.node.as_str())
                .collect();
            for wanted in ["first", "after", "last", "before"] {
                if !args.contains(&wanted) {
                    missing.push(format!(
                        "{}.{}({wanted})",
                        ty.node.name.node, field.node.name.node
                    ));
                }
            }
        }
    }
    assert!(connections >= 13, "only {connections} connections");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
