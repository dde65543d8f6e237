-- An SLA notification says what it is about: the KPIs and what happened to
-- each, in order ({"kpi": "first_response", "event": "failed"}). The steps of
-- one case that reach one person within a minute are told in one unread
-- notification (src/sla/worker.rs), so a case whose timers break together
-- is one line of the list, not one per timer and step. Older rows keep an
-- empty list and read as before.
alter table notifications add column sla_steps jsonb not null default '[]'::jsonb;
