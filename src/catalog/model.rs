//! The admin catalogs: the simple lists (one shape, many tables), the
//! subject tree, products and their selectability, priorities' colours.

use std::collections::HashMap;

use serde::Deserialize;
use uuid::Uuid;

use crate::catalog::translations::Names;
use crate::web::form::{self, FieldErrors};

/// The catalogs that are plain named lists. Each has its own table (so case
/// columns can have foreign keys to exactly the right list) and shares
/// everything else: pages, validation, SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    Channels,
    ActivityForms,
    RequestTypes,
    ForwardReasons,
    Units,
    ServiceLevels,
    CustomerRoles,
    Priorities,
    StatusReasons,
}

pub struct ListPaths {
    pub list: &'static str,
    pub item: &'static str,
    pub deactivate: &'static str,
    pub reactivate: &'static str,
}

macro_rules! list_paths {
    ($slug:literal) => {
        ListPaths {
            list: concat!("/admin/", $slug),
            item: concat!("/admin/", $slug, "/{id}"),
            deactivate: concat!("/admin/", $slug, "/{id}/deactivate"),
            reactivate: concat!("/admin/", $slug, "/{id}/reactivate"),
        }
    };
}

impl ListKind {
    pub const ALL: [ListKind; 9] = [
        ListKind::Channels,
        ListKind::ActivityForms,
        ListKind::RequestTypes,
        ListKind::ForwardReasons,
        ListKind::Units,
        ListKind::ServiceLevels,
        ListKind::CustomerRoles,
        ListKind::Priorities,
        ListKind::StatusReasons,
    ];

    /// The table; a fixed identifier, never user input.
    pub fn table(self) -> &'static str {
        match self {
            ListKind::Channels => "channels",
            ListKind::ActivityForms => "activity_forms",
            ListKind::RequestTypes => "request_types",
            ListKind::ForwardReasons => "forward_reasons",
            ListKind::Units => "units",
            ListKind::ServiceLevels => "service_levels",
            ListKind::CustomerRoles => "customer_roles",
            ListKind::Priorities => "priorities",
            ListKind::StatusReasons => "status_reasons",
        }
    }

    pub fn paths(self) -> ListPaths {
        match self {
            ListKind::Channels => list_paths!("channels"),
            ListKind::ActivityForms => list_paths!("activity-forms"),
            ListKind::RequestTypes => list_paths!("request-types"),
            ListKind::ForwardReasons => list_paths!("forward-reasons"),
            ListKind::Units => list_paths!("units"),
            ListKind::ServiceLevels => list_paths!("service-levels"),
            ListKind::CustomerRoles => list_paths!("customer-roles"),
            ListKind::Priorities => list_paths!("priorities"),
            ListKind::StatusReasons => list_paths!("status-reasons"),
        }
    }

    pub fn title_key(self) -> &'static str {
        match self {
            ListKind::Channels => "catalog-channels",
            ListKind::ActivityForms => "catalog-activity-forms",
            ListKind::RequestTypes => "catalog-request-types",
            ListKind::ForwardReasons => "catalog-forward-reasons",
            ListKind::Units => "catalog-units",
            ListKind::ServiceLevels => "catalog-service-levels",
            ListKind::CustomerRoles => "catalog-customer-roles",
            ListKind::Priorities => "catalog-priorities",
            ListKind::StatusReasons => "catalog-status-reasons",
        }
    }

    pub fn help_key(self) -> &'static str {
        match self {
            ListKind::Channels => "catalog-channels-help",
            ListKind::ActivityForms => "catalog-activity-forms-help",
            ListKind::RequestTypes => "catalog-request-types-help",
            ListKind::ForwardReasons => "catalog-forward-reasons-help",
            ListKind::Units => "catalog-units-help",
            ListKind::ServiceLevels => "catalog-service-levels-help",
            ListKind::CustomerRoles => "catalog-customer-roles-help",
            ListKind::Priorities => "catalog-priorities-help",
            ListKind::StatusReasons => "catalog-status-reasons-help",
        }
    }

    pub fn has_color(self) -> bool {
        self == ListKind::Priorities
    }

    pub fn has_state(self) -> bool {
        self == ListKind::StatusReasons
    }
}

/// The state of a case a status reason belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    Active,
    Resolved,
    Cancelled,
}

impl CaseState {
    pub const ALL: [CaseState; 3] = [CaseState::Active, CaseState::Resolved, CaseState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Active => "active",
            CaseState::Resolved => "resolved",
            CaseState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CaseState::Active => "case-state-active",
            CaseState::Resolved => "case-state-resolved",
            CaseState::Cancelled => "case-state-cancelled",
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListItemForm {
    pub name: String,
    pub name_gl: String,
    pub name_en: String,
    pub sort_order: String,
    pub color: String,
    pub state: String,
    pub is_default: String,
}

pub struct ListItemInput {
    pub name: String,
    pub names: Names,
    pub sort_order: i32,
    pub color: String,
    pub state: CaseState,
    pub is_default: bool,
}

impl ListItemInput {
    pub fn parse(kind: ListKind, input: &ListItemForm) -> Result<ListItemInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", form::required_line(&input.name, 120));
        let names = Names::parse(&input.name_gl, &input.name_en, &mut errors);
        let sort_order = errors.check("sort_order", parse_order(&input.sort_order));
        let color = if kind.has_color() {
            errors.check("color", parse_color(&input.color))
        } else {
            Some(String::new())
        };
        let state = if kind.has_state() {
            errors.check(
                "state",
                CaseState::parse(&input.state).ok_or("error-choose-option"),
            )
        } else {
            Some(CaseState::Active)
        };
        match (name, sort_order, color, state, errors.is_empty()) {
            (Some(name), Some(sort_order), Some(color), Some(state), true) => Ok(ListItemInput {
                name,
                names,
                sort_order,
                color,
                state,
                is_default: kind.has_color() && !input.is_default.is_empty(),
            }),
            _ => Err(errors),
        }
    }
}

fn parse_order(text: &str) -> Result<i32, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<i32>()
        .ok()
        .filter(|n| (-10_000..=10_000).contains(n))
        .ok_or("error-number")
}

/// A colour as `#rrggbb`.
pub fn parse_color(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    let valid = text.len() == 7
        && text.starts_with('#')
        && text[1..].chars().all(|c| c.is_ascii_hexdigit());
    if valid {
        Ok(text.to_ascii_lowercase())
    } else {
        Err("error-color")
    }
}

// Subjects ------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    /// The name in the workspace's default language, and in the others.
    pub name: String,
    pub names: sqlx::types::Json<Names>,
    /// The name in the language of the request that read the tree.
    pub shown: String,
    pub description: String,
    pub active: bool,
}

/// A subject placed in the tree, for display and for pickers.
#[derive(Debug, Clone)]
pub struct TreeRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub depth: usize,
    pub active: bool,
    /// Active itself and every ancestor active: offered on new records.
    pub offered: bool,
    /// The path from the root, e.g. "Produtos › Defeito".
    pub path: String,
}

/// Flattens the subjects into depth-first order, siblings by name.
pub fn subject_tree(nodes: &[SubjectNode]) -> Vec<TreeRow> {
    let mut children: HashMap<Option<Uuid>, Vec<&SubjectNode>> = HashMap::new();
    for node in nodes {
        children.entry(node.parent_id).or_default().push(node);
    }
    for list in children.values_mut() {
        list.sort_by_key(|n| n.shown.to_lowercase());
    }
    let mut rows = Vec::with_capacity(nodes.len());
    // (node, depth, ancestors offered, path so far); the stack bounds depth by
    // the number of nodes, so even corrupt data cannot recurse forever.
    let mut stack: Vec<(&SubjectNode, usize, bool, String)> = children
        .get(&None)
        .map(|roots| {
            roots
                .iter()
                .rev()
                .map(|n| (*n, 0, true, String::new()))
                .collect()
        })
        .unwrap_or_default();
    while let Some((node, depth, parents_offered, prefix)) = stack.pop() {
        if rows.len() > nodes.len() {
            break;
        }
        let path = if prefix.is_empty() {
            node.shown.clone()
        } else {
            format!("{prefix} › {}", node.shown)
        };
        let offered = parents_offered && node.active;
        if let Some(kids) = children.get(&Some(node.id)) {
            for kid in kids.iter().rev() {
                stack.push((kid, depth + 1, offered, path.clone()));
            }
        }
        rows.push(TreeRow {
            id: node.id,
            name: node.shown.clone(),
            description: node.description.clone(),
            depth,
            active: node.active,
            offered,
            path,
        });
    }
    rows
}

#[derive(Debug, PartialEq, Eq)]
pub enum MoveRefusal {
    UnderItself,
    UnderDescendant,
}

/// Whether `subject` may be placed under `new_parent`: never under itself or
/// anything below it, which would cut the branch off the tree.
pub fn check_move(
    nodes: &[SubjectNode],
    subject: Uuid,
    new_parent: Option<Uuid>,
) -> Result<(), MoveRefusal> {
    let Some(mut cursor) = new_parent else {
        return Ok(());
    };
    if cursor == subject {
        return Err(MoveRefusal::UnderItself);
    }
    let parents: HashMap<Uuid, Option<Uuid>> = nodes.iter().map(|n| (n.id, n.parent_id)).collect();
    for _ in 0..=nodes.len() {
        match parents.get(&cursor).copied().flatten() {
            Some(parent) if parent == subject => return Err(MoveRefusal::UnderDescendant),
            Some(parent) => cursor = parent,
            None => return Ok(()),
        }
    }
    Err(MoveRefusal::UnderDescendant)
}

// Products ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    Family,
    Product,
    Bundle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductState {
    Draft,
    Active,
    Retired,
}

impl ProductKind {
    pub const ALL: [ProductKind; 3] = [
        ProductKind::Family,
        ProductKind::Product,
        ProductKind::Bundle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Family => "family",
            ProductKind::Product => "product",
            ProductKind::Bundle => "bundle",
        }
    }

    pub fn parse(text: &str) -> Option<ProductKind> {
        ProductKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ProductKind::Family => "product-kind-family",
            ProductKind::Product => "product-kind-product",
            ProductKind::Bundle => "product-kind-bundle",
        }
    }
}

impl ProductState {
    pub const ALL: [ProductState; 3] = [
        ProductState::Draft,
        ProductState::Active,
        ProductState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductState::Draft => "draft",
            ProductState::Active => "active",
            ProductState::Retired => "retired",
        }
    }

    pub fn parse(text: &str) -> Option<ProductState> {
        ProductState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ProductState::Draft => "product-state-draft",
            ProductState::Active => "product-state-active",
            ProductState::Retired => "product-state-retired",
        }
    }
}

/// Why a product cannot go on a case; the message key says it to the agent.
pub fn case_refusal(kind: ProductKind, state: ProductState) -> Option<&'static str> {
    match (kind, state) {
        (ProductKind::Family, _) => Some("error-product-family"),
        (ProductKind::Bundle, ProductState::Draft) => Some("error-product-draft-bundle"),
        (_, ProductState::Draft) => Some("error-product-draft"),
        (_, ProductState::Retired) => Some("error-product-retired"),
        (_, ProductState::Active) => None,
    }
}

/// Moves between product states: publish a draft, retire an active product,
/// bring a retired one back. A bundle is published only with products in it.
pub fn change_state(
    kind: ProductKind,
    from: ProductState,
    to: ProductState,
    bundle_items: usize,
) -> Result<(), &'static str> {
    use ProductState::*;
    match (from, to) {
        (Draft, Active) if kind == ProductKind::Bundle && bundle_items == 0 => {
            Err("error-bundle-empty")
        }
        (Draft, Active) | (Active, Retired) | (Retired, Active) => Ok(()),
        _ => Err("error-product-transition"),
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    pub kind: String,
    pub code: String,
    pub name: String,
    pub description: String,
    pub family_id: String,
}

pub struct ProductInput {
    pub kind: ProductKind,
    pub code: String,
    pub name: String,
    pub description: String,
    pub family_id: Option<Uuid>,
}

impl ProductInput {
    pub fn parse(input: &ProductForm) -> Result<ProductInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(
            "kind",
            ProductKind::parse(&input.kind).ok_or("error-choose-option"),
        );
        let code = errors.check("code", form::required_line(&input.code, 60));
        let name = errors.check("name", form::required_line(&input.name, 160));
        let description = errors.check("description", form::multiline(&input.description, 2000));
        let family_id = errors.check("family_id", optional_id(&input.family_id));
        match (kind, code, name, description, family_id) {
            (Some(kind), Some(code), Some(name), Some(description), Some(family_id))
                if errors.is_empty() =>
            {
                Ok(ProductInput {
                    kind,
                    code,
                    name,
                    description,
                    family_id: if kind == ProductKind::Family {
                        None
                    } else {
                        family_id
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// An optional reference chosen in a select: empty means none.
pub fn optional_id(text: &str) -> Result<Option<Uuid>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(text)
        .map(Some)
        .map_err(|_| "error-choose-option")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: Uuid, parent: Option<Uuid>, name: &str, active: bool) -> SubjectNode {
        SubjectNode {
            id,
            parent_id: parent,
            name: name.into(),
            names: Default::default(),
            shown: name.into(),
            description: String::new(),
            active,
        }
    }

    #[test]
    fn the_tree_is_depth_first_with_paths_and_inherited_inactivity() {
        let (a, b, c, d) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let nodes = vec![
            node(b, Some(a), "Defeito", true),
            node(a, None, "Produtos", false),
            node(c, None, "Entregas", true),
            node(d, Some(b), "Tela", true),
        ];
        let rows = subject_tree(&nodes);
        let shown: Vec<_> = rows
            .iter()
            .map(|r| (r.path.as_str(), r.depth, r.offered))
            .collect();
        assert_eq!(
            shown,
            [
                ("Entregas", 0, true),
                ("Produtos", 0, false),
                ("Produtos › Defeito", 1, false),
                ("Produtos › Defeito › Tela", 2, false),
            ]
        );
    }

    #[test]
    fn a_subject_cannot_move_under_itself_or_its_descendants() {
        let (a, b, c, d) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let nodes = vec![
            node(a, None, "A", true),
            node(b, Some(a), "B", true),
            node(c, Some(b), "C", true),
            node(d, None, "D", true),
        ];
        assert_eq!(
            check_move(&nodes, a, Some(a)),
            Err(MoveRefusal::UnderItself)
        );
        assert_eq!(
            check_move(&nodes, a, Some(c)),
            Err(MoveRefusal::UnderDescendant)
        );
        assert_eq!(check_move(&nodes, c, Some(d)), Ok(()));
        assert_eq!(check_move(&nodes, b, None), Ok(()));
    }

    #[test]
    fn only_active_non_family_products_go_on_cases() {
        use ProductKind::*;
        use ProductState::*;
        assert_eq!(case_refusal(Product, Active), None);
        assert_eq!(case_refusal(Bundle, Active), None);
        assert_eq!(case_refusal(Family, Active), Some("error-product-family"));
        assert_eq!(
            case_refusal(Bundle, Draft),
            Some("error-product-draft-bundle")
        );
        assert_eq!(case_refusal(Product, Draft), Some("error-product-draft"));
        assert_eq!(
            case_refusal(Product, Retired),
            Some("error-product-retired")
        );
    }

    #[test]
    fn product_states_move_in_order_and_empty_bundles_stay_drafts() {
        use ProductState::*;
        assert_eq!(change_state(ProductKind::Product, Draft, Active, 0), Ok(()));
        assert_eq!(
            change_state(ProductKind::Bundle, Draft, Active, 0),
            Err("error-bundle-empty")
        );
        assert_eq!(change_state(ProductKind::Bundle, Draft, Active, 2), Ok(()));
        assert_eq!(
            change_state(ProductKind::Product, Active, Retired, 0),
            Ok(())
        );
        assert_eq!(
            change_state(ProductKind::Product, Retired, Draft, 0),
            Err("error-product-transition")
        );
    }

    #[test]
    fn colours_are_hex_triplets() {
        assert_eq!(parse_color("#B3261E"), Ok("#b3261e".into()));
        assert_eq!(parse_color("red"), Err("error-color"));
        assert_eq!(parse_color("#12345"), Err("error-color"));
    }
}
