//! The admin pages of routing: rule sets, the active one, the channels
//! whose new cases it routes, and each set's ordered rules with their
//! condition, target and assignment, checked on save.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::admin;
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::{ListKind, subject_tree};
use crate::catalog::store::Choice;
use crate::error::{Result, not_found};
use crate::routing::condition::{Condition, Field, Op, Rule, Value};
use crate::routing::engine::target_state;
use crate::routing::model::{Assign, RuleInput, Target};
use crate::routing::store::{self, RuleRow, RuleSetRow};
use crate::users::model::Role;
use crate::web::form::{self, FieldErrors, Form, Query, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};
use crate::web::session::{FlashKind, push_flash};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("routing_rule_sets"));
    vec![
        Route::get("/admin/routing", admin, list_sets),
        Route::post("/admin/routing", admin, create_set),
        Route::get("/admin/routing/{id}", one, show_set),
        Route::post("/admin/routing/{id}", one, rename_set),
        Route::post("/admin/routing/{id}/activate", one, activate_set),
        Route::post("/admin/routing/{id}/deactivate", one, deactivate_set),
        Route::post("/admin/routing/{id}/channels", one, save_channels),
        Route::post("/admin/routing/{id}/rules", one, save_rule),
        Route::post("/admin/routing/{id}/rules/delete", one, delete_rule),
        Route::post("/admin/routing/{id}/rules/move", one, move_rule),
    ]
}

/// Condition rows the rule form offers: groups of up to this many rules.
pub const ROWS: usize = 6;

/// A catalog a condition row may name, with its entries.
pub struct FieldChoices {
    pub field: Field,
    pub choices: Vec<Choice>,
}

/// A rule as the list shows it: in words, its target named and flagged
/// when no longer active.
pub struct RuleLine {
    pub row: RuleRow,
    pub condition: String,
    pub target: String,
    pub target_active: bool,
}

/// One condition row of the form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ConditionRow {
    pub group: String,
    pub field: String,
    pub op: String,
    pub value: String,
    pub words: String,
}

#[derive(Debug, Clone, Default)]
pub struct RuleForm {
    pub rule_id: String,
    pub name: String,
    pub target: String,
    pub assign: String,
    pub rows: Vec<ConditionRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "routing/sets.html")]
pub struct SetsPage {
    ctx: PageCtx,
    sets: Vec<(RuleSetRow, usize)>,
    input_name: String,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "routing/set.html")]
pub struct SetPage {
    ctx: PageCtx,
    set: RuleSetRow,
    rules: Vec<RuleLine>,
    channels: Vec<Choice>,
    fields: Vec<FieldChoices>,
    targets: Targets,
    input: RuleForm,
    errors: FieldErrors,
    name_input: String,
    name_errors: FieldErrors,
    ops: [Op; 5],
    assigns: [Assign; 3],
    all_fields: [Field; 10],
}

impl SetPage {
    pub fn auto(&self, channel: &Uuid) -> bool {
        self.set.auto_channels.contains(channel)
    }

    pub fn is(&self, value: &str, wanted: &str) -> bool {
        value == wanted
    }

    pub fn row_error(&self, i: &usize) -> Option<String> {
        self.errors
            .message(&format!("rule_{i}"))
            .map(|e| self.ctx.say(e))
    }
}

/// Everything a rule can send a case to.
pub struct Targets {
    pub queues: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub users: Vec<Choice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameForm {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleQuery {
    rule: String,
}

async fn list_sets(mut s: SignedIn<Admin>) -> Result<SetsPage> {
    let page = sets_page(&mut s, String::new(), FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn sets_page(
    s: &mut SignedIn<Admin>,
    input_name: String,
    errors: FieldErrors,
) -> Result<SetsPage> {
    let mut sets = Vec::new();
    for set in store::sets(&mut s.tx).await? {
        let mut flagged = 0;
        for rule in store::rules(&mut s.tx, set.id).await? {
            if !target_state(&mut s.tx, rule.target)
                .await?
                .is_some_and(|t| t.active)
            {
                flagged += 1;
            }
        }
        sets.push((set, flagged));
    }
    Ok(SetsPage {
        ctx: s.page.clone(),
        sets,
        input_name,
        errors,
    })
}

async fn create_set(mut s: SignedIn<Admin>, Form(input): Form<NameForm>) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Some(name) = errors.check("name", form::required_line(&input.name, 120)) {
        let written = store::create_set(&mut s.tx, &name).await;
        if let Some(id) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            return admin::saved(
                s,
                "catalog-item-created",
                &name,
                &format!("/admin/routing/{id}"),
            )
            .await;
        }
    }
    let page = sets_page(&mut s, input.name, errors).await?;
    admin::unprocessable(page)
}

async fn load_set(s: &mut SignedIn<Admin>, id: &str) -> Result<RuleSetRow> {
    let id = parse_id(id)?;
    store::find_set(&mut s.tx, id).await?.ok_or_else(not_found)
}

async fn show_set(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Query(q): Query<RuleQuery>,
) -> Result<SetPage> {
    let set = load_set(&mut s, &id).await?;
    let input = match Uuid::parse_str(&q.rule).ok() {
        Some(rule) => {
            let rule = store::find_rule(&mut s.tx, set.id, rule)
                .await?
                .ok_or_else(not_found)?;
            rule_form_of(&mut s, &rule).await?
        }
        None => RuleForm::default(),
    };
    let page = set_page(&mut s, set, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn set_page(
    s: &mut SignedIn<Admin>,
    set: RuleSetRow,
    mut input: RuleForm,
    errors: FieldErrors,
) -> Result<SetPage> {
    input.rows.resize(ROWS, ConditionRow::default());
    let fields = field_choices(s).await?;
    let targets = Targets {
        queues: crate::queues::store::all(&mut s.tx, s.user.id)
            .await?
            .into_iter()
            .filter(|q| q.active)
            .map(|q| Choice {
                id: q.id,
                name: q.name,
            })
            .collect(),
        teams: s.lists.teams(&mut s.tx).await?,
        users: s.lists.users(&mut s.tx).await?,
    };
    let mut rules = Vec::new();
    for row in store::rules(&mut s.tx, set.id).await? {
        let state = target_state(&mut s.tx, row.target).await?;
        rules.push(RuleLine {
            condition: describe(&mut *s, &row.condition, &fields).await?,
            target: state.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            target_active: state.is_some_and(|t| t.active),
            row,
        });
    }
    Ok(SetPage {
        ctx: s.page.clone(),
        name_input: set.name.clone(),
        set,
        rules,
        channels: s.lists.choices(&mut s.tx, ListKind::Channels).await?,
        fields,
        targets,
        input,
        errors,
        name_errors: FieldErrors::default(),
        ops: Op::ALL,
        assigns: Assign::ALL,
        all_fields: Field::ALL,
    })
}

/// The entries each catalog field offers (the customer is typed by its
/// document, the title by its words).
async fn field_choices(s: &mut SignedIn<Admin>) -> Result<Vec<FieldChoices>> {
    let tx = &mut s.tx;
    let lists = &s.lists;
    let subjects = subject_tree(&lists.subjects(tx).await?)
        .into_iter()
        .map(|row| Choice {
            id: row.id,
            name: row.path,
        })
        .collect();
    Ok(vec![
        FieldChoices {
            field: Field::Channel,
            choices: lists.choices(tx, ListKind::Channels).await?,
        },
        FieldChoices {
            field: Field::Subject,
            choices: subjects,
        },
        FieldChoices {
            field: Field::Product,
            choices: lists.case_products(tx).await?,
        },
        FieldChoices {
            field: Field::Priority,
            choices: lists.choices(tx, ListKind::Priorities).await?,
        },
        FieldChoices {
            field: Field::ServiceLevel,
            choices: lists.choices(tx, ListKind::ServiceLevels).await?,
        },
        FieldChoices {
            field: Field::RequestType,
            choices: lists.choices(tx, ListKind::RequestTypes).await?,
        },
        FieldChoices {
            field: Field::Reason,
            choices: lists.reasons(tx).await?,
        },
        FieldChoices {
            field: Field::Unit,
            choices: lists.choices(tx, ListKind::Units).await?,
        },
    ])
}

/// The condition in words: "Canal é E-mail e Título contém «boleto» ou …".
async fn describe(
    s: &mut SignedIn<Admin>,
    condition: &Condition,
    fields: &[FieldChoices],
) -> Result<String> {
    let lang = s.page.lang;
    if condition.0.is_empty() {
        return Ok(lang.t("routing-condition-always"));
    }
    let mut groups = Vec::new();
    for group in &condition.0 {
        let mut parts = Vec::new();
        for rule in group {
            let value = match &rule.value {
                Some(Value::Words(words)) => format!("«{words}»"),
                Some(Value::Id(id)) if rule.field == Field::Customer => {
                    crate::customers::store::find_row(&mut s.tx, *id)
                        .await?
                        .map_or_else(|| lang.t("sla-admin-condition-missing"), |c| c.name)
                }
                Some(Value::Id(id)) => fields
                    .iter()
                    .find(|f| f.field == rule.field)
                    .and_then(|f| f.choices.iter().find(|c| c.id == *id))
                    .map_or_else(|| lang.t("sla-admin-condition-missing"), |c| c.name.clone()),
                None => String::new(),
            };
            parts.push(
                format!(
                    "{} {} {value}",
                    lang.t(rule.field.label_key()),
                    lang.t(rule.op.label_key())
                )
                .trim_end()
                .to_owned(),
            );
        }
        groups.push(parts.join(&format!(" {} ", lang.t("sla-admin-condition-and"))));
    }
    Ok(groups.join(&format!(" {} ", lang.t("sla-admin-condition-or"))))
}

/// A saved rule back in the form's rows.
async fn rule_form_of(s: &mut SignedIn<Admin>, rule: &RuleRow) -> Result<RuleForm> {
    let mut rows = Vec::new();
    for (g, group) in rule.condition.0.iter().enumerate() {
        for r in group {
            let (value, words) = match &r.value {
                Some(Value::Words(words)) => (String::new(), words.clone()),
                Some(Value::Id(id)) if r.field == Field::Customer => {
                    let document = crate::customers::store::find_row(&mut s.tx, *id)
                        .await?
                        .map(|c| c.document_text())
                        .unwrap_or_default();
                    (String::new(), document)
                }
                Some(Value::Id(id)) => (id.to_string(), String::new()),
                None => (String::new(), String::new()),
            };
            rows.push(ConditionRow {
                group: (g + 1).to_string(),
                field: r.field.as_str().to_owned(),
                op: r.op.as_str().to_owned(),
                value,
                words,
            });
        }
    }
    Ok(RuleForm {
        rule_id: rule.id.to_string(),
        name: rule.name.clone(),
        target: rule.target.form_value(),
        assign: rule.assign.as_str().to_owned(),
        rows,
    })
}

/// Reads the rule form: `rule_id`, `name`, `target`, `assign`, and per row
/// `group_N`, `field_N`, `op_N`, `value_N`, `words_N`.
fn read_rule_form(body: &[u8]) -> RuleForm {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    RuleForm {
        rule_id: get("rule_id"),
        name: get("name"),
        target: get("target"),
        assign: get("assign"),
        rows: (0..ROWS)
            .map(|i| ConditionRow {
                group: get(&format!("group_{i}")),
                field: get(&format!("field_{i}")),
                op: get(&format!("op_{i}")),
                value: get(&format!("value_{i}")),
                words: get(&format!("words_{i}")),
            })
            .collect(),
    }
}

/// Checks the form: each row's field, comparison and value, the target and
/// the assignment; problems are keyed by the row (`rule_N`) or the field.
async fn check_rule(
    s: &mut SignedIn<Admin>,
    input: &RuleForm,
    fields: &[FieldChoices],
    targets: &Targets,
    errors: &mut FieldErrors,
) -> Result<Option<RuleInput>> {
    let name = errors.check("name", form::required_line(&input.name, 120));
    let target = Target::parse(&input.target).filter(|t| {
        let offered = match t {
            Target::Queue(_) => &targets.queues,
            Target::Team(_) => &targets.teams,
            Target::User(_) => &targets.users,
        };
        offered.iter().any(|c| c.id == t.id())
    });
    if target.is_none() {
        errors.add("target", "error-choose-option");
    }
    let assign = Assign::parse(&input.assign);
    if assign.is_none() {
        errors.add("assign", "error-choose-option");
    }
    let mut groups: Vec<Vec<Rule>> = vec![Vec::new(); 3];
    for (i, row) in input.rows.iter().enumerate() {
        if row.field.is_empty()
            && row.op.is_empty()
            && row.value.is_empty()
            && row.words.trim().is_empty()
        {
            continue;
        }
        let key = format!("rule_{i}");
        let Some(field) = Field::parse(&row.field) else {
            errors.add(key.clone(), "routing-error-field");
            continue;
        };
        let Some(op) = Op::parse(&row.op).filter(|op| op.fits(field)) else {
            errors.add(key.clone(), "routing-error-op");
            continue;
        };
        let group: usize = row
            .group
            .parse()
            .ok()
            .filter(|g| (1..=3).contains(g))
            .unwrap_or(1);
        let value = match (op, field) {
            (Op::IsEmpty | Op::IsNotEmpty, _) => None,
            (Op::Contains, _) => match form::line(&row.words, 200) {
                Ok(words) if !words.is_empty() => Some(Value::Words(words)),
                _ => {
                    errors.add(key.clone(), "routing-error-words");
                    continue;
                }
            },
            (_, Field::Customer) => {
                match crate::customers::store::by_document(&mut s.tx, &row.words).await? {
                    Some((id, _)) => Some(Value::Id(id)),
                    None => {
                        errors.add(key.clone(), "routing-error-customer");
                        continue;
                    }
                }
            }
            _ => {
                let offered = fields.iter().find(|f| f.field == field);
                match Uuid::parse_str(&row.value)
                    .ok()
                    .filter(|id| offered.is_some_and(|f| f.choices.iter().any(|c| c.id == *id)))
                {
                    Some(id) => Some(Value::Id(id)),
                    None => {
                        errors.add(key.clone(), "routing-error-value");
                        continue;
                    }
                }
            }
        };
        groups[group - 1].push(Rule { field, op, value });
    }
    groups.retain(|g| !g.is_empty());
    Ok(match (name, target, assign) {
        (Some(name), Some(target), Some(assign)) if errors.is_empty() => Some(RuleInput {
            name,
            condition: Condition(groups),
            target,
            assign,
        }),
        _ => None,
    })
}

async fn save_rule(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    let input = read_rule_form(&body);
    let mut errors = FieldErrors::default();
    let page = set_page(&mut s, set.clone(), input.clone(), FieldErrors::default()).await?;
    let checked = check_rule(&mut s, &input, &page.fields, &page.targets, &mut errors).await?;
    let back = format!("/admin/routing/{}", set.id);
    if let Some(rule) = checked {
        match Uuid::parse_str(&input.rule_id).ok() {
            Some(rule_id) => {
                if !store::update_rule(&mut s.tx, set.id, rule_id, &rule).await? {
                    return Err(not_found());
                }
                return admin::saved(s, "catalog-item-saved", &rule.name, &back).await;
            }
            None => {
                store::add_rule(&mut s.tx, set.id, &rule).await?;
                return admin::saved(s, "catalog-item-created", &rule.name, &back).await;
            }
        }
    }
    let page = SetPage {
        errors,
        input,
        ..page
    };
    admin::unprocessable(page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleAction {
    rule_id: String,
    /// "up" or "down".
    dir: String,
}

async fn delete_rule(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<RuleAction>,
) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    if let Ok(rule) = Uuid::parse_str(&input.rule_id) {
        store::delete_rule(&mut s.tx, set.id, rule).await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/routing/{}", set.id)).into_response())
}

async fn move_rule(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<RuleAction>,
) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    if let Ok(rule) = Uuid::parse_str(&input.rule_id) {
        store::move_rule(&mut s.tx, set.id, rule, input.dir == "up").await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/routing/{}", set.id)).into_response())
}

async fn rename_set(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<NameForm>,
) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    let mut name_errors = FieldErrors::default();
    if let Some(name) = name_errors.check("name", form::required_line(&input.name, 120)) {
        let written = store::rename_set(&mut s.tx, set.id, &name).await;
        if admin::unless_taken(written, &mut name_errors, "name", "error-name-taken")?.is_some() {
            return admin::saved(
                s,
                "catalog-item-saved",
                &name,
                &format!("/admin/routing/{}", set.id),
            )
            .await;
        }
    }
    let page = set_page(&mut s, set, RuleForm::default(), FieldErrors::default()).await?;
    admin::unprocessable(SetPage {
        name_input: input.name,
        name_errors,
        ..page
    })
}

async fn switch(mut s: SignedIn<Admin>, id: String, active: bool) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    store::set_active(&mut s.tx, set.id, active).await?;
    s.tx.commit().await?;
    let key = if active {
        "routing-set-activated"
    } else {
        "routing-set-deactivated"
    };
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1(key, "name", &set.name),
    )
    .await;
    Ok(Redirect::to(&format!("/admin/routing/{}", set.id)).into_response())
}

async fn activate_set(s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    switch(s, id, true).await
}

async fn deactivate_set(s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    switch(s, id, false).await
}

async fn save_channels(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let set = load_set(&mut s, &id).await?;
    let offered = s.lists.choices(&mut s.tx, ListKind::Channels).await?;
    let chosen: Vec<Uuid> = form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "channel")
        .filter_map(|(_, v)| Uuid::parse_str(&v).ok())
        .filter(|id| offered.iter().any(|c| c.id == *id))
        .collect();
    store::set_auto_channels(&mut s.tx, set.id, &chosen).await?;
    admin::saved(
        s,
        "catalog-item-saved",
        &set.name,
        &format!("/admin/routing/{}", set.id),
    )
    .await
}

/// The label of a rule's kind of target.
pub fn target_kind_key(target: &Target) -> &'static str {
    match target {
        Target::Queue(_) => "field-queue",
        Target::Team(_) => "field-team",
        Target::User(_) => "field-owner",
    }
}
