-- Every page opened one at a time at 1,000,000 cases (bench/pages) found
-- lists that read a whole workspace to show one page.

-- The case views sorted by title or resolution sorted every case of the
-- view (127,000 resolved cases: 0.4 s). Each sort now walks an index within
-- the view's state. The resolved sort's expression puts the cases never
-- resolved first, so its index replaces the one that held only resolved
-- cases. The last update gets no index: every note changes it.
create index cases_state_title_idx on cases (tenant_id, state, lower(title), id);
create index cases_state_resolved_idx
    on cases (tenant_id, state, coalesce(resolved_at, '1900-01-01T00:00:00Z'::timestamptz), id);
drop index cases_resolved_idx;

-- Row-level security keeps LIKE off any index (it is not leakproof), so
-- the title trigrams were never read, only written with every case.
drop index cases_title_search_idx;

-- The case form's places of service (the customers with the partner role)
-- were found by testing every customer of the workspace in name order.
create index customer_role_links_role_idx on customer_role_links (tenant_id, role_id, customer_id);
