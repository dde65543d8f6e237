-- The dashboard's "time logged this week" reads one week of activities
-- along this index instead of every activity of the workspace.
create index case_activities_created_idx on case_activities (tenant_id, created_at);
