-- The KPI instances the worker has marked nearing: warned, not yet breached,
-- not ended or paused. Few at any time, so the "nearing" view starts from
-- them (and from the instances whose warning is due but not yet ticked,
-- read from sla_kpi_instances_due_idx) instead of walking every active
-- case in deadline order: most active cases of a busy workspace are
-- breached or far from their warning, and none of those is nearing.
create index sla_kpi_instances_nearing_idx on sla_kpi_instances (tenant_id, case_id)
    where status = 'nearing';
