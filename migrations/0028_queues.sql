-- Queues (filas): where cases wait for someone to pick them up.
--
-- A queue is public (every agent sees its items) or private (its members,
-- supervisors and admins only). Its members are users, directly or through
-- a team. A case is in at most one queue at a time, with who put it there
-- and when; the case row carries that, so a queue's items are one range of
-- an index of cases.

create table queues (
    tenant_id   uuid not null references tenants (id),
    id          uuid not null,
    name        text not null check (length(name) between 1 and 120),
    names       jsonb not null default '{}' check (jsonb_typeof(names) = 'object'),
    description text not null default '' check (length(description) <= 500),
    is_private  boolean not null default false,
    active      boolean not null default true,
    -- Kept by the trigger below as cases come and go, so the navigation
    -- reads each queue's count instead of counting its items on every page.
    items       integer not null default 0,
    unassigned  integer not null default 0,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index queues_name_key on queues (tenant_id, lower(name));
alter table queues enable row level security;
alter table queues force row level security;
create policy tenant_isolation on queues
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table queue_members (
    tenant_id uuid not null references tenants (id),
    queue_id  uuid not null,
    user_id   uuid,
    team_id   uuid,
    check ((user_id is null) <> (team_id is null)),
    foreign key (tenant_id, queue_id) references queues (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id),
    foreign key (tenant_id, team_id) references teams (tenant_id, id)
);
create unique index queue_members_user_key on queue_members (tenant_id, queue_id, user_id) where user_id is not null;
create unique index queue_members_team_key on queue_members (tenant_id, queue_id, team_id) where team_id is not null;
alter table queue_members enable row level security;
alter table queue_members force row level security;
create policy tenant_isolation on queue_members
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

alter table cases add column queue_id uuid;
alter table cases add column queued_at timestamptz;
alter table cases add column queued_by uuid;
-- The queue views' order: items nobody works on first, each group oldest first,
-- as one value a keyset page can continue from. Assigned items sort a
-- thousand years on.
alter table cases add column queue_order timestamptz;
alter table cases add constraint cases_queue_fk foreign key (tenant_id, queue_id) references queues (tenant_id, id);
alter table cases add constraint cases_queued_whole
    check ((queue_id is null) = (queued_at is null) and (queue_id is null) = (queue_order is null));
create index cases_queue_idx on cases (tenant_id, queue_id, queue_order, id) where queue_id is not null;

create function cases_queue_order() returns trigger
    language plpgsql as $$
begin
    new.queue_order := case
        when new.queue_id is null then null
        when new.owner_user_id is null then new.queued_at
        else new.queued_at + interval '1000 years'
    end;
    return new;
end
$$;
create trigger cases_queue_order_inserted before insert on cases
    for each row when (new.queue_id is not null) execute function cases_queue_order();
create trigger cases_queue_order_changed before update of queue_id, queued_at, owner_user_id on cases
    for each row execute function cases_queue_order();

-- A case counts in its queue's items, and in its unassigned ones while no
-- one person works on it (a team may own it).
create function cases_queue_counts() returns trigger
    language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.queue_id is not null then
        update queues set items = items - 1,
                          unassigned = unassigned - (old.owner_user_id is null)::int
         where tenant_id = old.tenant_id and id = old.queue_id;
    end if;
    if tg_op in ('UPDATE', 'INSERT') and new.queue_id is not null then
        update queues set items = items + 1,
                          unassigned = unassigned + (new.owner_user_id is null)::int
         where tenant_id = new.tenant_id and id = new.queue_id;
    end if;
    return null;
end
$$;
create trigger cases_queue_counts_inserted after insert on cases
    for each row when (new.queue_id is not null) execute function cases_queue_counts();
create trigger cases_queue_counts_changed after update of queue_id, owner_user_id on cases
    for each row when (old.queue_id is distinct from new.queue_id
                       or (new.queue_id is not null
                           and (old.owner_user_id is null) <> (new.owner_user_id is null)))
    execute function cases_queue_counts();
create trigger cases_queue_counts_deleted after delete on cases
    for each row when (old.queue_id is not null) execute function cases_queue_counts();

alter table case_events drop constraint case_events_kind_check;
alter table case_events add constraint case_events_kind_check
    check (kind in ('created', 'note', 'activity', 'status', 'assignment', 'forward', 'field', 'resolved',
                    'cancelled', 'reactivated', 'merged', 'child', 'attachment', 'follow', 'execution',
                    'sla', 'entitlement', 'queue'));

create trigger queues_bump_catalog_version after insert or update of name, names, is_private, active or delete on queues
    for each statement execute function bump_catalog_version();
create trigger queue_members_bump_catalog_version after insert or update or delete on queue_members
    for each statement execute function bump_catalog_version();
