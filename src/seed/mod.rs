//! Demo data, so a newcomer signs in to a living service desk.

pub mod bulk;
mod demo_cases;
mod demo_customers;
mod demo_queues;
mod demo_sla;
pub mod names;

use anyhow::Context;
use sqlx::PgPool;

use crate::auth::model::NewPassword;
use crate::db::begin_tenant_tx;
use crate::tenants::{self, NewTenant};
use crate::users;
use crate::users::model::Role;

pub const DEMO_WORKSPACE: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_USERS: [(&str, &str, Role); 3] = [
    ("admin@demo.test", "Ana Administradora", Role::Admin),
    (
        "supervisor@demo.test",
        "Sérgio Supervisor",
        Role::Supervisor,
    ),
    ("agent@demo.test", "Alice Atendente", Role::Agent),
];

/// Creates the demo workspace and whatever of its data is missing; running it
/// again changes nothing.
pub async fn demo(pool: &PgPool) -> anyhow::Result<()> {
    let tenant_id = match tenants::store::id_by_slug(pool, DEMO_WORKSPACE).await? {
        Some(id) => id,
        None => {
            let (email, name, _) = DEMO_USERS[0];
            tenants::create(
                pool,
                NewTenant {
                    slug: DEMO_WORKSPACE,
                    name: "Atende Demo",
                    admin_email: email,
                    admin_name: name,
                    admin_password: DEMO_PASSWORD,
                },
            )
            .await?
        }
    };
    let hash = tokio::task::spawn_blocking(|| NewPassword::parse(DEMO_PASSWORD).map(|p| p.hash()))
        .await?
        .map_err(|_| anyhow::anyhow!("demo password violates the policy"))??;
    let mut tx = begin_tenant_tx(pool, tenant_id).await?;
    let mut ids = Vec::new();
    for (email, name, role) in DEMO_USERS {
        let id = match users::store::find_by_email(&mut tx, email).await? {
            Some(id) => id,
            None => users::store::create(&mut tx, tenant_id, email, name, role, &hash)
                .await
                .map_err(|_| anyhow::anyhow!("creating demo user {email}"))?,
        };
        ids.push(id);
    }
    let [admin, supervisor, agent] = ids[..] else {
        anyhow::bail!("the demo workspace misses a user");
    };
    demo_customers::seed(&mut tx, admin)
        .await
        .context("seeding demo customers")?;
    demo_cases::seed(&mut tx, agent, supervisor, chrono::Utc::now())
        .await
        .context("seeding demo cases")?;
    demo_sla::seed(&mut tx, admin, chrono::Utc::now())
        .await
        .context("seeding demo SLAs and entitlements")?;
    let people = demo_queues::Members {
        admin,
        supervisor,
        agent,
    };
    demo_queues::seed(&mut tx, people, chrono::Utc::now())
        .await
        .context("seeding demo queues")?;
    tx.commit().await.context("committing demo data")?;
    Ok(())
}

pub fn demo_logins() -> String {
    let mut text =
        format!("Demo workspace: {DEMO_WORKSPACE}  (password for every user: {DEMO_PASSWORD})\n");
    for (email, _, role) in DEMO_USERS {
        text.push_str(&format!("  {role:<10} {email}\n"));
    }
    text
}
