//! What keeps tenants apart in the database itself, pinned against the catalog
//! and proven with queries made as a superuser.

use atende::db::{Plans, begin_detached, begin_tenant_tx, begin_tenant_tx_planned};
use atende::users::model::Role;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Row};
use uuid::Uuid;

use crate::support::{ACME, GLOBEX, TestApp};

/// Tables that belong to no tenant, each for a stated reason.
const SYSTEM_TABLES: [&str; 3] = [
    "_sqlx_migrations", // migration bookkeeping
    "sessions",         // read before any tenant is known; re-checked per request
    "login_attempts",   // throttles sign-in before any tenant is known
];

async fn tenant_id(app: &TestApp, slug: &str) -> Uuid {
    sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .expect("tenant")
}

/// A pool of one connection, so the next query is sure to reuse it.
async fn single_connection_pool(app: &TestApp) -> sqlx::PgPool {
    PgPoolOptions::new()
        .max_connections(1)
        .connect_with(app.pool.connect_options().as_ref().clone())
        .await
        .expect("pool")
}

#[tokio::test]
async fn every_tenant_table_has_forced_row_level_security_on_the_tenant_setting() {
    let app = TestApp::spawn().await;
    let tables = sqlx::query(
        "select c.relname::text as name, c.relrowsecurity, c.relforcerowsecurity,
                exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant_id,
                coalesce((select bool_and(p.qual::text like '%app_tenant_id()%' and coalesce(p.with_check::text, p.qual::text) like '%app_tenant_id()%')
                            from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname), false) as policy_on_tenant,
                exists (select from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as has_policy
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
          order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .expect("catalog");
    let mut checked = 0;
    for table in tables {
        let name: String = table.get("name");
        if SYSTEM_TABLES.contains(&name.as_str()) {
            continue;
        }
        let has_tenant_id: bool = table.get("has_tenant_id");
        assert!(
            has_tenant_id || name == "tenants",
            "{name} belongs to no tenant and is not a known system table"
        );
        assert!(
            table.get::<bool, _>("relrowsecurity"),
            "{name}: RLS not enabled"
        );
        assert!(
            table.get::<bool, _>("relforcerowsecurity"),
            "{name}: RLS not forced"
        );
        assert!(table.get::<bool, _>("has_policy"), "{name}: no policy");
        assert!(
            table.get::<bool, _>("policy_on_tenant"),
            "{name}: a policy ignores app.tenant_id"
        );
        checked += 1;
    }
    assert!(checked >= 2, "expected tenant tables to check");
}

#[tokio::test]
async fn the_app_role_cannot_bypass_rls_owns_nothing_and_nothing_runs_as_definer() {
    let app = TestApp::spawn().await;
    let (bypass, superuser): (bool, bool) =
        sqlx::query_as("select rolbypassrls, rolsuper from pg_roles where rolname = 'atende_app'")
            .fetch_one(&app.pool)
            .await
            .expect("role");
    assert!(!bypass && !superuser);
    let owned: i64 = sqlx::query_scalar(
        "select (select count(*) from pg_class where relowner = r.oid)
              + (select count(*) from pg_proc where proowner = r.oid)
              + (select count(*) from pg_namespace where nspowner = r.oid)
              + (select count(*) from pg_type where typowner = r.oid)
           from pg_roles r where r.rolname = 'atende_app'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("ownership");
    assert_eq!(owned, 0);
    // One function runs as its owner: the revision of a session whose id
    // the caller already holds (see the test below), so page views need
    // not read the session row on a connection of their own.
    let definers: Vec<String> = sqlx::query_scalar(
        "select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'public' and p.prosecdef",
    )
    .fetch_all(&app.pool)
    .await
    .expect("functions");
    assert_eq!(definers, ["session_revision"]);
    let unsafe_views: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'v'
            and not coalesce(c.reloptions @> array['security_invoker=true'], false)",
    )
    .fetch_all(&app.pool)
    .await
    .expect("views");
    assert!(
        unsafe_views.is_empty(),
        "views without security_invoker: {unsafe_views:?}"
    );
}

#[tokio::test]
async fn a_tenant_transaction_sees_only_its_own_rows_even_as_superuser() {
    let app = TestApp::spawn().await;
    let is_super: bool =
        sqlx::query_scalar("select rolsuper from pg_roles where rolname = current_user")
            .fetch_one(&app.pool)
            .await
            .expect("role");
    let acme = tenant_id(&app, ACME).await;
    let mut tx = begin_tenant_tx(&app.pool, acme).await.expect("tx");
    let tenants_seen: Vec<Uuid> = sqlx::query_scalar("select distinct tenant_id from users")
        .fetch_all(&mut *tx)
        .await
        .expect("users");
    assert_eq!(tenants_seen, vec![acme], "superuser connection: {is_super}");
    let workspaces: i64 = sqlx::query_scalar("select count(*) from tenants")
        .fetch_one(&mut *tx)
        .await
        .expect("tenants");
    assert_eq!(workspaces, 1);
}

#[tokio::test]
async fn without_tenant_context_the_app_role_sees_nothing() {
    let app = TestApp::spawn().await;
    let mut tx = app.pool.begin().await.expect("tx");
    sqlx::query("set local role atende_app")
        .execute(&mut *tx)
        .await
        .expect("role");
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    let tenants: i64 = sqlx::query_scalar("select count(*) from tenants")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!((users, tenants), (0, 0));
}

#[tokio::test]
async fn inserting_a_row_for_another_tenant_is_refused() {
    let app = TestApp::spawn().await;
    let acme = tenant_id(&app, ACME).await;
    let globex = tenant_id(&app, GLOBEX).await;
    let mut tx = begin_tenant_tx(&app.pool, acme).await.expect("tx");
    let result = sqlx::query(
        "insert into users (tenant_id, id, email, name, role, password_hash)
         values ($1, $2, 'intruder@globex.test', 'Intruder', 'admin', 'x')",
    )
    .bind(globex)
    .bind(Uuid::now_v7())
    .execute(&mut *tx)
    .await;
    let err = result.expect_err("a foreign tenant_id must be refused");
    assert!(err.to_string().contains("row-level security"), "{err}");
}

#[tokio::test]
async fn tenant_context_does_not_leak_through_a_pooled_connection() {
    let app = TestApp::spawn().await;
    let single = single_connection_pool(&app).await;
    let acme = tenant_id(&app, ACME).await;
    let (before_user, backend): (String, i32) =
        sqlx::query_as("select current_user::text, pg_backend_pid()")
            .fetch_one(&single)
            .await
            .expect("who");
    let tx = begin_tenant_tx(&single, acme).await.expect("tx");
    tx.commit().await.expect("commit");
    let mut conn = single.acquire().await.expect("same connection");
    let row = sqlx::query("select current_user::text as who, coalesce(current_setting('app.tenant_id', true), '') as tenant, pg_backend_pid() as pid")
        .fetch_one(&mut *conn)
        .await
        .expect("after");
    assert_eq!(
        row.get::<i32, _>("pid"),
        backend,
        "the pool reused the connection"
    );
    assert_eq!(row.get::<String, _>("who"), before_user);
    assert_eq!(row.get::<String, _>("tenant"), "");
    let mut tx = conn.begin().await.expect("tx");
    sqlx::query("set local role atende_app")
        .execute(&mut *tx)
        .await
        .expect("role");
    let visible: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(visible, 0);
}

#[tokio::test]
async fn a_transaction_finished_as_a_read_is_rolled_back_and_leaves_its_connection_clean() {
    let app = TestApp::spawn().await;
    let single = single_connection_pool(&app).await;
    let acme = tenant_id(&app, ACME).await;
    let (owner, backend): (String, i32) =
        sqlx::query_as("select current_user::text, pg_backend_pid()")
            .fetch_one(&single)
            .await
            .expect("who");
    let mut tx = begin_tenant_tx(&single, acme).await.expect("tx");
    // A session-wide setting made inside the transaction survives a commit
    // and is undone by a rollback, so it shows how the transaction ended.
    sqlx::query("select set_config('atende.probe', 'committed', false)")
        .execute(&mut *tx)
        .await
        .expect("setting");
    tx.finish_reading();
    let row = sqlx::query(
        "select current_user::text as who, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                coalesce(current_setting('atende.probe', true), '') as probe, pg_backend_pid() as pid",
    )
    .fetch_one(&single)
    .await
    .expect("the next user of the connection");
    assert_eq!(
        row.get::<i32, _>("pid"),
        backend,
        "the pool reused the connection"
    );
    assert_eq!(row.get::<String, _>("who"), owner);
    assert_eq!(row.get::<String, _>("tenant"), "");
    assert_eq!(
        row.get::<String, _>("probe"),
        "",
        "rolled back, not committed"
    );
    let savepoint = sqlx::query("savepoint probe").execute(&single).await;
    assert!(savepoint.is_err(), "no transaction block is left open");
}

async fn planning(conn: &mut sqlx::PgConnection) -> (String, String, String) {
    sqlx::query_as(
        "select current_setting('plan_cache_mode'), current_setting('enable_bitmapscan'),
                coalesce(current_setting('app.tenant_id', true), '')",
    )
    .fetch_one(conn)
    .await
    .expect("settings")
}

#[tokio::test]
async fn a_search_plans_its_transaction_from_begin_and_the_next_request_plans_as_before() {
    let app = TestApp::spawn().await;
    let single = single_connection_pool(&app).await;
    let acme = tenant_id(&app, ACME).await;
    let mut tx = begin_tenant_tx_planned(&single, acme, Plans::Search)
        .await
        .expect("tx");
    let (mode, bitmaps, tenant) = planning(&mut tx).await;
    assert_eq!(
        (mode.as_str(), bitmaps.as_str()),
        ("force_generic_plan", "off")
    );
    assert_eq!(tenant, acme.to_string(), "the tenant's walls come first");
    tx.use_plans(Plans::Generic).await.expect("generic");
    let (mode, bitmaps, _) = planning(&mut tx).await;
    assert_eq!(
        (mode.as_str(), bitmaps.as_str()),
        ("force_generic_plan", "on")
    );
    tx.use_plans(Plans::Search).await.expect("search again");
    tx.finish_reading();
    let mut conn = single.acquire().await.expect("the same connection");
    let (mode, bitmaps, tenant) = planning(&mut conn).await;
    assert_eq!((mode.as_str(), bitmaps.as_str()), ("auto", "on"));
    assert_eq!(tenant, "");
}

#[tokio::test]
async fn a_request_dropped_while_its_transaction_begins_leaves_its_connection_clean() {
    let app = TestApp::spawn().await;
    let single = single_connection_pool(&app).await;
    let owner: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&single)
        .await
        .expect("who");
    // Another session holds a lock the BEGIN below waits for, so the request
    // can be dropped while BEGIN is surely on the wire and unanswered: what
    // happens when a browser goes away.
    let mut holder = app.pool.begin().await.expect("holder");
    sqlx::query("select pg_advisory_xact_lock(7)")
        .execute(&mut *holder)
        .await
        .expect("lock");
    let begin = begin_detached(
        &single,
        Some(
            "begin; select set_config('role', 'atende_app', true), pg_advisory_xact_lock(7)".into(),
        ),
    );
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), begin)
            .await
            .is_err(),
        "BEGIN waits for the lock"
    );
    holder.commit().await.expect("release");
    let who: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&single)
        .await
        .expect("the next user of the connection");
    assert_eq!(who, owner, "the abandoned transaction's role is gone");
    let savepoint = sqlx::query("savepoint probe").execute(&single).await;
    assert!(
        savepoint.is_err(),
        "no transaction block is left open on the connection"
    );
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(&single)
        .await
        .expect("the owner's own path works on that connection");
    assert!(sessions >= 0);
}

#[tokio::test]
async fn the_app_role_reads_no_session_and_learns_a_revision_only_by_its_id() {
    let app = TestApp::spawn().await;
    let _agent = app.signed_in(Role::Agent).await;
    let (id, revision): (String, i64) = sqlx::query_as("select id, revision from sessions")
        .fetch_one(&app.pool)
        .await
        .expect("the agent's session");
    let tenant: Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(ACME)
        .fetch_one(&app.pool)
        .await
        .expect("acme");
    let mut tx = begin_tenant_tx(&app.pool, tenant).await.expect("tenant tx");
    sqlx::query("savepoint probe")
        .execute(&mut *tx)
        .await
        .expect("savepoint");
    let read = sqlx::query("select id from sessions")
        .execute(&mut *tx)
        .await;
    assert!(read.is_err(), "the app role read the sessions table");
    sqlx::query("rollback to savepoint probe")
        .execute(&mut *tx)
        .await
        .expect("back to the savepoint");
    let known: Option<i64> = sqlx::query_scalar("select session_revision($1)")
        .bind(&id)
        .fetch_one(&mut *tx)
        .await
        .expect("revision by id");
    assert_eq!(known, Some(revision));
    let guessed: Option<i64> = sqlx::query_scalar("select session_revision($1)")
        .bind(format!("{id}x"))
        .fetch_one(&mut *tx)
        .await
        .expect("revision of an unknown id");
    assert_eq!(guessed, None);
}
