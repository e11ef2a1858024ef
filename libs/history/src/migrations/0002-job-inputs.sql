-- A finished job's input (its payload's `input`, as `include=input` shows it), apart from
-- `record` so that reads that do not show it never fetch it (a jsonb column is stored out of
-- line once large). Null for jobs moved before inputs were kept, and for inputs larger than
-- a Redis record keeps (256 KiB as JSON). Added to the partitioned table, it reaches every
-- partition; no default, so no row is rewritten.
ALTER TABLE jobs ADD COLUMN input jsonb;
