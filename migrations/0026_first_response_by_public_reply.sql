-- What counts as a case's first response is the SLA item's to say: the
-- agent starting to work on it (as before), the first public reply to the
-- customer, or whichever comes first. Existing items keep counting the
-- start of work; new workspaces' first-response items count either.
alter table sla_items add column first_response_by text not null default 'execution'
    check (first_response_by in ('execution', 'public_reply', 'either'));

-- When the customer was first answered in a public note, written once.
alter table cases add column first_public_reply_at timestamptz;
