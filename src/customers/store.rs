//! SQL of customers: search and type-ahead, the customer page, and edits.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::customers::document::{self, Document};
use crate::customers::model::{
    AddressInput, AlertPriority, CustomerInput, CustomerKind, EcontactKind,
};
use crate::customers::name_search;
use crate::db::{Plans, TenantTx};

/// How a search text is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchText {
    /// Everything (no text typed).
    All,
    /// Words of a name, razão social or nome fantasia, accents and case ignored.
    Name(Vec<String>),
    /// Digits that may start a CPF/CNPJ or end a phone number.
    Number(String),
    /// Letters and digits that may start an alphanumeric CNPJ (upper-cased,
    /// without punctuation), or be words of a name ("R2D2").
    DocumentOrName { prefix: String, words: Vec<String> },
    /// The start of an e-mail address.
    Email(String),
}

impl SearchText {
    pub fn parse(q: &str) -> SearchText {
        let q = q.trim();
        if q.is_empty() {
            return SearchText::All;
        }
        if q.contains('@') {
            return SearchText::Email(q.to_lowercase());
        }
        // Documents and phones are typed with punctuation in every style.
        let compact: String = q
            .chars()
            .filter(|c| !" .-/()+".contains(*c))
            .collect::<String>()
            .to_ascii_uppercase();
        let all_digits = compact.len() >= 3 && compact.chars().all(|c| c.is_ascii_digit());
        if all_digits || (compact.len() == 14 && Document::parse_cnpj(&compact).is_ok()) {
            return SearchText::Number(compact);
        }
        let words: Vec<String> = q
            .to_lowercase()
            .split_whitespace()
            .take(8)
            .map(str::to_owned)
            .collect();
        if words.is_empty() {
            SearchText::All
        } else if could_start_cnpj(&compact) {
            SearchText::DocumentOrName {
                prefix: compact,
                words,
            }
        } else {
            SearchText::Name(words)
        }
    }
}

/// Whether upper-cased text without punctuation may be the start of an
/// alphanumeric CNPJ: twelve letters or digits, then two check digits. A
/// digit is required, so that a plain word stays a name search alone (the
/// type-ahead's busiest path): a CNPJ that starts with letters is found
/// from its first digit on.
fn could_start_cnpj(compact: &str) -> bool {
    (3..=14).contains(&compact.len())
        && compact.chars().all(|c| c.is_ascii_alphanumeric())
        && compact.chars().any(|c| c.is_ascii_digit())
        && compact
            .get(12..)
            .is_none_or(|checks| checks.chars().all(|c| c.is_ascii_digit()))
}

/// Escapes LIKE wildcards in user text, so `%` and `_` match themselves.
pub(super) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub kind: Option<CustomerKind>,
    pub include_inactive: bool,
}

#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct CustomerRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub trade_name: Option<String>,
    pub document: Option<String>,
    pub active: bool,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_role: bool,
}

impl CustomerRow {
    pub fn is_account(&self) -> bool {
        self.kind == "account"
    }

    pub fn kind_key(&self) -> &'static str {
        CustomerKind::parse(&self.kind)
            .unwrap_or(CustomerKind::Contact)
            .label_key()
    }

    pub fn document_text(&self) -> String {
        self.document
            .as_deref()
            .map(|d| Document::from_stored(d).formatted())
            .unwrap_or_default()
    }

    pub fn phone_text(&self) -> String {
        self.phone
            .as_deref()
            .map(document::format_phone)
            .unwrap_or_default()
    }
}

// Whether a customer has a role is a probe per row shown. Written as EXISTS,
// a generic plan (which cannot see the page size) read every role link of
// the workspace into a hash instead: 0.3 s for a page of 26 customers.
pub(crate) const ROW_COLUMNS: &str = "c.id, c.kind, c.name, c.trade_name, c.document, c.active, c.account_id, a.name as account_name,
    (select e.value from customer_econtacts e where e.tenant_id = c.tenant_id and e.customer_id = c.id and e.kind = 'email' order by e.is_principal desc, e.created_at limit 1) as email,
    (select p.number from customer_phones p where p.tenant_id = c.tenant_id and p.customer_id = c.id order by p.is_principal desc, p.created_at limit 1) as phone,
    coalesce((select true from customer_role_links r where r.tenant_id = c.tenant_id and r.customer_id = c.id limit 1), false) as has_role";

/// Where `ROW_COLUMNS` read from: the customer `c` and its account `a`.
pub(crate) const ROW_SOURCE: &str =
    "customers c left join customers a on a.tenant_id = c.tenant_id and a.id = c.account_id";

/// Customers matching the search, best match first (by name when nothing is
/// typed, then in pages after `after`: the (lower name, id) of the last row shown).
pub async fn search(
    tx: &mut TenantTx,
    text: &SearchText,
    filter: &SearchFilter,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    // Every typed text is a bound value these plans read through an index
    // range (or a sub-select), so the plan does not depend on it; left to
    // itself PostgreSQL would plan each type-ahead keystroke anew, which cost
    // more than running it.
    let before = tx.plans();
    tx.use_plans(Plans::Search).await?;
    let rows = search_planned(tx, text, filter, after, limit).await;
    tx.use_plans(before).await?;
    rows
}

/// `search` for a request that reads nothing after it: the transaction ends
/// here, and the plan mode ends with it, without a round trip to reset it
/// (nor one to set it, when the request began its transaction with it).
pub async fn search_and_finish(
    mut tx: TenantTx,
    text: &SearchText,
    filter: &SearchFilter,
    limit: i64,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    tx.use_plans(Plans::Search).await?;
    let rows = search_planned(&mut tx, text, filter, None, limit).await;
    tx.finish_reading();
    rows
}

async fn search_planned(
    tx: &mut PgConnection,
    text: &SearchText,
    filter: &SearchFilter,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("select {ROW_COLUMNS} from {ROW_SOURCE} where true"));
    push_filter(&mut sql, filter);
    match text {
        SearchText::Name(words) => {
            return name_search::search_by_name(tx, words, filter, limit).await;
        }
        SearchText::DocumentOrName { prefix, words } => {
            return documents_then_names(tx, prefix, words, filter, limit).await;
        }
        SearchText::All => {
            if let Some((name, id)) = after {
                sql.push(" and (lower(c.name), c.id) > (")
                    .push_bind(name)
                    .push(", ")
                    .push_bind(id)
                    .push(")");
            }
            sql.push(" order by lower(c.name), c.id");
        }
        SearchText::Number(number) => {
            let reversed: String = number.chars().rev().collect();
            // Each side stops at a page in index order: a few digits can
            // start thousands of documents, and the page is re-sorted by
            // name anyway; typing on narrows it. The order is the pattern
            // index's own (`~<~`), so the scan stops after a page; ordered
            // by the collation, every match was read and sorted first.
            sql.push(" and c.id in ((select id from customers where ");
            push_prefix_range(&mut sql, "document", number);
            sql.push(" order by document using ~<~ limit ")
                .push_bind(limit);
            sql.push(") union (select customer_id from customer_phones where ");
            push_prefix_range(&mut sql, "reversed_number", &reversed);
            sql.push(" order by reversed_number using ~<~ limit ")
                .push_bind(limit);
            sql.push(")) order by (c.document = ")
                .push_bind(number.clone())
                .push(") is not true, c.name, c.id");
        }
        SearchText::Email(email) => {
            sql.push(" and c.id in (select customer_id from customer_econtacts where ");
            push_prefix_range(&mut sql, "search_value", email);
            sql.push(") order by c.name, c.id");
        }
    }
    sql.push(" limit ").push_bind(limit);
    sql.build_query_as().fetch_all(tx).await
}

/// Customers whose document starts with `prefix` (the one that is it
/// first), then, when the page is not full, those whose names match the
/// words: one range of the documents' index, and the name search only for
/// what is left.
async fn documents_then_names(
    tx: &mut PgConnection,
    prefix: &str,
    words: &[String],
    filter: &SearchFilter,
    limit: i64,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("select {ROW_COLUMNS} from {ROW_SOURCE} where true"));
    push_filter(&mut sql, filter);
    sql.push(" and c.id in (select id from customers where ");
    push_prefix_range(&mut sql, "document", prefix);
    sql.push(" order by document using ~<~ limit ")
        .push_bind(limit);
    sql.push(") order by (c.document = ")
        .push_bind(prefix.to_owned())
        .push(") is not true, c.name, c.id limit ")
        .push_bind(limit);
    let mut rows: Vec<CustomerRow> = sql.build_query_as().fetch_all(&mut *tx).await?;
    if (rows.len() as i64) < limit {
        for row in name_search::search_by_name(tx, words, filter, limit).await? {
            if (rows.len() as i64) < limit && rows.iter().all(|r| r.id != row.id) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// `column` starts with `prefix`, as a range of leakproof comparisons: under
/// row-level security LIKE is applied only after the policy, never through an
/// index (migrations/0006_customer_lookup.sql).
fn push_prefix_range(sql: &mut QueryBuilder<Postgres>, column: &'static str, prefix: &str) {
    sql.push(format_args!("({column} ~>=~ "))
        .push_bind(prefix.to_owned())
        .push(format_args!(" and {column} ~<~ ("))
        .push_bind(prefix.to_owned())
        .push(" || chr(1114111)))");
}

pub(super) fn push_filter(sql: &mut QueryBuilder<Postgres>, filter: &SearchFilter) {
    if !filter.include_inactive {
        sql.push(" and c.active");
    }
    if let Some(kind) = filter.kind {
        sql.push(" and c.kind = ").push_bind(kind.as_str());
    }
}

#[derive(Debug, Clone)]
pub struct CustomerDetail {
    pub row: CustomerRow,
    pub notes: String,
    pub service_level: Option<(Uuid, String)>,
    pub primary_contact_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The customer as lists and cards show it, without the details of its page.
pub async fn find_row(tx: &mut PgConnection, id: Uuid) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROW_COLUMNS} from {ROW_SOURCE} where c.id = $1"
    )))
    .bind(id)
    .fetch_optional(tx)
    .await
}

#[derive(FromRow)]
struct DetailExtra {
    notes: String,
    primary_contact_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    level_id: Option<Uuid>,
    level_name: Option<String>,
}

pub async fn find(tx: &mut PgConnection, id: Uuid) -> Result<Option<CustomerDetail>, sqlx::Error> {
    let Some(row) = find_row(&mut *tx, id).await? else {
        return Ok(None);
    };
    let extra: DetailExtra = sqlx::query_as(
        "select c.notes, c.primary_contact_id, c.created_at, s.id as level_id,
                catalog_name(s.name, s.names) as level_name
           from customers c left join service_levels s on s.tenant_id = c.tenant_id and s.id = c.service_level_id
          where c.id = $1",
    )
    .bind(id)
    .fetch_one(tx)
    .await?;
    Ok(Some(CustomerDetail {
        row,
        notes: extra.notes,
        service_level: extra.level_id.zip(extra.level_name),
        primary_contact_id: extra.primary_contact_id,
        created_at: extra.created_at,
    }))
}

pub enum SaveError {
    DocumentTaken,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.constraint() == Some("customers_document_key") => {
                SaveError::DocumentTaken
            }
            _ => SaveError::Db(err),
        }
    }
}

impl crate::db::Conflict for SaveError {
    fn into_failure(self) -> Option<sqlx::Error> {
        match self {
            SaveError::DocumentTaken => None,
            SaveError::Db(err) => Some(err),
        }
    }
}

/// The active account with this CNPJ, for linking a contact to it.
pub async fn account_by_document(
    tx: &mut PgConnection,
    document: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from customers where kind = 'account' and active and document = $1",
        document
    )
    .fetch_optional(tx)
    .await
}

/// The active customer with this CPF or CNPJ (typed with or without its
/// punctuation), and its name: routing rules name customers by document.
pub async fn by_document(
    tx: &mut PgConnection,
    text: &str,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    let document = crate::customers::document::Document::parse_cpf(text)
        .or_else(|_| crate::customers::document::Document::parse_cnpj(text));
    let Ok(document) = document else {
        return Ok(None);
    };
    sqlx::query_as("select id, name from customers where active and document = $1")
        .bind(document.normalized())
        .fetch_optional(tx)
        .await
}

pub async fn create(
    tx: &mut PgConnection,
    input: &CustomerInput,
    account_id: Option<Uuid>,
) -> Result<Uuid, SaveError> {
    let id = Uuid::now_v7();
    crate::db::execute_guarded(&mut *tx, sqlx::query!(
        "insert into customers (tenant_id, id, kind, name, trade_name, document, account_id, service_level_id, notes)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        input.kind.as_str(),
        input.name,
        input.trade_name,
        input.document.as_ref().map(Document::normalized),
        account_id,
        input.service_level_id,
        input.notes
    )).await?;
    set_roles(tx, id, &input.roles).await?;
    if let Some(email) = &input.email {
        add_econtact(tx, id, EcontactKind::Email, email, true).await?;
    }
    if let Some(whatsapp) = &input.whatsapp {
        add_econtact(tx, id, EcontactKind::Whatsapp, whatsapp, true).await?;
    }
    if let Some(phone) = &input.phone {
        add_phone(tx, id, "", phone, true).await?;
    }
    if let Some(account) = account_id {
        // The first contact of an account becomes its primary contact.
        sqlx::query!(
            "update customers set primary_contact_id = $2 where id = $1 and primary_contact_id is null",
            account,
            id
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

pub async fn update(
    tx: &mut PgConnection,
    id: Uuid,
    input: &CustomerInput,
    account_id: Option<Uuid>,
) -> Result<(), SaveError> {
    crate::db::execute_guarded(&mut *tx, sqlx::query!(
        "update customers set name = $2, trade_name = $3, document = $4, account_id = $5, service_level_id = $6,
                notes = $7, updated_at = now()
          where id = $1",
        id,
        input.name,
        input.trade_name,
        input.document.as_ref().map(Document::normalized),
        account_id,
        input.service_level_id,
        input.notes
    )).await?;
    set_roles(tx, id, &input.roles).await?;
    Ok(())
}

pub async fn set_active(tx: &mut PgConnection, id: Uuid, active: bool) -> Result<(), SaveError> {
    crate::db::execute_guarded(
        &mut *tx,
        sqlx::query!(
            "update customers set active = $2, updated_at = now() where id = $1",
            id,
            active
        ),
    )
    .await?;
    Ok(())
}

pub async fn set_primary_contact(
    tx: &mut PgConnection,
    account: Uuid,
    contact: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update customers set primary_contact_id = $2, updated_at = now()
          where id = $1 and kind = 'account'
            and exists (select from customers k where k.id = $2 and k.account_id = $1)",
        account,
        contact
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the customer's roles; unknown or inactive roles are ignored by
/// the caller's check beforehand.
pub async fn set_roles(tx: &mut PgConnection, id: Uuid, roles: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from customer_role_links where customer_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into customer_role_links (tenant_id, customer_id, role_id)
         select app_tenant_id(), $1, r from unnest($2::uuid[]) r on conflict do nothing",
        id,
        roles
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn role_names(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as(
        "select r.id, catalog_name(r.name, r.names)
           from customer_role_links l join customer_roles r on r.tenant_id = l.tenant_id and r.id = l.role_id
          where l.customer_id = $1 order by r.sort_order, r.name",
    )
    .bind(id)
    .fetch_all(tx)
    .await
}

/// Checks that every referenced row exists and is active in this tenant.
pub async fn valid_references(
    tx: &mut PgConnection,
    service_level: Option<Uuid>,
    roles: &[Uuid],
) -> Result<(bool, bool), sqlx::Error> {
    let row = sqlx::query!(
        r#"select ($1::uuid is null or exists (select from service_levels where id = $1 and active)) as "level_ok!",
                  (select count(*) from customer_roles where id = any($2) and active) = cardinality($2::uuid[]) as "roles_ok!""#,
        service_level,
        roles
    )
    .fetch_one(tx)
    .await?;
    Ok((row.level_ok, row.roles_ok))
}

pub async fn account_contacts(
    tx: &mut PgConnection,
    account: Uuid,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROW_COLUMNS} from {ROW_SOURCE}
          where c.account_id = $1 order by c.active desc, c.name"
    )))
    .bind(account)
    .fetch_all(tx)
    .await
}

/// The customer and, for an account, every one of its contacts: whose cases
/// make up the customer's history and agenda.
pub async fn with_contacts(
    tx: &mut PgConnection,
    customer: &CustomerRow,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut ids = vec![customer.id];
    if customer.is_account() {
        ids.extend(
            sqlx::query_scalar::<_, Uuid>("select id from customers where account_id = $1")
                .bind(customer.id)
                .fetch_all(tx)
                .await?,
        );
    }
    Ok(ids)
}

// Contact points ------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Address {
    pub id: Uuid,
    pub label: String,
    pub street: String,
    pub number: String,
    pub complement: String,
    pub district: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub is_principal: bool,
}

impl Address {
    /// One line: "Rua X, 123 - apto 4, Centro, São Paulo/SP, 01310-100".
    pub fn one_line(&self) -> String {
        let mut first = self.street.clone();
        if !self.number.is_empty() {
            first = format!("{first}, {}", self.number);
        }
        if !self.complement.is_empty() {
            first = format!("{first} - {}", self.complement);
        }
        let city = match (self.city.is_empty(), self.state.is_empty()) {
            (false, false) => format!("{}/{}", self.city, self.state),
            (false, true) => self.city.clone(),
            _ => self.state.clone(),
        };
        [first, self.district.clone(), city, self.postal_code.clone()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn addresses(tx: &mut PgConnection, customer: Uuid) -> Result<Vec<Address>, sqlx::Error> {
    sqlx::query_as!(
        Address,
        "select id, label, street, number, complement, district, city, state, postal_code, country, is_principal
           from customer_addresses where customer_id = $1 order by is_principal desc, created_at",
        customer
    )
    .fetch_all(tx)
    .await
}

pub async fn add_address(
    tx: &mut PgConnection,
    customer: Uuid,
    a: &AddressInput,
) -> Result<(), sqlx::Error> {
    let principal = a.principal || !has_any(tx, "customer_addresses", customer).await?;
    if principal {
        sqlx::query!(
            "update customer_addresses set is_principal = false where customer_id = $1",
            customer
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "insert into customer_addresses (tenant_id, id, customer_id, label, street, number, complement, district, city, state, postal_code, is_principal)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        Uuid::now_v7(),
        customer,
        a.label,
        a.street,
        a.number,
        a.complement,
        a.district,
        a.city,
        a.state,
        a.postal_code,
        principal
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Phone {
    pub id: Uuid,
    pub label: String,
    pub number: String,
    pub is_principal: bool,
}

impl Phone {
    pub fn formatted(&self) -> String {
        document::format_phone(&self.number)
    }
}

pub async fn phones(tx: &mut PgConnection, customer: Uuid) -> Result<Vec<Phone>, sqlx::Error> {
    sqlx::query_as!(
        Phone,
        "select id, label, number, is_principal from customer_phones where customer_id = $1 order by is_principal desc, created_at",
        customer
    )
    .fetch_all(tx)
    .await
}

pub async fn add_phone(
    tx: &mut PgConnection,
    customer: Uuid,
    label: &str,
    number: &str,
    principal: bool,
) -> Result<(), sqlx::Error> {
    let principal = principal || !has_any(tx, "customer_phones", customer).await?;
    if principal {
        sqlx::query!(
            "update customer_phones set is_principal = false where customer_id = $1",
            customer
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "insert into customer_phones (tenant_id, id, customer_id, label, number, is_principal)
         values (app_tenant_id(), $1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        customer,
        label,
        number,
        principal
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Econtact {
    pub id: Uuid,
    pub kind: String,
    pub value: String,
    pub is_principal: bool,
}

impl Econtact {
    pub fn kind_key(&self) -> &'static str {
        EcontactKind::parse(&self.kind)
            .unwrap_or(EcontactKind::Other)
            .label_key()
    }
}

pub async fn econtacts(
    tx: &mut PgConnection,
    customer: Uuid,
) -> Result<Vec<Econtact>, sqlx::Error> {
    sqlx::query_as!(
        Econtact,
        "select id, kind, value, is_principal from customer_econtacts where customer_id = $1 order by kind, is_principal desc, created_at",
        customer
    )
    .fetch_all(tx)
    .await
}

pub async fn add_econtact(
    tx: &mut PgConnection,
    customer: Uuid,
    kind: EcontactKind,
    value: &str,
    principal: bool,
) -> Result<(), sqlx::Error> {
    let has_of_kind = sqlx::query_scalar!(
        r#"select exists (select from customer_econtacts where customer_id = $1 and kind = $2) as "exists!""#,
        customer,
        kind.as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    let principal = principal || !has_of_kind;
    if principal {
        sqlx::query!(
            "update customer_econtacts set is_principal = false where customer_id = $1 and kind = $2",
            customer,
            kind.as_str()
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "insert into customer_econtacts (tenant_id, id, customer_id, kind, value, is_principal)
         values (app_tenant_id(), $1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        customer,
        kind.as_str(),
        value,
        principal
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Which contact point tables a principal mark or removal may touch.
#[derive(Debug, Clone, Copy)]
pub enum PointTable {
    Address,
    Phone,
    Econtact,
}

impl PointTable {
    fn table(self) -> &'static str {
        match self {
            PointTable::Address => "customer_addresses",
            PointTable::Phone => "customer_phones",
            PointTable::Econtact => "customer_econtacts",
        }
    }

    pub fn parse(text: &str) -> Option<PointTable> {
        match text {
            "address" => Some(PointTable::Address),
            "phone" => Some(PointTable::Phone),
            "econtact" => Some(PointTable::Econtact),
            _ => None,
        }
    }
}

async fn has_any(
    tx: &mut PgConnection,
    table: &'static str,
    customer: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select exists (select from {table} where customer_id = $1)"
    )))
    .bind(customer)
    .fetch_one(tx)
    .await
}

/// Makes one contact point the principal of its customer (and, for
/// e-contacts, of its kind).
pub async fn make_principal(
    tx: &mut PgConnection,
    table: PointTable,
    customer: Uuid,
    point: Uuid,
) -> Result<bool, sqlx::Error> {
    let same_group = match table {
        PointTable::Econtact => " and kind = (select kind from customer_econtacts where id = $2)",
        _ => "",
    };
    let t = table.table();
    let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select exists (select from {t} where id = $2 and customer_id = $1)"
    )))
    .bind(customer)
    .bind(point)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Ok(false);
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "update {t} set is_principal = false where customer_id = $1 and is_principal{same_group}"
    )))
    .bind(customer)
    .bind(point)
    .execute(&mut *tx)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "update {t} set is_principal = true where id = $2 and customer_id = $1"
    )))
    .bind(customer)
    .bind(point)
    .execute(tx)
    .await?;
    Ok(true)
}

/// Contact points are details, not records anyone refers to: they are removed.
pub async fn remove_point(
    tx: &mut PgConnection,
    table: PointTable,
    customer: Uuid,
    point: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {} where id = $2 and customer_id = $1",
        table.table()
    )))
    .bind(customer)
    .bind(point)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

// Alerts ----------------------------------------------------------------------

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Alert {
    pub id: Uuid,
    pub text: String,
    pub priority: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub author: Option<String>,
}

impl Alert {
    pub fn priority_key(&self) -> &'static str {
        AlertPriority::parse(&self.priority)
            .unwrap_or(AlertPriority::Low)
            .label_key()
    }
}

/// The customer's alerts showing at `now`, most urgent first, as one JSON
/// array, for a statement that reads them beside other things (the case
/// page). `customer` and `now` are as the statement names them.
pub(crate) fn current_alerts_json(customer: &str, now: &str) -> String {
    format!(
        "(select coalesce(json_agg(al order by al.rank, al.created_at desc), '[]')
            from (select al.id, al.text, al.priority, al.expires_at, al.created_at, u.name as author,
                         case al.priority when 'high' then 0 when 'medium' then 1 else 2 end as rank
                    from customer_alerts al
                    left join users u on u.tenant_id = al.tenant_id and u.id = al.created_by
                   where al.customer_id = {customer} and al.active
                     and (al.expires_at is null or al.expires_at > {now})) al)"
    )
}

/// Alerts showing now, most urgent first.
pub async fn current_alerts(
    tx: &mut PgConnection,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>, sqlx::Error> {
    let alerts: sqlx::types::Json<Vec<Alert>> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select {}",
        current_alerts_json("$1", "$2")
    )))
    .bind(customer)
    .bind(now)
    .fetch_one(tx)
    .await?;
    Ok(alerts.0)
}

pub async fn add_alert(
    tx: &mut PgConnection,
    customer: Uuid,
    text: &str,
    priority: AlertPriority,
    expires_at: Option<DateTime<Utc>>,
    author: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into customer_alerts (tenant_id, id, customer_id, text, priority, expires_at, created_by)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        customer,
        text,
        priority.as_str(),
        expires_at,
        author
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn end_alert(
    tx: &mut PgConnection,
    customer: Uuid,
    alert: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update customer_alerts set active = false where id = $2 and customer_id = $1",
        customer,
        alert
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

// Import and export -----------------------------------------------------------

/// Names and documents the import checks rows against.
pub async fn import_lookups(
    tx: &mut PgConnection,
) -> Result<crate::customers::csv::Lookups, sqlx::Error> {
    // A file may name an entry in any of the workspace's languages: the
    // export writes them in the language of whoever exported it.
    let by_any_name = |table: &str| {
        format!(
            "select lower(n.name), t.id from {table} t,
                    lateral (select t.name union select value from jsonb_each_text(t.names)) n(name)
              where t.active"
        )
    };
    let levels: Vec<(String, Uuid)> = sqlx::query_as(AssertSqlSafe(by_any_name("service_levels")))
        .fetch_all(&mut *tx)
        .await?;
    let roles: Vec<(String, Uuid)> = sqlx::query_as(AssertSqlSafe(by_any_name("customer_roles")))
        .fetch_all(&mut *tx)
        .await?;
    let documents = sqlx::query!("select kind, document as \"document!\" from customers where active and document is not null")
        .fetch_all(&mut *tx)
        .await?;
    Ok(crate::customers::csv::Lookups {
        service_levels: levels.into_iter().collect(),
        roles: roles.into_iter().collect(),
        accounts: documents
            .iter()
            .filter(|d| d.kind == "account")
            .map(|d| d.document.clone())
            .collect(),
        taken_documents: documents.into_iter().map(|d| d.document).collect(),
    })
}

/// The columns of the export that the search rows do not carry.
pub struct ExportExtras {
    pub account_document: Option<String>,
    pub service_level: Option<String>,
    pub roles: Vec<String>,
    pub notes: String,
}

pub async fn export_extras(
    tx: &mut PgConnection,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, ExportExtras>, sqlx::Error> {
    // Customer, account document, service level, notes, roles.
    type Row = (Uuid, Option<String>, Option<String>, String, Vec<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "select c.id, a.document, catalog_name(s.name, s.names), c.notes,
                coalesce((select array_agg(catalog_name(r.name, r.names) order by r.sort_order, r.name)
                            from customer_role_links l join customer_roles r on r.tenant_id = l.tenant_id and r.id = l.role_id
                           where l.customer_id = c.id), '{}')
           from customers c
           left join customers a on a.tenant_id = c.tenant_id and a.id = c.account_id
           left join service_levels s on s.tenant_id = c.tenant_id and s.id = c.service_level_id
          where c.id = any($1)",
    )
    .bind(ids)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account_document, service_level, notes, roles)| {
            (
                id,
                ExportExtras {
                    account_document,
                    service_level,
                    roles,
                    notes,
                },
            )
        })
        .collect())
}

/// Contacts a case of `customer` may name: the customer itself when a
/// person, the people of its account, or of the account it belongs to.
pub async fn contacts_for(
    tx: &mut PgConnection,
    customer: Uuid,
) -> Result<Vec<crate::catalog::store::Choice>, sqlx::Error> {
    sqlx::query_as!(
        crate::catalog::store::Choice,
        "select k.id, k.name from customers k
          where k.kind = 'contact' and k.active
            and (k.id = $1 or k.account_id = $1 or k.account_id = (select account_id from customers where id = $1))
          order by (k.id = $1) desc, lower(k.name)
          limit 200",
        customer
    )
    .fetch_all(tx)
    .await
}

/// Active partners (customers with the partner role): where a case can be
/// attended (isoCRM "Local"). The partners' ids are read first, from the
/// role's links: joined, the planner cannot know that partners are few and
/// walked every customer of the workspace in name order instead (0.8 s at
/// 100,000 customers with no partner).
pub async fn partner_choices(
    tx: &mut PgConnection,
) -> Result<Vec<crate::catalog::store::Choice>, sqlx::Error> {
    sqlx::query_as(
        "select c.id, c.name from customers c
          where c.active
            and c.id = any (array(select l.customer_id from customer_roles r
                                    join customer_role_links l on l.tenant_id = r.tenant_id and l.role_id = r.id
                                   where r.system_key = 'partner'))
          order by lower(c.name) limit 500",
    )
    .fetch_all(tx)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_read_as_a_name_a_number_or_an_email() {
        assert_eq!(SearchText::parse("  "), SearchText::All);
        assert_eq!(
            SearchText::parse("Padaria São"),
            SearchText::Name(vec!["padaria".into(), "são".into()])
        );
        assert_eq!(
            SearchText::parse("529.982"),
            SearchText::Number("529982".into())
        );
        assert_eq!(
            SearchText::parse("(11) 98765-4321"),
            SearchText::Number("11987654321".into())
        );
        assert_eq!(
            SearchText::parse("12.ABC.345/01DE-35"),
            SearchText::Number("12ABC34501DE35".into())
        );
        assert_eq!(
            SearchText::parse("Jose.Silva@Padaria"),
            SearchText::Email("jose.silva@padaria".into())
        );
        assert_eq!(
            SearchText::parse("R2D2"),
            SearchText::DocumentOrName {
                prefix: "R2D2".into(),
                words: vec!["r2d2".into()]
            }
        );
        assert_eq!(
            SearchText::parse("Padaria"),
            SearchText::Name(vec!["padaria".into()])
        );
    }

    #[test]
    fn the_start_of_an_alphanumeric_cnpj_is_read_as_a_document_in_any_style() {
        for typed in ["12ABC", "12abc", "12.ABC", "12.abc.345", "12.ABC.345/01DE"] {
            let SearchText::DocumentOrName { prefix, .. } = SearchText::parse(typed) else {
                panic!("{typed} is not read as a document");
            };
            let expected: String = typed
                .to_ascii_uppercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            assert_eq!(prefix, expected);
        }
        // Check digits are digits; fifteen characters are too many.
        for not_a_cnpj in ["12ABC34501DEX", "12ABC34501DE351", "ab"] {
            assert!(
                !matches!(
                    SearchText::parse(not_a_cnpj),
                    SearchText::DocumentOrName { .. }
                ),
                "{not_a_cnpj}"
            );
        }
    }

    #[test]
    fn like_wildcards_in_user_text_match_themselves() {
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
    }
}
