-- The case views show each case's customer by name. Looked up per row, the
-- names were a third of the case list's statement: 26 probes of the
-- customers' primary key for a page of 25. The case row now carries its
-- customer's name, copied when the case is written with a customer and
-- when a customer is renamed, in the same transaction either way.
alter table cases add column customer_name text;

update cases c
   set customer_name = cu.name
  from customers cu
 where cu.tenant_id = c.tenant_id and cu.id = c.customer_id;

alter table cases alter column customer_name set not null;

-- Tenant columns are named, not left to the policies: the bulk seed writes
-- as the owner, outside any tenant. A customer that does not exist leaves
-- the name empty, and the foreign key refuses the row as it always did.
create function cases_copy_customer_name() returns trigger language plpgsql as $$
begin
    new.customer_name := coalesce(
        (select name from customers where tenant_id = new.tenant_id and id = new.customer_id), '');
    return new;
end $$;

create trigger cases_customer_name before insert or update of customer_id on cases
    for each row execute function cases_copy_customer_name();

create function customers_rename_on_cases() returns trigger language plpgsql as $$
begin
    update cases set customer_name = new.name
     where tenant_id = new.tenant_id and customer_id = new.id;
    return null;
end $$;

create trigger customers_name_on_cases after update of name on customers
    for each row when (old.name is distinct from new.name)
    execute function customers_rename_on_cases();
