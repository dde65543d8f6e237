-- The columns each user chose for each case view (cases::store::columns).
-- Without a row the view shows its own default columns; "restore the
-- defaults" deletes the row. Kept per user rather than in a cookie, so the
-- choice follows the user to another browser and never passes to the next
-- person on a shared workstation.
create table case_list_columns (
    tenant_id   uuid not null references tenants (id),
    user_id     uuid not null,
    view        text not null check (length(view) between 1 and 40),
    columns     text[] not null check (cardinality(columns) <= 20),
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, user_id, view),
    foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
alter table case_list_columns enable row level security;
alter table case_list_columns force row level security;
create policy tenant_isolation on case_list_columns
    using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
