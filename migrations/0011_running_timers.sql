-- A KPI instance runs until it has ended: a breached deadline keeps running
-- until the case answers or closes. The case views' deadline sort and the
-- "nearing" view read running instances only, so their index holds those
-- alone: the instances of the active cases, not every case ever closed.
create index sla_kpi_instances_running_idx on sla_kpi_instances (tenant_id, case_id, failure_at) include (status)
    where ended_at is null and status in ('in_progress', 'nearing', 'non_compliant');

-- Its predecessor held every breached instance, ended or not, and no query
-- reads it any more.
drop index sla_kpi_instances_open_idx;
