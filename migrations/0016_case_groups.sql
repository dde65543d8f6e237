-- The cases of a state by priority and by status, in id order: a view sorted
-- by priority or status reads a page of each priority or status from here
-- instead of sorting every case of the state (src/cases/store/list.rs,
-- `Grouped`).
create index cases_state_priority_idx on cases (tenant_id, state, priority_id, id);
create index cases_state_status_idx on cases (tenant_id, state, status_reason_id, id);
