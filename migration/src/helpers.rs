//! Column and constraint shapes shared by every migration, so that each table
//! reads as a list of its columns rather than builder noise.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// A 64-bit auto-incrementing primary key named `id`.
pub fn id() -> ColumnDef {
    schema::big_pk_auto("id")
}

/// A non-null reference column holding another table's `id`.
pub fn reference(name: &'static str) -> ColumnDef {
    schema::big_integer(name)
}

/// A nullable reference column.
pub fn reference_null(name: &'static str) -> ColumnDef {
    schema::big_integer_null(name)
}

/// A non-null timestamp (UTC).
pub fn at(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone(name)
}

/// A nullable timestamp (UTC).
pub fn at_null(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone_null(name)
}

/// A text column restricted to the given values (an enum stored as text).
pub fn one_of(name: &'static str, values: &[&'static str]) -> ColumnDef {
    schema::string_len(name, 32)
        .check(Expr::col(name).is_in(values.iter().copied()))
        .take()
}

/// An integer column restricted to `low..=high`.
pub fn int_between(name: &'static str, low: i32, high: i32) -> ColumnDef {
    schema::integer(name)
        .check(Expr::col(name).between(low, high))
        .take()
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

/// A plain index over `columns`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    stmt.take()
}

/// A unique index over `columns`.
pub fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, columns);
    stmt.name(format!("uq_{table}_{}", columns.join("_")))
        .unique();
    stmt
}

/// A unique index over `columns` that only covers rows matching `condition`
/// (both PostgreSQL and SQLite support partial indexes).
pub fn unique_where(
    name: &'static str,
    table: &'static str,
    columns: &[&'static str],
    condition: SimpleExpr,
) -> IndexCreateStatement {
    let mut stmt = unique(table, columns);
    stmt.name(name).and_where(condition);
    stmt
}

/// Creates each table in order.
pub async fn create_tables(
    manager: &SchemaManager<'_>,
    tables: Vec<TableCreateStatement>,
) -> Result<(), DbErr> {
    for table in tables {
        manager.create_table(table).await?;
    }
    Ok(())
}

/// Creates each index in order.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the tables in the order given (dependents first).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().take())
            .await?;
    }
    Ok(())
}
