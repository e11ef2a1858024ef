-- The history tier's tables (docs/history.md). Each is partitioned by day on `created_at`, the
-- creation time its id carries (a job's, a delivery's event's, a batch's; a scores run's own
-- `createdAt`), so a record always lands in the same partition and its primary key, which must
-- hold the partition key, is known from the id alone. Partitions are made by `maintainPartitions`
-- (today and the days ahead) and dropped whole past retention: never a row-by-row DELETE.
-- Ids are compared in "C" order: they sort by time as byte strings, as the Redis indexes do.

-- Finished jobs; `record` is the job as the API shows it (its view, results included).
CREATE TABLE jobs (
  id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  tenant_id text NOT NULL,
  type text NOT NULL,
  status text NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  attempts integer NOT NULL,
  batch_id text,
  record jsonb NOT NULL,
  moved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- GET /v1/jobs newest first: unfiltered, by status (a type filter within it is applied to the rows), by type.
CREATE INDEX jobs_tenant_id ON jobs (tenant_id, id DESC);
CREATE INDEX jobs_tenant_status_id ON jobs (tenant_id, status, id DESC);
CREATE INDEX jobs_tenant_type_id ON jobs (tenant_id, type, id DESC);

-- Webhook deliveries (one per event and target); `created_at` is the event's time (the id's),
-- `recorded_at` when the delivery was recorded (what the listing's from/to filter on).
CREATE TABLE webhook_deliveries (
  id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  tenant_id text NOT NULL,
  subject_id text COLLATE "C",
  endpoint_id text,
  state text NOT NULL,
  event_type text NOT NULL,
  recorded_at timestamptz NOT NULL,
  record jsonb NOT NULL,
  -- The event body sent (null once it was past retention when the delivery moved).
  event jsonb,
  moved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- GET /v1/webhook-deliveries: unfiltered, by state, by subject (jobId), by endpoint.
CREATE INDEX webhook_deliveries_tenant_id ON webhook_deliveries (tenant_id, id DESC);
CREATE INDEX webhook_deliveries_tenant_state_id ON webhook_deliveries (tenant_id, state, id DESC);
CREATE INDEX webhook_deliveries_subject_id ON webhook_deliveries (subject_id, id DESC);
CREATE INDEX webhook_deliveries_endpoint_id ON webhook_deliveries (endpoint_id, id DESC);

-- The attempt log of an event's subject (a job, or a batch): one row per HTTP attempt.
-- `created_at` is the subject's creation time; `attempt_key` names the line (delivery, series,
-- attempt, time), so writing the same log twice adds nothing.
CREATE TABLE webhook_attempts (
  subject_id text COLLATE "C" NOT NULL,
  attempt_key text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  tenant_id text NOT NULL,
  delivery_id text,
  attempted_at timestamptz NOT NULL,
  line jsonb NOT NULL,
  PRIMARY KEY (subject_id, attempt_key, created_at)
) PARTITION BY RANGE (created_at);

-- Routing decisions (`GET /v1/scores-runs/:id`). Their ids are random, not time-ordered: a
-- lookup by id probes each partition's primary key (one index probe per retained day).
CREATE TABLE scores_runs (
  id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  tenant_id text,
  capability text NOT NULL,
  record jsonb NOT NULL,
  moved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

-- Finished batches: the stored record (final counts included) and its last progress.
CREATE TABLE batches (
  id text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL,
  tenant_id text NOT NULL,
  status text NOT NULL,
  record jsonb NOT NULL,
  progress jsonb NOT NULL,
  cancel_requested_at bigint,
  moved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- GET /v1/batches newest first.
CREATE INDEX batches_tenant_id ON batches (tenant_id, id DESC);
