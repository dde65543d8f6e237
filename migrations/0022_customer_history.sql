-- A customer's history (its cases opened and closed, their notes and
-- activities, newest first) and its agenda (the activities scheduled on its
-- cases, soonest first), on the customer page. Read through cases, a
-- customer with thousands of cases had every entry of every case read and
-- sorted for one page. Each timeline entry and activity now carries its
-- case's customer, so a page is one range of an index, however long the
-- history.
--
-- No foreign key: the case's own key already ties the customer, and a key
-- check on every timeline entry written would cost more than the copy. The
-- triggers keep the copy in step: written with the entry (unless the writer
-- gave it), and rewritten when a case moves to another customer.
alter table case_events add column customer_id uuid;
alter table case_activities add column customer_id uuid;

update case_events e set customer_id = c.customer_id
  from cases c where c.tenant_id = e.tenant_id and c.id = e.case_id;
update case_activities a set customer_id = c.customer_id
  from cases c where c.tenant_id = a.tenant_id and c.id = a.case_id;

alter table case_events alter column customer_id set not null;
alter table case_activities alter column customer_id set not null;

-- Tenant columns are named, not left to the policies: the bulk seed writes
-- as the owner, outside any tenant.
create function case_rows_copy_customer() returns trigger language plpgsql as $$
begin
    if new.customer_id is null then
        new.customer_id := (select customer_id from cases where tenant_id = new.tenant_id and id = new.case_id);
    end if;
    return new;
end $$;

create trigger case_events_customer before insert on case_events
    for each row execute function case_rows_copy_customer();
create trigger case_activities_customer before insert on case_activities
    for each row execute function case_rows_copy_customer();

create function cases_move_rows_to_customer() returns trigger language plpgsql as $$
begin
    update case_events set customer_id = new.customer_id
     where tenant_id = new.tenant_id and case_id = new.id;
    update case_activities set customer_id = new.customer_id
     where tenant_id = new.tenant_id and case_id = new.id;
    return null;
end $$;

create trigger cases_rows_follow_customer after update of customer_id on cases
    for each row when (old.customer_id is distinct from new.customer_id)
    execute function cases_move_rows_to_customer();

-- The history shows what a customer would recognise: cases opened, closed
-- and reopened, notes and activities; not every field change.
create index case_events_customer_history_idx
    on case_events (tenant_id, customer_id, at desc, id desc)
    where kind in ('created', 'resolved', 'cancelled', 'reactivated', 'note', 'activity');
create index case_activities_customer_agenda_idx
    on case_activities (tenant_id, customer_id, started_at, id)
    where started_at is not null;
