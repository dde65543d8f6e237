-- Customer lookups under row-level security. A policy's qual runs before any
-- qual that is not leakproof, so LIKE (and reverse(), lower()) can never
-- reach an index on these tables: every lookup read the whole workspace.
-- Lookups are now ranges with leakproof comparisons, on stored columns that
-- hold the text exactly as it is compared.

-- The type-ahead ranks names that start with what was typed, then names with
-- a word starting with it, then names merely containing it, each rank in name
-- order: one btree in byte order serves the first rank as a range, and lets
-- the others walk names in order and stop after one page. The GiST trigram
-- index it replaces ranked every match of the workspace by similarity.
drop index customers_search_name_idx;
create index customers_search_name_order_idx
    on customers (tenant_id, search_name collate "C", id) include (active, kind);
-- Browsing the customer list without a search pages through names.
create index customers_name_order_idx on customers (tenant_id, lower(name), id);

-- A phone is found by its last digits, typed without the area code.
alter table customer_phones add column reversed_number text generated always as (reverse(number)) stored;
drop index customer_phones_reverse_idx;
create index customer_phones_reversed_number_idx on customer_phones (tenant_id, reversed_number text_pattern_ops);

alter table customer_econtacts add column search_value text generated always as (lower(value)) stored;
drop index customer_econtacts_value_idx;
create index customer_econtacts_search_value_idx on customer_econtacts (tenant_id, search_value text_pattern_ops);
