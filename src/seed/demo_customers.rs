//! The demo workspace's customers: about fifty accounts and contacts with
//! roles, service levels, contact points and a few alerts, always including
//! Padaria São João and its primary contact José da Silva.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::catalog::model::ListKind;
use crate::catalog::store as catalog;
use crate::customers::document::Document;
use crate::customers::model::{AddressInput, AlertPriority, CustomerInput, CustomerKind};
use crate::customers::store::{self, SaveError};
use crate::seed::names::{self, Rng};

const PADARIA_CNPJ: &str = "11222333000181";

pub async fn seed(tx: &mut PgConnection, author: Uuid) -> anyhow::Result<()> {
    if store::account_by_document(tx, PADARIA_CNPJ)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let levels = by_name(catalog::choices(tx, ListKind::ServiceLevels).await?);
    let roles = by_name(catalog::choices(tx, ListKind::CustomerRoles).await?);
    let role = |name: &str| roles.get(name).copied().into_iter().collect::<Vec<_>>();

    let padaria = create(
        tx,
        CustomerInput {
            kind: CustomerKind::Account,
            name: "Padaria São João Ltda".into(),
            trade_name: Some("Padaria São João".into()),
            document: Some(Document::from_stored(PADARIA_CNPJ)),
            account_document: None,
            email: Some("contato@padaria.example".into()),
            phone: Some("1133334444".into()),
            whatsapp: None,
            service_level_id: levels.get("Gold").copied(),
            roles: role("Cliente"),
            notes: "Cliente desde 2019. Três lojas na zona sul.".into(),
        },
        None,
    )
    .await?;
    address(
        tx,
        padaria,
        "Sede",
        "Rua das Flores",
        "120",
        "Vila Mariana",
        "São Paulo",
        "SP",
        "04101-000",
    )
    .await?;
    store::add_alert(
        tx,
        padaria,
        "Cliente Gold: retornar em até 2 horas úteis.",
        AlertPriority::Medium,
        None,
        author,
    )
    .await?;
    create(
        tx,
        CustomerInput {
            kind: CustomerKind::Contact,
            name: "José da Silva".into(),
            trade_name: None,
            document: Some(Document::from_stored("52998224725")),
            account_document: None,
            email: Some("jose.silva@padaria.example".into()),
            phone: Some("11987654321".into()),
            whatsapp: Some("11987654321".into()),
            service_level_id: levels.get("Gold").copied(),
            roles: role("Cliente"),
            notes: "Sócio-gerente; prefere contato por WhatsApp.".into(),
        },
        Some(padaria),
    )
    .await?;

    let mut rng = Rng::new(2026);
    let mut accounts = vec![padaria];
    for i in 0..19u64 {
        let (legal, trade) = names::company_name(&mut rng);
        let (city, state) = *rng.pick(&names::CITIES);
        let level = *rng.pick(&["Standard", "Standard", "Silver", "Gold"]);
        let partner = i % 7 == 3;
        let id = create(
            tx,
            CustomerInput {
                kind: CustomerKind::Account,
                name: format!("{legal} {}", i + 1),
                trade_name: Some(trade.clone()),
                document: Some(Document::from_stored(&names::cnpj(20_000_000 + i * 7_919))),
                account_document: None,
                email: Some(format!("atendimento{}@{}.example", i + 1, slug(&trade))),
                phone: Some(format!(
                    "{}3{:07}",
                    rng.pick(&[11u64, 21, 31, 41, 51]),
                    rng.below(10_000_000)
                )),
                whatsapp: None,
                service_level_id: levels.get(level).copied(),
                roles: if partner {
                    role("Parceiro")
                } else {
                    role("Cliente")
                },
                notes: String::new(),
            },
            None,
        )
        .await?;
        let (street, number) = names::street(&mut rng);
        address(
            tx,
            id,
            "Sede",
            &street,
            &number,
            "Centro",
            city,
            state,
            &format!("{:05}-{:03}", 10_000 + rng.below(89_999), rng.below(1000)),
        )
        .await?;
        if i % 6 == 2 {
            store::add_alert(
                tx,
                id,
                "Pagamento em atraso: consultar o financeiro antes de agendar visita.",
                AlertPriority::High,
                None,
                author,
            )
            .await?;
        }
        accounts.push(id);
    }
    for i in 0..30u64 {
        let name = names::person_name(&mut rng);
        let account = (i % 3 != 2).then(|| accounts[(i as usize) % accounts.len()]);
        let without_role = i == 17;
        let id = create(
            tx,
            CustomerInput {
                kind: CustomerKind::Contact,
                document: Some(Document::from_stored(&names::cpf(
                    300_000_000 + i * 104_729,
                ))),
                account_document: None,
                email: Some(names::email_for(&name, "cliente.example", i)),
                phone: Some(names::mobile(&mut rng)),
                whatsapp: None,
                service_level_id: levels.get("Standard").copied(),
                roles: if without_role {
                    Vec::new()
                } else {
                    role("Cliente")
                },
                notes: String::new(),
                trade_name: None,
                name,
            },
            account,
        )
        .await?;
        if i == 9 {
            store::add_alert(
                tx,
                id,
                "Cliente sensível: registrar todas as interações com detalhe.",
                AlertPriority::Low,
                None,
                author,
            )
            .await?;
        }
        if i == 25 {
            store::set_active(tx, id, false).await.map_err(save_error)?;
        }
    }
    Ok(())
}

fn by_name(choices: Vec<catalog::Choice>) -> HashMap<String, Uuid> {
    choices.into_iter().map(|c| (c.name, c.id)).collect()
}

fn slug(text: &str) -> String {
    names::email_for(text, "x", 0)
        .split('@')
        .next()
        .unwrap_or("empresa")
        .replace('.', "")
}

async fn create(
    tx: &mut PgConnection,
    input: CustomerInput,
    account: Option<Uuid>,
) -> anyhow::Result<Uuid> {
    store::create(tx, &input, account).await.map_err(save_error)
}

#[allow(clippy::too_many_arguments)]
async fn address(
    tx: &mut PgConnection,
    customer: Uuid,
    label: &str,
    street: &str,
    number: &str,
    district: &str,
    city: &str,
    state: &str,
    postal_code: &str,
) -> anyhow::Result<()> {
    let input = AddressInput {
        label: label.into(),
        street: street.into(),
        number: number.into(),
        complement: String::new(),
        district: district.into(),
        city: city.into(),
        state: state.into(),
        postal_code: postal_code.into(),
        principal: true,
    };
    store::add_address(tx, customer, &input).await?;
    Ok(())
}

fn save_error(err: SaveError) -> anyhow::Error {
    match err {
        SaveError::DocumentTaken => anyhow::anyhow!("a demo customer's document is already taken"),
        SaveError::Db(err) => anyhow::Error::new(err),
    }
}
