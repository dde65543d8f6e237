//! The test harness: a freshly migrated database per test (copied from a
//! template that holds two fixture workspaces), the real router, and
//! `Browser`s that keep cookies and speak like a user.

pub mod browser;
pub mod html;
pub mod sources;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use atende::app::{self, AppState};
use atende::clock::Clock;
use atende::config::Config;
use atende::db::{self, EmbeddedCluster};
use atende::users::model::Role;
use axum::Router;
use axum::http::StatusCode;
use axum_test::{TestResponse, TestServer};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;

pub const PASSWORD: &str = "correct-horse-battery";
/// The fixture workspaces: ACME speaks pt-BR, GLOBEX Galician.
pub const ACME: &str = "acme";
pub const GLOBEX: &str = "globex";
const FIXTURE_VERSION: &str = "v9";

pub fn email(workspace: &str, role: Role) -> String {
    format!("{}@{workspace}.test", role.as_str())
}

struct Template {
    server: PgConnectOptions,
    name: String,
}

static TEMPLATE: OnceCell<Template> = OnceCell::const_new();
static EMBEDDED: OnceCell<EmbeddedCluster> = OnceCell::const_new();

/// The PostgreSQL server tests use: `DATABASE_URL`, else a private cluster
/// under the target directory (started once, reused across runs), or under
/// /var/lib/atende when its user cannot enter the target directory.
async fn server_options() -> PgConnectOptions {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return PgConnectOptions::from_str(&url).expect("DATABASE_URL is a PostgreSQL URL");
    }
    let cluster = EMBEDDED
        .get_or_init(|| async {
            let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-pg");
            EmbeddedCluster::start(&dir).await.unwrap_or_else(|err| {
                panic!("no DATABASE_URL and the embedded PostgreSQL did not start: {err:#}")
            })
        })
        .await;
    cluster.connect_options()
}

async fn template() -> &'static Template {
    TEMPLATE
        .get_or_init(|| async {
            let server = server_options().await;
            let name = template_name();
            let mut admin = PgConnection::connect_with(&server.clone().database("postgres"))
                .await
                .expect("connect to the test PostgreSQL server");
            // Several test processes may start at once; one builds the template.
            sqlx::query("select pg_advisory_lock(74657374)")
                .execute(&mut admin)
                .await
                .expect("advisory lock");
            drop_stale_databases(&mut admin).await;
            let exists: bool =
                sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut admin)
                    .await
                    .expect("look up template");
            if !exists {
                let building = format!("{name}_building");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "drop database if exists {building} with (force)"
                )))
                .execute(&mut admin)
                .await
                .expect("drop half-built template");
                sqlx::query(sqlx::AssertSqlSafe(format!("create database {building}")))
                    .execute(&mut admin)
                    .await
                    .expect("create template");
                let pool = PgPoolOptions::new()
                    .max_connections(2)
                    .connect_with(server.clone().database(&building))
                    .await
                    .expect("connect to template");
                db::migrate(&pool).await.expect("migrate template");
                load_fixtures(&pool).await;
                pool.close().await;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "alter database {building} rename to {name}"
                )))
                .execute(&mut admin)
                .await
                .expect("publish template");
            }
            sqlx::query("select pg_advisory_unlock(74657374)")
                .execute(&mut admin)
                .await
                .expect("advisory unlock");
            Template { server, name }
        })
        .await
}

fn template_name() -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    FIXTURE_VERSION.hash(&mut hasher);
    for migration in db::MIGRATOR.iter() {
        migration.checksum.hash(&mut hasher);
    }
    format!("atende_tpl_{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// Test databases are named with their creation time; ones older than a few
/// hours were left by killed runs.
async fn drop_stale_databases(admin: &mut PgConnection) {
    let now = chrono::Utc::now().timestamp();
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'atende_t\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let created: i64 = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse().ok())
            .unwrap_or(now);
        if now - created > 3 * 3600 {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}

async fn load_fixtures(pool: &PgPool) {
    for (slug, name) in [(ACME, "ACME Atendimento"), (GLOBEX, "Globex Galicia")] {
        atende::tenants::create(
            pool,
            atende::tenants::NewTenant {
                slug,
                name,
                admin_email: &email(slug, Role::Admin),
                admin_name: &format!("Admin {slug}"),
                admin_password: PASSWORD,
            },
        )
        .await
        .expect("fixture tenant");
        for role in [Role::Supervisor, Role::Agent] {
            atende::tenants::create_user(
                pool,
                slug,
                &email(slug, role),
                &format!("{} {slug}", role.as_str()),
                role,
                PASSWORD,
            )
            .await
            .expect("fixture user");
        }
    }
    sqlx::query(
        "update tenants set locale = 'gl', time_zone = 'Europe/Madrid' where slug = 'globex'",
    )
    .execute(pool)
    .await
    .expect("fixture locale");
    for (slug, cnpj, account, contact, cpf) in [
        (
            ACME,
            "11.222.333/0001-81",
            "Padaria São João Ltda",
            "José da Silva",
            "529.982.247-25",
        ),
        (
            GLOBEX,
            "45.723.174/0001-10",
            "Conservas Galegas S.A.",
            "Uxía Castro",
            "111.444.777-35",
        ),
    ] {
        load_customers(pool, slug, cnpj, account, contact, cpf).await;
    }
    for slug in [ACME, GLOBEX] {
        load_queues(pool, slug).await;
    }
}

/// "Suporte N1", public, with the agent in it; "Financeiro", private to the
/// admin.
async fn load_queues(pool: &PgPool, slug: &str) {
    use atende::queues::store::{self, QueueInput};
    let tenant: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(pool, tenant).await.expect("tx");
    let names = atende::catalog::translations::Names::default();
    for (name, private, role) in [
        ("Suporte N1", false, Role::Agent),
        ("Financeiro", true, Role::Admin),
    ] {
        let input = QueueInput {
            name,
            names: &names,
            description: "",
            is_private: private,
        };
        let id = store::create(&mut tx, &input).await.expect("fixture queue");
        let member: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
            .bind(email(slug, role))
            .fetch_one(&mut *tx)
            .await
            .expect("member");
        store::add_member(&mut tx, id, Some(member), None)
            .await
            .expect("fixture member");
    }
    // A routing rule set, not active and without rules.
    atende::routing::store::create_set(&mut tx, "Padrão")
        .await
        .expect("fixture rule set");
    tx.commit().await.expect("fixture queues");
}

/// One account with its primary contact, both with the "Cliente" role.
async fn load_customers(
    pool: &PgPool,
    slug: &str,
    cnpj: &str,
    account: &str,
    contact: &str,
    cpf: &str,
) {
    use atende::customers::{model, store};
    let tenant: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(pool, tenant).await.expect("tx");
    let role: uuid::Uuid =
        sqlx::query_scalar("select id from customer_roles where name = 'Cliente'")
            .fetch_one(&mut *tx)
            .await
            .expect("role");
    let input = |kind: &str, name: &str, document: &str| {
        let form = model::CustomerForm {
            kind: kind.into(),
            name: name.into(),
            document: document.into(),
            roles: vec![role.to_string()],
            ..Default::default()
        };
        model::CustomerInput::parse(&form).unwrap_or_else(|_| panic!("fixture {name} is valid"))
    };
    let account_id = match store::create(&mut tx, &input("account", account, cnpj), None).await {
        Ok(id) => id,
        Err(store::SaveError::DocumentTaken) => panic!("fixture account: document taken"),
        Err(store::SaveError::Db(err)) => panic!("fixture account: {err}"),
    };
    if store::create(&mut tx, &input("contact", contact, cpf), Some(account_id))
        .await
        .is_err()
    {
        panic!("fixture contact");
    }
    // ACME holds one case more than GLOBEX, so its last number does not exist
    // in GLOBEX: asking for it there must be a 404, not somebody else's case.
    load_entitlement(&mut tx, account_id).await;
    let cases = if slug == ACME { 2 } else { 1 };
    for _ in 0..cases {
        load_case(&mut tx, slug, account_id).await;
    }
    tx.commit().await.expect("commit");
}

/// An entitlement template and a draft entitlement of the account.
async fn load_entitlement(tx: &mut atende::db::TenantTx, customer: uuid::Uuid) {
    let template = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into entitlement_templates (tenant_id, id, name, allocation, total_units, decrease_on)
         values (app_tenant_id(), $1, 'Fixture template', 'cases', 10, 'creation')",
    )
    .bind(template)
    .execute(&mut **tx)
    .await
    .expect("fixture entitlement template");
    sqlx::query(
        "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, allocation,
                                   total_units, remaining_units, decrease_on, template_id)
         values (app_tenant_id(), $1, $2, 'Fixture entitlement', current_date, current_date + 365,
                 'cases', 10, 10, 'creation', $3)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(customer)
    .bind(template)
    .execute(&mut **tx)
    .await
    .expect("fixture entitlement");
}

/// One case of the account, with an attachment, owned by nobody.
async fn load_case(tx: &mut atende::db::TenantTx, slug: &str, customer: uuid::Uuid) {
    use atende::cases::{model, store};
    let author: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(email(slug, Role::Agent))
        .fetch_one(&mut **tx)
        .await
        .expect("author");
    let form = model::CaseForm {
        title: format!("Fixture case of {slug}"),
        customer_id: customer.to_string(),
        ..Default::default()
    };
    let input = model::CaseInput::parse(&form, chrono_tz::UTC, chrono::Utc::now())
        .unwrap_or_else(|_| panic!("fixture case is valid"));
    let priority = atende::catalog::store::default_priority(tx)
        .await
        .expect("priority");
    let status = store::status_by_key(tx, "in_progress")
        .await
        .expect("status");
    let id = uuid::Uuid::now_v7();
    let new = store::NewCase {
        id,
        input: &input,
        priority_id: priority,
        status_reason_id: status,
        related_case_id: None,
        parent_case_id: None,
        now: chrono::Utc::now(),
        author,
        clocks: Default::default(),
    };
    store::insert(tx, &new).await.expect("fixture case");
    let attachment = store::NewAttachment {
        case_id: id,
        event_id: None,
        activity_id: None,
        file_name: "fixture.txt",
        content_type: "text/plain",
        data: b"fixture",
        sha256: "4f5b8cbf0b9e1c4f6de5a2b1b4e1f8b3b4d2d8a5c6e7f8091a2b3c4d5e6f7081",
        author,
        now: chrono::Utc::now(),
    };
    store::add_attachment(tx, attachment)
        .await
        .expect("fixture attachment");
}

pub struct TestApp {
    pub state: AppState,
    /// A superuser-or-owner pool on the test database, for assertions that
    /// look past row-level security.
    pub pool: PgPool,
    router: Router,
    db_name: String,
    server: PgConnectOptions,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let template = template().await;
        let db_name = format!(
            "atende_t_{}_{}_{}",
            chrono::Utc::now().timestamp(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect_with(&template.server.clone().database("postgres"))
            .await
            .expect("connect admin");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "create database {db_name} template {}",
            template.name
        )))
        .execute(&mut admin)
        .await
        .expect("create test database");
        admin.close().await.ok();

        let mut config = Config::for_database("postgres://unused");
        configure(&mut config);
        let pool =
            db::pool_options(&config).connect_lazy_with(template.server.clone().database(&db_name));
        let state = AppState::new(pool.clone(), config, Clock::default());
        let router = app::router(state.clone());
        TestApp {
            state,
            pool,
            router,
            db_name,
            server: template.server.clone(),
        }
    }

    /// The app as `serve` runs it, for tests that speak HTTP over real sockets.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub fn clock(&self) -> &Clock {
        self.state.clock()
    }

    /// The test database as a URL, for processes of the service a test starts.
    pub fn database_url(&self) -> String {
        if let Ok(server) = std::env::var("DATABASE_URL") {
            let mut url = reqwest::Url::parse(&server).expect("DATABASE_URL is a URL");
            url.set_path(&self.db_name);
            return url.to_string();
        }
        let socket = self
            .server
            .get_socket()
            .expect("the embedded cluster listens on a socket");
        format!(
            "postgres://{}@localhost/{}?host={}",
            self.server.get_username(),
            self.db_name,
            socket.display()
        )
    }

    /// A new browser with its own cookie jar.
    pub fn browser(&self) -> Browser {
        let server = TestServer::builder()
            .save_cookies()
            .build(self.router.clone());
        Browser { server, csrf: None }
    }

    /// A new browser on a second instance of the service: its own memory
    /// (session copies, caches), the same database and clock.
    pub fn browser_on_another_instance(&self) -> Browser {
        let state = AppState::new(
            self.pool.clone(),
            self.state.config().clone(),
            self.clock().clone(),
        );
        let server = TestServer::builder()
            .save_cookies()
            .build(app::router(state));
        Browser { server, csrf: None }
    }

    /// A browser signed in to ACME with the given role.
    pub async fn signed_in(&self, role: Role) -> Browser {
        self.signed_in_to(ACME, role).await
    }

    pub async fn signed_in_to(&self, workspace: &str, role: Role) -> Browser {
        let mut browser = self.browser();
        let response = browser
            .sign_in(workspace, &email(workspace, role), PASSWORD)
            .await;
        assert_eq!(
            response.status_code(),
            StatusCode::SEE_OTHER,
            "sign-in as {role} failed: {}",
            response.text()
        );
        browser
    }

    pub async fn user_id(&self, workspace: &str, role: Role) -> uuid::Uuid {
        sqlx::query_scalar("select u.id from users u join tenants t on t.id = u.tenant_id where t.slug = $1 and u.email = $2")
            .bind(workspace)
            .bind(email(workspace, role))
            .fetch_one(&self.pool)
            .await
            .expect("fixture user id")
    }

    /// Some record of `table` that belongs to `workspace` (the fixtures hold
    /// at least one of every kind that appears in a path).
    pub async fn any_row(&self, table: &str, workspace: &str) -> uuid::Uuid {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select r.id from {table} r join tenants t on t.id = r.tenant_id where t.slug = $1 order by r.id limit 1"
        )))
        .bind(workspace)
        .fetch_one(&self.pool)
        .await
        .unwrap_or_else(|e| panic!("no {table} row in {workspace}: {e}"))
    }

    /// The id of the record of `table` named `name` in the acme workspace.
    pub async fn named(&self, table: &str, name: &str) -> uuid::Uuid {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select x.id from {table} x join tenants t on t.id = x.tenant_id where t.slug = $1 and x.name = $2"
        )))
        .bind(ACME)
        .bind(name)
        .fetch_one(&self.pool)
        .await
        .unwrap_or_else(|e| panic!("{table} {name}: {e}"))
    }

    /// The single number `sql` reads, a count as the superuser sees it.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// A digest of every row of every table: equal before and after means nothing was written.
    pub async fn fingerprint(&self) -> String {
        let tables: Vec<String> = sqlx::query_scalar(
            "select quote_ident(tablename) from pg_tables where schemaname = 'public' order by 1",
        )
        .fetch_all(&self.pool)
        .await
        .expect("list tables");
        let mut digest = String::new();
        for table in tables {
            let part: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {table} t"
            )))
            .fetch_one(&self.pool)
            .await
            .expect("table digest");
            digest.push_str(&format!("{table}:{}\n", part.unwrap_or_default()));
        }
        digest
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.db_name.clone();
        // Drop is synchronous; a short-lived runtime on another thread does the async drop.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut admin) =
                    PgConnection::connect_with(&server.database("postgres")).await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

pub struct Browser {
    pub server: TestServer,
    pub csrf: Option<String>,
}

impl Browser {
    pub async fn get(&self, path: &str) -> TestResponse {
        self.server.get(path).await
    }

    /// Opens the sign-in page and submits it, like a person would.
    pub async fn sign_in(&mut self, workspace: &str, email: &str, password: &str) -> TestResponse {
        self.sign_in_with_next(workspace, email, password, "").await
    }

    pub async fn sign_in_with_next(
        &mut self,
        workspace: &str,
        email: &str,
        password: &str,
        next: &str,
    ) -> TestResponse {
        let page = self.get("/login").await;
        let token = html::csrf_token(&page.text()).expect("sign-in page has a CSRF token");
        let response = self
            .server
            .post("/login")
            .form(&[
                ("csrf_token", token.as_str()),
                ("workspace", workspace),
                ("email", email),
                ("password", password),
                ("next", next),
            ])
            .await;
        if response.status_code() == StatusCode::SEE_OTHER {
            self.refresh_csrf().await;
        }
        response
    }

    /// Reads the session's CSRF token from a page, as htmx does from the meta tag.
    pub async fn refresh_csrf(&mut self) {
        let page = self.get("/admin/users").await;
        let page = if page.status_code() == StatusCode::OK {
            page
        } else {
            self.get("/cases").await
        };
        self.csrf = html::csrf_token(&page.text());
    }

    /// Submits a form with the session's CSRF token, as the page's form would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.server.post(path).form(&all).await
    }

    /// Submits a form exactly as given: no token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.server.post(path).form(&fields).await
    }
}

pub fn assert_redirect(response: &TestResponse, to: &str) {
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "expected a redirect to {to}, got {}",
        response.text()
    );
    assert_eq!(response.header("location").to_str().unwrap_or_default(), to);
}

/// Where a form that must succeed sent the browser: a 303's Location (the
/// page's text, with its errors, when it did not).
pub fn see_other(response: &TestResponse) -> String {
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    location(response)
}

pub fn location(response: &TestResponse) -> String {
    response
        .maybe_header("location")
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .unwrap_or_default()
}

impl Browser {
    /// Uploads a file the way the import form does (token first, then the file).
    pub async fn upload(
        &self,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        self.upload_as(path, field, file_name, "text/csv", bytes)
            .await
    }

    pub async fn upload_as(
        &self,
        path: &str,
        field: &str,
        file_name: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> TestResponse {
        use axum_test::multipart::{MultipartForm, Part};
        let form = MultipartForm::new()
            .add_text("csrf_token", self.csrf.clone().unwrap_or_default())
            .add_part(
                field,
                Part::bytes(bytes).file_name(file_name).mime_type(mime),
            );
        self.server.post(path).multipart(form).await
    }

    /// A request as htmx sends it: with `HX-Request` and the token header.
    pub async fn htmx_get(&self, path: &str) -> TestResponse {
        self.server.get(path).add_header("hx-request", "true").await
    }

    pub async fn htmx_post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.server
            .post(path)
            .add_header("hx-request", "true")
            .add_header("x-csrf-token", self.csrf.clone().unwrap_or_default())
            .form(&fields)
            .await
    }
}

impl TestApp {
    /// The id of the customer with this exact name (fixtures have unique names).
    pub async fn any_row_named(&self, name: &str) -> uuid::Uuid {
        sqlx::query_scalar("select id from customers where name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("no customer {name}: {e}"))
    }
}

impl TestApp {
    /// The number (CAS-…) of some case of `workspace`.
    pub async fn any_case_number(&self, workspace: &str) -> String {
        let number: i64 = sqlx::query_scalar(
            "select c.number from cases c join tenants t on t.id = c.tenant_id where t.slug = $1 order by c.number desc limit 1",
        )
        .bind(workspace)
        .fetch_one(&self.pool)
        .await
        .expect("a case of the workspace");
        format!("CAS-{number:06}")
    }
}

impl Browser {
    /// Submits a form that may carry a file (notes, activities) without one.
    pub async fn upload_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        use axum_test::multipart::MultipartForm;
        let mut form =
            MultipartForm::new().add_text("csrf_token", self.csrf.clone().unwrap_or_default());
        for (name, value) in fields {
            form = form.add_text(name.to_string(), value.to_string());
        }
        self.server.post(path).multipart(form).await
    }
}

impl TestApp {
    /// Serves the app on a real loopback port (for a real browser) and
    /// returns its base URL; the server lives as long as the test's runtime.
    pub async fn serve_http(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let service = self
            .router
            .clone()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        format!("http://{address}")
    }
}
