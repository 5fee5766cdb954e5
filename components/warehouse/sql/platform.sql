-- Platform tables of the Redshift warehouse, the COPY path from the lake and the Spectrum schema.
--
-- Rendered by `renderWarehouseSql` (components/warehouse/sql.ts), which fills every placeholder in double braces
-- and refuses to render with one missing:
--   {{load_role}}         the database role every orchestrated load runs with (`WAREHOUSE_LOAD_ROLE`)
--   {{load_user}}         the database user of provisioned-cluster loads (Warehouse `loadUser`)
--   {{lake_role_arn}}     the Warehouse's `lakeRole` ARN (COPY and Spectrum; S3 read + lake key decrypt only)
--   {{processed_uri}}     the processed zone, s3://<processed-bucket>/ (Parquet, year=/month=/day=/hour=)
--   {{curated_uri}}       the curated zone, s3://<curated-bucket>/ (the Spark roll-ups, year=/month=/day=)
--   {{glue_database}}     the Glue database of the processed zone (Spectrum external schema)
-- The Warehouse component runs it statement by statement through the Data API as the admin user.
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
-- zone and loaded here, one set per dataset (the curated prefix, e.g. orders/event_rollups/) and day;
-- read by dashboards filtering on day and type, no join key: spread evenly. The first seven columns
-- are the roll-up files' columns in order (COPY from Parquet maps by position).
CREATE TABLE IF NOT EXISTS platform.event_rollups_hourly (
    event_date          DATE          NOT NULL,
    hour                SMALLINT      NOT NULL,
    event_type          VARCHAR(64)   NOT NULL,
    event_count         BIGINT        NOT NULL,
    distinct_entities   BIGINT        NOT NULL,
    first_event_time    TIMESTAMP,
    last_event_time     TIMESTAMP,
    source_dataset      VARCHAR(256)  NOT NULL
)
DISTSTYLE EVEN
COMPOUND SORTKEY (event_date, source_dataset, event_type, hour);

-- Staging for idempotent loads: COPY lands here, then MERGE into platform.events.
CREATE TABLE IF NOT EXISTS platform.events_staging (LIKE platform.events);

-- The loaders: one database role holds what an orchestrated load may do, which is to run the load
-- procedures below (they run as their owner, SECURITY DEFINER, so the role needs no table rights).
-- Provisioned cluster: the workflow's Data API calls run as {{load_user}} (GetClusterCredentials),
-- which has the role. Serverless: they run as the workflow role's own database user `IAMR:<role>`,
-- created at its first sign-in with the database roles its IAM tag `RedshiftDbRoles` names
-- ({{load_role}}; BatchWorkflow tags its role so).
CREATE ROLE {{load_role}};
GRANT USAGE ON SCHEMA platform TO ROLE {{load_role}};
CREATE USER {{load_user}} PASSWORD DISABLE;
GRANT ROLE {{load_role}} TO {{load_user}};

-- COPY path: the BatchWorkflow's load step runs `CALL platform.load_run(:run_date, :dataset, :rollups)`
-- (or, without a Spark step, `CALL platform.load_events_for_run(:run_date, :dataset)`) through the
-- Redshift Data API. The procedure loads the day before the run date (the day the Glue job
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

-- Roll-ups of one dataset and day (the Spark step's output under the curated zone): COPY the day's
-- files into a session-private temporary table, then replace that dataset's rows of the day, delete and
-- insert in the procedure's one transaction (no COMMIT inside), so a re-run of a day never duplicates
-- or half-replaces it, and loads of other datasets running at the same time do not see this one's rows.
CREATE OR REPLACE PROCEDURE platform.load_rollups_for_run(run_date DATE, dataset VARCHAR(256))
AS $$
DECLARE
    day DATE := run_date - 1;
BEGIN
    IF dataset !~ '^[a-z0-9_-]+(/[a-z0-9_-]+)*/$' THEN
        RAISE EXCEPTION 'dataset %: a curated-zone prefix such as orders/event_rollups/', dataset;
    END IF;
    DROP TABLE IF EXISTS platform_rollups_in;
    CREATE TEMP TABLE platform_rollups_in (
        event_date          DATE,
        hour                SMALLINT,
        event_type          VARCHAR(64),
        event_count         BIGINT,
        distinct_entities   BIGINT,
        first_event_time    TIMESTAMP,
        last_event_time     TIMESTAMP
    );
    EXECUTE 'COPY platform_rollups_in FROM '
        || quote_literal('{{curated_uri}}' || dataset || 'year=' || TO_CHAR(day, 'YYYY') || '/month=' || TO_CHAR(day, 'MM') || '/day=' || TO_CHAR(day, 'DD') || '/')
        || ' IAM_ROLE ' || quote_literal('{{lake_role_arn}}')
        || ' FORMAT AS PARQUET';
    DELETE FROM platform.event_rollups_hourly WHERE event_date = day AND source_dataset = dataset;
    INSERT INTO platform.event_rollups_hourly
        SELECT event_date, hour, event_type, event_count, distinct_entities, first_event_time, last_event_time, dataset
        FROM platform_rollups_in WHERE event_date = day;
    DROP TABLE platform_rollups_in;
END;
$$ LANGUAGE plpgsql
SECURITY DEFINER;

-- One run's whole load, as the workflow calls it: the day's events and the day's roll-ups, committed
-- together (a failure in either rolls back both; the workflow's retry or a re-run redoes the day).
CREATE OR REPLACE PROCEDURE platform.load_run(run_date DATE, events_dataset VARCHAR(256), rollups_dataset VARCHAR(256))
AS $$
BEGIN
    CALL platform.load_events_for_run(run_date, events_dataset);
    CALL platform.load_rollups_for_run(run_date, rollups_dataset);
END;
$$ LANGUAGE plpgsql
SECURITY DEFINER;

-- Only the load role may run the loads (a SECURITY DEFINER procedure runs with its owner's rights).
REVOKE EXECUTE ON PROCEDURE platform.load_events_for_run(DATE, VARCHAR) FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE platform.load_rollups_for_run(DATE, VARCHAR) FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE platform.load_run(DATE, VARCHAR, VARCHAR) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE platform.load_events_for_run(DATE, VARCHAR) TO ROLE {{load_role}};
GRANT EXECUTE ON PROCEDURE platform.load_rollups_for_run(DATE, VARCHAR) TO ROLE {{load_role}};
GRANT EXECUTE ON PROCEDURE platform.load_run(DATE, VARCHAR, VARCHAR) TO ROLE {{load_role}};

-- Spectrum: the processed zone's Glue tables queried in place (partition projection applies). Dropped
-- first (only the reference: the Glue database stays) so a cluster restored from another stack's
-- snapshot maps this stack's catalog through this stack's role.
DROP SCHEMA IF EXISTS lake_processed;
CREATE EXTERNAL SCHEMA IF NOT EXISTS lake_processed
FROM DATA CATALOG
DATABASE '{{glue_database}}'
IAM_ROLE '{{lake_role_arn}}';

GRANT USAGE ON SCHEMA lake_processed TO {{load_user}};
