-- Each row of a case view shows one SLA timer: the running one with the
-- nearest deadline or, when none runs, a paused one, or else how the timers
-- ended, a breach first. Read through the (tenant_id, case_id, kpi) key,
-- every row cost an index probe, two heap fetches and a sort of its two
-- instances: most of the case list's statement. This index holds the
-- instances in the order the cell picks them, with the columns the cell
-- shows, so a row costs one probe and its first entry.
create index sla_kpi_instances_cell_idx on sla_kpi_instances
    (tenant_id, case_id, (ended_at is not null), (status = 'paused'), (status <> 'non_compliant'), failure_at)
    include (status, ended_at)
    where status <> 'cancelled';
