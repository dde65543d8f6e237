-- Each row of a case view shows one SLA timer: the running one with the
-- nearest deadline or, when none runs, a paused one, or else how the timers
-- ended, a breach first. Looked up per row, even from its own index
-- (migration 0015), the timers were about a third of what PostgreSQL
-- spent on a page of the case list. The case row now carries the timer it
-- shows, written with the instances whenever a change to the case moves
-- them (src/sla/case_timer.rs). Only the worker's nearing and breach steps
-- leave it as it was: they follow from the deadlines the row holds, so a
-- view works them out from the time it is shown.
alter table cases
    add column sla_timer_status text,
    -- Set only while the timer runs: the countdown's end and its warning.
    add column sla_timer_deadline timestamptz,
    add column sla_timer_warning_at timestamptz;

-- The timer a case's row shows, from its instances, in the order the Rust
-- side picks it (`CaseTimer::of`); the bulk seed and the tests that hold
-- the two together read it here.
create function case_sla_timer(p_tenant uuid, p_case uuid)
returns table (status text, deadline timestamptz, warning_at timestamptz)
language sql stable as $$
    select i.status,
           case when i.ended_at is null and i.status <> 'paused' then i.failure_at end,
           case when i.ended_at is null and i.status <> 'paused' then i.warning_at end
      from sla_kpi_instances i
     where i.tenant_id = p_tenant and i.case_id = p_case and i.status <> 'cancelled'
     order by i.ended_at is not null, i.status = 'paused', i.status <> 'non_compliant', i.failure_at, i.kpi
     limit 1
$$;

update cases c
   set (sla_timer_status, sla_timer_deadline, sla_timer_warning_at) =
       (select t.status, t.deadline, t.warning_at from case_sla_timer(c.tenant_id, c.id) t)
 where exists (select from sla_kpi_instances i where i.tenant_id = c.tenant_id and i.case_id = c.id);

-- Nothing reads instances in the timer's order any more, and every step
-- the worker takes changed this index's key.
drop index sla_kpi_instances_cell_idx;

-- The bulk seed writes a batch's instances before its cases, so that each
-- case row is written once, with its timer: the key is checked when the
-- seed's transaction commits. Everywhere else it is checked at once.
alter table sla_kpi_instances alter constraint sla_kpi_instances_tenant_id_case_id_fkey
    deferrable initially immediate;
