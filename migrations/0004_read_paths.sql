-- Read paths of the busiest pages.

-- The case page lists the cases that point at it as related; without this
-- index that list read every case of the workspace.
create index cases_related_idx on cases (tenant_id, related_case_id) where related_case_id is not null;

-- Every page offers the workspace's lists (priorities, statuses, teams,
-- users ...). The server keeps them in memory per workspace, keyed by this
-- number; any change to a list bumps it in the same transaction, so every
-- instance sees the change on its next request and no copy is ever older
-- than what the request's own transaction could read.
alter table tenants add column catalog_version bigint not null default 0;

create function bump_catalog_version() returns trigger
    language plpgsql as $$
begin
    update tenants set catalog_version = catalog_version + 1 where id = app_tenant_id();
    return null;
end
$$;

do $$
declare
    tbl text;
begin
    foreach tbl in array array[
        'channels', 'activity_forms', 'request_types', 'forward_reasons', 'units', 'service_levels',
        'customer_roles', 'reasons', 'teams', 'priorities', 'status_reasons', 'subjects', 'products',
        'product_bundle_items', 'occurrences', 'causes', 'team_members', 'users'
    ] loop
        execute format(
            'create trigger %I after insert or update or delete or truncate on %I
                 for each statement execute function bump_catalog_version()',
            tbl || '_bump_catalog_version', tbl);
    end loop;
end
$$;
