-- W6: makes 100,000 KPI instances due at once (run with psql against the bench database).
update sla_kpi_instances set status = 'in_progress', warned_at = null, failed_at = null, succeeded_at = null,
       ended_at = null, paused_at = null, warning_at = now() - interval '1 minute',
       failure_at = now() + interval '1 day', due_at = now() - interval '1 minute'
 where id in (select id from sla_kpi_instances where kpi = 'resolve' order by id limit 100000);
delete from mail_outbox; delete from notifications where kind like 'sla%';
