-- The active cases in the order of their SLA timers' deadlines, as the
-- views sort them (cases::store::list, the deadline sort): the first page
-- of the deadline sort and of the "nearing" view is a range of this index
-- instead of a sort of every active case of the workspace. Cases without a
-- running timer sort last, as in the views.
create index cases_active_deadline_idx
    on cases (tenant_id, coalesce(sla_timer_deadline, '2200-01-01T00:00:00Z'::timestamptz), id)
    where state = 'active';
