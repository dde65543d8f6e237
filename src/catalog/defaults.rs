//! The pt-BR catalogs every new workspace starts with, so the case form is
//! usable on day one. Admins rename, extend or deactivate them afterwards.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::catalog::model::{CaseState, ListItemInput, ListKind, ProductKind};
use crate::catalog::store::{self, Level, WriteError};
use crate::catalog::translations::Names;

/// Stable meanings of status reasons that the product relies on.
pub mod status {
    pub const IN_PROGRESS: &str = "in_progress";
    pub const ON_HOLD: &str = "on_hold";
    pub const WAITING_DETAILS: &str = "waiting_details";
    pub const RESEARCHING: &str = "researching";
    pub const PROBLEM_SOLVED: &str = "problem_solved";
    pub const INFORMATION_PROVIDED: &str = "information_provided";
    pub const CANCELLED: &str = "cancelled";
    pub const MERGED: &str = "merged";
}

const CHANNELS: [&str; 7] = [
    "Telefone",
    "E-mail",
    "Web",
    "Chat",
    "WhatsApp",
    "Presencial",
    "Redes sociais",
];
const ACTIVITY_FORMS: [&str; 5] = [
    "Telefone",
    "E-mail",
    "Acesso remoto",
    "Visita técnica",
    "Presencial",
];
const REQUEST_TYPES: [&str; 5] = ["Dúvida", "Reclamação", "Solicitação", "Sugestão", "Elogio"];
const FORWARD_REASONS: [&str; 4] = [
    "Necessita especialista",
    "Fora do escopo do nível 1",
    "Transferência de área",
    "Escalonamento",
];
const UNITS: [&str; 2] = ["Matriz", "Filial"];
const SERVICE_LEVELS: [&str; 3] = ["Standard", "Silver", "Gold"];
const CUSTOMER_ROLES: [&str; 3] = ["Cliente", "Parceiro", "Fornecedor"];
const PRIORITIES: [(&str, &str, bool); 4] = [
    ("Baixa", "#1d7a46", false),
    ("Normal", "#0b5cad", true),
    ("Alta", "#9a5b00", false),
    ("Urgente", "#b3261e", false),
];
const STATUS_REASONS: [(&str, CaseState, &str); 8] = [
    ("Em andamento", CaseState::Active, status::IN_PROGRESS),
    ("Em espera", CaseState::Active, status::ON_HOLD),
    (
        "Aguardando detalhes",
        CaseState::Active,
        status::WAITING_DETAILS,
    ),
    ("Em pesquisa", CaseState::Active, status::RESEARCHING),
    (
        "Problema resolvido",
        CaseState::Resolved,
        status::PROBLEM_SOLVED,
    ),
    (
        "Informação fornecida",
        CaseState::Resolved,
        status::INFORMATION_PROVIDED,
    ),
    ("Cancelado", CaseState::Cancelled, status::CANCELLED),
    ("Mesclado", CaseState::Cancelled, status::MERGED),
];
const TEAMS: [&str; 3] = ["Nível 1", "Nível 2 — Especialistas", "Financeiro"];

/// (subject, children)
const SUBJECTS: [(&str, &[&str]); 5] = [
    ("Atendimento geral", &[]),
    (
        "Produtos",
        &["Instalação", "Defeito", "Garantia", "Dúvida de uso"],
    ),
    ("Financeiro", &["Cobrança", "Nota fiscal", "Reembolso"]),
    ("Entregas", &["Atraso", "Avaria no transporte"]),
    ("Cadastro", &[]),
];

/// (reason, [(occurrence, [causes])])
type Cascade = [(
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
); 4];
const REASONS: Cascade = [
    (
        "Reclamação",
        &[
            (
                "Produto com defeito",
                &["Defeito de fabricação", "Mau uso", "Desgaste natural"],
            ),
            ("Atraso na entrega", &["Transportadora", "Falta de estoque"]),
            (
                "Cobrança indevida",
                &["Erro de faturamento", "Cobrança em duplicidade"],
            ),
        ],
    ),
    (
        "Dúvida",
        &[
            (
                "Uso do produto",
                &["Manual insuficiente", "Primeira utilização"],
            ),
            ("Prazo e entrega", &["Consulta de status"]),
        ],
    ),
    (
        "Solicitação",
        &[
            ("Assistência técnica", &["Visita técnica", "Troca de peça"]),
            ("Segunda via", &["Boleto", "Nota fiscal"]),
        ],
    ),
    ("Elogio", &[("Atendimento", &["Cordialidade", "Rapidez"])]),
];

/// (kind, code, name, state, family code)
const PRODUCTS: [(ProductKind, &str, &str, &str, Option<&str>); 6] = [
    (
        ProductKind::Family,
        "PAN",
        "Equipamentos de panificação",
        "active",
        None,
    ),
    (
        ProductKind::Product,
        "FT-450",
        "Forno Turbo 450",
        "active",
        Some("PAN"),
    ),
    (
        ProductKind::Product,
        "AM-20",
        "Amassadeira AM-20",
        "active",
        Some("PAN"),
    ),
    (
        ProductKind::Product,
        "FT-10",
        "Fatiadora F-10",
        "draft",
        Some("PAN"),
    ),
    (
        ProductKind::Product,
        "CV-01",
        "Cilindro Vitória (descontinuado)",
        "retired",
        Some("PAN"),
    ),
    (
        ProductKind::Bundle,
        "KIT-PAD",
        "Kit Padaria Completa",
        "draft",
        Some("PAN"),
    ),
];

/// Seeds every catalog into the tenant of the transaction.
pub async fn seed(tx: &mut PgConnection) -> anyhow::Result<()> {
    for (kind, names) in [
        (ListKind::Channels, &CHANNELS[..]),
        (ListKind::ActivityForms, &ACTIVITY_FORMS[..]),
        (ListKind::RequestTypes, &REQUEST_TYPES[..]),
        (ListKind::ForwardReasons, &FORWARD_REASONS[..]),
        (ListKind::Units, &UNITS[..]),
        (ListKind::ServiceLevels, &SERVICE_LEVELS[..]),
        (ListKind::CustomerRoles, &CUSTOMER_ROLES[..]),
    ] {
        for (order, name) in names.iter().enumerate() {
            add(tx, kind, name, order, "", CaseState::Active, false).await?;
        }
    }
    for (order, (name, color, is_default)) in PRIORITIES.iter().enumerate() {
        add(
            tx,
            ListKind::Priorities,
            name,
            order,
            color,
            CaseState::Active,
            *is_default,
        )
        .await?;
    }
    for (order, (name, state, key)) in STATUS_REASONS.iter().enumerate() {
        let id = add(tx, ListKind::StatusReasons, name, order, "", *state, false).await?;
        sqlx::query!(
            "update status_reasons set system_key = $2 where id = $1",
            id,
            key
        )
        .execute(&mut *tx)
        .await?;
    }
    for (name, key) in [
        ("Cliente", "customer"),
        ("Parceiro", "partner"),
        ("Fornecedor", "supplier"),
    ] {
        sqlx::query!(
            "update customer_roles set system_key = $2 where name = $1",
            name,
            key
        )
        .execute(&mut *tx)
        .await?;
    }
    for name in TEAMS {
        store::create_team(tx, name).await.map_err(write_error)?;
    }
    for (name, children) in SUBJECTS {
        let parent = store::create_subject(tx, None, name, &Names::default(), "")
            .await
            .map_err(write_error)?;
        for child in children {
            store::create_subject(tx, Some(parent), child, &Names::default(), "")
                .await
                .map_err(write_error)?;
        }
    }
    for (reason, occurrences) in REASONS {
        let reason_id = store::create_level_item(tx, Level::Reason, None, reason)
            .await
            .map_err(write_error)?;
        for (occurrence, causes) in occurrences {
            let occurrence_id =
                store::create_level_item(tx, Level::Occurrence, Some(reason_id), occurrence)
                    .await
                    .map_err(write_error)?;
            for cause in *causes {
                store::create_level_item(tx, Level::Cause, Some(occurrence_id), cause)
                    .await
                    .map_err(write_error)?;
            }
        }
    }
    seed_products(tx).await
}

async fn seed_products(tx: &mut PgConnection) -> anyhow::Result<()> {
    let mut ids: Vec<(&str, Uuid)> = Vec::new();
    for (kind, code, name, state, family) in PRODUCTS {
        let family_id = family.and_then(|f| ids.iter().find(|(c, _)| *c == f).map(|(_, id)| *id));
        let id = store::create_product(tx, kind, code, name, "", family_id)
            .await
            .map_err(write_error)?;
        if let Some(state) = crate::catalog::model::ProductState::parse(state) {
            store::set_product_state(tx, id, state).await?;
        }
        ids.push((code, id));
    }
    let find = |code: &str| ids.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);
    if let (Some(kit), Some(forno), Some(amassadeira)) =
        (find("KIT-PAD"), find("FT-450"), find("AM-20"))
    {
        store::put_bundle_item(tx, kit, forno, 1).await?;
        store::put_bundle_item(tx, kit, amassadeira, 2).await?;
    }
    Ok(())
}

async fn add(
    tx: &mut PgConnection,
    kind: ListKind,
    name: &str,
    order: usize,
    color: &str,
    state: CaseState,
    is_default: bool,
) -> anyhow::Result<Uuid> {
    let item = ListItemInput {
        name: name.to_owned(),
        names: Names::default(),
        sort_order: i32::try_from(order).unwrap_or(0),
        color: color.to_owned(),
        state,
        is_default,
    };
    store::create_item(tx, kind, &item)
        .await
        .map_err(write_error)
}

/// Gives the entries seeded here and by `sla::defaults` their Galician and
/// English names (the table of them is `default_catalog_names()` in
/// migration 0021, which gave them to the workspaces that existed then).
pub async fn name_in_other_languages(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("select name_default_catalogs()")
        .execute(tx)
        .await?;
    Ok(())
}

fn write_error(err: WriteError) -> anyhow::Error {
    match err {
        WriteError::NameTaken => anyhow::anyhow!("a default catalog entry already exists"),
        WriteError::Db(err) => anyhow::Error::new(err),
    }
}
