-- Cases (atendimentos) and everything worked on them: the timeline, notes,
-- activities with their time, attachments, followers and notifications.

-- Case numbers come from one sequence per tenant: nextval never waits on a
-- lock, so concurrent creation does not serialise on a counter row (gaps
-- after a rolled-back creation are accepted; duplicates are impossible).
create function next_case_number() returns bigint
    language plpgsql volatile as $$
declare
    seq text := 'case_number_' || replace(app_tenant_id()::text, '-', '');
begin
    return nextval(seq::regclass);
exception when undefined_table then
    raise exception 'no case number sequence for tenant %', app_tenant_id();
end
$$;

-- Called on the provisioning path when a tenant is created (and below for
-- tenants that already exist).
create function create_case_number_sequence(tenant uuid) returns void
    language plpgsql as $$
declare
    seq text := 'case_number_' || replace(tenant::text, '-', '');
begin
    execute format('create sequence if not exists %I', seq);
    execute format('grant usage, select on sequence %I to atende_app', seq);
end
$$;

select create_case_number_sequence(id) from tenants;

create table cases (
    tenant_id           uuid not null references tenants (id),
    id                  uuid not null,
    number              bigint not null,
    title               text not null check (length(title) between 1 and 300),
    subject_id          uuid,
    customer_id         uuid not null,
    contact_id          uuid,
    channel_id          uuid,
    -- receptivo: the customer started it; ativo: we did.
    direction           text not null default 'inbound' check (direction in ('inbound', 'outbound')),
    received_at         timestamptz not null,
    opened_at           timestamptz not null,
    product_id          uuid,
    serial_number       text not null default '',
    lot_number          text not null default '',
    manufactured_on     date,
    expires_on          date,
    priority_id         uuid not null,
    state               text not null default 'active' check (state in ('active', 'resolved', 'cancelled')),
    status_reason_id    uuid not null,
    owner_user_id       uuid,
    owner_team_id       uuid,
    reason_id           uuid,
    occurrence_id       uuid,
    cause_id            uuid,
    unit_id             uuid,
    location_id         uuid,
    location_note       text not null default '',
    request_type_id     uuid,
    related_case_id     uuid,
    parent_case_id      uuid,
    merged_into_id      uuid,
    description         text not null default '',
    complementary_data  text not null default '',
    first_response_at   timestamptz,
    resolved_at         timestamptz,
    resolution_text     text not null default '',
    cancelled_at        timestamptz,
    -- Totals of the activities, kept with the case so lists need no sums.
    worked_minutes      integer not null default 0,
    billable_minutes    integer not null default 0,
    -- Billable time confirmed at resolution.
    resolved_billable_minutes integer,
    created_by          uuid not null,
    updated_by          uuid not null,
    updated_at          timestamptz not null,
    -- Optimistic concurrency: an edit of stale data is a conflict, never an overwrite.
    version             integer not null default 1,
    -- One case per submitted form, however often it is submitted.
    idempotency_key     uuid,
    search_title        text generated always as (search_text(title)) stored,
    primary key (tenant_id, id),
    constraint cases_number_key unique (tenant_id, number),
    foreign key (tenant_id, subject_id) references subjects (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id),
    foreign key (tenant_id, contact_id) references customers (tenant_id, id),
    foreign key (tenant_id, channel_id) references channels (tenant_id, id),
    foreign key (tenant_id, product_id) references products (tenant_id, id),
    foreign key (tenant_id, priority_id) references priorities (tenant_id, id),
    foreign key (tenant_id, status_reason_id) references status_reasons (tenant_id, id),
    foreign key (tenant_id, owner_user_id) references users (tenant_id, id),
    foreign key (tenant_id, owner_team_id) references teams (tenant_id, id),
    foreign key (tenant_id, reason_id) references reasons (tenant_id, id),
    foreign key (tenant_id, occurrence_id) references occurrences (tenant_id, id),
    foreign key (tenant_id, cause_id) references causes (tenant_id, id),
    foreign key (tenant_id, unit_id) references units (tenant_id, id),
    foreign key (tenant_id, location_id) references customers (tenant_id, id),
    foreign key (tenant_id, request_type_id) references request_types (tenant_id, id),
    foreign key (tenant_id, related_case_id) references cases (tenant_id, id),
    foreign key (tenant_id, parent_case_id) references cases (tenant_id, id),
    foreign key (tenant_id, merged_into_id) references cases (tenant_id, id),
    foreign key (tenant_id, created_by) references users (tenant_id, id),
    foreign key (tenant_id, updated_by) references users (tenant_id, id),
    check (parent_case_id is null or parent_case_id <> id),
    check (merged_into_id is null or merged_into_id <> id)
);
create unique index cases_idempotency_key on cases (tenant_id, idempotency_key) where idempotency_key is not null;
-- Each view reads one of these in order: active/resolved/cancelled lists by
-- opening or resolution time, mine, unassigned, created by me, a customer's.
create index cases_state_opened_idx on cases (tenant_id, state, opened_at desc, id desc);
create index cases_owner_idx on cases (tenant_id, owner_user_id, state, opened_at desc, id desc);
create index cases_unassigned_idx on cases (tenant_id, opened_at desc, id desc) where owner_user_id is null and state = 'active';
create index cases_resolved_idx on cases (tenant_id, resolved_at desc, id desc) where state = 'resolved';
create index cases_created_by_idx on cases (tenant_id, created_by, opened_at desc, id desc);
create index cases_customer_idx on cases (tenant_id, customer_id, state, opened_at desc);
create index cases_parent_idx on cases (tenant_id, parent_case_id) where parent_case_id is not null;
create index cases_merged_idx on cases (tenant_id, merged_into_id) where merged_into_id is not null;
create index cases_title_search_idx on cases using gin (search_title gin_trgm_ops);
alter table cases enable row level security;
alter table cases force row level security;
create policy tenant_isolation on cases
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- The timeline: one row per thing that happened to a case, newest first.
create table case_events (
    tenant_id    uuid not null references tenants (id),
    id           uuid not null,
    case_id      uuid not null,
    at           timestamptz not null,
    actor_id     uuid,
    kind         text not null check (kind in ('created', 'note', 'activity', 'status', 'assignment', 'forward',
                                               'field', 'resolved', 'cancelled', 'reactivated', 'merged', 'child',
                                               'attachment', 'follow', 'execution')),
    -- Notes: their text and visibility.
    body         text not null default '',
    is_public    boolean not null default false,
    -- Whatever the kind needs to be shown (field, old and new values, names).
    data         jsonb not null default '{}',
    primary key (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, actor_id) references users (tenant_id, id)
);
create index case_events_case_idx on case_events (tenant_id, case_id, at desc, id desc);
alter table case_events enable row level security;
alter table case_events force row level security;
create policy tenant_isolation on case_events
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table case_activities (
    tenant_id         uuid not null references tenants (id),
    id                uuid not null,
    case_id           uuid not null,
    kind              text not null check (kind in ('phone_call', 'email', 'task', 'appointment', 'technician_report', 'service_record')),
    subject           text not null default '',
    description       text not null default '',
    direction         text check (direction in ('inbound', 'outbound')),
    -- Pessoa / contato of a service record.
    person_id         uuid,
    contact_id        uuid,
    reason_id         uuid,
    activity_form_id  uuid,
    started_at        timestamptz,
    ended_at          timestamptz,
    duration_minutes  integer not null check (duration_minutes between 0 and 100000),
    billable          boolean not null default true,
    created_by        uuid not null,
    created_at        timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, person_id) references customers (tenant_id, id),
    foreign key (tenant_id, contact_id) references customers (tenant_id, id),
    foreign key (tenant_id, reason_id) references reasons (tenant_id, id),
    foreign key (tenant_id, activity_form_id) references activity_forms (tenant_id, id),
    foreign key (tenant_id, created_by) references users (tenant_id, id),
    check (ended_at is null or started_at is null or ended_at >= started_at)
);
create index case_activities_case_idx on case_activities (tenant_id, case_id, created_at desc);
alter table case_activities enable row level security;
alter table case_activities force row level security;
create policy tenant_isolation on case_activities
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table attachments (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    case_id       uuid not null,
    event_id      uuid,
    activity_id   uuid,
    file_name     text not null check (length(file_name) between 1 and 255),
    content_type  text not null,
    size_bytes    bigint not null check (size_bytes >= 0),
    sha256        text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    data          bytea not null,
    uploaded_by   uuid not null,
    created_at    timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, event_id) references case_events (tenant_id, id),
    foreign key (tenant_id, activity_id) references case_activities (tenant_id, id),
    foreign key (tenant_id, uploaded_by) references users (tenant_id, id)
);
create index attachments_case_idx on attachments (tenant_id, case_id);
alter table attachments enable row level security;
alter table attachments force row level security;
create policy tenant_isolation on attachments
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table case_followers (
    tenant_id   uuid not null references tenants (id),
    case_id     uuid not null,
    user_id     uuid not null,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, case_id, user_id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index case_followers_user_idx on case_followers (tenant_id, user_id);
alter table case_followers enable row level security;
alter table case_followers force row level security;
create policy tenant_isolation on case_followers
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table notifications (
    tenant_id   uuid not null references tenants (id),
    id          uuid not null,
    user_id     uuid not null,
    case_id     uuid,
    kind        text not null check (kind in ('assigned', 'forwarded', 'note', 'mention', 'sla_warning', 'sla_failure')),
    actor_id    uuid,
    created_at  timestamptz not null,
    read_at     timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id),
    foreign key (tenant_id, case_id) references cases (tenant_id, id),
    foreign key (tenant_id, actor_id) references users (tenant_id, id)
);
create index notifications_unread_idx on notifications (tenant_id, user_id, created_at desc) where read_at is null;
create index notifications_user_idx on notifications (tenant_id, user_id, created_at desc);
alter table notifications enable row level security;
alter table notifications force row level security;
create policy tenant_isolation on notifications
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- Roles the product itself relies on: a case's location must be a partner.
alter table customer_roles add column system_key text;
create unique index customer_roles_system_key on customer_roles (tenant_id, system_key) where system_key is not null;
update customer_roles set system_key = case name when 'Cliente' then 'customer' when 'Parceiro' then 'partner' when 'Fornecedor' then 'supplier' end
 where name in ('Cliente', 'Parceiro', 'Fornecedor');
