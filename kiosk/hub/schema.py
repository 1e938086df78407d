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


# What a workshop shares besides people and runs, and how changes reach every kiosk at once:
#
# * ``settings``: workshop-wide values (``ui.*``) and each person's family PIN (``family_pin/<uuid>``,
#   the scrypt record, never the PIN), last writer wins by the hybrid-logical-clock stamp.
# * ``photos``: a person's photo, content-addressed (``people.photo_sha256`` names it), so an edit of
#   the photo is an edit of the person and resolves like one.
# * ``changes``: the losing side of every concurrent edit, whole, and every merge (``kiosk hub
#   changes``): last writer wins, but nothing is silently lost.
# * ``merges``: a person added twice offline, merged by a coach (``hub.merge_people``): the runs move
#   to the person kept, kiosks move theirs at their next sync, and the other UUID never comes back.
# * ``help_calls``: a worker's call for help, on every kiosk of the workshop and a coach's laptop.
# * ``person_runs``: one worker's run summaries for a kiosk's progress and family view (no events).
# * NOTIFY: every change above wakes the workshop's kiosks (one channel per workshop, named by a hash
#   of it; payloads carry no personal data, since any member may LISTEN on any channel: the kiosk
#   reads the rows themselves through row-level security).
_V3 = """
ALTER TABLE hub.people ADD COLUMN photo_sha256 text;

CREATE TABLE hub.photos (
    workshop text   NOT NULL,
    sha256   text   NOT NULL,
    suffix   text   NOT NULL CHECK (suffix IN ('.jpg', '.jpeg', '.png')),
    data     bytea  NOT NULL CHECK (length(data) <= 8388608),
    PRIMARY KEY (workshop, sha256)
);

CREATE TABLE hub.settings (
    workshop      text   NOT NULL,
    key           text   NOT NULL,                -- ui.<name> or family_pin/<person uuid>
    value         jsonb,                          -- NULL: cleared
    changed_stamp bigint NOT NULL,
    origin        text   NOT NULL,                -- the device that made the edit
    PRIMARY KEY (workshop, key)
);

CREATE TABLE hub.changes (
    workshop     text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('person', 'setting', 'merge')),
    subject      text        NOT NULL,            -- the person's uuid, or the setting's key
    stamp        bigint      NOT NULL,            -- the stamp of the version kept here
    origin       text        NOT NULL,            -- the device (or role) whose version it is
    version      jsonb,                           -- the losing (or merged-away) version, whole
    winner_stamp bigint,
    winner_origin text,
    noted_by     name        NOT NULL DEFAULT current_user,
    noted_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, kind, subject, stamp, origin)
);

CREATE TABLE hub.merges (
    workshop  text        NOT NULL,
    from_uuid uuid        NOT NULL,               -- the person merged away
    into_uuid uuid        NOT NULL,               -- the person kept
    merged_at timestamptz NOT NULL DEFAULT now(),
    merged_by name        NOT NULL DEFAULT session_user,
    PRIMARY KEY (workshop, from_uuid)
);

CREATE TABLE hub.help_calls (
    workshop    text        NOT NULL,
    uuid        uuid        NOT NULL,             -- made on the kiosk: sending twice changes nothing
    person_uuid uuid,
    person_name text        NOT NULL DEFAULT '',
    device_uuid uuid        NOT NULL,
    kiosk_name  text        NOT NULL,
    pack_title  text,
    step_number integer,
    step_count  integer,
    raised_at   timestamptz NOT NULL DEFAULT now(),
    cleared_at  timestamptz,
    cleared_by  text,
    PRIMARY KEY (workshop, uuid)
);
CREATE INDEX help_calls_open ON hub.help_calls (workshop, raised_at) WHERE cleared_at IS NULL;
CREATE INDEX help_calls_by_time ON hub.help_calls (raised_at);

-- A call names a person: the hub keeps it 30 days (the kiosk's journal keeps the wait itself).
-- Each new call prunes the old ones; SECURITY DEFINER, since kiosks may not delete.
CREATE FUNCTION hub.prune_help_calls() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM hub.help_calls WHERE raised_at < now() - interval '30 days';
    RETURN NULL;
END $$;
CREATE TRIGGER prune_old_calls AFTER INSERT ON hub.help_calls
    FOR EACH STATEMENT EXECUTE FUNCTION hub.prune_help_calls();

-- The channel a workshop's kiosks LISTEN on; the same text as kiosk.hub.listen.channel_for.
CREATE FUNCTION hub.channel(in_workshop text) RETURNS text LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT 'step_kiosk_' || left(md5(in_workshop), 16) $$;

CREATE FUNCTION hub.notify_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- one notification per transaction and payload: PostgreSQL folds identical ones
    PERFORM pg_notify(hub.channel(CASE WHEN TG_OP = 'DELETE' THEN OLD.workshop ELSE NEW.workshop END), TG_ARGV[0]);
    RETURN NULL;
END $$;
"""
_V3_NOTIFIED = {
    "people": "people",
    "settings": "people",
    "photos": "people",
    "merges": "people",
    "tombstones": "people",
    "help_calls": "help",
}
_V3 += "".join(
    f"""
CREATE TRIGGER notify_kiosks AFTER INSERT OR UPDATE OR DELETE ON hub.{table}
    FOR EACH ROW EXECUTE FUNCTION hub.notify_change('{payload}');
"""
    for table, payload in _V3_NOTIFIED.items()
)
_V3 += "".join(
    f"""
ALTER TABLE hub.{table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_workshop ON hub.{table}
    USING (workshop = (SELECT hub.my_workshop())) WITH CHECK (workshop = (SELECT hub.my_workshop()));
"""
    for table in ("photos", "settings", "changes", "merges", "help_calls")
)
_V3 += """
-- A person merged away is as gone as a deleted one: no kiosk that has not heard yet brings them back.
CREATE OR REPLACE FUNCTION hub.refuse_deleted_person() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM hub.tombstones t WHERE t.workshop = NEW.workshop AND t.uuid = NEW.uuid)
       OR EXISTS (SELECT 1 FROM hub.merges m WHERE m.workshop = NEW.workshop AND m.from_uuid = NEW.uuid) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;

-- Deleting a person now also takes what the hub holds about them besides runs: their photo (unless
-- another person uses the same picture), family PIN, change-log entries, help calls, and the
-- people merged into them (each gets a tombstone of its own, so an offline kiosk cannot bring them
-- back either).
CREATE OR REPLACE FUNCTION hub.delete_person(target uuid, in_workshop text) RETURNS bigint LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE runs_deleted bigint; photo text;
BEGIN
    LOCK TABLE hub.people IN EXCLUSIVE MODE;
    SELECT count(*) INTO runs_deleted FROM hub.runs WHERE workshop = in_workshop AND person_uuid = target;
    SELECT photo_sha256 INTO photo FROM hub.people WHERE workshop = in_workshop AND uuid = target;
    DELETE FROM hub.step_events e USING hub.runs r
        WHERE r.workshop = in_workshop AND r.person_uuid = target AND e.workshop = r.workshop AND e.run_uuid = r.uuid;
    DELETE FROM hub.people WHERE workshop = in_workshop AND uuid = target;
    IF photo IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM hub.people WHERE workshop = in_workshop AND photo_sha256 = photo) THEN
        DELETE FROM hub.photos WHERE workshop = in_workshop AND sha256 = photo;
    END IF;
    DELETE FROM hub.settings WHERE workshop = in_workshop AND key = 'family_pin/' || target::text;
    DELETE FROM hub.help_calls WHERE workshop = in_workshop AND person_uuid = target;
    INSERT INTO hub.tombstones (workshop, uuid)
        SELECT in_workshop, from_uuid FROM hub.merges WHERE workshop = in_workshop AND into_uuid = target
        ON CONFLICT DO NOTHING;
    DELETE FROM hub.changes WHERE workshop = in_workshop AND (subject = target::text OR subject IN (
        SELECT from_uuid::text FROM hub.merges WHERE workshop = in_workshop AND into_uuid = target));
    DELETE FROM hub.merges WHERE workshop = in_workshop AND (into_uuid = target OR from_uuid = target);
    INSERT INTO hub.tombstones (workshop, uuid) VALUES (in_workshop, target) ON CONFLICT DO NOTHING;
    RETURN runs_deleted;
END $$;

-- A coach merges a person added twice: ``other``'s runs, and its photo and family PIN when ``keep``
-- has none, move to ``keep``; ``other``'s last version goes to the change log; ``other`` is gone
-- from the hub and, at their next sync, from every kiosk (which move their own runs first).
-- SECURITY DEFINER, since a coach may otherwise only read; session_user is the coach's role.
CREATE FUNCTION hub.merge_people(keep uuid, other uuid) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member_workshop text; member_kind text; kept hub.people; gone hub.people; moved bigint; stamp bigint;
BEGIN
    SELECT workshop, kind INTO member_workshop, member_kind FROM hub.members WHERE role = session_user;
    IF member_kind IS NOT NULL AND member_kind <> 'coach' THEN
        RAISE EXCEPTION 'only a coach or the administrator can merge people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    LOCK TABLE hub.people IN EXCLUSIVE MODE;
    SELECT * INTO kept FROM hub.people WHERE uuid = keep AND (member_workshop IS NULL OR workshop = member_workshop);
    SELECT * INTO gone FROM hub.people WHERE uuid = other AND (member_workshop IS NULL OR workshop = member_workshop);
    IF kept.uuid IS NULL OR gone.uuid IS NULL THEN
        RAISE EXCEPTION 'no such person in this workshop' USING ERRCODE = 'no_data_found';
    END IF;
    IF kept.uuid = gone.uuid OR kept.workshop <> gone.workshop THEN
        RAISE EXCEPTION 'these two cannot be merged' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    stamp := GREATEST((extract(epoch FROM clock_timestamp()) * 1000)::bigint,
                      kept.changed_stamp + 1, gone.changed_stamp + 1);
    UPDATE hub.runs SET person_uuid = keep WHERE workshop = kept.workshop AND person_uuid = other;
    GET DIAGNOSTICS moved = ROW_COUNT;
    UPDATE hub.help_calls SET person_uuid = keep WHERE workshop = kept.workshop AND person_uuid = other;
    INSERT INTO hub.settings (workshop, key, value, changed_stamp, origin)
        SELECT workshop, 'family_pin/' || keep::text, value, stamp, 'merge'
        FROM hub.settings WHERE workshop = kept.workshop AND key = 'family_pin/' || other::text AND value IS NOT NULL
        ON CONFLICT (workshop, key) DO UPDATE SET value = excluded.value, changed_stamp = excluded.changed_stamp,
            origin = excluded.origin WHERE hub.settings.value IS NULL;
    DELETE FROM hub.settings WHERE workshop = kept.workshop AND key = 'family_pin/' || other::text;
    UPDATE hub.people SET photo_sha256 = COALESCE(kept.photo_sha256, gone.photo_sha256), changed_stamp = stamp
        WHERE workshop = kept.workshop AND uuid = keep;
    INSERT INTO hub.changes (workshop, kind, subject, stamp, origin, version, winner_stamp, winner_origin)
        VALUES (kept.workshop, 'merge', other::text, gone.changed_stamp, session_user::text,
                jsonb_build_object('name', gone.name, 'language', gone.language, 'preferences', gone.preferences,
                                   'archived', gone.archived, 'photo_sha256', gone.photo_sha256,
                                   'merged_into', keep::text, 'runs_moved', moved),
                stamp, session_user::text)
        ON CONFLICT DO NOTHING;
    INSERT INTO hub.merges (workshop, from_uuid, into_uuid) VALUES (kept.workshop, other, keep);
    UPDATE hub.merges SET into_uuid = keep WHERE workshop = kept.workshop AND into_uuid = other;
    DELETE FROM hub.people WHERE workshop = kept.workshop AND uuid = other;
    RETURN moved;
END $$;
REVOKE ALL ON FUNCTION hub.merge_people(uuid, uuid) FROM PUBLIC;

-- A kiosk may not read runs, but its family view and progress should count every kiosk's runs of a
-- worker: this gives it one person's run summaries of its own workshop (what kiosk.journal.progress
-- reads; no step events), nothing else.
CREATE FUNCTION hub.person_runs(target uuid) RETURNS TABLE (
    uuid text, person_uuid text, pack_id text, pack_version integer, started_at_ms bigint, ended_at_ms bigint,
    outcome text, resumed_from text, step_count integer, furthest_step integer, help_by_step text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.uuid::text, r.person_uuid::text, r.pack_id, r.pack_version, r.started_at_ms, r.ended_at_ms, r.outcome,
           r.resumed_from::text, r.step_count, r.furthest_step, r.help_by_step::text
    FROM hub.runs r JOIN hub.members m ON m.role = session_user AND m.workshop = r.workshop
    WHERE r.person_uuid = target
    ORDER BY r.started_at_ms, r.device_uuid, r.local_id
$$;
REVOKE ALL ON FUNCTION hub.person_runs(uuid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hub.grant_member(member name, member_kind text) RETURNS void LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), member);
    EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', member);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_workshop(), hub.channel(text) TO %I', member);
    EXECUTE format('GRANT SELECT ON hub.members, hub.people, hub.tombstones, hub.settings, hub.photos, '
                   'hub.merges, hub.changes, hub.help_calls TO %I', member);
    EXECUTE format('GRANT UPDATE (cleared_at, cleared_by) ON hub.help_calls TO %I', member);
    IF member_kind = 'kiosk' THEN
        EXECUTE format('GRANT INSERT ON hub.people, hub.devices, hub.runs, hub.step_events, hub.settings, '
                       'hub.photos, hub.changes, hub.help_calls TO %I', member);
        -- edits of a person and of shared settings, last writer wins (by changed_stamp)
        EXECUTE format('GRANT UPDATE (name, language, preferences, archived, changed_stamp, photo_sha256) '
                       'ON hub.people TO %I', member);
        EXECUTE format('GRANT UPDATE (value, changed_stamp, origin) ON hub.settings TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.forget_person(uuid), hub.person_runs(uuid) TO %I', member);
    ELSE
        EXECUTE format('GRANT SELECT ON hub.devices, hub.runs, hub.step_events TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.merge_people(uuid, uuid), hub.person_runs(uuid) TO %I',
                       member);
    END IF;
END $$;
REVOKE ALL ON FUNCTION hub.grant_member(name, text) FROM PUBLIC;
SELECT hub.grant_member(role, kind) FROM hub.members;
"""


# One view across kiosks (docs/hub.md, "Runs from other kiosks"): each kiosk keeps a copy of the run
# summaries the other kiosks of its workshop recorded, so its progress, family view, report and
# mastery count every kiosk's runs, offline too.
#
# * ``runs.xact``: the transaction that inserted the run. A kiosk pulls the runs inserted since its
#   high-water mark, and that mark is the oldest transaction still running when it read
#   (``pg_snapshot_xmin``): every run of an older transaction was visible to that read, so a push
#   that commits late (a big batch, a slow kiosk) is never skipped, which a time stamp or a sequence
#   cannot promise. Runs read twice are ignored by their UUID on the kiosk.
# * ``hub.workshop_runs``: a page of those run summaries for a kiosk (kiosks may not read runs),
#   of its own workshop only, without its own runs; never step events.
# * ``runs`` NOTIFY: a run of the workshop arrived, so the other kiosks pull it at once (one
#   notification per statement, not per row: the sync sends 500 runs in one statement).
_V4 = """
ALTER TABLE hub.runs ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX runs_by_xact ON hub.runs (workshop, xact, started_at_ms, uuid);

CREATE FUNCTION hub.workshop_runs(after_xact xid8, after_started bigint, after_uuid uuid, not_from uuid, page integer)
    RETURNS TABLE (
        xact text, uuid text, person_uuid text, device_uuid text, device_name text, pack_id text,
        pack_version integer, content_hash text, started_at_ms bigint, ended_at_ms bigint, outcome text,
        resumed_from text, step_count integer, furthest_step integer, help_by_step text, support_level integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.xact::text, r.uuid::text, r.person_uuid::text, r.device_uuid::text, d.name, r.pack_id, r.pack_version,
           r.content_hash, r.started_at_ms, r.ended_at_ms, r.outcome, r.resumed_from::text, r.step_count,
           r.furthest_step, r.help_by_step::text, r.support_level
    FROM hub.runs r
    JOIN hub.members m ON m.role = session_user AND m.workshop = r.workshop
    LEFT JOIN hub.devices d ON d.workshop = r.workshop AND d.uuid = r.device_uuid
    WHERE (r.xact, r.started_at_ms, r.uuid) > (after_xact, after_started, after_uuid)
      AND r.device_uuid IS DISTINCT FROM not_from
    ORDER BY r.xact, r.started_at_ms, r.uuid
    LIMIT page
$$;
REVOKE ALL ON FUNCTION hub.workshop_runs(xid8, bigint, uuid, uuid, integer) FROM PUBLIC;

CREATE FUNCTION hub.notify_runs() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify(hub.channel(w.workshop), 'runs') FROM (SELECT DISTINCT workshop FROM new_runs) w;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_kiosks_runs AFTER INSERT ON hub.runs REFERENCING NEW TABLE AS new_runs
    FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_runs();

CREATE OR REPLACE FUNCTION hub.grant_member(member name, member_kind text) RETURNS void LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), member);
    EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', member);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_workshop(), hub.channel(text) TO %I', member);
    EXECUTE format('GRANT SELECT ON hub.members, hub.people, hub.tombstones, hub.settings, hub.photos, '
                   'hub.merges, hub.changes, hub.help_calls TO %I', member);
    EXECUTE format('GRANT UPDATE (cleared_at, cleared_by) ON hub.help_calls TO %I', member);
    IF member_kind = 'kiosk' THEN
        EXECUTE format('GRANT INSERT ON hub.people, hub.devices, hub.runs, hub.step_events, hub.settings, '
                       'hub.photos, hub.changes, hub.help_calls TO %I', member);
        -- edits of a person and of shared settings, last writer wins (by changed_stamp)
        EXECUTE format('GRANT UPDATE (name, language, preferences, archived, changed_stamp, photo_sha256) '
                       'ON hub.people TO %I', member);
        EXECUTE format('GRANT UPDATE (value, changed_stamp, origin) ON hub.settings TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.forget_person(uuid), hub.person_runs(uuid), '
                       'hub.workshop_runs(xid8, bigint, uuid, uuid, integer) TO %I', member);
    ELSE
        EXECUTE format('GRANT SELECT ON hub.devices, hub.runs, hub.step_events TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.merge_people(uuid, uuid), hub.person_runs(uuid) TO %I',
                       member);
    END IF;
END $$;
REVOKE ALL ON FUNCTION hub.grant_member(name, text) FROM PUBLIC;
SELECT hub.grant_member(role, kind) FROM hub.members;
"""


# Day plans follow the worker (docs/hub.md, "Day plans"): a worker uses whichever tablet is free, so
# their plan and what they did of it today must be on every kiosk of the workshop.
#
# * ``plans``: one per person, the same JSON document the kiosk's journal holds (``document`` NULL:
#   the plan was removed), last writer wins by the hybrid-logical-clock stamp exactly like a person
#   or a setting, the losing version kept whole in ``changes`` (new kind ``plan``, subject the
#   person's uuid).
# * ``plan_events``: started, done, skipped, reminded, by the UUID made on the kiosk (sending twice
#   changes nothing), with the kiosk's own ids (exports from the hub) and the inserting transaction,
#   so kiosks pull them by the same high-water mark as runs (``hub.workshop_plan_events``).
# * Both hang on ``people`` by a cascading foreign key: deleting a person (``hub.delete_person``,
#   unchanged) takes them. ``hub.merge_people`` now moves the plan events to the person kept, and
#   the plan too when the person kept has none; otherwise the merged-away plan goes to the change log.
# * NOTIFY ``plans`` on both, so a plan edited or an item done on one kiosk reaches the others at once.
_V5 = """
ALTER TABLE hub.changes DROP CONSTRAINT changes_kind_check;
ALTER TABLE hub.changes ADD CONSTRAINT changes_kind_check CHECK (kind IN ('person', 'setting', 'merge', 'plan'));

CREATE TABLE hub.plans (
    workshop      text   NOT NULL,
    person_uuid   uuid   NOT NULL,
    document      jsonb,                          -- kiosk.plan format 1; NULL: the plan was removed
    changed_stamp bigint NOT NULL,                -- hybrid logical clock of the last edit
    origin        text   NOT NULL,                -- the device (or 'merge') that made it
    PRIMARY KEY (workshop, person_uuid),
    FOREIGN KEY (workshop, person_uuid) REFERENCES hub.people (workshop, uuid) ON DELETE CASCADE
);

CREATE TABLE hub.plan_events (
    workshop        text   NOT NULL,
    uuid            uuid   NOT NULL,              -- made on the kiosk: sending twice changes nothing
    person_uuid     uuid   NOT NULL,
    device_uuid     uuid   NOT NULL,
    local_id        bigint NOT NULL,              -- the event's id on its kiosk (exports)
    person_local_id bigint,                       -- the person's id on that kiosk (exports)
    day             date   NOT NULL,              -- the worker's local day
    item_id         text   NOT NULL,
    event           text   NOT NULL CHECK (event IN ('started', 'done', 'skipped', 'reminded')),
    at_ms           bigint NOT NULL,
    due_at_ms       bigint,
    run_uuid        uuid,                         -- the pack run that did it
    xact            xid8   NOT NULL DEFAULT pg_current_xact_id(),
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, uuid),
    FOREIGN KEY (workshop, person_uuid) REFERENCES hub.people (workshop, uuid) ON DELETE CASCADE
);
CREATE INDEX plan_events_by_xact ON hub.plan_events (workshop, xact, uuid);
CREATE INDEX plan_events_by_person ON hub.plan_events (workshop, person_uuid, day);

ALTER TABLE hub.plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_workshop ON hub.plans
    USING (workshop = (SELECT hub.my_workshop())) WITH CHECK (workshop = (SELECT hub.my_workshop()));
ALTER TABLE hub.plan_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_workshop ON hub.plan_events
    USING (workshop = (SELECT hub.my_workshop())) WITH CHECK (workshop = (SELECT hub.my_workshop()));

CREATE TRIGGER notify_kiosks AFTER INSERT OR UPDATE OR DELETE ON hub.plans
    FOR EACH ROW EXECUTE FUNCTION hub.notify_change('plans');
CREATE FUNCTION hub.notify_plan_events() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify(hub.channel(w.workshop), 'plans') FROM (SELECT DISTINCT workshop FROM new_events) w;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_kiosks_plan_events AFTER INSERT ON hub.plan_events REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION hub.notify_plan_events();

-- A page of the plan events the other kiosks of the caller's workshop sent, from a mark on the
-- inserting transaction (as hub.workshop_runs), with the name of the kiosk that recorded each.
CREATE FUNCTION hub.workshop_plan_events(after_xact xid8, after_uuid uuid, not_from uuid, page integer)
    RETURNS TABLE (
        xact text, uuid text, person_uuid text, device_uuid text, device_name text, day text, item_id text,
        event text, at_ms bigint, due_at_ms bigint, run_uuid text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT e.xact::text, e.uuid::text, e.person_uuid::text, e.device_uuid::text, d.name, to_char(e.day, 'YYYY-MM-DD'),
           e.item_id, e.event, e.at_ms, e.due_at_ms, e.run_uuid::text
    FROM hub.plan_events e
    JOIN hub.members m ON m.role = session_user AND m.workshop = e.workshop
    LEFT JOIN hub.devices d ON d.workshop = e.workshop AND d.uuid = e.device_uuid
    WHERE (e.xact, e.uuid) > (after_xact, after_uuid) AND e.device_uuid IS DISTINCT FROM not_from
    ORDER BY e.xact, e.uuid
    LIMIT page
$$;
REVOKE ALL ON FUNCTION hub.workshop_plan_events(xid8, uuid, uuid, integer) FROM PUBLIC;

-- Merging keeps what the worker did of their day: the plan events of the person merged away move
-- to the person kept (before the person goes, which would take them by cascade), and so does their
-- plan when the person kept has none; a plan the person kept already has wins, and the other goes
-- to the change log. Then the merge of schema 3 (kept as hub.merge_people_runs) does the rest.
ALTER FUNCTION hub.merge_people(uuid, uuid) RENAME TO merge_people_runs;
CREATE FUNCTION hub.merge_people(keep uuid, other uuid) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member_workshop text; member_kind text; in_workshop text; kept_plan hub.plans; gone_plan hub.plans; stamp bigint;
BEGIN
    SELECT workshop, kind INTO member_workshop, member_kind FROM hub.members WHERE role = session_user;
    IF member_kind IS NOT NULL AND member_kind <> 'coach' THEN
        RAISE EXCEPTION 'only a coach or the administrator can merge people' USING ERRCODE = 'insufficient_privilege';
    END IF;
    LOCK TABLE hub.people IN EXCLUSIVE MODE;
    SELECT k.workshop INTO in_workshop FROM hub.people k JOIN hub.people o ON o.workshop = k.workshop AND o.uuid = other
        WHERE k.uuid = keep AND keep <> other AND (member_workshop IS NULL OR k.workshop = member_workshop);
    IF in_workshop IS NOT NULL THEN
        UPDATE hub.plan_events SET person_uuid = keep WHERE workshop = in_workshop AND person_uuid = other;
        SELECT * INTO kept_plan FROM hub.plans WHERE workshop = in_workshop AND person_uuid = keep;
        SELECT * INTO gone_plan FROM hub.plans WHERE workshop = in_workshop AND person_uuid = other;
        IF gone_plan.document IS NOT NULL THEN
            IF kept_plan.document IS NULL THEN
                stamp := GREATEST((extract(epoch FROM clock_timestamp()) * 1000)::bigint,
                                  COALESCE(kept_plan.changed_stamp, 0) + 1, gone_plan.changed_stamp + 1);
                INSERT INTO hub.plans (workshop, person_uuid, document, changed_stamp, origin)
                    VALUES (in_workshop, keep, gone_plan.document, stamp, 'merge')
                    ON CONFLICT (workshop, person_uuid) DO UPDATE SET document = excluded.document,
                        changed_stamp = excluded.changed_stamp, origin = excluded.origin;
            ELSE
                INSERT INTO hub.changes (workshop, kind, subject, stamp, origin, version, winner_stamp, winner_origin)
                    VALUES (in_workshop, 'plan', keep::text, gone_plan.changed_stamp, 'merge',
                            jsonb_build_object('document', gone_plan.document, 'merged_from', other::text),
                            kept_plan.changed_stamp, kept_plan.origin)
                    ON CONFLICT DO NOTHING;
            END IF;
        END IF;
    END IF;
    RETURN hub.merge_people_runs(keep, other);
END $$;
REVOKE ALL ON FUNCTION hub.merge_people(uuid, uuid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION hub.grant_member(member name, member_kind text) RETURNS void LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), member);
    EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', member);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_workshop(), hub.channel(text) TO %I', member);
    EXECUTE format('GRANT SELECT ON hub.members, hub.people, hub.tombstones, hub.settings, hub.photos, '
                   'hub.merges, hub.changes, hub.help_calls, hub.plans TO %I', member);
    EXECUTE format('GRANT UPDATE (cleared_at, cleared_by) ON hub.help_calls TO %I', member);
    IF member_kind = 'kiosk' THEN
        EXECUTE format('GRANT INSERT ON hub.people, hub.devices, hub.runs, hub.step_events, hub.settings, '
                       'hub.photos, hub.changes, hub.help_calls, hub.plans, hub.plan_events TO %I', member);
        -- edits of a person, of shared settings and of plans, last writer wins (by changed_stamp)
        EXECUTE format('GRANT UPDATE (name, language, preferences, archived, changed_stamp, photo_sha256) '
                       'ON hub.people TO %I', member);
        EXECUTE format('GRANT UPDATE (value, changed_stamp, origin) ON hub.settings TO %I', member);
        EXECUTE format('GRANT UPDATE (document, changed_stamp, origin) ON hub.plans TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.forget_person(uuid), hub.person_runs(uuid), '
                       'hub.workshop_runs(xid8, bigint, uuid, uuid, integer), '
                       'hub.workshop_plan_events(xid8, uuid, uuid, integer) TO %I', member);
    ELSE
        EXECUTE format('GRANT SELECT ON hub.devices, hub.runs, hub.step_events, hub.plan_events TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.merge_people(uuid, uuid), hub.person_runs(uuid) TO %I',
                       member);
    END IF;
END $$;
REVOKE ALL ON FUNCTION hub.grant_member(name, text) FROM PUBLIC;
SELECT hub.grant_member(role, kind) FROM hub.members;
"""


# Packs for a fleet (docs/fleet.md, "Publishing packs to the fleet"): a coach publishes a checked pack
# once and every kiosk of the workshop gets that version.
#
# * ``pack_blobs`` / ``pack_chunks``: the deterministic zip of ``kiosk pack zip``, content-addressed by
#   its sha256, in bytea chunks of 1 MiB (``STORAGE EXTERNAL``: zips of photos do not compress, so
#   PostgreSQL does not try). Chunks and not one value: a 200 MB video pack is no giant row, a kiosk
#   resumes a cut download at the chunk it had, and row-level security, pg_dump and replication cover
#   them like every other table (large objects have no workshop column and no row-level security).
# * ``pack_versions``: pack id, the trainer's version number (one content per number), title, author,
#   note; ``withdrawn_at`` set: no kiosk gets it any more, kiosks fall back to the version before.
# * ``pack_rules``: a coach pins a kiosk (or every kiosk, ``member = '*'``) to a version, or holds it
#   back at the one it runs; a kiosk's own rule wins over the workshop's.
# * ``pack_targets``: what each kiosk should run (the highest live version, at most the pinned one);
#   kiosks ask through ``my_packs()`` (their own row only), coaches through ``fleet_packs()``, which
#   puts it beside what each kiosk reported it runs (``report_packs``, into ``pack_reports``).
# * NOTIFY ``packs`` on versions and rules, so kiosks that are online pull at once.
_V6 = """
CREATE TABLE hub.pack_blobs (
    workshop   text    NOT NULL,
    sha256     text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint  NOT NULL CHECK (size >= 0),
    chunk_size integer NOT NULL CHECK (chunk_size > 0),
    chunks     integer NOT NULL CHECK (chunks >= 0),
    PRIMARY KEY (workshop, sha256)
);

CREATE TABLE hub.pack_chunks (
    workshop text    NOT NULL,
    sha256   text    NOT NULL,
    n        integer NOT NULL CHECK (n >= 0),
    data     bytea   NOT NULL CHECK (length(data) <= 4194304),
    PRIMARY KEY (workshop, sha256, n),
    FOREIGN KEY (workshop, sha256) REFERENCES hub.pack_blobs (workshop, sha256) ON DELETE CASCADE
);
ALTER TABLE hub.pack_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE hub.pack_versions (
    workshop     text        NOT NULL,
    pack_id      text        NOT NULL,
    version      integer     NOT NULL,
    sha256       text        NOT NULL,
    title        text        NOT NULL DEFAULT '',
    steps        integer,
    author       text        NOT NULL DEFAULT '',
    note         text        NOT NULL DEFAULT '',
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by name        NOT NULL DEFAULT session_user,
    withdrawn_at timestamptz,
    withdrawn_by name,
    PRIMARY KEY (workshop, pack_id, version),
    UNIQUE (workshop, pack_id, sha256),
    FOREIGN KEY (workshop, sha256) REFERENCES hub.pack_blobs (workshop, sha256)
);

CREATE TABLE hub.pack_rules (
    workshop text        NOT NULL,
    pack_id  text        NOT NULL,
    member   text        NOT NULL,                -- a kiosk's role, or '*': every kiosk of the workshop
    kind     text        NOT NULL CHECK (kind IN ('pin', 'hold')),
    version  integer     NOT NULL,
    set_by   name        NOT NULL DEFAULT session_user,
    set_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, pack_id, member)
);

CREATE TABLE hub.pack_reports (
    workshop        text        NOT NULL,
    member          name        NOT NULL,         -- the kiosk's role
    pack_id         text        NOT NULL,
    sha256          text,                         -- what it runs (NULL: nothing of this pack yet)
    version         integer,
    pending_sha256  text,                         -- downloaded, waiting until no worker is in the pack
    pending_version integer,
    problem         text,                         -- the last problem, in plain words
    reported_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workshop, member, pack_id)
);
"""
_V6 += "".join(
    f"""
ALTER TABLE hub.{table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_workshop ON hub.{table}
    USING (workshop = (SELECT hub.my_workshop())) WITH CHECK (workshop = (SELECT hub.my_workshop()));
"""
    for table in ("pack_blobs", "pack_chunks", "pack_versions", "pack_rules", "pack_reports")
)
_V6 += """
CREATE TRIGGER notify_kiosks AFTER INSERT OR UPDATE OR DELETE ON hub.pack_versions
    FOR EACH ROW EXECUTE FUNCTION hub.notify_change('packs');
CREATE TRIGGER notify_kiosks AFTER INSERT OR UPDATE OR DELETE ON hub.pack_rules
    FOR EACH ROW EXECUTE FUNCTION hub.notify_change('packs');

-- What each kiosk (of one workshop, or every workshop for NULL; one kiosk or all) should run: per
-- pack, the highest version not withdrawn, at most the version its rule names (its own rule before
-- the workshop's '*'). ``sha256`` NULL: nothing of that pack may be on the kiosk (all withdrawn).
-- Called only by the SECURITY DEFINER functions below, which say whose rows may be seen.
CREATE FUNCTION hub.pack_targets(in_workshop text, only_member name) RETURNS TABLE (
    workshop text, member name, kiosk_name text, pack_id text, version integer, sha256 text, size bigint,
    chunk_size integer, chunks integer, title text, reason text, rule_version integer)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH kiosks AS (
        SELECT m.workshop, m.role, m.name FROM hub.members m
        WHERE m.kind = 'kiosk' AND (in_workshop IS NULL OR m.workshop = in_workshop)
          AND (only_member IS NULL OR m.role = only_member)),
    packs AS (
        SELECT DISTINCT v.workshop, v.pack_id FROM hub.pack_versions v
        WHERE in_workshop IS NULL OR v.workshop = in_workshop),
    wanted AS (
        SELECT k.workshop, k.role, k.name, p.pack_id, r.kind, r.version AS rule_version
        FROM kiosks k JOIN packs p ON p.workshop = k.workshop
        LEFT JOIN LATERAL (
            SELECT r.kind, r.version FROM hub.pack_rules r
            WHERE r.workshop = k.workshop AND r.pack_id = p.pack_id AND r.member IN (k.role::text, '*')
            ORDER BY r.member = '*' LIMIT 1) r ON true)
    SELECT w.workshop, w.role, w.name, w.pack_id, v.version, v.sha256, b.size, b.chunk_size, b.chunks, v.title,
           CASE WHEN w.kind IS NULL THEN 'latest'
                WHEN v.version <> w.rule_version THEN 'fallback'
                WHEN w.kind = 'hold' THEN 'held'
                ELSE 'pinned' END,
           w.rule_version
    FROM wanted w
    LEFT JOIN LATERAL (
        SELECT v.version, v.sha256, v.title FROM hub.pack_versions v
        WHERE v.workshop = w.workshop AND v.pack_id = w.pack_id AND v.withdrawn_at IS NULL
          AND (w.rule_version IS NULL OR v.version <= w.rule_version)
        ORDER BY v.version DESC LIMIT 1) v ON true
    LEFT JOIN hub.pack_blobs b ON b.workshop = w.workshop AND b.sha256 = v.sha256
$$;
REVOKE ALL ON FUNCTION hub.pack_targets(text, name) FROM PUBLIC;

-- A kiosk's own channel: one row per pack it should run (one query per poll).
CREATE FUNCTION hub.my_packs() RETURNS TABLE (
    pack_id text, version integer, sha256 text, size bigint, chunk_size integer, chunks integer, title text,
    reason text, rule_version integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.pack_id, t.version, t.sha256, t.size, t.chunk_size, t.chunks, t.title, t.reason, t.rule_version
    FROM hub.members m, hub.pack_targets(m.workshop, m.role) t
    WHERE m.role = session_user AND m.kind = 'kiosk' AND t.sha256 IS NOT NULL
    ORDER BY t.pack_id
$$;
REVOKE ALL ON FUNCTION hub.my_packs() FROM PUBLIC;

-- A kiosk says what it runs now: its rows are replaced by ``report`` (a JSON array), nothing else.
CREATE FUNCTION hub.report_packs(report jsonb) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE member_workshop text;
BEGIN
    SELECT m.workshop INTO member_workshop FROM hub.members m WHERE m.role = session_user AND m.kind = 'kiosk';
    IF member_workshop IS NULL THEN
        RAISE EXCEPTION 'only a kiosk of the hub can report its packs' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM hub.pack_reports p WHERE p.workshop = member_workshop AND p.member = session_user;
    INSERT INTO hub.pack_reports (workshop, member, pack_id, sha256, version, pending_sha256, pending_version, problem)
        SELECT member_workshop, session_user, r.pack_id, r.sha256, r.version, r.pending_sha256, r.pending_version,
               left(r.problem, 2000)
        FROM jsonb_to_recordset(report) AS r(pack_id text, sha256 text, version integer, pending_sha256 text,
                                              pending_version integer, problem text)
        WHERE r.pack_id IS NOT NULL;
END $$;
REVOKE ALL ON FUNCTION hub.report_packs(jsonb) FROM PUBLIC;

-- For a coach (their workshop) or the administrator (every workshop): per kiosk and pack, what it
-- reported it runs beside what it should run.
CREATE FUNCTION hub.fleet_packs() RETURNS TABLE (
    workshop text, kiosk text, member text, pack_id text, runs_version integer, runs_sha256 text,
    pending_version integer, problem text, reported_at timestamptz, should_version integer,
    should_sha256 text, reason text, rule_version integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH me AS (SELECT m.workshop, m.kind FROM hub.members m WHERE m.role = session_user),
    scope AS (SELECT (SELECT workshop FROM me) AS workshop WHERE NOT EXISTS (SELECT 1 FROM me WHERE kind = 'kiosk')),
    kiosks AS (
        SELECT m.workshop, m.role, m.name FROM hub.members m, scope s
        WHERE m.kind = 'kiosk' AND (s.workshop IS NULL OR m.workshop = s.workshop)),
    t AS (SELECT t.* FROM scope s, hub.pack_targets(s.workshop, NULL) t),
    r AS (SELECT r.* FROM scope s, hub.pack_reports r WHERE s.workshop IS NULL OR r.workshop = s.workshop),
    both_ AS (
        SELECT COALESCE(t.workshop, r.workshop) AS workshop, COALESCE(t.member, r.member) AS member,
               COALESCE(t.pack_id, r.pack_id) AS pack_id, r.version AS runs_version, r.sha256 AS runs_sha256,
               r.pending_version, r.problem, r.reported_at, t.version AS should_version,
               t.sha256 AS should_sha256, t.reason, t.rule_version
        FROM t FULL JOIN r ON r.workshop = t.workshop AND r.member = t.member AND r.pack_id = t.pack_id)
    SELECT k.workshop, k.name, k.role::text, b.pack_id, b.runs_version, b.runs_sha256, b.pending_version, b.problem,
           b.reported_at, b.should_version, b.should_sha256, b.reason, b.rule_version
    FROM kiosks k LEFT JOIN both_ b ON b.workshop = k.workshop AND b.member = k.role
    ORDER BY k.workshop, k.name, b.pack_id
$$;
REVOKE ALL ON FUNCTION hub.fleet_packs() FROM PUBLIC;

-- The kiosks of the caller's workshop by name (a coach pins or holds them by the names they were
-- given with `kiosk hub add-kiosk`; hub.members shows a member only its own row).
CREATE FUNCTION hub.workshop_kiosks() RETURNS TABLE (role text, name text, workshop text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.role::text, m.name, m.workshop FROM hub.members m
    WHERE m.kind = 'kiosk' AND NOT EXISTS (SELECT 1 FROM hub.members me WHERE me.role = session_user AND me.kind = 'kiosk')
      AND (NOT EXISTS (SELECT 1 FROM hub.members me WHERE me.role = session_user)
           OR m.workshop = (SELECT me.workshop FROM hub.members me WHERE me.role = session_user))
    ORDER BY m.workshop, m.name
$$;
REVOKE ALL ON FUNCTION hub.workshop_kiosks() FROM PUBLIC;

CREATE OR REPLACE FUNCTION hub.grant_member(member name, member_kind text) RETURNS void LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), member);
    EXECUTE format('GRANT USAGE ON SCHEMA hub TO %I', member);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_workshop(), hub.channel(text) TO %I', member);
    EXECUTE format('GRANT SELECT ON hub.members, hub.people, hub.tombstones, hub.settings, hub.photos, '
                   'hub.merges, hub.changes, hub.help_calls, hub.plans TO %I', member);
    EXECUTE format('GRANT UPDATE (cleared_at, cleared_by) ON hub.help_calls TO %I', member);
    -- published packs of the workshop (row-level security): a kiosk downloads them, a coach checks them
    EXECUTE format('GRANT SELECT ON hub.pack_blobs, hub.pack_chunks, hub.pack_versions TO %I', member);
    IF member_kind = 'kiosk' THEN
        EXECUTE format('GRANT INSERT ON hub.people, hub.devices, hub.runs, hub.step_events, hub.settings, '
                       'hub.photos, hub.changes, hub.help_calls, hub.plans, hub.plan_events TO %I', member);
        -- edits of a person, of shared settings and of plans, last writer wins (by changed_stamp)
        EXECUTE format('GRANT UPDATE (name, language, preferences, archived, changed_stamp, photo_sha256) '
                       'ON hub.people TO %I', member);
        EXECUTE format('GRANT UPDATE (value, changed_stamp, origin) ON hub.settings TO %I', member);
        EXECUTE format('GRANT UPDATE (document, changed_stamp, origin) ON hub.plans TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.forget_person(uuid), hub.person_runs(uuid), '
                       'hub.workshop_runs(xid8, bigint, uuid, uuid, integer), '
                       'hub.workshop_plan_events(xid8, uuid, uuid, integer) TO %I', member);
        -- its own channel and what it runs; never the rules or the other kiosks' reports
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.my_packs(), hub.report_packs(jsonb) TO %I', member);
    ELSE
        EXECUTE format('GRANT SELECT ON hub.devices, hub.runs, hub.step_events, hub.plan_events TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.merge_people(uuid, uuid), hub.person_runs(uuid) TO %I',
                       member);
        -- publish, withdraw, pin and hold; see what every kiosk runs
        EXECUTE format('GRANT INSERT ON hub.pack_blobs, hub.pack_chunks, hub.pack_versions TO %I', member);
        EXECUTE format('GRANT UPDATE (withdrawn_at, withdrawn_by) ON hub.pack_versions TO %I', member);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON hub.pack_rules TO %I', member);
        EXECUTE format('GRANT SELECT ON hub.pack_reports TO %I', member);
        EXECUTE format('GRANT EXECUTE ON FUNCTION hub.fleet_packs(), hub.workshop_kiosks() TO %I', member);
    END IF;
END $$;
REVOKE ALL ON FUNCTION hub.grant_member(name, text) FROM PUBLIC;
SELECT hub.grant_member(role, kind) FROM hub.members;
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
    Migration(3, "shared photos, family PINs and settings; change log; merges; help calls; NOTIFY", _V3),
    Migration(4, "run summaries of the other kiosks for each kiosk (one view across kiosks); runs NOTIFY", _V4),
    Migration(5, "day plans and plan events, shared by every kiosk of the workshop; merges move them", _V5),
    Migration(6, "packs published to the fleet: chunks, versions, pins and holds, what each kiosk runs", _V6),
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
