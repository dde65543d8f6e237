-- A stored generated column has its expression planned again by every
-- statement that inserts a case: for the case title's search form that was
-- inlining search_text() and planning it, about a twentieth of what
-- PostgreSQL spent creating a case. The trigger that already copies the
-- customer's name onto the case now writes the search form too; its
-- expression is planned once per connection.
alter table cases alter column search_title drop expression;

create function cases_derive_columns() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or new.customer_id is distinct from old.customer_id then
        new.customer_name := coalesce(
            (select name from customers where tenant_id = new.tenant_id and id = new.customer_id), '');
    end if;
    new.search_title := search_text(new.title);
    return new;
end $$;

drop trigger cases_customer_name on cases;
drop function cases_copy_customer_name();

create trigger cases_derive_columns before insert or update of customer_id, title on cases
    for each row execute function cases_derive_columns();
