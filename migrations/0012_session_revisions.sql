-- Each instance keeps the sessions it served in memory. Every write of a
-- session row, by the service or by hand, bumps its revision, and the
-- statement that reads the signed-in user reads the row's revision too: a
-- copy older than the row is read again before the request uses it.
alter table sessions add column revision bigint not null default 0;

create function sessions_bump_revision() returns trigger language plpgsql as $$
begin
    new.revision := old.revision + 1;
    return new;
end $$;

create trigger sessions_revision before update on sessions
    for each row execute function sessions_bump_revision();

-- The app role reads no session row; it may learn the revision of the one
-- whose id it already holds, and whether it is still live. PL/pgSQL keeps
-- the plan of its query for the connection; as a SQL function (which
-- SECURITY DEFINER keeps from being inlined) it was planned on every call,
-- 0.06 ms of every page view.
create function session_revision(session_id text) returns bigint
    language plpgsql stable security definer set search_path = pg_catalog, public
    as $$
begin
    return (select revision from sessions where id = session_id and expiry_date > now());
end $$;
revoke all on function session_revision(text) from public;
grant execute on function session_revision(text) to atende_app;
