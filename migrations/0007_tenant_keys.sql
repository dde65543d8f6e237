-- Every insert checked its tenant_id against tenants, locking the workspace's
-- one tenants row FOR KEY SHARE: all concurrent writers of a workspace took
-- turns on that row (and on the multixacts its locks became). A row whose
-- tenant_id is also part of a not-null key to another tenant table already
-- proves its tenant exists through that parent, so its own check adds no
-- safety and is dropped. Tables without such a parent keep theirs.
do $$
declare
    fk record;
begin
    for fk in
        select c.conrelid::regclass as tbl, c.conname
          from pg_constraint c
         where c.contype = 'f' and c.confrelid = 'tenants'::regclass
           and exists (
               select from pg_constraint p
                where p.conrelid = c.conrelid and p.contype = 'f'
                  and p.confrelid not in ('tenants'::regclass, c.conrelid)
                  and (select attnum from pg_attribute
                        where attrelid = c.conrelid and attname = 'tenant_id') = any (p.conkey)
                  and not exists (
                      select from pg_attribute a
                       where a.attrelid = p.conrelid and a.attnum = any (p.conkey) and not a.attnotnull))
    loop
        execute format('alter table %s drop constraint %I', fk.tbl, fk.conname);
    end loop;
end
$$;
