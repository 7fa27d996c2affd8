//! The command line: `voimavara [serve]`, `voimavara migrate …`,
//! `voimavara print-schema`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

use crate::config::{DatabaseSettings, Settings};
use crate::startup::Application;
use crate::{db, graphql, telemetry};

/// Voimavara: a GraphQL API for organisations that learn social media from their own staff.
#[derive(Parser, Debug)]
#[command(name = "voimavara", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Settings for `serve` when no subcommand is given.
    #[command(flatten)]
    serve: Settings,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Apply pending migrations and serve HTTP (the default).
    Serve(Settings),
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
        #[command(flatten)]
        database: DatabaseSettings,
    },
    /// Print the GraphQL schema (SDL) to standard output.
    PrintSchema,
}

#[derive(Subcommand, Debug)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the last applied migrations.
    Down {
        /// How many to revert.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
    /// Drop every table and apply all migrations again (destroys data).
    Fresh,
}

/// Parses the command line and runs it.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(settings)) => serve(settings).await,
        Some(Command::Migrate { action, database }) => migrate(action, database).await,
        Some(Command::PrintSchema) => {
            print!("{}", graphql::sdl());
            ExitCode::SUCCESS
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(settings.log_format);
    let production = settings.production;
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("voimavara: {err}");
            return ExitCode::FAILURE;
        }
    };
    let base = app.state().public_url.clone();
    if production {
        tracing::info!("serving GraphQL at {base}/graphql (production mode)");
    } else {
        tracing::info!("serving GraphQL at {base}/graphql; GraphiQL at {base}/graphiql");
    }
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("voimavara: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(action: MigrateAction, database: DatabaseSettings) -> ExitCode {
    telemetry::init(Default::default());
    let conn = match db::connect(&database.database_url, 1).await {
        Ok(conn) => conn,
        Err(err) => {
            eprintln!("voimavara: cannot reach the database: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = match action {
        MigrateAction::Up => Migrator::up(&conn, None).await,
        MigrateAction::Down { steps } => Migrator::down(&conn, Some(steps)).await,
        MigrateAction::Fresh => Migrator::fresh(&conn).await,
        MigrateAction::Status => match Migrator::get_migration_with_status(&conn).await {
            Ok(migrations) => {
                for migration in migrations {
                    println!("{:?}\t{}", migration.status(), migration.name());
                }
                Ok(())
            }
            Err(err) => Err(err),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("voimavara: migration failed: {err}");
            ExitCode::FAILURE
        }
    }
}
