-- Routing rules (regras de roteamento): where a case goes when it is routed.
--
-- A workspace keeps rule sets; one at most is active. Its rules run in
-- order and the first whose condition holds sends the case to a queue, a
-- team or a user, optionally giving it to a member (round robin, or the one
-- with the fewest open cases). New cases of the channels the set names are
-- routed as they come in.

create table routing_rule_sets (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    name          text not null check (length(name) between 1 and 120),
    active        boolean not null default false,
    auto_channels uuid[] not null default '{}',
    created_at    timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index routing_rule_sets_name_key on routing_rule_sets (tenant_id, lower(name));
create unique index routing_rule_sets_one_active on routing_rule_sets (tenant_id) where active;
alter table routing_rule_sets enable row level security;
alter table routing_rule_sets force row level security;
create policy tenant_isolation on routing_rule_sets
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

create table routing_rules (
    tenant_id     uuid not null references tenants (id),
    id            uuid not null,
    rule_set_id   uuid not null,
    position      integer not null,
    name          text not null check (length(name) between 1 and 120),
    condition     jsonb not null default '[]' check (jsonb_typeof(condition) = 'array'),
    target_kind   text not null check (target_kind in ('queue', 'team', 'user')),
    target_id     uuid not null,
    assign        text not null default 'none' check (assign in ('none', 'round_robin', 'least_open')),
    -- Round robin's turn: the member who got the last case.
    last_assigned uuid,
    primary key (tenant_id, id),
    foreign key (tenant_id, rule_set_id) references routing_rule_sets (tenant_id, id) on delete cascade
);
create index routing_rules_set_idx on routing_rules (tenant_id, rule_set_id, position);
alter table routing_rules enable row level security;
alter table routing_rules force row level security;
create policy tenant_isolation on routing_rules
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- Every page that routes reads the active set from the request's cache;
-- a round robin's turn moving is no reason to read it again.
create trigger routing_rule_sets_bump_catalog_version after insert or update or delete on routing_rule_sets
    for each statement execute function bump_catalog_version();
create trigger routing_rules_bump_catalog_version
    after insert or delete or update of position, name, condition, target_kind, target_id, assign on routing_rules
    for each statement execute function bump_catalog_version();
