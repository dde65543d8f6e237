-- The type-ahead's ranks "a word of the name starts with it" and "the name
-- contains it" walk the name index in name order, testing each name with
-- LIKE (row-level security keeps LIKE off any index). A fragment found late
-- in name order, or nowhere, read the whole workspace: at 100,000 customers
-- "sho" (every match a "Pet Shop ...") took 50 ms. Each name is now also kept
-- as the suffixes of its words, so a typed word is a range of parts, read
-- through a btree with leakproof comparisons, whatever the workspace's size.
-- Each part carries what the ranks filter and sort by (the whole name,
-- active, kind), so a range is read from the index alone.
create function name_parts(search_name text) returns table (part text, word_start boolean)
    language sql immutable parallel safe strict
    as $$ select distinct substr(w, i), i = 1
            from unnest(string_to_array(search_name, ' ')) w, generate_series(1, length(w)) i
           where w <> '' $$;

-- No foreign key: each customer has about twenty parts, and twenty key
-- checks per customer written would cost more than the parts themselves;
-- the triggers below keep the parts in step with their customer instead.
create table customer_name_parts (
    tenant_id   uuid not null,
    customer_id uuid not null,
    part        text collate "C" not null,
    word_start  boolean not null,
    search_name text collate "C" not null,
    active      boolean not null,
    kind        text not null
);
create index customer_name_parts_part_idx
    on customer_name_parts (tenant_id, part) include (word_start, active, kind, search_name, customer_id);
create index customer_name_parts_customer_idx on customer_name_parts (tenant_id, customer_id);
alter table customer_name_parts enable row level security;
alter table customer_name_parts force row level security;
create policy tenant_isolation on customer_name_parts
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());

-- Statement triggers with transition tables: a bulk insert of customers
-- writes its parts in one statement, not one per customer.
create function customer_name_parts_added() returns trigger
    language plpgsql as $$
begin
    insert into customer_name_parts (tenant_id, customer_id, part, word_start, search_name, active, kind)
    select n.tenant_id, n.id, p.part, p.word_start, n.search_name, n.active, n.kind
      from added n, name_parts(n.search_name) p;
    return null;
end
$$;
create trigger customer_name_parts_added after insert on customers
    referencing new table as added for each statement
    execute function customer_name_parts_added();

create function customer_name_parts_changed() returns trigger
    language plpgsql as $$
begin
    delete from customer_name_parts x
     using before_change o join after_change n on n.tenant_id = o.tenant_id and n.id = o.id
     where x.tenant_id = o.tenant_id and x.customer_id = o.id
       and (n.search_name, n.active, n.kind) is distinct from (o.search_name, o.active, o.kind);
    insert into customer_name_parts (tenant_id, customer_id, part, word_start, search_name, active, kind)
    select n.tenant_id, n.id, p.part, p.word_start, n.search_name, n.active, n.kind
      from before_change o join after_change n on n.tenant_id = o.tenant_id and n.id = o.id,
           name_parts(n.search_name) p
     where (n.search_name, n.active, n.kind) is distinct from (o.search_name, o.active, o.kind);
    return null;
end
$$;
create trigger customer_name_parts_changed after update on customers
    referencing old table as before_change new table as after_change for each statement
    execute function customer_name_parts_changed();

create function customer_name_parts_removed() returns trigger
    language plpgsql as $$
begin
    delete from customer_name_parts x using removed o
     where x.tenant_id = o.tenant_id and x.customer_id = o.id;
    return null;
end
$$;
create trigger customer_name_parts_removed after delete on customers
    referencing old table as removed for each statement
    execute function customer_name_parts_removed();

insert into customer_name_parts (tenant_id, customer_id, part, word_start, search_name, active, kind)
select c.tenant_id, c.id, p.part, p.word_start, c.search_name, c.active, c.kind
  from customers c, name_parts(c.search_name) p;
