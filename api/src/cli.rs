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
    /// Fill an empty database with the demo organisation (migrating first) and
    /// print the accounts to sign in with. Refuses a database with data.
    SeedDemo {
        #[command(flatten)]
        settings: Settings,
    },
    /// Fill the database with a large organisation for load tests (migrating
    /// first) and write its ids and access tokens as JSON.
    SeedBench {
        #[command(flatten)]
        size: crate::seed::bench::BenchSize,
        /// Where to write the ids and tokens (JSON); standard output if absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Access tokens to issue, for the first members.
        #[arg(long, default_value_t = 64)]
        tokens: usize,
        #[command(flatten)]
        settings: Settings,
    },
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
        Some(Command::SeedDemo { settings }) => seed_demo(settings).await,
        Some(Command::SeedBench {
            size,
            out,
            tokens,
            settings,
        }) => match seed_bench(&size, out.as_deref(), tokens, settings).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("voimavara: {err}");
                ExitCode::FAILURE
            }
        },
    }
}

async fn seed_bench(
    size: &crate::seed::bench::BenchSize,
    out: Option<&std::path::Path>,
    tokens: usize,
    settings: Settings,
) -> Result<(), String> {
    use crate::graphql::ids::{self, Kind};
    let conn = db::connect(&settings.database.database_url, 2)
        .await
        .map_err(|e| format!("cannot reach the database: {e}"))?;
    db::migrate(&settings.database.database_url, &conn)
        .await
        .map_err(|e| format!("cannot apply migrations: {e}"))?;
    let clock = crate::clock::SystemClock;
    let now = crate::clock::Clock::now(&clock);
    let random = crate::random::Random::from_os();
    let secret = crate::secrets::jwt_secret(&settings, &conn, &random, &clock)
        .await
        .map_err(|e| e.to_string())?;
    let keys = crate::auth::jwt::JwtKeys::new(&secret).map_err(|_| "invalid JWT secret")?;
    let hash = crate::auth::password::hash(crate::seed::bench::PASSWORD.into())
        .await
        .map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let seeded = crate::seed::bench::seed(&conn, size, now, &hash)
        .await
        .map_err(|e| format!("seeding failed: {e}"))?;
    let elapsed = started.elapsed();
    let token = |user_id: i64| {
        let (conn, keys, random) = (&conn, &keys, &random);
        async move {
            crate::service::sessions::open_session(
                conn,
                keys,
                user_id,
                0,
                &random.token(),
                &random.token(),
                now,
            )
            .await
            .map_err(|e| e.to_string())
        }
    };
    let mut members = Vec::new();
    for &id in seeded.member_ids.iter().skip(size.mentors).take(tokens) {
        members.push(
            serde_json::json!({"id": ids::encode(Kind::User, id).0, "token": token(id).await?}),
        );
    }
    let report = serde_json::json!({
        "organisationId": ids::encode(Kind::Organisation, seeded.organisation_id).0,
        "admin": {"id": ids::encode(Kind::User, seeded.admin_id).0, "token": token(seeded.admin_id).await?},
        "password": crate::seed::bench::PASSWORD,
        "learners": members,
        "clinics": seeded.clinic_ids.iter().map(|&id| ids::encode(Kind::Clinic, id).0).collect::<Vec<_>>(),
        "requests": seeded.request_ids.iter().map(|&id| ids::encode(Kind::MentoringRequest, id).0).collect::<Vec<_>>(),
        "counts": {
            "members": seeded.member_ids.len(),
            "clinics": seeded.clinic_ids.len(),
            "registrations": seeded.registrations,
            "mentors": size.mentors,
            "requests": seeded.request_ids.len(),
        },
        "seconds": elapsed.as_secs_f64(),
    });
    eprintln!(
        "seeded {} members, {} clinics, {} registrations, {} mentors, {} requests in {:.1} s",
        seeded.member_ids.len(),
        seeded.clinic_ids.len(),
        seeded.registrations,
        size.mentors,
        seeded.request_ids.len(),
        elapsed.as_secs_f64()
    );
    match out {
        Some(path) => std::fs::write(path, report.to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            println!("{report}");
            Ok(())
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(settings.log_format);
    let production = settings.production;
    let demo = settings.demo;
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("voimavara: {err}");
            return ExitCode::FAILURE;
        }
    };
    if demo {
        match crate::seed::demo::seed(&app.state()).await {
            Ok(created) => {
                // Seeding ran outside a request: wake the mail worker now.
                app.state().events.mail_queued().notify_one();
                print_demo(
                    &created,
                    &app.state().public_url,
                    if app.state().settings.mail.smtp_url.is_none() {
                        "its mail is written to this log (no VOIMAVARA_SMTP_URL)"
                    } else {
                        "its mail goes to the relay"
                    },
                );
            }
            Err(crate::error::AppError::Conflict(why)) => {
                tracing::info!("--demo added nothing: {why}");
            }
            Err(err) => {
                eprintln!("voimavara: the demo could not be created: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    let base = app.state().public_url.clone();
    if production {
        tracing::info!("serving GraphQL at {base}/graphql (production mode)");
    } else {
        tracing::info!("serving GraphQL at {base}/graphql; GraphiQL at {base}/graphiql");
    }
    let served = app.run_until_stopped().await;
    // Off the runtime's threads: the exporter's last send blocks.
    tokio::task::spawn_blocking(telemetry::shutdown).await.ok();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("voimavara: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn seed_demo(mut settings: Settings) -> ExitCode {
    telemetry::init(settings.log_format);
    // The same refusal as `serve --demo --production`.
    settings.demo = true;
    // Built but never run: only its state is needed, on any free port.
    settings.bind = "127.0.0.1:0".into();
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("voimavara: {err}");
            return ExitCode::FAILURE;
        }
    };
    match crate::seed::demo::seed(&app.state()).await {
        Ok(created) => {
            print_demo(
                &created,
                "http://<your server>",
                "its mail goes out once the server runs",
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("voimavara: {err}");
            ExitCode::FAILURE
        }
    }
}

fn print_demo(demo: &crate::seed::demo::Demo, base: &str, mail: &str) {
    println!(
        "Demo organisation \"{}\": {} members, {} clinics, {} published courses, {} open mentoring requests, {} channels with a year of figures.",
        crate::seed::demo::ORGANISATION,
        demo.members,
        demo.clinics,
        demo.courses,
        demo.open_requests,
        demo.channels
    );
    println!(
        "Sign in at {base}/graphiql with (password for all: {}):",
        crate::seed::demo::PASSWORD
    );
    for account in &demo.accounts {
        println!(
            "  {:<8} {:<20} {}",
            account.role, account.name, account.email
        );
    }
    println!(
        "The plan has {} goals at different stages; the next clinic has {} questions.",
        demo.goals, demo.questions
    );
    println!("An invitation to {} is waiting; {mail}.", demo.invited);
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
        MigrateAction::Up => db::migrate(&database.database_url, &conn).await,
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
