//! The read path: a seat pool keeps its waitlist's length beside its
//! confirmed count (the seat engine maintains both in the transaction that
//! changes a seat), so a page of clinics reads both without counting seats;
//! and the board's order (start, then id) has an index of its own.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BOARD_INDEX: &str = "idx_clinics_organisation_id_starts_at_id";
/// The index the board's replaces (its columns are a prefix of the new one's).
const OLD_INDEX: &str = "idx_clinics_organisation_id_starts_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("seat_pools")
                    .add_column(
                        ColumnDef::new("waitlisted_count")
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE seat_pools SET waitlisted_count = (SELECT COUNT(*) FROM seats \
                 WHERE seats.pool_id = seat_pools.id AND seats.status = 'WAITLISTED')",
            )
            .await?;
        manager
            .create_index(index("clinics", &["organisation_id", "starts_at", "id"]))
            .await?;
        manager
            .drop_index(Index::drop().name(OLD_INDEX).table("clinics").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index("clinics", &["organisation_id", "starts_at"]))
            .await?;
        manager
            .drop_index(Index::drop().name(BOARD_INDEX).table("clinics").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("seat_pools")
                    .drop_column("waitlisted_count")
                    .to_owned(),
            )
            .await
    }
}
