-- StreamLabel's PostgreSQL schema for Orleans 10.4.2 ADO.NET clustering (membership) and grain storage.
--
-- Written for StreamLabel (not Orleans' published PostgreSQL-*.sql scripts, which the 10.4.2 NuGet packages do not
-- ship). The contract it satisfies is Orleans': the providers read their SQL from a table OrleansQuery(QueryKey,
-- QueryText) and run it with named parameters (@DeploymentId, @GrainIdN0, ...), reading result columns by name
-- (Version, PayloadBinary, NewGrainStateVersion, ...). Behind those queries the tables are our own.
--
-- Idempotent: safe to apply on every silo start (the silo does, unless Cluster:*:ApplySchema=false) and by hand:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f deploy/postgres/streamlabel-orleans.sql
-- Applied in one transaction; the advisory lock makes silos that start together apply it one after the other.

SELECT pg_advisory_xact_lock(7331900411);

-- The queries Orleans' providers load at start-up, by key.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- Membership: one version row per cluster (Orleans calls it the deployment), bumped by every membership change so
-- concurrent changes are detected (optimistic concurrency on "version").
CREATE TABLE IF NOT EXISTS streamlabel_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS streamlabel_membership
(
    deployment_id   text        NOT NULL REFERENCES streamlabel_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,  -- Orleans SiloStatus: 3 Active, 6 Dead, ...
    proxy_port      integer     NOT NULL,  -- gateway port, 0 when the silo has no gateway
    suspect_times   text        NULL,      -- "silo,time|silo,time" as Orleans formats it
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Grain state, keyed by its natural key (service, grain type, the grain id's two 64-bit halves and its string part).
-- Orleans also passes 32-bit hashes of id and type for databases that index better on them; the primary key makes
-- them unnecessary here.
CREATE TABLE IF NOT EXISTS streamlabel_grain_state
(
    service_id  text        NOT NULL,
    grain_type  text        NOT NULL,
    grain_n0    bigint      NOT NULL,
    grain_n1    bigint      NOT NULL,
    grain_key   text        NOT NULL,  -- string key or key extension, '' when none
    payload     bytea       NULL,      -- NULL after ClearStateAsync (the row keeps the version)
    version     integer     NOT NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
);

-- Every query, replaced on each apply so a newer schema file updates them.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering. Insert/Update answer one boolean: true when the change was made, false when the version moved on.
('InsertMembershipVersionKey', $q$
    WITH added AS (
        INSERT INTO streamlabel_membership_version (deployment_id) VALUES (@DeploymentId::text)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM added);
$q$),

('InsertMembershipKey', $q$
    WITH bumped AS (
        UPDATE streamlabel_membership_version
        SET version = version + 1, changed_at = now()
        WHERE deployment_id = @DeploymentId::text AND version = @Version::integer
          AND NOT EXISTS (SELECT 1 FROM streamlabel_membership
                          WHERE deployment_id = @DeploymentId::text AND address = @Address::text
                            AND port = @Port::integer AND generation = @Generation::integer)
        RETURNING deployment_id),
    added AS (
        INSERT INTO streamlabel_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                            proxy_port, start_time, i_am_alive_time)
        SELECT deployment_id, @Address::text, @Port::integer, @Generation::integer, coalesce(@SiloName::text, ''),
               @HostName::text, @Status::integer, coalesce(@ProxyPort::integer, 0), @StartTime::timestamptz,
               @IAmAliveTime::timestamptz
        FROM bumped
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM added);
$q$),

('UpdateMembershipKey', $q$
    WITH bumped AS (
        UPDATE streamlabel_membership_version
        SET version = version + 1, changed_at = now()
        WHERE deployment_id = @DeploymentId::text AND version = @Version::integer
          AND EXISTS (SELECT 1 FROM streamlabel_membership
                      WHERE deployment_id = @DeploymentId::text AND address = @Address::text
                        AND port = @Port::integer AND generation = @Generation::integer)
        RETURNING deployment_id),
    changed AS (
        UPDATE streamlabel_membership m
        SET status = @Status::integer, suspect_times = @SuspectTimes::text, i_am_alive_time = @IAmAliveTime::timestamptz
        FROM bumped
        WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address::text
          AND m.port = @Port::integer AND m.generation = @Generation::integer
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM changed);
$q$),

-- Heartbeats do not bump the version: they are liveness, not a membership change.
('UpdateIAmAlivetimeKey', $q$
    UPDATE streamlabel_membership
    SET i_am_alive_time = @IAmAliveTime::timestamptz
    WHERE deployment_id = @DeploymentId::text AND address = @Address::text
      AND port = @Port::integer AND generation = @Generation::integer;
$q$),

-- Reads return the version row even when no silo matches (Orleans tells "no entry" by a NULL StartTime).
('MembershipReadRowKey', $q$
    SELECT m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
           m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
           m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
           v.version AS "Version"
    FROM streamlabel_membership_version v
    LEFT JOIN streamlabel_membership m
           ON m.deployment_id = v.deployment_id AND m.address = @Address::text
          AND m.port = @Port::integer AND m.generation = @Generation::integer
    WHERE v.deployment_id = @DeploymentId::text;
$q$),

('MembershipReadAllKey', $q$
    SELECT m.address AS "Address", m.port AS "Port", m.generation AS "Generation", m.silo_name AS "SiloName",
           m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
           m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
           v.version AS "Version"
    FROM streamlabel_membership_version v
    LEFT JOIN streamlabel_membership m ON m.deployment_id = v.deployment_id
    WHERE v.deployment_id = @DeploymentId::text;
$q$),

-- Rows go with the version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM streamlabel_membership_version WHERE deployment_id = @DeploymentId::text;
$q$),

-- Clients find gateways here: silos with the requested status (Active) and a gateway port.
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
    FROM streamlabel_membership
    WHERE deployment_id = @DeploymentId::text AND status = @Status::integer AND proxy_port > 0;
$q$),

-- Orleans removes dead silos' rows whose last heartbeat is older than its DefunctSiloExpiration.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM streamlabel_membership
    WHERE deployment_id = @DeploymentId::text AND i_am_alive_time < @IAmAliveTime::timestamptz AND status = 6;
$q$),

-- Grain storage. A write with no ETag (GrainStateVersion NULL) inserts version 1 unless a row exists; a write with an
-- ETag updates only that version. The answer is the new version, or NULL for a conflict (Orleans then throws
-- InconsistentStateException).
('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE streamlabel_grain_state
        SET payload = @PayloadBinary::bytea, version = version + 1, modified_at = now()
        WHERE service_id = @ServiceId::text AND grain_type = @GrainTypeString::text
          AND grain_n0 = @GrainIdN0::bigint AND grain_n1 = @GrainIdN1::bigint
          AND grain_key = coalesce(@GrainIdExtensionString::text, '')
          AND version = @GrainStateVersion::integer
        RETURNING version),
    inserted AS (
        INSERT INTO streamlabel_grain_state (service_id, grain_type, grain_n0, grain_n1, grain_key, payload, version)
        SELECT @ServiceId::text, @GrainTypeString::text, @GrainIdN0::bigint, @GrainIdN1::bigint,
               coalesce(@GrainIdExtensionString::text, ''), @PayloadBinary::bytea, 1
        WHERE @GrainStateVersion::integer IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version)
    SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion";
$q$),

('ReadFromStorageKey', $q$
    SELECT payload AS "PayloadBinary", version AS "Version"
    FROM streamlabel_grain_state
    WHERE service_id = @ServiceId::text AND grain_type = @GrainTypeString::text
      AND grain_n0 = @GrainIdN0::bigint AND grain_n1 = @GrainIdN1::bigint
      AND grain_key = coalesce(@GrainIdExtensionString::text, '');
$q$),

-- Clearing keeps the row (and bumps its version) so a later write with the returned ETag succeeds; one row always
-- comes back, NULL for a conflict.
('ClearStorageKey', $q$
    WITH cleared AS (
        UPDATE streamlabel_grain_state
        SET payload = NULL, version = version + 1, modified_at = now()
        WHERE service_id = @ServiceId::text AND grain_type = @GrainTypeString::text
          AND grain_n0 = @GrainIdN0::bigint AND grain_n1 = @GrainIdN1::bigint
          AND grain_key = coalesce(@GrainIdExtensionString::text, '')
          AND version = @GrainStateVersion::integer
        RETURNING version)
    SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
