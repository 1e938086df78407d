"""What can go wrong between the hub and a kiosk, with the real hub and real files: a download cut in
the middle (resumed, not restarted), a corrupted blob (refused and reported, the old version stays),
a pack updated while a worker is on step 3 (the switch waits for the run to end; the journal keeps
which version each run saw), the disk full during unpacking (a real tmpfs; the old version keeps
working), the hub away (the kiosk keeps what it has), and the trainer's line for each case."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
import pytest

from fleet_testing import make_pack, new_coach, new_kiosk
from kiosk.fleet.publish import publish_pack
from kiosk.fleet.status import line_for_pack_source
from kiosk.journal import Journal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/storage_faults.py
from storage_faults import fill_disk, tiny_filesystem  # noqa: E402

CHUNK = 16 * 1024


def english(message: str, **values: object) -> str:
    return message.format(**values)


def _publish(pack: Path, coach: str, version: int, **options: object) -> str:
    make_pack(pack, version=version, seed=version, **options)  # type: ignore[arg-type]
    return publish_pack(pack, coach, author="Li", note="", build=False, chunk_size=CHUNK).sha256


def _cut_after(hub_url: str, role: str, after: int):
    """An ``on_chunk`` that ends the kiosk's connection on the hub after chunk ``after`` (as a
    dropped Wi-Fi does), once."""
    done = []

    def on_chunk(number: int) -> None:
        if number == after and not done:
            done.append(number)
            with psycopg.connect(hub_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))

    return on_chunk


def test_a_download_cut_in_the_middle_resumes_where_it_stopped(hub_url, tmp_path):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    _publish(pack, coach, 1)
    kiosk = new_kiosk(hub_url, tmp_path, "Station Cut")
    kiosk.puller.poll()
    sha = _publish(pack, coach, 2, noise=True)
    with psycopg.connect(hub_url) as conn:
        size, chunks = conn.execute("SELECT size, chunks FROM hub.pack_blobs WHERE sha256 = %s", (sha,)).fetchone()
    assert chunks > 10
    kiosk.puller.on_chunk = _cut_after(hub_url, kiosk.role, 2)

    cut = kiosk.puller.poll()
    assert not cut.reached and "cannot be reached" in cut.error
    part = kiosk.root / "fleet" / "downloads" / f"{sha}.part"
    kept = part.stat().st_size
    assert 0 < kept < size and cut.work.bytes_downloaded == kept
    assert kiosk.shown() == {"wash-hands": 1}  # the old version is untouched

    resumed = kiosk.puller.poll()
    assert resumed.switched == ["wash-hands"]
    assert resumed.work.bytes_downloaded == size - kept  # only the rest came again
    assert not part.exists() and kiosk.shown() == {"wash-hands": 2}


def test_a_torn_last_chunk_is_cut_back_and_fetched_again(hub_url, tmp_path):
    coach = new_coach(hub_url)
    sha = _publish(tmp_path / "src" / "wash-hands", coach, 1, noise=True)
    kiosk = new_kiosk(hub_url, tmp_path, "Station Torn")
    with psycopg.connect(kiosk.url) as conn:
        head = b"".join(row[0] for row in conn.execute("SELECT data FROM hub.pack_chunks WHERE n < 3 ORDER BY n"))
    part = kiosk.root / "fleet" / "downloads" / f"{sha}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(head[: 2 * CHUNK + 100])  # two whole chunks and a torn third
    result = kiosk.puller.poll()
    assert result.switched == ["wash-hands"]
    with psycopg.connect(hub_url) as conn:
        size = conn.execute("SELECT size FROM hub.pack_blobs").fetchone()[0]
    assert result.work.bytes_downloaded == size - 2 * CHUNK


def test_a_corrupted_blob_is_refused_reported_and_the_old_version_stays(hub_url, tmp_path):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    _publish(pack, coach, 1)
    kiosk = new_kiosk(hub_url, tmp_path, "Station Bad")
    kiosk.puller.poll()
    assert kiosk.shown() == {"wash-hands": 1}
    sha = _publish(pack, coach, 2)
    with psycopg.connect(hub_url) as conn:  # one bit flipped on the hub's disk
        conn.execute(
            "UPDATE hub.pack_chunks SET data = set_byte(data, 40, get_byte(data, 40) # 1) WHERE sha256 = %s AND n = 0",
            (sha,),
        )

    refused = kiosk.puller.poll()
    assert refused.reached and refused.refused == ["wash-hands"] and refused.switched == []
    assert kiosk.shown() == {"wash-hands": 1}
    assert not (kiosk.root / "fleet" / "versions" / sha).exists()
    assert not list((kiosk.root / "fleet" / "downloads").iterdir())
    line = line_for_pack_source(kiosk.packs_dir / "wash-hands", english)
    assert line is not None and line.startswith("Version 1 here, version 2 on the hub.")
    assert "arrived damaged" in line
    with psycopg.connect(hub_url) as conn:
        version, problem = conn.execute(
            "SELECT version, problem FROM hub.pack_reports WHERE member = %s", (kiosk.role,)
        ).fetchone()
    assert version == 1 and "arrived damaged" in problem

    again = kiosk.puller.poll()  # not fetched again at every poll
    assert again.work.bytes_downloaded == 0 and kiosk.shown() == {"wash-hands": 1}


def test_an_update_waits_until_the_worker_on_step_3_is_done(hub_url, tmp_path):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    _publish(pack, coach, 1)
    journal = Journal.open(tmp_path / "journal.sqlite3")
    open_runs: dict[str, int] = {}
    kiosk = new_kiosk(hub_url, tmp_path, "Station Run", in_use=lambda pack_id: pack_id in open_runs)
    kiosk.puller.poll()
    v1 = kiosk.scan().packs[0]
    anna = journal.add_person("Anna")
    run = journal.start_run(anna.id, v1.id, v1.version, v1.content_hash, len(v1.steps))
    open_runs[v1.id] = run
    for step in (1, 2, 3):
        journal.record_step(run, step, "shown")
        journal.record_step(run, step, "done")
    step_4_before = v1.file(v1.steps[3].image).read_bytes()

    _publish(pack, coach, 2)
    waiting = kiosk.puller.poll()
    assert waiting.staged == ["wash-hands"] and waiting.switched == []
    assert kiosk.shown() == {"wash-hands": 1}
    assert v1.file(v1.steps[3].image).read_bytes() == step_4_before  # step 4 is still the one she started
    line = line_for_pack_source(kiosk.packs_dir / "wash-hands", english)
    assert line == "Version 1 here, version 2 on the hub: updating when no one is using it."
    with psycopg.connect(hub_url) as conn:
        assert conn.execute(
            "SELECT version, pending_version FROM hub.pack_reports WHERE member = %s", (kiosk.role,)
        ).fetchone() == (1, 2)

    journal.record_step(run, 4, "shown")
    journal.finish_run(run)
    del open_runs[v1.id]
    assert kiosk.puller.switch_staged() == ["wash-hands"]  # what the app does when the run ends
    v2 = kiosk.scan().packs[0]
    assert v2.version == 2 and v2.content_hash != v1.content_hash
    second = journal.start_run(anna.id, v2.id, v2.version, v2.content_hash)
    runs = {r.id: (r.pack_version, r.content_hash) for r in journal.runs(anna.id)}
    assert runs == {run: (1, v1.content_hash), second: (2, v2.content_hash)}
    assert line_for_pack_source(kiosk.packs_dir / "wash-hands", english) == (
        "Version 2, the newest on the hub. Published by Li."  # asked once, with the version
    )
    journal.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tiny file system needs root")
def test_disk_full_during_unpack_keeps_the_old_version_working(hub_url, tmp_path):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    _publish(pack, coach, 1)
    with tiny_filesystem(tmp_path / "tiny", "8m") as disk:
        kiosk = new_kiosk(hub_url, disk, "Station Full")
        kiosk.puller.poll()
        assert kiosk.shown() == {"wash-hands": 1}
        _publish(pack, coach, 2, noise=True, size=(640, 480))
        with psycopg.connect(hub_url) as conn:
            size = conn.execute("SELECT max(size) FROM hub.pack_blobs").fetchone()[0]
        # room for the download but not for unpacking it as well
        filler = fill_disk(disk)
        free_up = int(size * 1.5)
        with open(filler, "r+b") as stream:
            stream.truncate(filler.stat().st_size - free_up)

        full = kiosk.puller.poll()
        assert full.reached and full.refused == ["wash-hands"] and full.switched == []
        assert kiosk.shown() == {"wash-hands": 1}  # the old version loads and is shown
        line = line_for_pack_source(kiosk.packs_dir / "wash-hands", english)
        assert line is not None and "storage is full" in line
        leftovers = [p.name for p in (kiosk.root / "fleet" / "versions").iterdir()]
        assert len(leftovers) == 1  # version 1 only: no half-unpacked folder
        assert not list((kiosk.root / "fleet" / "downloads").iterdir())

        filler.unlink()
        assert kiosk.puller.poll().switched == ["wash-hands"]  # room again: tried again by itself
        assert kiosk.shown() == {"wash-hands": 2}


def test_offline_the_kiosk_keeps_what_it_has(postgres, hub_url, tmp_path):
    coach = new_coach(hub_url)
    _publish(tmp_path / "src" / "wash-hands", coach, 1)
    kiosk = new_kiosk(hub_url, tmp_path, "Station Off")
    kiosk.puller.poll()
    kiosk.puller.hub_url = kiosk.url.replace(str(postgres.port), "1")  # nothing listens there
    kiosk.puller._close()  # noqa: SLF001 - the hub went away: the next poll must connect again
    offline = kiosk.puller.poll()
    assert not offline.reached and kiosk.shown() == {"wash-hands": 1}
    line = line_for_pack_source(kiosk.packs_dir / "wash-hands", english)
    assert line == "Version 1 here; the hub cannot be reached, so it stays."
