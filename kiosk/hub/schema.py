"""The hub's schema in PostgreSQL, as numbered migrations kept in ``hub.schema_migrations``.

Why migrations and not "CREATE IF NOT EXISTS": a hub outlives program versions and holds every
workshop's history, so its schema only ever moves forward by steps that each run once, in order,
each in its own transaction together with its row in ``hub.schema_migrations`` (PostgreSQL's DDL is
transactional: a failed step leaves the hub at the previous version). An advisory lock makes two
``kiosk hub init`` at the same moment take turns. Never edit a step that has shipped; add one.

Why the layout (docs/hub.md says more):

* Every table is keyed by ``(workshop, uuid)`` and every foreign key includes the workshop: the
  tables can be partitioned or distributed by workshop later (Citus: ``create_distributed_table``
  on ``workshop``) without changing a key.
* Row-level security on every table: a kiosk or coach role sees and writes only the rows of the
  workshop it belongs to (``hub.members``); the administrator (the tables' owner) sees all.
* A kiosk may only insert records, and read its workshop's people and deletions. Runs reach the
  hub only once they have ended, so a run never changes on the hub: ``ON CONFLICT DO NOTHING`` is
  the whole of idempotence, and a kiosk needs no right to update or delete runs or events.
* ``tombstones`` records which people were deleted (a UUID and a time, nothing else); a trigger
  refuses to insert a person who was deleted, so a kiosk that was offline cannot bring them back.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from kiosk.journal.model import EVENTS

# Any number: the key of the advisory lock that serialises migrations.
_MIGRATION_LOCK = 0x5E1C_0001

_EVENT_LIST = ", ".join(f"'{event}'" for event in EVENTS)
_RLS_TABLES = ("people", "devices", "runs", "step_events", "tombstones")

_V1 = (
    f"""
CREATE TABLE hub.members (
    role       name        PRIMARY KEY,             -- the PostgreSQL role a kiosk or coach logs in as
    kind       text        NOT NULL CHECK (kind IN ('kiosk', 'coach')),
    name       text        NOT NULL,
    workshop   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE hub.members ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_self ON hub.members USING (role = current_user);

-- The workshop of the role asking. SECURITY INVOKER on purpose: under SECURITY DEFINER,
-- current_user would be the owner. Policies call it as (SELECT ...) so it runs once per query.
CREATE FUNCTION hub.my_workshop() RETURNS text LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT workshop FROM hub.members WHERE role = current_user $$;

CREATE TABLE hub.people (
    workshop      text    NOT NULL,
    uuid          uuid    NOT NULL,
    name          text    NOT NULL,
    language      text    NOT NULL DEFAULT 'en',
    preferences   jsonb   NOT NULL DEFAULT '{{}}',
    archived      boolean NOT NULL DEFAULT false,
    changed_stamp bigint  NOT NULL DEFAULT 0,       -- hybrid logical clock of the last edit
    PRIMARY KEY (workshop, uuid)
);
CREATE UNIQUE INDEX people_uuid ON hub.people (uuid);

CREATE TABLE hub.devices (
    workshop    text        NOT NULL,
    uuid        uuid        NOT NULL,               -- the kiosk journal's device id
    name        text        NOT NULL,
    member      name,                               -- the role that sent it
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, uuid)
);

CREATE TABLE hub.runs (
    workshop      text    NOT NULL,
    uuid          uuid    NOT NULL,
    person_uuid   uuid    NOT NULL,
    device_uuid   uuid,
    local_id      bigint  NOT NULL,                 -- the run's id on its kiosk (exports, support)
    pack_id       text    NOT NULL,
    pack_version  integer NOT NULL,
    content_hash  text    NOT NULL,
    started_at_ms bigint  NOT NULL,
    ended_at_ms   bigint  NOT NULL,
    outcome       text    NOT NULL CHECK (outcome IN ('finished', 'abandoned', 'interrupted')),
    resumed_from  uuid,                             -- the interrupted run this one continues
    step_count    integer,
    furthest_step integer,
    help_by_step  jsonb,                            -- [[step, help events], ...]
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, uuid),
    FOREIGN KEY (workshop, person_uuid) REFERENCES hub.people (workshop, uuid) ON DELETE CASCADE
);
CREATE INDEX runs_by_person_time ON hub.runs (workshop, person_uuid, started_at_ms);

CREATE TABLE hub.step_events (
    workshop    text     NOT NULL,
    uuid        uuid     NOT NULL,
    run_uuid    uuid     NOT NULL,
    local_id    bigint   NOT NULL,
    step_number integer  NOT NULL CHECK (step_number >= 1),
    event       text     NOT NULL CHECK (event IN ({_EVENT_LIST})),
    at_ms       bigint   NOT NULL,
    duration_ms integer  CHECK (duration_ms IS NULL OR duration_ms >= 0),
    PRIMARY KEY (workshop, uuid)
    -- No foreign key to hub.runs: its per-row check halved the sync's throughput. A kiosk sends a
    -- run and its events in one transaction, and hub.delete_person deletes the events itself.
);
CREATE INDEX step_events_by_run ON hub.step_events (workshop, run_uuid);

CREATE TABLE hub.tombstones (
    workshop   text        NOT NULL,
    uuid       uuid        NOT NULL,                -- of the person deleted; nothing else about them
    deleted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, uuid)
);

CREATE FUNCTION hub.refuse_deleted_person() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM hub.tombstones t WHERE t.workshop = NEW.workshop AND t.uuid = NEW.uuid) THEN
        RETURN NULL;   -- deleted: never brought back by a kiosk that has not heard yet
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER people_stay_deleted BEFORE INSERT ON hub.people
    FOR EACH ROW EXECUTE FUNCTION hub.refuse_deleted_person();

-- Delete a person everywhere: their runs and events go by cascade, a tombstone tells the kiosks.
-- The EXCLUSIVE lock waits for kiosks that are inserting people right now and makes later ones
-- wait, so no kiosk can insert the person between the delete and the tombstone.
CREATE FUNCTION hub.delete_person(target uuid, in_workshop text) RETURNS bigint LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE runs_deleted bigint;
BEGIN
    LOCK TABLE hub.people IN EXCLUSIVE MODE;
    SELECT count(*) INTO runs_deleted FROM hub.runs WHERE workshop = in_workshop AND person_uuid = target;
    DELETE FROM hub.step_events e USING hub.runs r
        WHERE r.workshop = in_workshop AND r.person_uuid = target AND e.workshop = r.workshop AND e.run_uuid = r.uuid;
    DELETE FROM hub.people WHERE workshop = in_workshop AND uuid = target;
    INSERT INTO hub.tombstones (workshop, uuid) VALUES (in_workshop, target) ON CONFLICT DO NOTHING;
    RETURN runs_deleted;
END $$;
REVOKE ALL ON FUNCTION hub.delete_person(uuid, text) FROM PUBLIC;

-- A kiosk passes on a deletion made on it (`kiosk person delete`), only in its own workshop.
-- SECURITY DEFINER to delete runs it may not touch otherwise; session_user is the kiosk's role.
CREATE FUNCTION hub.forget_person(target uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE member_workshop text;
BEGIN
    SELECT workshop INTO member_workshop FROM hub.members WHERE role = session_user AND kind = 'kiosk';
    IF member_workshop IS NULL THEN
        RAISE EXCEPTION 'only a kiosk of the hub can pass on a deletion' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM hub.delete_person(target, member_workshop);
END $$;
REVOKE ALL ON FUNCTION hub.forget_person(uuid) FROM PUBLIC;

-- What a member may do, in one place, so that a later migration can change the rights of every
-- existing member by redefining this function and calling it for each.
CREATE FUNCTION hub.grant_member(member name, member_kind text) RETURNS void LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), member);
    EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', member);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_workshop() TO %I', member);
    EXECUTE format('GRANT SELECT ON hub.members, hub.people, hub.tombstones TO %I', member);
    IF member_kind = 'kiosk' THEN
        EXECUTE format('GRANT INSERT ON hub.people, hub.devices, hub.runs, hub.step_events TO %I', member);
        -- edits of a person, last writer wins (by changed_stamp)
        EXECUTE format('GRANT UPDATE (name, language, preferences, archived, changed_stamp) ON hub.people TO %I',
                       member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.forget_person(uuid) TO %I', member);
    ELSE
        EXECUTE format('GRANT SELECT ON hub.devices, hub.runs, hub.step_events TO %I', member);
    END IF;
END $$;
REVOKE ALL ON FUNCTION hub.grant_member(name, text) FROM PUBLIC;
"""
    + "".join(
        f"""
ALTER TABLE hub.{table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_workshop ON hub.{table}
    USING (workshop = (SELECT hub.my_workshop())) WITH CHECK (workshop = (SELECT hub.my_workshop()));
"""
        for table in _RLS_TABLES
    )
    + """
-- Nobody but the administrator and the members may connect or make temporary tables here.
DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()); END $$;
REVOKE ALL ON SCHEMA hub FROM PUBLIC;
"""
)


# What the kiosk's own exports and report need besides: the person's id on the kiosk that recorded
# a run (CSV ``person_id``, the xAPI actor's account name) and the support levels (CSV
# ``support_level``, the report's support trend). NULL on rows sent before this step.
_V2 = """
ALTER TABLE hub.runs ADD COLUMN person_local_id bigint;
ALTER TABLE hub.runs ADD COLUMN support_level integer CHECK (support_level IS NULL OR support_level BETWEEN 0 AND 2);
ALTER TABLE hub.step_events ADD COLUMN level integer CHECK (level IS NULL OR level BETWEEN 0 AND 2);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


#: Step N brings a hub from version N-1 to N.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "people, devices, runs, step events, tombstones; members and row-level security", _V1),
    Migration(2, "the kiosk's person id and the support levels, for exports and reports from the hub", _V2),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def hub_version(conn: psycopg.Connection) -> int:
    """The hub's schema version (0: not a hub yet)."""
    row = conn.execute(
        "SELECT CASE WHEN to_regclass('hub.schema_migrations') IS NULL THEN 0 "
        "ELSE (SELECT COALESCE(MAX(version), 0) FROM hub.schema_migrations) END"
    ).fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection) -> list[Migration]:
    """Bring the hub up to ``SCHEMA_VERSION``; returns the steps applied (none: it was up to date).

    ``conn`` must be the administrator's and not in a transaction; each step commits on its own.
    """
    applied: list[Migration] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS hub")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS hub.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    for step in MIGRATIONS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            if conn.execute("SELECT 1 FROM hub.schema_migrations WHERE version = %s", (step.version,)).fetchone():
                continue
            conn.execute(step.sql)
            conn.execute("INSERT INTO hub.schema_migrations (version, name) VALUES (%s, %s)", (step.version, step.name))
            applied.append(step)
    return applied
