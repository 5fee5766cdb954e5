-- Platform tables of the Redshift warehouse, the COPY path from the lake and the Spectrum schema.
--
-- Rendered by `renderWarehouseSql` (components/warehouse/sql.ts), which fills every placeholder in double braces
-- and refuses to render with one missing:
--   {{load_user}}         the database user the Step Functions loads run as (Warehouse `loadUser`)
--   {{lake_role_arn}}     the Warehouse's `lakeRole` ARN (COPY and Spectrum; S3 read + lake key decrypt only)
--   {{processed_uri}}     the processed zone, s3://<processed-bucket>/ (Parquet, year=/month=/day=/hour=)
--   {{glue_database}}     the Glue database of the processed zone (Spectrum external schema)
-- Run it once as the admin user (password in the Secrets Manager secret Redshift manages), e.g. with
-- the Redshift query editor or `aws redshift-data execute-statement --secret-arn ...`.

CREATE SCHEMA IF NOT EXISTS platform;

-- Facts: one row per event. Joined to entities on entity_id, so both are distributed on it;
-- queries filter on time, so the compound sort key leads with the day and the event time.
CREATE TABLE IF NOT EXISTS platform.events (
    event_id        VARCHAR(64)   NOT NULL,
    event_type      VARCHAR(64)   NOT NULL,
    entity_id       VARCHAR(64)   NOT NULL,
    event_time      TIMESTAMP     NOT NULL,
    event_date      DATE          NOT NULL,
    payload         SUPER,
    ingested_at     TIMESTAMP     DEFAULT GETDATE(),
    PRIMARY KEY (event_id)
)
DISTSTYLE KEY
DISTKEY (entity_id)
COMPOUND SORTKEY (event_date, event_time);

-- Dimension: small and joined by every fact query, so copied to every node.
CREATE TABLE IF NOT EXISTS platform.entities (
    entity_id       VARCHAR(64)   NOT NULL,
    entity_type     VARCHAR(64)   NOT NULL,
    display_name    VARCHAR(256),
    valid_from      TIMESTAMP     NOT NULL,
    valid_to        TIMESTAMP,
    PRIMARY KEY (entity_id, valid_from)
)
DISTSTYLE ALL
SORTKEY (entity_id);

-- Hourly roll-ups written by the EMR job (runtime/jobs/spark/daily_event_rollup.py) to the curated
-- zone and loaded here; read by dashboards filtering on day and type, no join key: spread evenly.
CREATE TABLE IF NOT EXISTS platform.event_rollups_hourly (
    event_date          DATE          NOT NULL,
    hour                SMALLINT      NOT NULL,
    event_type          VARCHAR(64)   NOT NULL,
    event_count         BIGINT        NOT NULL,
    distinct_entities   BIGINT        NOT NULL,
    first_event_time    TIMESTAMP,
    last_event_time     TIMESTAMP
)
DISTSTYLE EVEN
COMPOUND SORTKEY (event_date, event_type, hour);

-- Staging for idempotent loads: COPY lands here, then MERGE into platform.events.
CREATE TABLE IF NOT EXISTS platform.events_staging (LIKE platform.events);

-- The loader: only what the load needs.
CREATE USER {{load_user}} PASSWORD DISABLE;
GRANT USAGE ON SCHEMA platform TO {{load_user}};
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.events, platform.events_staging, platform.event_rollups_hourly TO {{load_user}};

-- COPY path: the BatchWorkflow's load step runs `CALL platform.load_events_for_run(:run_date, :dataset)`
-- through the Redshift Data API. The procedure loads the day before the run date (the day the Glue job
-- and the Spark rollup processed) from one domain's dataset in the processed zone (e.g. `orders/events/`,
-- the Glue job's target, whose Parquet columns are those of platform.events in order): COPY the day's
-- files into staging (the lake role reads the processed zone and decrypts with the lake key, nothing
-- else), then MERGE so a re-run of the same day never duplicates rows.
CREATE OR REPLACE PROCEDURE platform.load_events_for_run(run_date DATE, dataset VARCHAR(256))
AS $$
DECLARE
    day DATE := run_date - 1;
BEGIN
    IF dataset !~ '^[a-z0-9_-]+(/[a-z0-9_-]+)*/$' THEN
        RAISE EXCEPTION 'dataset %: a processed-zone prefix such as orders/events/', dataset;
    END IF;
    DELETE FROM platform.events_staging;
    EXECUTE 'COPY platform.events_staging FROM '
        || quote_literal('{{processed_uri}}' || dataset || 'year=' || TO_CHAR(day, 'YYYY') || '/month=' || TO_CHAR(day, 'MM') || '/day=' || TO_CHAR(day, 'DD') || '/')
        || ' IAM_ROLE ' || quote_literal('{{lake_role_arn}}')
        || ' FORMAT AS PARQUET';
    MERGE INTO platform.events USING platform.events_staging s
        ON platform.events.event_id = s.event_id
    WHEN MATCHED THEN UPDATE SET payload = s.payload
    WHEN NOT MATCHED THEN INSERT VALUES (s.event_id, s.event_type, s.entity_id, s.event_time, s.event_date, s.payload, s.ingested_at);
    DELETE FROM platform.events_staging;
END;
$$ LANGUAGE plpgsql
SECURITY DEFINER;

GRANT EXECUTE ON PROCEDURE platform.load_events_for_run(DATE, VARCHAR) TO {{load_user}};

-- Spectrum: the processed zone's Glue tables queried in place (partition projection applies).
CREATE EXTERNAL SCHEMA IF NOT EXISTS lake_processed
FROM DATA CATALOG
DATABASE '{{glue_database}}'
IAM_ROLE '{{lake_role_arn}}';

GRANT USAGE ON SCHEMA lake_processed TO {{load_user}};
