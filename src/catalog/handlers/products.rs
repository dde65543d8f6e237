//! Products: families, products and bundles, each draft, active or retired.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::admin;
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::{self, ProductForm, ProductInput, ProductKind, ProductState};
use crate::catalog::store::{self, BundleItem, Choice, ProductRow};
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("products"));
    vec![
        Route::get("/admin/products", admin, list_products),
        Route::post("/admin/products", admin, create_product),
        Route::get("/admin/products/{id}", one, show_product),
        Route::post("/admin/products/{id}", one, update_product),
        Route::post("/admin/products/{id}/state", one, change_state),
        Route::post("/admin/products/{id}/items", one, put_bundle_item),
        Route::post("/admin/products/{id}/items/remove", one, remove_bundle_item),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/products.html")]
pub struct ProductsPage {
    ctx: PageCtx,
    products: Vec<ProductRow>,
    families: Vec<Choice>,
    kinds: [ProductKind; 3],
    input: ProductForm,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/product.html")]
pub struct ProductPage {
    ctx: PageCtx,
    product: ProductRow,
    families: Vec<Choice>,
    items: Vec<BundleItem>,
    /// Products that may go into this bundle (not families, not bundles).
    candidates: Vec<ProductRow>,
    next_states: Vec<ProductState>,
    input: ProductForm,
    errors: FieldErrors,
}

async fn list_products(mut s: SignedIn<Admin>) -> Result<ProductsPage> {
    let products = store::products(&mut s.tx).await?;
    let families = store::families(&mut s.tx).await?;
    s.tx.commit().await?;
    Ok(ProductsPage {
        ctx: s.page,
        products,
        families,
        kinds: ProductKind::ALL,
        input: ProductForm {
            kind: "product".into(),
            ..ProductForm::default()
        },
        errors: FieldErrors::default(),
    })
}

async fn create_product(
    mut s: SignedIn<Admin>,
    Form(input): Form<ProductForm>,
) -> Result<Response> {
    let families = store::families(&mut s.tx).await?;
    let mut errors = FieldErrors::default();
    if let Ok(product) = ProductInput::parse(&input).map_err(|e| errors = e) {
        if product
            .family_id
            .is_some_and(|f| !families.iter().any(|c| c.id == f))
        {
            errors.add("family_id", "error-choose-option");
        } else {
            let created = store::create_product(
                &mut s.tx,
                product.kind,
                &product.code,
                &product.name,
                &product.description,
                product.family_id,
            )
            .await;
            if let Some(id) =
                admin::unless_taken(created, &mut errors, "code", "error-code-or-name-taken")?
            {
                let to = format!("/admin/products/{id}");
                return admin::saved(s, "catalog-item-created", &product.name, &to).await;
            }
        }
    }
    let products = store::products(&mut s.tx).await?;
    let page = ProductsPage {
        ctx: s.page,
        products,
        families,
        kinds: ProductKind::ALL,
        input,
        errors,
    };
    admin::unprocessable(page)
}

async fn product_page(
    s: &mut SignedIn<Admin>,
    product: ProductRow,
    input: Option<ProductForm>,
    errors: FieldErrors,
) -> Result<ProductPage> {
    let families = store::families(&mut s.tx).await?;
    let items = store::bundle_items(&mut s.tx, product.id).await?;
    let candidates = store::products(&mut s.tx)
        .await?
        .into_iter()
        .filter(|p| p.kind == ProductKind::Product && p.state != ProductState::Retired)
        .collect();
    let next_states = ProductState::ALL
        .into_iter()
        .filter(|to| model::change_state(product.kind, product.state, *to, usize::MAX).is_ok())
        .collect();
    let input = input.unwrap_or_else(|| ProductForm {
        kind: product.kind.as_str().into(),
        code: product.code.clone(),
        name: product.name.clone(),
        description: product.description.clone(),
        family_id: product.family_id.map(|f| f.to_string()).unwrap_or_default(),
    });
    Ok(ProductPage {
        ctx: s.page.clone(),
        product,
        families,
        items,
        candidates,
        next_states,
        input,
        errors,
    })
}

async fn show_product(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<ProductPage> {
    let product = store::find_product(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let page = product_page(&mut s, product, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn update_product(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<ProductForm>,
) -> Result<Response> {
    let product = store::find_product(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    // The kind is fixed once created: a family with products cannot become a product.
    let fixed = ProductForm {
        kind: product.kind.as_str().into(),
        ..input
    };
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = ProductInput::parse(&fixed).map_err(|e| errors = e) {
        if parsed.family_id == Some(product.id) {
            errors.add("family_id", "error-choose-option");
        } else {
            let written = store::update_product(
                &mut s.tx,
                product.id,
                &parsed.code,
                &parsed.name,
                &parsed.description,
                parsed.family_id,
            )
            .await;
            if admin::unless_taken(written, &mut errors, "code", "error-code-or-name-taken")?
                .is_some()
            {
                let to = format!("/admin/products/{}", product.id);
                return admin::saved(s, "catalog-item-saved", &parsed.name, &to).await;
            }
        }
    }
    let page = product_page(&mut s, product, Some(fixed), errors).await?;
    admin::unprocessable(page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateForm {
    state: String,
}

async fn change_state(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<StateForm>,
) -> Result<Response> {
    let product = store::find_product(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let back = format!("/admin/products/{}", product.id);
    let items = store::bundle_items(&mut s.tx, product.id).await?.len();
    let outcome = ProductState::parse(&input.state)
        .ok_or("error-product-transition")
        .and_then(|to| model::change_state(product.kind, product.state, to, items).map(|_| to));
    match outcome {
        Ok(to) => {
            store::set_product_state(&mut s.tx, product.id, to).await?;
            let message = s.page.t(to.label_key());
            admin::done(s, message, &back).await
        }
        Err(key) => Ok(admin::refused(&s, s.page.t(key), &back).await),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BundleItemForm {
    product_id: String,
    quantity: String,
}

async fn put_bundle_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<BundleItemForm>,
) -> Result<Response> {
    let bundle = store::find_product(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let back = format!("/admin/products/{}", bundle.id);
    let product = match model::optional_id(&input.product_id) {
        Ok(Some(pid)) => store::find_product(&mut s.tx, pid).await?,
        _ => None,
    };
    let quantity = input
        .quantity
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|q| (1..=10_000).contains(q));
    match (bundle.kind, product, quantity) {
        (ProductKind::Bundle, Some(product), Some(quantity))
            if product.kind == ProductKind::Product =>
        {
            store::put_bundle_item(&mut s.tx, bundle.id, product.id, quantity).await?;
            s.tx.commit().await?;
            Ok(Redirect::to(&back).into_response())
        }
        _ => Ok(admin::refused(&s, s.page.t("error-bundle-item"), &back).await),
    }
}

async fn remove_bundle_item(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<BundleItemForm>,
) -> Result<Response> {
    let bundle = store::find_product(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    if let Ok(Some(product_id)) = model::optional_id(&input.product_id) {
        store::remove_bundle_item(&mut s.tx, bundle.id, product_id).await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/products/{}", bundle.id)).into_response())
}
