-- The worker drains each due index from where its last claim stopped, by
-- (due time, id): the id breaks the ties of a burst made due at one instant,
-- so a claim starts past every row the drain has already handled.
drop index sla_kpi_instances_due_idx;
create index sla_kpi_instances_due_idx on sla_kpi_instances (due_at, id) where due_at is not null;

drop index entitlements_status_due_idx;
create index entitlements_status_due_idx on entitlements (status_due_at, id) where status_due_at is not null;

drop index mail_outbox_due_idx;
create index mail_outbox_due_idx on mail_outbox (next_attempt_at, id) where next_attempt_at is not null;
