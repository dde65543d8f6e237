-- Every tenant policy compares with the tenant of the transaction read once
-- per statement. Written as `tenant_id = app_tenant_id()`, the setting was
-- read and parsed into a uuid again for every probe of an index inside a
-- loop: the case list looks up the customer's name and the SLA timers of
-- each of its rows, and those lookups spent a sixth of the statement there.
-- As a subquery it is an init plan, evaluated once, its value a parameter.
do $$
declare
    policy record;
    tenant_column text;
begin
    for policy in
        select schemaname, tablename, qual, with_check
          from pg_policies
         where policyname = 'tenant_isolation' and schemaname = 'public'
    loop
        tenant_column := case when policy.tablename = 'tenants' then 'id' else 'tenant_id' end;
        if policy.qual <> format('(%s = app_tenant_id())', tenant_column)
           or policy.with_check <> policy.qual then
            raise exception 'tenant policy of % has an unexpected shape: %', policy.tablename, policy.qual;
        end if;
        execute format(
            'alter policy tenant_isolation on %I.%I using (%I = (select app_tenant_id())) with check (%I = (select app_tenant_id()))',
            policy.schemaname, policy.tablename, tenant_column, tenant_column);
    end loop;
end $$;
