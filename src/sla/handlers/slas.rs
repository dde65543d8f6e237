//! SLAs and their ordered items: deadlines in working time, actions on
//! warning and failure, and the "applicable when" condition edited as rows
//! of field / operator / value (groups joined by OR, rows by AND).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::defaults::status;
use crate::catalog::referable::{self, NamedRow, Referable};
use crate::catalog::store::Choice;
use crate::catalog::translations::Names;
use crate::core::duration::{self, DurationField, Unit};
use crate::core::lang::Lang;
use crate::error::{Result, not_found};
use crate::sla::admin_store::{self as store, ItemData, ItemRow, SlaData, SlaRow};
use crate::sla::condition::{Condition, Field, Op, Rule};
use crate::sla::model::{Actions, FirstResponseBy, Kpi};
use crate::users::model::Role;
use crate::web::form::{self, Arg, FieldErrors, Form, Query, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("slas"));
    vec![
        Route::get("/admin/sla", admin, list_slas),
        Route::post("/admin/sla", admin, create_sla),
        Route::get("/admin/sla/{id}", one, show_sla),
        Route::post("/admin/sla/{id}", one, save_sla),
        Route::post(
            "/admin/sla/{id}/deactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Slas, s, id, false),
        ),
        Route::post(
            "/admin/sla/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Slas, s, id, true),
        ),
        Route::get("/admin/sla/{id}/items/edit", one, edit_item),
        Route::get("/admin/sla/{id}/items/values", one, value_options),
        Route::post("/admin/sla/{id}/items/edit", one, save_item),
        Route::post("/admin/sla/{id}/items/delete", one, delete_item),
        Route::post("/admin/sla/{id}/items/move", one, move_item),
    ]
}

/// Empty rule rows offered under each group, and empty groups after them.
const EMPTY_ROWS: usize = 3;
/// Upper bound of a deadline: ten years of round-the-clock minutes.
const MAX_MINUTES: i32 = 5_256_000;

// SLAs ----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SlaForm {
    name: String,
    description: String,
    calendar_id: String,
    pause: Vec<String>,
    is_default: String,
}

pub struct SlaInput {
    pub name: String,
    pub description: String,
    pub calendar_id: String,
    pub pause: Vec<String>,
    pub is_default: bool,
}

impl SlaInput {
    fn from_form(form: &SlaForm) -> SlaInput {
        SlaInput {
            name: form.name.clone(),
            description: form.description.clone(),
            calendar_id: form.calendar_id.clone(),
            pause: form.pause.clone(),
            is_default: !form.is_default.is_empty(),
        }
    }

    pub fn pauses(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.pause.contains(&id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/slas.html")]
pub struct SlasPage {
    ctx: PageCtx,
    slas: Vec<SlaRow>,
    input: SlaInput,
    calendars: Vec<Choice>,
    statuses: Vec<Choice>,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/sla.html")]
pub struct SlaPage {
    ctx: PageCtx,
    sla: SlaRow,
    input: SlaInput,
    calendars: Vec<Choice>,
    statuses: Vec<Choice>,
    items: Vec<ItemLine>,
    errors: FieldErrors,
}

fn read_sla(
    form: &SlaForm,
    calendars: &[Choice],
    statuses: &[Choice],
    active: bool,
) -> std::result::Result<SlaData, FieldErrors> {
    let mut problems = FieldErrors::default();
    let name = problems.check("name", form::required_line(&form.name, 120));
    let description = problems.check("description", form::multiline(&form.description, 2000));
    let calendar_id = Uuid::parse_str(form.calendar_id.trim())
        .ok()
        .filter(|id| calendars.iter().any(|c| c.id == *id));
    if calendar_id.is_none() {
        problems.add("calendar_id", "sla-admin-error-calendar");
    }
    let pause: Vec<Uuid> = statuses
        .iter()
        .filter(|s| form.pause.iter().any(|p| p.trim() == s.id.to_string()))
        .map(|s| s.id)
        .collect();
    let is_default = !form.is_default.is_empty();
    if is_default && !active {
        problems.add("is_default", "sla-admin-error-default-inactive");
    }
    match (name, description, calendar_id) {
        (Some(name), Some(description), Some(calendar_id)) if problems.is_empty() => Ok(SlaData {
            name,
            description,
            calendar_id,
            pause,
            is_default,
        }),
        _ => Err(problems),
    }
}

async fn list_page(
    s: &mut SignedIn<Admin>,
    input: Option<SlaInput>,
    errors: FieldErrors,
) -> Result<SlasPage> {
    let slas = store::all_slas(&mut s.tx).await?;
    let calendars = store::calendar_choices(&mut s.tx, None).await?;
    let statuses = referable::pause_statuses(&mut s.tx).await?;
    let input = match input {
        Some(input) => input,
        None => {
            let pause = referable::active_statuses_by_key(
                &mut s.tx,
                &[status::ON_HOLD, status::WAITING_DETAILS],
            )
            .await?;
            SlaInput {
                name: String::new(),
                description: String::new(),
                calendar_id: calendars
                    .first()
                    .map(|c| c.id.to_string())
                    .unwrap_or_default(),
                pause: pause.iter().map(Uuid::to_string).collect(),
                is_default: false,
            }
        }
    };
    Ok(SlasPage {
        ctx: s.page.clone(),
        slas,
        input,
        calendars,
        statuses,
        errors,
    })
}

async fn list_slas(mut s: SignedIn<Admin>) -> Result<SlasPage> {
    let page = list_page(&mut s, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn create_sla(mut s: SignedIn<Admin>, Form(input): Form<SlaForm>) -> Result<Response> {
    let calendars = store::calendar_choices(&mut s.tx, None).await?;
    let statuses = referable::pause_statuses(&mut s.tx).await?;
    let mut errors = FieldErrors::default();
    if let Ok(data) = read_sla(&input, &calendars, &statuses, true).map_err(|e| errors = e) {
        let written = store::create_sla(&mut s.tx, &data).await;
        if let Some(id) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/sla/{id}");
            return admin::saved(s, "catalog-item-created", &data.name, &to).await;
        }
    }
    let page = list_page(&mut s, Some(SlaInput::from_form(&input)), errors).await?;
    admin::unprocessable(page)
}

async fn sla_page(
    s: &mut SignedIn<Admin>,
    id: Uuid,
    input: Option<SlaInput>,
    errors: FieldErrors,
) -> Result<SlaPage> {
    let sla = store::find_sla(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let calendars = store::calendar_choices(&mut s.tx, Some(sla.calendar_id)).await?;
    let statuses = referable::pause_statuses(&mut s.tx).await?;
    let catalogs = Catalogs::load(&mut s.tx).await?;
    let teams = team_rows(&mut s.tx).await?;
    let items = store::item_rows(&mut s.tx, id)
        .await?
        .into_iter()
        .map(|row| ItemLine::new(row, &catalogs, &teams, s.page.lang))
        .collect();
    let input = input.unwrap_or_else(|| SlaInput {
        name: sla.name.clone(),
        description: sla.description.clone(),
        calendar_id: sla.calendar_id.to_string(),
        pause: sla.pause_status_ids.iter().map(Uuid::to_string).collect(),
        is_default: sla.is_default,
    });
    Ok(SlaPage {
        ctx: s.page.clone(),
        sla,
        input,
        calendars,
        statuses,
        items,
        errors,
    })
}

async fn show_sla(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<SlaPage> {
    let page = sla_page(&mut s, parse_id(&id)?, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn save_sla(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<SlaForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    let sla = store::find_sla(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let calendars = store::calendar_choices(&mut s.tx, Some(sla.calendar_id)).await?;
    let statuses = referable::pause_statuses(&mut s.tx).await?;
    let mut errors = FieldErrors::default();
    if let Ok(data) = read_sla(&input, &calendars, &statuses, sla.active).map_err(|e| errors = e) {
        let written = store::update_sla(&mut s.tx, id, &data).await;
        if let Some(()) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/sla/{id}");
            return admin::saved(s, "catalog-item-saved", &data.name, &to).await;
        }
    }
    let page = sla_page(&mut s, id, Some(SlaInput::from_form(&input)), errors).await?;
    admin::unprocessable(page)
}

struct Slas;

impl Switch for Slas {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(sla) = store::find_sla(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_sla_active(tx, id, active).await?;
        Ok(Switched::Done(sla.name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/sla/{id}")
    }
}

// What conditions and actions can name --------------------------------------

/// The rows each condition field can take, and every name for display.
struct Catalogs {
    /// Per field, in `Field::ALL` order: its rows, inactive ones included.
    by_field: Vec<(Field, Vec<NamedRow>)>,
}

impl Catalogs {
    async fn load(tx: &mut PgConnection) -> Result<Catalogs, sqlx::Error> {
        let mut by_field = Vec::new();
        for field in Field::ALL {
            let catalog = match field {
                Field::Priority => Referable::Priorities,
                Field::ServiceLevel => Referable::ServiceLevels,
                Field::Channel => Referable::Channels,
                Field::RequestType => Referable::RequestTypes,
                Field::Subject => Referable::Subjects,
                Field::Product => Referable::Products,
            };
            by_field.push((field, referable::named_rows(tx, catalog).await?));
        }
        Ok(Catalogs { by_field })
    }

    fn rows(&self, field: Field) -> &[NamedRow] {
        self.by_field
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&[], |(_, rows)| rows.as_slice())
    }

    fn name(&self, field: Field, id: Uuid) -> Option<&str> {
        self.rows(field)
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.as_str())
    }

    /// The choices of a rule row's value select: the field's active rows
    /// (and the chosen one even if inactive), or every field's for a new row.
    fn value_groups(&self, field: Option<Field>, selected: &str) -> Vec<ValueGroup> {
        self.by_field
            .iter()
            .filter(|(f, _)| field.is_none_or(|want| want == *f))
            .map(|(f, rows)| ValueGroup {
                label_key: f.label_key(),
                choices: rows
                    .iter()
                    .filter(|r| r.active || r.id.to_string() == selected)
                    .map(|r| Choice {
                        id: r.id,
                        name: r.name.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
}

async fn team_rows(tx: &mut PgConnection) -> Result<Vec<NamedRow>, sqlx::Error> {
    referable::named_rows(tx, Referable::Teams).await
}

/// The condition in words: "Prioridade é Alta e Canal é Telefone ou …".
fn describe_condition(condition: &Condition, catalogs: &Catalogs, lang: Lang) -> String {
    if condition.0.is_empty() {
        return lang.t("sla-admin-condition-always");
    }
    let and = format!(" {} ", lang.t("sla-admin-condition-and"));
    let or = format!(" {} ", lang.t("sla-admin-condition-or"));
    condition
        .0
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|rule| {
                    let mut text = format!(
                        "{} {}",
                        lang.t(rule.field.label_key()),
                        lang.t(rule.op.label_key())
                    );
                    if rule.op.needs_value() {
                        let value = rule
                            .value
                            .and_then(|id| catalogs.name(rule.field, id))
                            .map_or_else(|| lang.t("sla-admin-condition-missing"), str::to_owned);
                        text.push(' ');
                        text.push_str(&value);
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join(&and)
        })
        .collect::<Vec<_>>()
        .join(&or)
}

fn describe_actions(actions: &Actions, teams: &[NamedRow], lang: Lang) -> String {
    let mut parts = Vec::new();
    if actions.notify {
        parts.push(lang.t("sla-admin-action-notify"));
    }
    if actions.raise_priority {
        parts.push(lang.t("sla-admin-action-raise-priority"));
    }
    if actions.escalate {
        parts.push(lang.t("sla-admin-action-escalate"));
    }
    if let Some(team) = actions.reassign_team_id {
        let name = teams
            .iter()
            .find(|t| t.id == team)
            .map_or_else(|| lang.t("sla-admin-condition-missing"), |t| t.name.clone());
        parts.push(format!("{} {name}", lang.t("sla-admin-action-reassign")));
    }
    if parts.is_empty() {
        lang.t("sla-admin-action-none")
    } else {
        parts.join(", ")
    }
}

// Items ---------------------------------------------------------------------

/// One item as the SLA page lists it.
pub struct ItemLine {
    pub id: Uuid,
    pub name: String,
    pub kpi_key: &'static str,
    /// What answers the case, for a first-response item.
    pub answered_by_key: Option<&'static str>,
    pub condition: String,
    pub warn_after: String,
    pub fail_after: String,
    pub on_warning: String,
    pub on_failure: String,
}

impl ItemLine {
    fn new(row: ItemRow, catalogs: &Catalogs, teams: &[NamedRow], lang: Lang) -> ItemLine {
        ItemLine {
            id: row.id,
            kpi_key: Kpi::parse(&row.kpi).map_or("sla-kpi-resolve", Kpi::label_key),
            answered_by_key: (row.kpi == Kpi::FirstResponse.as_str()).then(|| {
                FirstResponseBy::parse(&row.first_response_by)
                    .unwrap_or_default()
                    .label_key()
            }),
            condition: describe_condition(&row.condition(), catalogs, lang),
            warn_after: format_duration(row.warn_after_minutes),
            fail_after: format_duration(row.fail_after_minutes),
            on_warning: describe_actions(&ItemRow::actions(&row.warning_actions), teams, lang),
            on_failure: describe_actions(&ItemRow::actions(&row.failure_actions), teams, lang),
            name: row.name,
        }
    }
}

/// `h:mm`, as the duration fields show it.
fn format_duration(minutes: i32) -> String {
    duration::clock(i64::from(minutes))
}

/// A warn-after or fail-after deadline: minutes unless a unit says
/// otherwise, more than zero.
const DEADLINE: DurationField = DurationField {
    bare: Unit::Minutes,
    min: 1,
    max: MAX_MINUTES as i64,
    unreadable: "sla-admin-error-duration",
    too_short: "sla-admin-error-duration",
    too_long: "error-duration-deadline-max",
};

fn parse_duration(text: &str) -> Result<i32, &'static str> {
    DEADLINE
        .read(text)
        .and_then(|m| m.ok_or("sla-admin-error-duration"))
}

pub struct ValueGroup {
    pub label_key: &'static str,
    pub choices: Vec<Choice>,
}

/// One rule row of the condition editor.
pub struct RuleInput {
    /// `g0_r1`: the prefix of its three inputs.
    pub key: String,
    pub field: String,
    pub op: String,
    pub value: String,
    pub values: Vec<ValueGroup>,
}

impl RuleInput {
    /// The name of the row's value input, under which its problem is filed.
    pub fn value_field(&self) -> String {
        format!("{}_value", self.key)
    }
}

pub struct GroupInput {
    pub number: usize,
    pub rules: Vec<RuleInput>,
}

pub struct ActionsInput {
    /// `w` (warning) or `f` (failure): the prefix of its inputs.
    pub prefix: &'static str,
    pub legend_key: &'static str,
    pub notify: bool,
    pub raise: bool,
    pub escalate: bool,
    pub team: String,
}

impl ActionsInput {
    fn from_actions(prefix: &'static str, legend_key: &'static str, a: &Actions) -> Self {
        ActionsInput {
            prefix,
            legend_key,
            notify: a.notify,
            raise: a.raise_priority,
            escalate: a.escalate,
            team: a
                .reassign_team_id
                .map(|t| t.to_string())
                .unwrap_or_default(),
        }
    }

    fn from_form(prefix: &'static str, legend_key: &'static str, form: &ItemForm) -> Self {
        ActionsInput {
            prefix,
            legend_key,
            notify: form.checked(&format!("{prefix}_notify")),
            raise: form.checked(&format!("{prefix}_raise")),
            escalate: form.checked(&format!("{prefix}_escalate")),
            team: form.get(&format!("{prefix}_team")).to_owned(),
        }
    }
}

pub struct ItemInput {
    pub item: String,
    pub name: String,
    pub name_gl: String,
    pub name_en: String,
    pub kpi: String,
    pub first_response_by: String,
    pub warn_after: String,
    pub fail_after: String,
    pub actions: Vec<ActionsInput>,
    pub groups: Vec<GroupInput>,
}

pub struct SelectOption {
    pub value: &'static str,
    pub label_key: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/item.html")]
pub struct ItemPage {
    ctx: PageCtx,
    sla: SlaRow,
    input: ItemInput,
    kpis: Vec<SelectOption>,
    answered_by: Vec<SelectOption>,
    fields: Vec<SelectOption>,
    ops: Vec<SelectOption>,
    teams: Vec<Choice>,
    errors: FieldErrors,
}

/// A rule row's value choices, for the field just chosen in it (htmx
/// swaps them in; without JavaScript the next submit shows them).
#[derive(Template, WebTemplate)]
#[template(path = "sla/_value_options.html")]
pub struct ValueOptions {
    ctx: PageCtx,
    groups: Vec<ValueGroup>,
    selected: String,
}

async fn value_options(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<ValueOptions> {
    store::find_sla(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    // The changed select sends itself, named after its row (`g0_r1_field`).
    let field = query
        .iter()
        .find(|(name, _)| name == "field" || name.ends_with("_field"))
        .and_then(|(_, value)| Field::parse(value.trim()));
    let catalogs = Catalogs::load(&mut s.tx).await?;
    s.tx.commit().await?;
    Ok(ValueOptions {
        ctx: s.page.clone(),
        groups: catalogs.value_groups(field, ""),
        selected: String::new(),
    })
}

/// The item form as sent: its inputs are named by row (`g0_r1_field`), so
/// it is read as pairs; a name sent twice keeps its first value.
pub struct ItemForm(HashMap<String, String>);

impl ItemForm {
    fn new(pairs: Vec<(String, String)>) -> ItemForm {
        let mut map = HashMap::new();
        for (name, value) in pairs {
            map.entry(name).or_insert(value);
        }
        ItemForm(map)
    }

    fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// The filled-in rule rows, grouped and renumbered in order; empty rows
    /// and groups are dropped.
    fn rule_rows(&self) -> Vec<Vec<(String, String, String)>> {
        let mut rows: BTreeMap<(usize, usize), (String, String, String)> = BTreeMap::new();
        for name in self.0.keys() {
            let Some(prefix) = name.strip_suffix("_field") else {
                continue;
            };
            let Some((g, r)) = prefix
                .strip_prefix('g')
                .and_then(|rest| rest.split_once("_r"))
                .and_then(|(g, r)| Some((g.parse().ok()?, r.parse().ok()?)))
            else {
                continue;
            };
            let field = self.get(name).trim();
            if field.is_empty() {
                continue;
            }
            rows.insert(
                (g, r),
                (
                    field.to_owned(),
                    self.get(&format!("{prefix}_op")).trim().to_owned(),
                    self.get(&format!("{prefix}_value")).trim().to_owned(),
                ),
            );
        }
        let mut groups: BTreeMap<usize, Vec<(String, String, String)>> = BTreeMap::new();
        for ((g, _), row) in rows {
            groups.entry(g).or_default().push(row);
        }
        groups.into_values().collect()
    }
}

fn editor_groups(
    groups: Vec<Vec<(String, String, String)>>,
    catalogs: &Catalogs,
) -> Vec<GroupInput> {
    let empty = || (String::new(), Op::Is.as_str().to_owned(), String::new());
    groups
        .into_iter()
        .chain(std::iter::once(Vec::new()))
        .enumerate()
        .map(|(g, rules)| GroupInput {
            number: g + 1,
            rules: rules
                .into_iter()
                .chain(std::iter::repeat_with(empty).take(EMPTY_ROWS))
                .enumerate()
                .map(|(r, (field, op, value))| RuleInput {
                    key: format!("g{g}_r{r}"),
                    values: catalogs.value_groups(Field::parse(&field), &value),
                    field,
                    op,
                    value,
                })
                .collect(),
        })
        .collect()
}

fn read_item(
    form: &ItemForm,
    catalogs: &Catalogs,
    teams: &[Choice],
) -> std::result::Result<ItemData, FieldErrors> {
    let mut problems = FieldErrors::default();
    let name = problems.check("name", form::required_line(form.get("name"), 120));
    let names = Names::parse(form.get("name_gl"), form.get("name_en"), &mut problems);
    let kpi = Kpi::parse(form.get("kpi"));
    if kpi.is_none() {
        problems.add("kpi", "error-choose-option");
    }
    // Only a first-response item reads it; left out, it is what the form
    // offers first.
    let sent = form.get("first_response_by").trim();
    let first_response_by = match FirstResponseBy::parse(sent) {
        Some(by) => by,
        None if sent.is_empty() => FirstResponseBy::Either,
        None => {
            problems.add("first_response_by", "error-choose-option");
            FirstResponseBy::Either
        }
    };
    let warn = problems.check("warn_after", parse_duration(form.get("warn_after")));
    let fail = problems.check("fail_after", parse_duration(form.get("fail_after")));
    if let (Some(warn), Some(fail)) = (warn, fail)
        && fail <= warn
    {
        problems.add_with(
            "fail_after",
            "sla-admin-error-fail-after-warn",
            vec![("warn", Arg::Text(format_duration(warn)))],
        );
    }
    let mut actions = |prefix: &'static str| {
        let team = form.get(&format!("{prefix}_team")).trim();
        let team = if team.is_empty() {
            None
        } else {
            let found = Uuid::parse_str(team)
                .ok()
                .filter(|id| teams.iter().any(|t| t.id == *id));
            if found.is_none() {
                let field = if prefix == "w" { "w_team" } else { "f_team" };
                problems.add(field, "sla-admin-error-team");
            }
            found
        };
        Actions {
            notify: form.checked(&format!("{prefix}_notify")),
            raise_priority: form.checked(&format!("{prefix}_raise")),
            reassign_team_id: team,
            escalate: form.checked(&format!("{prefix}_escalate")),
        }
    };
    let warning = actions("w");
    let failure = actions("f");
    let mut condition = Vec::new();
    for (g, rows) in form.rule_rows().into_iter().enumerate() {
        let mut group = Vec::new();
        for (r, (field, op, value)) in rows.into_iter().enumerate() {
            let place = vec![("group", Arg::text(g + 1)), ("rule", Arg::text(r + 1))];
            let (Some(field), Some(op)) = (Field::parse(&field), Op::parse(&op)) else {
                problems.add_with("condition", "sla-admin-error-rule", place);
                continue;
            };
            let value = if op.needs_value() {
                let found = Uuid::parse_str(&value)
                    .ok()
                    .filter(|id| catalogs.rows(field).iter().any(|row| row.id == *id));
                if found.is_none() {
                    let key = if value.is_empty() {
                        "sla-admin-error-rule-value"
                    } else {
                        "sla-admin-error-rule-value-field"
                    };
                    let field_name = ("field", Arg::Key(field.label_key()));
                    let mut args = place;
                    args.push(field_name.clone());
                    problems.add_with("condition", key, args);
                    // Said again beside the row's value, in the same words
                    // without the row's place.
                    problems.add_with(
                        format!("g{g}_r{r}_value"),
                        "sla-admin-error-row-value",
                        vec![field_name],
                    );
                    continue;
                }
                found
            } else {
                None
            };
            group.push(Rule { field, op, value });
        }
        if !group.is_empty() {
            condition.push(group);
        }
    }
    match (name, kpi, warn, fail) {
        (Some(name), Some(kpi), Some(warn), Some(fail)) if problems.is_empty() => Ok(ItemData {
            name,
            names,
            kpi,
            first_response_by,
            condition: Condition(condition),
            warn,
            fail,
            warning,
            failure,
        }),
        _ => Err(problems),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemQuery {
    item: String,
}

async fn find_item(
    tx: &mut PgConnection,
    sla: Uuid,
    item: &str,
) -> Result<Option<ItemRow>, sqlx::Error> {
    let Ok(item) = Uuid::parse_str(item.trim()) else {
        return Ok(None);
    };
    store::find_item(tx, sla, item).await
}

fn options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<SelectOption> {
    all.iter()
        .map(|&x| SelectOption {
            value: value(x),
            label_key: label(x),
        })
        .collect()
}

async fn item_page(
    s: &mut SignedIn<Admin>,
    sla: SlaRow,
    input: impl FnOnce(&Catalogs) -> ItemInput,
    errors: FieldErrors,
) -> Result<ItemPage> {
    let catalogs = Catalogs::load(&mut s.tx).await?;
    let teams = team_rows(&mut s.tx).await?;
    let input = input(&catalogs);
    let teams = teams
        .into_iter()
        .filter(|t| t.active || input.actions.iter().any(|a| a.team == t.id.to_string()))
        .map(|t| Choice {
            id: t.id,
            name: t.name,
        })
        .collect();
    Ok(ItemPage {
        ctx: s.page.clone(),
        sla,
        input,
        kpis: options(&Kpi::ALL, Kpi::as_str, Kpi::label_key),
        answered_by: options(
            &FirstResponseBy::ALL,
            FirstResponseBy::as_str,
            FirstResponseBy::label_key,
        ),
        fields: options(&Field::ALL, Field::as_str, Field::label_key),
        ops: options(&Op::ALL, Op::as_str, Op::label_key),
        teams,
        errors,
    })
}

async fn edit_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Query(query): Query<ItemQuery>,
) -> Result<ItemPage> {
    let sla = store::find_sla(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let item = if query.item.trim().is_empty() {
        None
    } else {
        Some(
            find_item(&mut s.tx, sla.id, &query.item)
                .await?
                .ok_or_else(not_found)?,
        )
    };
    let input = |catalogs: &Catalogs| match item {
        Some(row) => {
            let groups = row
                .condition()
                .0
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|rule| {
                            (
                                rule.field.as_str().to_owned(),
                                rule.op.as_str().to_owned(),
                                rule.value.map(|v| v.to_string()).unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .collect();
            let (name_gl, name_en) = row.names.fields();
            ItemInput {
                item: row.id.to_string(),
                name: row.name.clone(),
                name_gl,
                name_en,
                kpi: row.kpi.clone(),
                first_response_by: row.first_response_by.clone(),
                warn_after: format_duration(row.warn_after_minutes),
                fail_after: format_duration(row.fail_after_minutes),
                actions: vec![
                    ActionsInput::from_actions(
                        "w",
                        "sla-admin-warning-actions",
                        &ItemRow::actions(&row.warning_actions),
                    ),
                    ActionsInput::from_actions(
                        "f",
                        "sla-admin-failure-actions",
                        &ItemRow::actions(&row.failure_actions),
                    ),
                ],
                groups: editor_groups(groups, catalogs),
            }
        }
        None => ItemInput {
            item: String::new(),
            name: String::new(),
            name_gl: String::new(),
            name_en: String::new(),
            kpi: Kpi::FirstResponse.as_str().to_owned(),
            first_response_by: FirstResponseBy::Either.as_str().to_owned(),
            warn_after: String::new(),
            fail_after: String::new(),
            actions: vec![
                ActionsInput::from_actions(
                    "w",
                    "sla-admin-warning-actions",
                    &Actions {
                        notify: true,
                        ..Actions::default()
                    },
                ),
                ActionsInput::from_actions(
                    "f",
                    "sla-admin-failure-actions",
                    &Actions {
                        notify: true,
                        ..Actions::default()
                    },
                ),
            ],
            groups: editor_groups(Vec::new(), catalogs),
        },
    };
    let page = item_page(&mut s, sla, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn save_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let sla = store::find_sla(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let form = ItemForm::new(pairs);
    let item = if form.get("item").trim().is_empty() {
        None
    } else {
        Some(
            find_item(&mut s.tx, sla.id, form.get("item"))
                .await?
                .ok_or_else(not_found)?,
        )
    };
    let catalogs = Catalogs::load(&mut s.tx).await?;
    let teams: Vec<Choice> = team_rows(&mut s.tx)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .map(|t| Choice {
            id: t.id,
            name: t.name,
        })
        .collect();
    match read_item(&form, &catalogs, &teams) {
        Ok(data) => {
            match &item {
                Some(row) => store::update_item(&mut s.tx, sla.id, row.id, &data).await?,
                None => store::create_item(&mut s.tx, sla.id, &data).await?,
            }
            let key = if item.is_some() {
                "catalog-item-saved"
            } else {
                "catalog-item-created"
            };
            let to = format!("/admin/sla/{}", sla.id);
            admin::saved(s, key, &data.name, &to).await
        }
        Err(errors) => {
            let input = |catalogs: &Catalogs| ItemInput {
                item: item.as_ref().map(|r| r.id.to_string()).unwrap_or_default(),
                name: form.get("name").to_owned(),
                name_gl: form.get("name_gl").to_owned(),
                name_en: form.get("name_en").to_owned(),
                kpi: form.get("kpi").to_owned(),
                first_response_by: form.get("first_response_by").to_owned(),
                warn_after: form.get("warn_after").to_owned(),
                fail_after: form.get("fail_after").to_owned(),
                actions: vec![
                    ActionsInput::from_form("w", "sla-admin-warning-actions", &form),
                    ActionsInput::from_form("f", "sla-admin-failure-actions", &form),
                ],
                groups: editor_groups(form.rule_rows(), catalogs),
            };
            let page = item_page(&mut s, sla, input, errors).await?;
            admin::unprocessable(page)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemAction {
    item: String,
    direction: String,
}

async fn delete_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<ItemAction>,
) -> Result<Response> {
    let sla = store::find_sla(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let back = format!("/admin/sla/{}", sla.id);
    match find_item(&mut s.tx, sla.id, &input.item).await? {
        Some(item) => {
            store::delete_item(&mut s.tx, sla.id, item.id).await?;
            admin::saved(s, "sla-admin-item-deleted", &item.name, &back).await
        }
        None => Ok(Redirect::to(&back).into_response()),
    }
}

async fn move_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<ItemAction>,
) -> Result<Response> {
    let sla = store::find_sla(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let mut order: Vec<Uuid> = store::item_rows(&mut s.tx, sla.id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let at = Uuid::parse_str(input.item.trim())
        .ok()
        .and_then(|item| order.iter().position(|id| *id == item));
    let swap = match (at, input.direction.as_str()) {
        (Some(at), "up") if at > 0 => Some((at - 1, at)),
        (Some(at), "down") if at + 1 < order.len() => Some((at, at + 1)),
        _ => None,
    };
    if let Some((a, b)) = swap {
        order.swap(a, b);
        store::renumber(&mut s.tx, sla.id, &order).await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/sla/{}#items", sla.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_hours_and_minutes_or_minutes() {
        assert_eq!(parse_duration("1:30"), Ok(90));
        assert_eq!(parse_duration(" 90 "), Ok(90));
        assert_eq!(parse_duration("2h"), Ok(120));
        assert_eq!(parse_duration("1,5 h"), Ok(90));
        assert_eq!(parse_duration("1 h 30 min"), Ok(90));
        assert_eq!(parse_duration("0:00"), Err("sla-admin-error-duration"));
        assert_eq!(parse_duration(""), Err("sla-admin-error-duration"));
        assert_eq!(parse_duration("1:75"), Err("sla-admin-error-duration"));
        assert_eq!(parse_duration("-5"), Err("error-duration-negative"));
        assert_eq!(parse_duration("abc"), Err("sla-admin-error-duration"));
        assert_eq!(
            parse_duration("87601 h"),
            Err("error-duration-deadline-max")
        );
        assert_eq!(format_duration(90), "1:30");
    }

    #[test]
    fn rule_rows_skip_empty_rows_and_renumber_groups() {
        let pairs = [
            ("g0_r0_field", "priority"),
            ("g0_r0_op", "is"),
            ("g0_r0_value", "x"),
            ("g0_r1_field", ""),
            ("g0_r1_op", "is"),
            ("g1_r0_field", ""),
            ("g2_r3_field", "channel"),
            ("g2_r3_op", "is_empty"),
        ];
        let form = ItemForm::new(
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
        );
        let rows = form.rule_rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0].0, "priority");
        assert_eq!(
            rows[1][0],
            ("channel".into(), "is_empty".into(), String::new())
        );
    }
}
