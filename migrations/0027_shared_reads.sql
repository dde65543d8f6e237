-- What one feature may read of another's records. Each table is written
-- and read whole by its own store only; the pages, messages and checks of
-- other features read these views, which name the columns they may rely on,
-- so a store can change its table behind them. Each is read with the
-- reader's rights (security_invoker), so the tables' row-level security
-- keeps it to the transaction's workspace.

-- A case as other features name it (number, title) and address its people.
create view case_refs with (security_invoker = true) as
    select tenant_id, id, number, title, state, customer_id, owner_user_id, owner_team_id,
           resolved_at, cancelled_at
      from cases;

-- A customer as cases show it, check it and search it by name.
create view customer_refs with (security_invoker = true) as
    select tenant_id, id, kind, name, account_id, service_level_id, active, search_name
      from customers;

create view customer_role_refs with (security_invoker = true) as
    select tenant_id, customer_id, role_id
      from customer_role_links;

-- An entitlement as a case names it and takes its SLA.
create view entitlement_refs with (security_invoker = true) as
    select tenant_id, id, customer_id, name, status, sla_id
      from entitlements;

-- The KPI timers of cases, as the case views show and filter them.
create view kpi_refs with (security_invoker = true) as
    select tenant_id, id, case_id, kpi, status, sla_item_id, warning_at, failure_at, due_at,
           succeeded_at, ended_at, paused_at
      from sla_kpi_instances;

-- Whether a person has unread notifications, for the navigation.
create view notification_refs with (security_invoker = true) as
    select tenant_id, id, user_id, read_at
      from notifications;

revoke insert, update, delete on case_refs, customer_refs, customer_role_refs, entitlement_refs,
    kpi_refs, notification_refs from atende_app;
grant select on case_refs, customer_refs, customer_role_refs, entitlement_refs,
    kpi_refs, notification_refs to atende_app;
