//! The JWT signing secret: from the settings, or on SQLite generated once and
//! kept in the database so tokens survive restarts.

use entity::server_setting;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::auth::jwt::MIN_SECRET_BYTES;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db;
use crate::random::Random;

const JWT_SECRET_KEY: &str = "jwt_secret";

/// Why no secret could be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("VOIMAVARA_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")]
    TooShort,
    #[error("VOIMAVARA_JWT_SECRET is required on PostgreSQL (at least {MIN_SECRET_BYTES} bytes)")]
    Missing,
    #[error("could not read or store the generated JWT secret: {0}")]
    Database(#[from] sea_orm::DbErr),
}

/// The secret to sign access tokens with.
pub async fn jwt_secret(
    settings: &Settings,
    conn: &DatabaseConnection,
    random: &Random,
    clock: &dyn Clock,
) -> Result<Vec<u8>, SecretError> {
    if let Some(secret) = &settings.jwt_secret {
        let bytes = secret.expose().as_bytes().to_vec();
        return if bytes.len() < MIN_SECRET_BYTES {
            Err(SecretError::TooShort)
        } else {
            Ok(bytes)
        };
    }
    if db::is_postgres(conn) {
        return Err(SecretError::Missing);
    }
    // Insert-if-absent, then read back: two servers starting together agree.
    let candidate = random.token();
    server_setting::Entity::insert(server_setting::ActiveModel {
        key: Set(JWT_SECRET_KEY.into()),
        value: Set(candidate),
        updated_at: Set(clock.now()),
    })
    .on_conflict_do_nothing_on([server_setting::Column::Key])
    .exec(conn)
    .await?;
    let stored = server_setting::Entity::find_by_id(JWT_SECRET_KEY.to_owned())
        .one(conn)
        .await?
        .map(|row| row.value)
        .unwrap_or_default();
    if stored.len() < MIN_SECRET_BYTES {
        return Err(SecretError::TooShort);
    }
    Ok(stored.into_bytes())
}
