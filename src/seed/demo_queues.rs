//! The demo's queues: Suporte N1 and N2 for everyone, Financeiro private to
//! the admin and the supervisor, each with cases waiting in it, some of them
//! picked up already.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::cases::command::{Actor, Command, Named, put};
use crate::catalog::translations::Names;
use crate::queues::store::{self as queues, QueueInput};

pub struct Members {
    pub admin: Uuid,
    pub supervisor: Uuid,
    pub agent: Uuid,
}

/// Seeds the queues once: a workspace that has any queue is left alone.
pub async fn seed(
    tx: &mut PgConnection,
    people: Members,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let any: bool = sqlx::query_scalar("select exists (select from queues)")
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(());
    }
    let no_names = Names::default();
    let mut made = Vec::new();
    for (name, description, private, members) in [
        (
            "Suporte N1",
            "Primeiro atendimento: dúvidas, cadastro e acesso.",
            false,
            vec![people.agent, people.supervisor],
        ),
        (
            "Suporte N2",
            "Casos técnicos que o primeiro nível não resolveu.",
            false,
            vec![people.supervisor],
        ),
        (
            "Financeiro",
            "Cobranças, reembolsos e notas fiscais.",
            true,
            vec![people.admin, people.supervisor],
        ),
    ] {
        let id = queues::create(
            tx,
            &QueueInput {
                name,
                names: &no_names,
                description,
                is_private: private,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo queue {name}: {e:?}"))?;
        for user in members {
            queues::add_member(tx, id, Some(user), None).await?;
        }
        made.push(Named {
            id,
            name: name.to_owned(),
        });
    }
    rules(tx, &made).await?;
    let cases: Vec<Uuid> = sqlx::query_scalar(
        "select id from case_refs where state = 'active' order by number desc limit 16",
    )
    .fetch_all(&mut *tx)
    .await?;
    let supervisor = Actor {
        user: people.supervisor,
        name: "Sérgio Supervisor".to_owned(),
        supervisor: true,
    };
    // Eight in N1, five in N2, three in Financeiro, queued over the last
    // two days; a third of N1's are released, so nobody works on them.
    for (i, case) in cases.iter().enumerate() {
        let queue = match i {
            0..=7 => &made[0],
            8..=12 => &made[1],
            _ => &made[2],
        };
        let at = now - Duration::minutes(45 * (i as i64 + 1));
        let command = Command::AddToQueue {
            queue: queue.clone(),
        };
        put(tx, *case, &command, &supervisor, at, None).await?.ok();
        if i % 3 == 0 {
            put(tx, *case, &Command::Release, &supervisor, at, None)
                .await?
                .ok();
        }
    }
    Ok(())
}

/// The active rule set: money matters to Financeiro, urgent cases to N2
/// (each in turn to its members), the rest to N1; new e-mail is routed as
/// it arrives.
async fn rules(tx: &mut PgConnection, queues: &[Named]) -> anyhow::Result<()> {
    use crate::routing::condition::{Condition, Field, Op, Rule, Value};
    use crate::routing::model::{Assign, RuleInput, Target};
    use crate::routing::store;
    let set = store::create_set(tx, "Roteamento padrão")
        .await
        .map_err(|e| anyhow::anyhow!("demo rule set: {e:?}"))?;
    let urgent: Option<Uuid> =
        sqlx::query_scalar("select id from priorities where name = 'Urgente'")
            .fetch_optional(&mut *tx)
            .await?;
    let words = |w: &str| Rule {
        field: Field::Title,
        op: Op::Contains,
        value: Some(Value::Words(w.to_owned())),
    };
    let mut rules = vec![RuleInput {
        name: "Boletos e reembolsos".to_owned(),
        condition: Condition(vec![
            vec![words("boleto")],
            vec![words("reembolso")],
            vec![words("nota fiscal")],
        ]),
        target: Target::Queue(queues[2].id),
        assign: Assign::None,
    }];
    if let Some(urgent) = urgent {
        rules.push(RuleInput {
            name: "Urgentes ao segundo nível".to_owned(),
            condition: Condition(vec![vec![Rule {
                field: Field::Priority,
                op: Op::Is,
                value: Some(Value::Id(urgent)),
            }]]),
            target: Target::Queue(queues[1].id),
            assign: Assign::RoundRobin,
        });
    }
    rules.push(RuleInput {
        name: "Demais casos".to_owned(),
        condition: Condition::default(),
        target: Target::Queue(queues[0].id),
        assign: Assign::None,
    });
    for rule in &rules {
        store::add_rule(tx, set, rule).await?;
    }
    let email: Option<Uuid> = sqlx::query_scalar("select id from channels where name = 'E-mail'")
        .fetch_optional(&mut *tx)
        .await?;
    store::set_auto_channels(tx, set, &email.into_iter().collect::<Vec<_>>()).await?;
    store::set_active(tx, set, true).await?;
    Ok(())
}
