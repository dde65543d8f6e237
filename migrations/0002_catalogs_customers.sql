-- Admin catalogs every case depends on, and customers (accounts and contacts).
--
-- Catalog lists share one shape (name unique per tenant within the list,
-- deactivated rather than deleted, so old records keep pointing at them).
-- Customers are one table for accounts (organisations) and contacts
-- (people), because everything a case asks of a customer (roles, alerts,
-- addresses, search) is the same for both.

create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists btree_gist;

-- unaccent() is only STABLE (its dictionary could change); pinning the
-- dictionary makes it safe for generated columns and indexes.
create function immutable_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- Text as search sees it: no accents, lower case, single spaces.
create function search_text(text) returns text
    language sql immutable parallel safe
    as $$ select regexp_replace(lower(immutable_unaccent(coalesce($1, ''))), '\s+', ' ', 'g') $$;

-- Every simple catalog table gets the same policy, grants and name rule.
create procedure make_tenant_table(tbl regclass)
    language plpgsql as $$
begin
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format('create policy tenant_isolation on %s using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', tbl);
end
$$;

-- Simple catalogs -----------------------------------------------------------

create procedure make_simple_catalog(tbl text)
    language plpgsql as $$
begin
    execute format($f$
        create table %1$I (
            tenant_id   uuid not null references tenants (id),
            id          uuid not null,
            name        text not null check (length(name) between 1 and 120),
            sort_order  integer not null default 0,
            active      boolean not null default true,
            created_at  timestamptz not null default now(),
            primary key (tenant_id, id)
        )$f$, tbl);
    execute format('create unique index %I on %I (tenant_id, lower(name))', tbl || '_name_key', tbl);
    call make_tenant_table(tbl::regclass);
end
$$;

call make_simple_catalog('channels');
call make_simple_catalog('activity_forms');
call make_simple_catalog('request_types');
call make_simple_catalog('forward_reasons');
call make_simple_catalog('units');
call make_simple_catalog('service_levels');
call make_simple_catalog('customer_roles');
call make_simple_catalog('reasons');
call make_simple_catalog('teams');

call make_simple_catalog('priorities');
alter table priorities add column color text not null default '#5b6676' check (color ~ '^#[0-9a-fA-F]{6}$');
alter table priorities add column is_default boolean not null default false;
create unique index priorities_one_default on priorities (tenant_id) where is_default;

-- Reasons for each case state: Active (Em andamento, Em espera, ...),
-- Resolved (Problema resolvido, ...), Cancelled (Cancelado, Mesclado).
call make_simple_catalog('status_reasons');
alter table status_reasons add column state text not null default 'active' check (state in ('active', 'resolved', 'cancelled'));
-- Stable meaning for reasons the product itself relies on (pausing SLAs, merging).
alter table status_reasons add column system_key text;
drop index status_reasons_name_key;
create unique index status_reasons_name_key on status_reasons (tenant_id, state, lower(name));
create unique index status_reasons_system_key on status_reasons (tenant_id, system_key) where system_key is not null;

-- Subjects: a tree of any depth -------------------------------------------

create table subjects (
    tenant_id   uuid not null references tenants (id),
    id          uuid not null,
    parent_id   uuid,
    name        text not null check (length(name) between 1 and 120),
    description text not null default '',
    active      boolean not null default true,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, parent_id) references subjects (tenant_id, id),
    check (parent_id is null or parent_id <> id)
);
-- Siblings have distinct names; the same name may recur under another parent.
create unique index subjects_name_key on subjects (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
call make_tenant_table('subjects');

-- Products: families, products and bundles ---------------------------------

create table products (
    tenant_id   uuid not null references tenants (id),
    id          uuid not null,
    kind        text not null check (kind in ('family', 'product', 'bundle')),
    state       text not null default 'draft' check (state in ('draft', 'active', 'retired')),
    family_id   uuid,
    code        text not null check (length(code) between 1 and 60),
    name        text not null check (length(name) between 1 and 160),
    description text not null default '',
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, family_id) references products (tenant_id, id)
);
create unique index products_code_key on products (tenant_id, lower(code));
create unique index products_name_key on products (tenant_id, lower(name));
call make_tenant_table('products');

create table product_bundle_items (
    tenant_id   uuid not null references tenants (id),
    bundle_id   uuid not null,
    product_id  uuid not null,
    quantity    integer not null default 1 check (quantity > 0),
    primary key (tenant_id, bundle_id, product_id),
    foreign key (tenant_id, bundle_id) references products (tenant_id, id),
    foreign key (tenant_id, product_id) references products (tenant_id, id)
);
call make_tenant_table('product_bundle_items');

-- Reason → occurrence → cause (motivo → ocorrência → causa) ----------------

create table occurrences (
    tenant_id   uuid not null references tenants (id),
    id          uuid not null,
    reason_id   uuid not null,
    name        text not null check (length(name) between 1 and 120),
    sort_order  integer not null default 0,
    active      boolean not null default true,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, reason_id) references reasons (tenant_id, id)
);
create unique index occurrences_name_key on occurrences (tenant_id, reason_id, lower(name));
call make_tenant_table('occurrences');

create table causes (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    occurrence_id uuid not null,
    name          text not null check (length(name) between 1 and 120),
    sort_order    integer not null default 0,
    active        boolean not null default true,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, occurrence_id) references occurrences (tenant_id, id)
);
create unique index causes_name_key on causes (tenant_id, occurrence_id, lower(name));
call make_tenant_table('causes');

-- Teams (perfis) and their members -------------------------------------------

create table team_members (
    tenant_id  uuid not null references tenants (id),
    team_id    uuid not null,
    user_id    uuid not null,
    primary key (tenant_id, team_id, user_id),
    foreign key (tenant_id, team_id) references teams (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index team_members_user_idx on team_members (tenant_id, user_id);
call make_tenant_table('team_members');

-- Customers -----------------------------------------------------------------

create table customers (
    tenant_id          uuid not null references tenants (id),
    id                 uuid not null,
    kind               text not null check (kind in ('account', 'contact')),
    -- Razão social for accounts, the person's name for contacts.
    name               text not null check (length(name) between 1 and 200),
    -- Nome fantasia (accounts only).
    trade_name         text check (trade_name is null or kind = 'account'),
    -- CNPJ for accounts, CPF for contacts: normalised (digits, or the
    -- alphanumeric CNPJ upper-cased), without punctuation.
    document           text check (document is null or document ~ '^[0-9A-Z]{11}([0-9A-Z]{3})?$'),
    account_id         uuid check (account_id is null or kind = 'contact'),
    primary_contact_id uuid check (primary_contact_id is null or kind = 'account'),
    service_level_id   uuid,
    notes              text not null default '',
    active             boolean not null default true,
    search_name        text generated always as (search_text(name || ' ' || coalesce(trade_name, ''))) stored,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, account_id) references customers (tenant_id, id),
    foreign key (tenant_id, primary_contact_id) references customers (tenant_id, id),
    foreign key (tenant_id, service_level_id) references service_levels (tenant_id, id)
);
-- One active customer per document and tenant; inactive ones keep theirs for history.
create unique index customers_document_key on customers (tenant_id, document) where active and document is not null;
create index customers_document_prefix_idx on customers (tenant_id, document text_pattern_ops);
-- Name search: trigram GiST with the tenant as leading column, so a
-- type-ahead is a nearest-neighbour scan within one tenant.
create index customers_search_name_idx on customers using gist (tenant_id, search_name gist_trgm_ops);
create index customers_account_idx on customers (tenant_id, account_id) where account_id is not null;
call make_tenant_table('customers');

create table customer_role_links (
    tenant_id    uuid not null references tenants (id),
    customer_id  uuid not null,
    role_id      uuid not null,
    primary key (tenant_id, customer_id, role_id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id),
    foreign key (tenant_id, role_id) references customer_roles (tenant_id, id)
);
call make_tenant_table('customer_role_links');

create table customer_addresses (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    customer_id   uuid not null,
    label         text not null default '',
    street        text not null default '',
    number        text not null default '',
    complement    text not null default '',
    district      text not null default '',
    city          text not null default '',
    state         text not null default '',
    postal_code   text not null default '',
    country       text not null default 'Brasil',
    is_principal  boolean not null default false,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_addresses_customer_idx on customer_addresses (tenant_id, customer_id);
create unique index customer_addresses_one_principal on customer_addresses (tenant_id, customer_id) where is_principal;
call make_tenant_table('customer_addresses');

create table customer_phones (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    customer_id   uuid not null,
    label         text not null default '',
    -- Digits only, with country and area code when given.
    number        text not null check (number ~ '^[0-9]{8,15}$'),
    is_principal  boolean not null default false,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_phones_customer_idx on customer_phones (tenant_id, customer_id);
-- Phone search matches the end of the number (with or without country/area code).
create index customer_phones_reverse_idx on customer_phones (tenant_id, reverse(number) text_pattern_ops);
create unique index customer_phones_one_principal on customer_phones (tenant_id, customer_id) where is_principal;
call make_tenant_table('customer_phones');

-- E-contacts: e-mail, WhatsApp, site and the like; one principal per kind.
create table customer_econtacts (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    customer_id   uuid not null,
    kind          text not null check (kind in ('email', 'whatsapp', 'site', 'social', 'other')),
    value         text not null check (length(value) between 1 and 254),
    is_principal  boolean not null default false,
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_econtacts_customer_idx on customer_econtacts (tenant_id, customer_id);
create index customer_econtacts_value_idx on customer_econtacts (tenant_id, lower(value) text_pattern_ops);
create unique index customer_econtacts_one_principal on customer_econtacts (tenant_id, customer_id, kind) where is_principal;
call make_tenant_table('customer_econtacts');

create table customer_alerts (
    tenant_id    uuid not null references tenants (id),
    id           uuid not null,
    customer_id  uuid not null,
    text         text not null check (length(text) between 1 and 500),
    priority     text not null check (priority in ('low', 'medium', 'high')),
    expires_at   timestamptz,
    active       boolean not null default true,
    created_by   uuid,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id),
    foreign key (tenant_id, created_by) references users (tenant_id, id)
);
create index customer_alerts_customer_idx on customer_alerts (tenant_id, customer_id) where active;
call make_tenant_table('customer_alerts');

drop procedure make_simple_catalog(text);
drop procedure make_tenant_table(regclass);
