//! About two hundred demo cases over the last three months, in every state,
//! with notes, calls and resolutions on their timelines, so every view of
//! the demo workspace has something to show.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::cases::model::{ActivityInput, ActivityKind, CaseInput, Owner};
use crate::cases::store::{self, Created, EventKind, NewCase, NewEvent};
use crate::catalog::defaults::status;
use crate::catalog::model::ListKind;
use crate::catalog::store as catalog;
use crate::seed::names::Rng;

const TITLES: [&str; 24] = [
    "Forno não aquece na temperatura programada",
    "Nota fiscal com valor divergente do pedido",
    "Entrega atrasada há cinco dias",
    "Dúvida sobre a garantia estendida",
    "Cobrança em duplicidade no boleto",
    "Solicitação de visita técnica",
    "Amassadeira com ruído excessivo",
    "Pedido de segunda via de boleto",
    "Produto chegou avariado",
    "Troca de peça em garantia",
    "Cliente pede manual em português",
    "Atualização de cadastro e endereço de cobrança",
    "Reclamação sobre atendimento anterior",
    "Instalação agendada não realizada",
    "Elogio ao técnico Carlos",
    "Erro no faturamento do mês",
    "Consulta de status do pedido",
    "Fatiadora travando durante o uso",
    "Pedido de cancelamento de contrato",
    "Dúvida sobre configuração do painel",
    "Vazamento de óleo no equipamento",
    "Reembolso de frete cobrado indevidamente",
    "Equipamento desliga sozinho",
    "Solicitação de treinamento para a equipe",
];

const NOTES: [&str; 8] = [
    "Cliente informou que o problema começou após a troca do disjuntor.",
    "Enviado e-mail pedindo fotos da etiqueta do equipamento.",
    "Cliente retornou com as informações solicitadas.",
    "Verificado no sistema: pedido faturado em duplicidade.",
    "Agendada visita técnica para a próxima terça-feira.",
    "Peça de reposição solicitada ao estoque central.",
    "Orientado o cliente sobre o procedimento de limpeza.",
    "Aguardando retorno do fornecedor.",
];

struct Catalogs {
    customers: Vec<Uuid>,
    channels: Vec<Uuid>,
    priorities: Vec<Uuid>,
    subjects: Vec<Uuid>,
    products: Vec<Uuid>,
    statuses: Vec<Uuid>,
    resolved: Vec<Uuid>,
    cancelled: Uuid,
    teams: Vec<Uuid>,
    users: Vec<Uuid>,
    forms: Vec<Uuid>,
}

async fn catalogs(tx: &mut PgConnection) -> anyhow::Result<Catalogs> {
    let ids = |choices: Vec<catalog::Choice>| choices.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let customers = sqlx::query_scalar!(
        "select c.id from customers c where c.active and exists (select from customer_role_links l where l.customer_id = c.id) order by c.name"
    )
    .fetch_all(&mut *tx)
    .await?;
    let subjects = crate::catalog::model::subject_tree(&catalog::subjects(tx).await?)
        .into_iter()
        .filter(|r| r.offered)
        .map(|r| r.id)
        .collect();
    Ok(Catalogs {
        customers,
        channels: ids(catalog::choices(tx, ListKind::Channels).await?),
        priorities: ids(catalog::choices(tx, ListKind::Priorities).await?),
        subjects,
        products: ids(catalog::case_products(tx).await?),
        statuses: ids(catalog::status_choices(tx, "active").await?),
        resolved: ids(catalog::status_choices(tx, "resolved").await?),
        cancelled: store::status_by_key(tx, status::CANCELLED).await?,
        teams: ids(catalog::active_teams(tx).await?),
        users: ids(crate::users::store::active_choices(tx).await?),
        forms: ids(catalog::choices(tx, ListKind::ActivityForms).await?),
    })
}

/// Seeds the cases once: a workspace that has any case is left alone.
pub async fn seed(
    tx: &mut PgConnection,
    agent: Uuid,
    supervisor: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let any = sqlx::query_scalar!(r#"select exists (select from cases) as "any!""#)
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(());
    }
    let c = catalogs(tx).await?;
    for team in c.teams.iter().take(1) {
        catalog::add_member(tx, *team, agent).await?;
        catalog::add_member(tx, *team, supervisor).await?;
    }
    if let Some(team) = c.teams.get(1) {
        catalog::add_member(tx, *team, supervisor).await?;
    }
    let mut rng = Rng::new(42);
    let pick =
        |rng: &mut Rng, list: &[Uuid]| list.get(rng.below(list.len() as u64) as usize).copied();
    for i in 0..200u64 {
        let opened = now - Duration::minutes((rng.below(90 * 24 * 60)) as i64 + 30);
        let owner = match rng.below(10) {
            0..=4 => Owner::User(agent),
            5 => Owner::User(supervisor),
            6 => pick(&mut rng, &c.users)
                .map(Owner::User)
                .unwrap_or(Owner::Nobody),
            7 => pick(&mut rng, &c.teams)
                .map(Owner::Team)
                .unwrap_or(Owner::Nobody),
            _ => Owner::Nobody,
        };
        let input = CaseInput {
            title: rng.pick(&TITLES).to_string(),
            customer_id: pick(&mut rng, &c.customers)
                .ok_or_else(|| anyhow::anyhow!("demo customers missing"))?,
            contact_id: None,
            subject_id: pick(&mut rng, &c.subjects),
            channel_id: pick(&mut rng, &c.channels),
            inbound: rng.chance(85),
            received_at: Some(opened - Duration::minutes(rng.below(240) as i64)),
            product_id: if rng.chance(50) {
                pick(&mut rng, &c.products)
            } else {
                None
            },
            serial_number: if rng.chance(30) {
                format!("SN-{:06}", rng.below(1_000_000))
            } else {
                String::new()
            },
            lot_number: String::new(),
            manufactured_on: None,
            expires_on: None,
            priority_id: pick(&mut rng, &c.priorities),
            status_reason_id: None,
            owner,
            reason_id: None,
            occurrence_id: None,
            cause_id: None,
            unit_id: None,
            location_id: None,
            location_note: String::new(),
            request_type_id: None,
            related_case: None,
            parent_case: None,
            description: format!(
                "{}. Relato inicial registrado pelo atendente.",
                rng.pick(&NOTES).trim_end_matches('.')
            ),
            complementary_data: String::new(),
            idempotency_key: None,
            entitlement_id: None,
        };
        let id = Uuid::now_v7();
        let status_reason =
            pick(&mut rng, &c.statuses).ok_or_else(|| anyhow::anyhow!("statuses missing"))?;
        let priority = input
            .priority_id
            .ok_or_else(|| anyhow::anyhow!("priorities missing"))?;
        let author = if i % 3 == 0 { supervisor } else { agent };
        let Created::New(_) = store::insert(
            tx,
            &NewCase {
                id,
                input: &input,
                priority_id: priority,
                status_reason_id: status_reason,
                related_case_id: None,
                parent_case_id: None,
                now: opened,
                author,
                // The demo's timers start with its SLAs (`demo_sla`).
                clocks: Default::default(),
            },
        )
        .await?
        else {
            continue;
        };
        let event = |at: DateTime<Utc>,
                     kind: EventKind,
                     body: &'static str,
                     public: bool,
                     data: serde_json::Value| NewEvent {
            case_id: id,
            at,
            actor: Some(author),
            kind,
            body,
            is_public: public,
            data,
        };
        let mut at = opened;
        for _ in 0..(2 + rng.below(6)) {
            at += Duration::minutes(20 + rng.below(600) as i64);
            if at > now {
                break;
            }
            if rng.chance(60) {
                let note: &'static str = NOTES[rng.below(NOTES.len() as u64) as usize];
                store::add_event(
                    tx,
                    event(at, EventKind::Note, note, rng.chance(30), json!({})),
                )
                .await?;
            } else {
                let minutes = [10, 15, 20, 30, 45][rng.below(5) as usize];
                let activity = ActivityInput {
                    kind: if rng.chance(70) {
                        ActivityKind::PhoneCall
                    } else {
                        ActivityKind::Email
                    },
                    subject: "Contato com o cliente".into(),
                    description: rng.pick(&NOTES).to_string(),
                    inbound: Some(rng.chance(50)),
                    person_id: Some(input.customer_id),
                    contact_id: None,
                    reason_id: None,
                    activity_form_id: pick(&mut rng, &c.forms),
                    started_at: Some(at),
                    ended_at: Some(at + Duration::minutes(minutes)),
                    duration_minutes: minutes as i32,
                    billable: rng.chance(80),
                };
                let activity_id =
                    store::add_activity(tx, id, Uuid::now_v7(), &activity, author, at).await?;
                store::add_event(
                    tx,
                    event(
                        at,
                        EventKind::Activity,
                        "",
                        false,
                        json!({ "activity_id": activity_id, "minutes": format!("{minutes} min") }),
                    ),
                )
                .await?;
                store::set_first_response(tx, id, at).await?;
            }
        }
        // Roughly: 30% still active, 55% resolved, 15% cancelled.
        let roll = rng.below(100);
        if roll >= 30 && at < now {
            at += Duration::minutes(30 + rng.below(600) as i64);
            let at = at.min(now);
            if roll < 85 {
                let reason = pick(&mut rng, &c.resolved).unwrap_or(status_reason);
                let billable =
                    sqlx::query_scalar!("select billable_minutes from cases where id = $1", id)
                        .fetch_one(&mut *tx)
                        .await?;
                store::resolve(
                    tx,
                    id,
                    reason,
                    "Problema solucionado e confirmado com o cliente.",
                    billable,
                    at,
                )
                .await?;
                store::add_event(tx, event(at, EventKind::Resolved, "Problema solucionado e confirmado com o cliente.", true, json!({ "reason": "Problema resolvido", "billable": format!("{billable} min") }))).await?;
            } else {
                store::cancel(tx, id, c.cancelled, at, None).await?;
                store::add_event(
                    tx,
                    event(
                        at,
                        EventKind::Cancelled,
                        "Cliente desistiu da solicitação.",
                        false,
                        json!({ "reason": "Cancelado" }),
                    ),
                )
                .await?;
            }
        }
        store::demo_rows::date_last_change(tx, id, at.min(now)).await?;
    }
    Ok(())
}

/// A case title as agents write them.
pub fn title(rng: &mut Rng) -> &'static str {
    TITLES[rng.below(TITLES.len() as u64) as usize]
}

/// A note as agents write them.
pub fn note(rng: &mut Rng) -> &'static str {
    NOTES[rng.below(NOTES.len() as u64) as usize]
}
