-- The foundation: tenants, their users, HTTP sessions and login throttling.
--
-- Tenancy has two walls. Every tenant-owned table carries tenant_id in its
-- primary key and in every foreign key (ready for Citus distribution by
-- tenant_id), and every tenant-owned table has a FORCEd row-level security
-- policy on the transaction-local setting app.tenant_id. The application
-- reaches tenant data as atende_app, a role that owns nothing and cannot
-- bypass RLS, so the policies hold even when DATABASE_URL is a superuser.

do $$
begin
    if not exists (select from pg_roles where rolname = 'atende_app') then
        create role atende_app nologin nosuperuser nobypassrls noinherit;
    end if;
end
$$;

-- The migrating role must be able to `set local role atende_app`.
do $$
begin
    execute format('grant atende_app to %I', current_user);
exception when others then
    -- Superusers need no grant; other owners were granted by whoever made the role.
    null;
end
$$;

grant usage on schema public to atende_app;
alter default privileges in schema public grant select, insert, update, delete on tables to atende_app;
alter default privileges in schema public grant usage, select on sequences to atende_app;

-- nullif: after a transaction-local set_config ends, the setting reads as ''
-- for the rest of the connection, and ''::uuid would raise instead of hiding rows.
create function app_tenant_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create table tenants (
    id          uuid primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text not null check (length(name) between 1 and 200),
    locale      text not null default 'pt-BR' check (locale in ('pt-BR', 'en', 'gl')),
    time_zone   text not null default 'America/Sao_Paulo',
    created_at  timestamptz not null default now()
);
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_isolation on tenants
    using (id = app_tenant_id()) with check (id = app_tenant_id());
-- Tenants are created on the cross-tenant path; the app role only reads and edits its own.
revoke insert, delete on tenants from atende_app;

create table users (
    tenant_id      uuid not null references tenants (id),
    id             uuid not null,
    email          text not null check (email = lower(email) and length(email) between 3 and 254),
    name           text not null check (length(name) between 1 and 200),
    role           text not null check (role in ('agent', 'supervisor', 'admin')),
    password_hash  text not null,
    locale         text check (locale in ('pt-BR', 'en', 'gl')),
    active         boolean not null default true,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint users_email_key unique (tenant_id, email)
);
alter table users enable row level security;
alter table users force row level security;
create policy tenant_isolation on users
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- Sessions belong to no tenant: the session layer reads them before any tenant
-- is known. The tenant and user ids live inside `data` and are re-checked
-- against users (active, same tenant) on every request.
create table sessions (
    id           text primary key,
    data         jsonb not null,
    expiry_date  timestamptz not null
);
create index sessions_expiry_idx on sessions (expiry_date);
revoke all on sessions from atende_app;

-- Failed-login counters, one row per (workspace, e-mail) or per client address,
-- so the limit holds across every app instance.
create table login_attempts (
    bucket            text primary key,
    window_started_at timestamptz not null,
    attempts          integer not null
);
revoke all on login_attempts from atende_app;
