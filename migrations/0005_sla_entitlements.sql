-- Service promises: business-hours calendars, SLAs with their KPI items, the
-- KPI instances every case carries, entitlements with their terms ledger, and
-- the e-mail outbox the worker drains.

-- The worker claims due work across tenants as atende_worker: it may read
-- and lock only the id columns of due rows, and only while no tenant is set;
-- everything it then does runs as atende_app inside that tenant's walls.
do $$
begin
    if not exists (select from pg_roles where rolname = 'atende_worker') then
        create role atende_worker nologin nosuperuser nobypassrls noinherit;
    end if;
end
$$;

do $$
begin
    execute format('grant atende_worker to %I', current_user);
exception when others then
    null;
end
$$;

grant usage on schema public to atende_worker;

create procedure make_tenant_table(tbl regclass)
    language plpgsql as $$
begin
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format('create policy tenant_isolation on %s using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id())', tbl);
end
$$;

-- Calendars -----------------------------------------------------------------

create table calendars (
    tenant_id    uuid not null references tenants (id),
    id           uuid not null,
    name         text not null check (length(name) between 1 and 120),
    time_zone    text not null,
    always_open  boolean not null default false,
    -- Seven lists (Monday first) of {start, end} minutes since local midnight.
    week         jsonb not null default '[[],[],[],[],[],[],[]]',
    -- {"once": "2026-12-25"} or {"yearly": {"month": 12, "day": 25}}, with an optional name.
    holidays     jsonb not null default '[]',
    active       boolean not null default true,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index calendars_name_key on calendars (tenant_id, lower(name));
call make_tenant_table('calendars'::regclass);

-- SLAs and their items ------------------------------------------------------

create table slas (
    tenant_id         uuid not null references tenants (id),
    id                uuid not null,
    name              text not null check (length(name) between 1 and 120),
    description       text not null default '',
    calendar_id       uuid not null,
    -- Status reasons (of active cases) during which every KPI clock stops.
    pause_status_ids  uuid[] not null default '{}',
    is_default        boolean not null default false,
    active            boolean not null default true,
    created_at        timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, calendar_id) references calendars (tenant_id, id)
);
create unique index slas_name_key on slas (tenant_id, lower(name));
create unique index slas_one_default on slas (tenant_id) where is_default;
call make_tenant_table('slas'::regclass);

create table sla_items (
    tenant_id           uuid not null references tenants (id),
    id                  uuid not null,
    sla_id              uuid not null,
    position            integer not null,
    name                text not null check (length(name) between 1 and 120),
    kpi                 text not null check (kpi in ('first_response', 'resolve')),
    -- Applicable when: any group (OR) whose rules (AND) all hold; no group = always.
    -- [[{"field": "priority", "op": "is", "value": "<uuid>"}, ...], ...]
    condition           jsonb not null default '[]',
    warn_after_minutes  integer not null check (warn_after_minutes > 0),
    fail_after_minutes  integer not null check (fail_after_minutes > 0),
    -- {"notify": bool, "raise_priority": bool, "reassign_team_id": uuid|null, "escalate": bool}
    warning_actions     jsonb not null default '{}',
    failure_actions     jsonb not null default '{}',
    primary key (tenant_id, id),
    foreign key (tenant_id, sla_id) references slas (tenant_id, id) on delete cascade,
    check (fail_after_minutes > warn_after_minutes)
);
create index sla_items_sla_idx on sla_items (tenant_id, sla_id, position);
call make_tenant_table('sla_items'::regclass);

-- Entitlements --------------------------------------------------------------

create table entitlement_templates (
    tenant_id          uuid not null references tenants (id),
    id                 uuid not null,
    name               text not null check (length(name) between 1 and 120),
    allocation         text not null check (allocation in ('cases', 'hours')),
    -- Cases, or minutes for an allocation in hours.
    total_units        integer not null check (total_units > 0),
    decrease_on        text not null check (decrease_on in ('creation', 'resolution')),
    restrict_creation  boolean not null default false,
    sla_id             uuid,
    duration_days      integer not null default 365 check (duration_days > 0),
    active             boolean not null default true,
    created_at         timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, sla_id) references slas (tenant_id, id)
);
create unique index entitlement_templates_name_key on entitlement_templates (tenant_id, lower(name));
call make_tenant_table('entitlement_templates'::regclass);

create table entitlements (
    tenant_id          uuid not null references tenants (id),
    id                 uuid not null,
    customer_id        uuid not null,
    name               text not null check (length(name) between 1 and 120),
    starts_on          date not null,
    ends_on            date not null,
    status             text not null default 'draft'
                       check (status in ('draft', 'active', 'waiting', 'expired', 'cancelled')),
    allocation         text not null check (allocation in ('cases', 'hours')),
    total_units        integer not null check (total_units >= 0),
    remaining_units    integer not null,
    decrease_on        text not null check (decrease_on in ('creation', 'resolution')),
    restrict_creation  boolean not null default false,
    sla_id             uuid,
    is_default         boolean not null default false,
    template_id        uuid,
    -- When the worker next has to move the status (start or end date reached).
    status_due_at      timestamptz,
    created_at         timestamptz not null default now(),
    version            integer not null default 1,
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id),
    foreign key (tenant_id, sla_id) references slas (tenant_id, id),
    foreign key (tenant_id, template_id) references entitlement_templates (tenant_id, id),
    check (ends_on >= starts_on),
    -- With "restrict" on, nothing is ever taken beyond what remains.
    check (remaining_units >= 0 or not restrict_creation)
);
create index entitlements_customer_idx on entitlements (tenant_id, customer_id, status);
create unique index entitlements_one_default on entitlements (tenant_id, customer_id) where is_default and status in ('draft', 'active', 'waiting');
create index entitlements_status_due_idx on entitlements (status_due_at) where status_due_at is not null;
call make_tenant_table('entitlements'::regclass);

create table entitlement_channels (
    tenant_id        uuid not null references tenants (id),
    entitlement_id   uuid not null,
    channel_id       uuid not null,
    total_units      integer not null check (total_units >= 0),
    remaining_units  integer not null,
    primary key (tenant_id, entitlement_id, channel_id),
    foreign key (tenant_id, entitlement_id) references entitlements (tenant_id, id) on delete cascade,
    foreign key (tenant_id, channel_id) references channels (tenant_id, id)
);
call make_tenant_table('entitlement_channels'::regclass);

create table entitlement_products (
    tenant_id       uuid not null references tenants (id),
    entitlement_id  uuid not null,
    product_id      uuid not null,
    primary key (tenant_id, entitlement_id, product_id),
    foreign key (tenant_id, entitlement_id) references entitlements (tenant_id, id) on delete cascade,
    foreign key (tenant_id, product_id) references products (tenant_id, id)
);
call make_tenant_table('entitlement_products'::regclass);

alter table cases add column entitlement_id uuid;
alter table cases add foreign key (tenant_id, entitlement_id) references entitlements (tenant_id, id);
-- "Não diminuir os termos do direito".
alter table cases add column terms_exempt boolean not null default false;
-- Bumped whenever a case gives its terms back, so taking them again is a new ledger row.
alter table cases add column terms_round integer not null default 0;
alter table cases add column sla_id uuid;
alter table cases add foreign key (tenant_id, sla_id) references slas (tenant_id, id);
alter table cases add column escalated boolean not null default false;
create index cases_entitlement_idx on cases (tenant_id, entitlement_id) where entitlement_id is not null;

-- Every move of remaining terms. A case takes from an entitlement at most once
-- per stage and round, and gives each take back at most once; the round moves
-- on whenever terms go back, so a later take is a new row.
create table entitlement_ledger (
    tenant_id       uuid not null references tenants (id),
    id              uuid not null,
    entitlement_id  uuid not null,
    case_id         uuid not null,
    channel_id      uuid,
    direction       text not null check (direction in ('take', 'give_back')),
    -- Which take this row is or gives back: the one at creation or at resolution.
    stage           text not null check (stage in ('creation', 'resolution')),
    round           integer not null,
    -- What caused it: created, resolved, cancelled, reactivated, moved, exempted.
    event           text not null,
    units           integer not null check (units >= 0),
    actor_id        uuid,
    at              timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, entitlement_id) references entitlements (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, actor_id) references users (tenant_id, id),
    unique (tenant_id, case_id, entitlement_id, direction, stage, round)
);
create index entitlement_ledger_entitlement_idx on entitlement_ledger (tenant_id, entitlement_id, at desc);
call make_tenant_table('entitlement_ledger'::regclass);

-- KPI instances -------------------------------------------------------------

-- One row per case and KPI. Re-evaluation, pausing and reopening change the
-- row; its history and pause ledger explain every deadline it ever had.
create table sla_kpi_instances (
    tenant_id        uuid not null references tenants (id),
    id               uuid not null,
    case_id          uuid not null,
    kpi              text not null check (kpi in ('first_response', 'resolve')),
    sla_item_id      uuid,
    status           text not null check (status in ('in_progress', 'nearing', 'non_compliant', 'succeeded', 'paused', 'cancelled')),
    started_at       timestamptz not null,
    warning_at       timestamptz not null,
    failure_at       timestamptz not null,
    warned_at        timestamptz,
    failed_at        timestamptz,
    succeeded_at     timestamptz,
    ended_at         timestamptz,
    paused_at        timestamptz,
    -- Working minutes spent paused so far; the deadlines are pushed by this much.
    paused_minutes   integer not null default 0,
    -- The next instant the worker must look at it (warning or failure); null when nothing is due.
    due_at           timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, sla_item_id) references sla_items (tenant_id, id) on delete set null (sla_item_id),
    unique (tenant_id, case_id, kpi)
);
-- The worker's only way in: a tick reads the few rows that are due, whatever the size of the table.
create index sla_kpi_instances_due_idx on sla_kpi_instances (due_at) where due_at is not null;
create index sla_kpi_instances_open_idx on sla_kpi_instances (tenant_id, status, failure_at)
    where status in ('in_progress', 'nearing', 'non_compliant', 'paused');
call make_tenant_table('sla_kpi_instances'::regclass);

create table sla_kpi_pauses (
    tenant_id         uuid not null references tenants (id),
    id                uuid not null,
    instance_id       uuid not null,
    status_reason_id  uuid,
    paused_at         timestamptz not null,
    resumed_at        timestamptz,
    paused_minutes    integer,
    primary key (tenant_id, id),
    foreign key (tenant_id, instance_id) references sla_kpi_instances (tenant_id, id) on delete cascade,
    foreign key (tenant_id, status_reason_id) references status_reasons (tenant_id, id)
);
create index sla_kpi_pauses_instance_idx on sla_kpi_pauses (tenant_id, instance_id, paused_at);
call make_tenant_table('sla_kpi_pauses'::regclass);

create table sla_kpi_history (
    tenant_id    uuid not null references tenants (id),
    id           uuid not null,
    instance_id  uuid not null,
    at           timestamptz not null,
    -- started, paused, resumed, warned, failed, succeeded, cancelled, reevaluated, reopened, action
    event        text not null,
    from_status  text,
    to_status    text,
    detail       jsonb not null default '{}',
    actor_id     uuid,
    primary key (tenant_id, id),
    foreign key (tenant_id, instance_id) references sla_kpi_instances (tenant_id, id) on delete cascade
);
create index sla_kpi_history_instance_idx on sla_kpi_history (tenant_id, instance_id, at);
call make_tenant_table('sla_kpi_history'::regclass);

alter table case_events drop constraint case_events_kind_check;
alter table case_events add constraint case_events_kind_check
    check (kind in ('created', 'note', 'activity', 'status', 'assignment', 'forward', 'field', 'resolved',
                    'cancelled', 'reactivated', 'merged', 'child', 'attachment', 'follow', 'execution',
                    'sla', 'entitlement'));

-- E-mail outbox -------------------------------------------------------------

create table mail_outbox (
    tenant_id        uuid not null references tenants (id),
    id               uuid not null,
    to_address       text not null,
    subject          text not null,
    body             text not null,
    case_id          uuid,
    created_at       timestamptz not null,
    -- When the worker should (re)try; null once sent or given up.
    next_attempt_at  timestamptz,
    sent_at          timestamptz,
    attempts         integer not null default 0,
    last_error       text,
    primary key (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id)
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where next_attempt_at is not null;
create index mail_outbox_recent_idx on mail_outbox (tenant_id, created_at desc);
call make_tenant_table('mail_outbox'::regclass);

drop procedure make_tenant_table(regclass);

-- The worker's claims -------------------------------------------------------

grant select (tenant_id, id, due_at), update (due_at) on sla_kpi_instances to atende_worker;
create policy worker_claim on sla_kpi_instances for select to atende_worker
    using (app_tenant_id() is null and due_at is not null);
create policy worker_lock on sla_kpi_instances for update to atende_worker
    using (app_tenant_id() is null and due_at is not null) with check (app_tenant_id() is null and false);

grant select (tenant_id, id, status_due_at), update (status_due_at) on entitlements to atende_worker;
create policy worker_claim on entitlements for select to atende_worker
    using (app_tenant_id() is null and status_due_at is not null);
create policy worker_lock on entitlements for update to atende_worker
    using (app_tenant_id() is null and status_due_at is not null) with check (app_tenant_id() is null and false);

grant select (tenant_id, id, next_attempt_at), update (next_attempt_at) on mail_outbox to atende_worker;
create policy worker_claim on mail_outbox for select to atende_worker
    using (app_tenant_id() is null and next_attempt_at is not null);
create policy worker_lock on mail_outbox for update to atende_worker
    using (app_tenant_id() is null and next_attempt_at is not null) with check (app_tenant_id() is null and false);

do $$
declare
    tbl text;
begin
    foreach tbl in array array['calendars', 'slas', 'sla_items', 'entitlement_templates'] loop
        execute format(
            'create trigger %I after insert or update or delete or truncate on %I
                 for each statement execute function bump_catalog_version()',
            tbl || '_bump_catalog_version', tbl);
    end loop;
end
$$;
