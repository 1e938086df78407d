"""Publishing a pack once and every kiosk of the workshop getting that version, with the real
PostgreSQL hub: two kiosks pull, another workshop sees nothing, the roles can do exactly what they
need, an unchanged poll does no download and no hashing, a pack with errors never reaches the hub."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import psycopg
import pytest

from fleet_testing import WORKSHOP, make_pack, new_coach, new_kiosk
from kiosk.authoring.errors import PackNotReady
from kiosk.fleet import download as download_module
from kiosk.fleet.publish import publish_pack
from kiosk.hub import HubError, init_hub
from kiosk.hub.schema import MIGRATIONS


@pytest.fixture
def coach_url(hub_url: str) -> str:
    return new_coach(hub_url)


def test_publish_then_two_kiosks_get_the_version(hub_url, coach_url, tmp_path: Path):
    pack = make_pack(tmp_path / "src" / "wash-hands", version=1)
    result = publish_pack(pack, coach_url, author="", note="first cut")
    assert (result.pack_id, result.version, result.workshop) == ("wash-hands", 1, WORKSHOP)
    assert result.author.startswith("Li Wei")  # the coach's name on the hub
    assert result.uploaded and len(result.sha256) == 64 and result.chunks == 1

    a = new_kiosk(hub_url, tmp_path, "Station 1")
    b = new_kiosk(hub_url, tmp_path, "Station 2")
    for kiosk in (a, b):
        polled = kiosk.puller.poll()
        assert polled.reached and polled.switched == ["wash-hands"]
        assert kiosk.shown() == {"wash-hands": 1}
        assert os.readlink(kiosk.packs_dir / "wash-hands").endswith(f"{result.sha256}/wash-hands")
        pack_seen = kiosk.scan().packs[0]
        assert pack_seen.title_for("en") == "Wash hands" and len(pack_seen.steps) == 4

    # the same content again: nothing uploaded, nothing changes
    again = publish_pack(pack, coach_url, author="Li Wei", note="again")
    assert not again.uploaded and again.sha256 == result.sha256

    # version 2 reaches both, and the hub knows what each runs
    make_pack(pack, version=2, seed=1)
    second = publish_pack(pack, coach_url, author="Li Wei", note="new photos")
    assert second.version == 2 and second.sha256 != result.sha256
    for kiosk in (a, b):
        assert kiosk.puller.poll().switched == ["wash-hands"]
        assert kiosk.shown() == {"wash-hands": 2}
        # shown once without problems: the previous version's files are gone
        assert not (kiosk.root / "fleet" / "versions" / result.sha256).exists()
    with psycopg.connect(hub_url) as conn:
        runs = conn.execute("SELECT member, version FROM hub.pack_reports ORDER BY member").fetchall()
    assert sorted(runs) == sorted([(a.role, 2), (b.role, 2)])


def test_an_unchanged_poll_downloads_and_hashes_nothing(hub_url, coach_url, tmp_path, monkeypatch):
    publish_pack(make_pack(tmp_path / "src" / "wash-hands"), coach_url, author="", note="")
    publish_pack(make_pack(tmp_path / "src" / "tidy-up", "tidy-up"), coach_url, author="", note="")
    kiosk = new_kiosk(hub_url, tmp_path, "Station 1")
    first = kiosk.puller.poll()
    assert sorted(first.switched) == ["tidy-up", "wash-hands"] and first.work.bytes_downloaded > 0
    kiosk.scan()
    state_file = kiosk.root / "fleet" / "state.json"
    written = state_file.stat().st_mtime_ns

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("an unchanged poll downloaded or hashed a pack")

    monkeypatch.setattr(download_module, "hash_file", must_not_run)
    monkeypatch.setattr("kiosk.fleet.pull.download", must_not_run)
    monkeypatch.setattr("kiosk.fleet.pull.unpack", must_not_run)
    for _ in range(3):
        polled = kiosk.puller.poll()
        assert polled.reached and not (polled.switched or polled.staged or polled.refused)
        assert (polled.work.queries, polled.work.bytes_downloaded, polled.work.bytes_hashed) == (1, 0, 0)
    assert state_file.stat().st_mtime_ns == written  # nothing written either


def test_a_pack_with_errors_never_reaches_the_hub(hub_url, coach_url, tmp_path):
    pack = make_pack(tmp_path / "src" / "wash-hands")
    (pack / "02.jpg").unlink()
    with pytest.raises(PackNotReady) as refused:
        publish_pack(pack, coach_url, author="", note="")
    assert any("02.jpg" in (problem.file or "") + problem.message for problem in refused.value.problems)
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM hub.pack_blobs").fetchone()[0] == 0


def test_warnings_are_returned_and_the_pack_still_goes(hub_url, coach_url, tmp_path):
    pack = make_pack(tmp_path / "src" / "wash-hands")
    (pack / "notes.txt").write_text("unused", encoding="utf-8")
    result = publish_pack(pack, coach_url, author="", note="")
    assert any("notes.txt" in (problem.file or "") for problem in result.warnings)


def test_version_numbers_name_one_content(hub_url, coach_url, tmp_path):
    pack = make_pack(tmp_path / "src" / "wash-hands", version=3)
    publish_pack(pack, coach_url, author="", note="")
    make_pack(pack, version=3, seed=7)  # other photos, same number
    with pytest.raises(HubError, match="already on the hub with other content"):
        publish_pack(pack, coach_url, author="", note="", build=False)
    make_pack(pack, version=2, seed=8)
    with pytest.raises(HubError, match="would never reach a kiosk"):
        publish_pack(pack, coach_url, author="", note="", build=False)


def test_another_workshop_and_the_roles_rights(hub_url, coach_url, tmp_path):
    publish_pack(make_pack(tmp_path / "src" / "wash-hands"), coach_url, author="", note="")
    south = new_kiosk(hub_url, tmp_path, "South 1", workshop="South")
    assert south.puller.poll().switched == []
    with psycopg.connect(south.url, autocommit=True) as conn:
        for table in ("pack_versions", "pack_blobs", "pack_chunks"):
            assert conn.execute(f"SELECT count(*) FROM hub.{table}").fetchone()[0] == 0
    north = new_kiosk(hub_url, tmp_path, "North 1")
    with psycopg.connect(north.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.pack_chunks").fetchone()[0] == 1
        for statement in (
            "INSERT INTO hub.pack_rules (workshop, pack_id, member, kind, version) VALUES ('Ningbo 1', 'x', '*', 'pin', 1)",
            "SELECT * FROM hub.pack_rules",
            "SELECT * FROM hub.pack_reports",
            "UPDATE hub.pack_versions SET withdrawn_at = now()",
            "DELETE FROM hub.pack_chunks",
            "SELECT * FROM hub.fleet_packs()",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    # a kiosk's login cannot publish
    with pytest.raises(HubError, match="cannot publish"):
        publish_pack(make_pack(tmp_path / "src2" / "tidy-up", "tidy-up"), north.url, author="", note="")


def test_migration_six_twice_and_for_members_made_before_it(postgres, tmp_path):
    url = postgres.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA hub")
    # a hub at schema 5 with a kiosk and a coach, then brought to 6
    from kiosk.hub import schema

    with psycopg.connect(url, autocommit=True) as conn:
        original = schema.MIGRATIONS
        try:
            schema.MIGRATIONS = original[:5]
            schema.migrate(conn)
        finally:
            schema.MIGRATIONS = original
    kiosk = add_member_at_schema5(url)
    assert [step.version for step in init_hub(url).applied] == [6]
    assert init_hub(url).applied == ()
    with psycopg.connect(kiosk, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.my_packs()").fetchone()[0] == 0
    assert [step.version for step in MIGRATIONS][-1] == 6


def add_member_at_schema5(url: str) -> str:
    """A kiosk added while the hub was at schema 5 (add_member checks the version, so by hand)."""
    from kiosk.hub.admin import member_url

    with psycopg.connect(url, autocommit=True) as conn:
        role = f"kiosk_old_{secrets.token_hex(3)}"
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-old-kiosk'")
        conn.execute("INSERT INTO hub.members (role, kind, name, workshop) VALUES (%s, 'kiosk', 'Old', 'W')", (role,))
        conn.execute("SELECT hub.grant_member(%s, 'kiosk')", (role,))
    return member_url(url, role, "pw-old-kiosk", "disable")


def test_the_administrator_names_the_workshop(hub_url, tmp_path):
    new_coach(hub_url)  # the workshop exists on the hub
    pack = make_pack(tmp_path / "src" / "wash-hands")
    with pytest.raises(HubError, match="must say which workshop"):
        publish_pack(pack, hub_url, author="", note="")
    with pytest.raises(HubError, match="no kiosk or coach in the workshop 'Nowhere'"):
        publish_pack(pack, hub_url, author="", note="", workshop="Nowhere")
    result = publish_pack(pack, hub_url, author="Admin", note="", workshop=f" {WORKSHOP} ")
    assert (result.workshop, result.author) == (WORKSHOP, "Admin")
    kiosk = new_kiosk(hub_url, tmp_path, "Station 9")
    assert kiosk.puller.poll().switched == ["wash-hands"]
