"""Fleet benchmark: kiosks getting a newly published pack, against a lower bound measured in the
same run, and what an unchanged kiosk costs per poll.

    .venv/bin/python bench/fleet.py [--kiosks 20] [--steps 40] [--polls 20] [--db ADMIN_URL]

Without --db it starts a private PostgreSQL like the hub tests (tests/hub/hub_testing.py) and
removes it afterwards. A coach publishes a ``--steps``-step photo pack (1280x960 JPEGs like
``kiosk pack new`` leaves them, each with a recorded voice, so no speech is rendered); then
``--kiosks`` kiosks, each with its own hub login, data folder and cache, pull it with
``FleetPuller.poll`` (download in 1 MiB chunks, sha256, unpack, the kiosk's own check of the pack
with its screen-sized pictures, the switch, the report to the hub):

* one after another, and all at once in threads;
* the lower bound: ``cp`` of the same zip into 20 folders, each followed by ``unzip -q``, run
  one after another (no network, no verification, no check of the pack: what copying by USB stick
  does at best on this machine);
* then every kiosk polls ``--polls`` more times with nothing changed: queries, bytes fetched and
  hashed per poll (must be 1, 0, 0) and its time against a bare ``SELECT 1`` on the same kind of
  connection.

Prints figures and ratios; asserts nothing (tests/fleet/ checks behaviour).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hub"))
sys.path.insert(0, str(ROOT / "tests" / "fleet"))

import psycopg  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from kiosk.fleet.download import Work  # noqa: E402
from kiosk.fleet.pull import FleetPuller, PollResult  # noqa: E402
from kiosk.fleet.publish import publish_pack  # noqa: E402
from kiosk.hub import add_member, init_hub  # noqa: E402
from private_postgres import hub_database  # noqa: E402

WORKSHOP = "Bench"


def photo_like(path: Path, seed: int) -> None:
    """A 1280x960 JPEG with the size of a resized phone photo (smooth areas and some texture)."""
    noise = Image.effect_noise((320, 240), 60 + seed % 40).convert("RGB")
    image = noise.resize((1280, 960), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1))
    tint = Image.new("RGB", image.size, ((seed * 53) % 256, (seed * 91) % 256, (seed * 17) % 256))
    Image.blend(image, tint, 0.4).save(path, "JPEG", quality=85)


def make_photo_pack(folder: Path, steps: int, version: int) -> Path:
    from fleet_testing import voice  # type: ignore[import-not-found]

    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(1, steps + 1):
        photo_like(folder / f"{number:02d}.jpg", version * 1000 + number)
        (folder / f"{number:02d}.wav").write_bytes(voice(number))
        entries.append({"image": f"{number:02d}.jpg", "text": f"Step {number}.", "audio": f"{number:02d}.wav"})
    document = {"format": 1, "id": "assemble-lamp", "title": "Assemble the lamp", "version": version, "steps": entries}
    (folder / "pack.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    return folder


def lower_bound(zip_path: Path, kiosks: int, scratch: Path) -> float:
    """``cp`` + ``unzip -q`` of the zip into ``kiosks`` folders, one after another (seconds)."""
    started = time.perf_counter()
    for number in range(kiosks):
        target = scratch / f"usb-{number}"
        target.mkdir(parents=True)
        subprocess.run(["cp", str(zip_path), str(target / "pack.zip")], check=True)
        subprocess.run(["unzip", "-q", str(target / "pack.zip"), "-d", str(target / "unpacked")], check=True)
    return time.perf_counter() - started


def new_pullers(admin_url: str, kiosks: int, scratch: Path, tag: str) -> list[FleetPuller]:
    pullers = []
    for number in range(kiosks):
        member = add_member(admin_url, f"Bench {tag} {number}", WORKSHOP)
        root = scratch / f"kiosk-{tag}-{number}"
        (root / "packs").mkdir(parents=True)
        pullers.append(FleetPuller(member.url, root, root / "packs", root / "cache"))
    return pullers


def pull_all(pullers: list[FleetPuller], threads: int) -> tuple[float, list[PollResult]]:
    started = time.perf_counter()
    if threads <= 1:
        results = [puller.poll() for puller in pullers]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda puller: puller.poll(), pullers))
    elapsed = time.perf_counter() - started
    bad = [result for result in results if result.switched != ["assemble-lamp"]]
    if bad:
        raise SystemExit(f"{len(bad)} kiosks did not get the pack: {bad[0]}")
    return elapsed, results


def phases(results: list[PollResult]) -> str:
    total = Work()
    for result in results:
        total.seconds_download += result.work.seconds_download
        total.seconds_unpack += result.work.seconds_unpack
        total.seconds_check += result.work.seconds_check
    return (
        f"download+verify {total.seconds_download:.2f} s, unpack {total.seconds_unpack:.2f} s, "
        f"check (pictures for the screen) {total.seconds_check:.2f} s"
    )


def unchanged_polls(pullers: list[FleetPuller], polls: int, kiosk_url: str) -> None:
    times, queries, fetched, hashed = [], [], [], []
    for _ in range(polls):
        for puller in pullers:
            started = time.perf_counter()
            result = puller.poll()
            times.append(time.perf_counter() - started)
            queries.append(result.work.queries)
            fetched.append(result.work.bytes_downloaded)
            hashed.append(result.work.bytes_hashed)
    with psycopg.connect(kiosk_url, autocommit=True) as conn:
        bare = []
        for _ in range(len(times)):
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            bare.append(time.perf_counter() - started)
        row = conn.execute("SELECT * FROM hub.my_packs()").fetchone()
    answer = sum(len(str(value)) for value in row or ())
    poll_ms, bare_ms = statistics.median(times) * 1000, statistics.median(bare) * 1000
    print(
        f"unchanged poll ({len(times)} polls of {len(pullers)} kiosks): median {poll_ms:.2f} ms; "
        f"queries {max(queries)} max, bytes downloaded {sum(fetched)}, bytes hashed {sum(hashed)}, "
        f"answer ~{answer} bytes of values per pack"
    )
    print(f"  lower bound: SELECT 1 on a kiosk's connection, median {bare_ms:.2f} ms; ratio {poll_ms / bare_ms:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--db", metavar="ADMIN_URL", help="an empty database (default: a private server)")
    args = parser.parse_args()
    database = ExitStack()
    url = database.enter_context(hub_database(args.db))
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-bench-fleet-"))
    try:
        init_hub(url)
        coach = add_member(url, "Bench coach", WORKSHOP, kind="coach").url
        pack = make_photo_pack(scratch / "src" / "assemble-lamp", args.steps, 1)
        started = time.perf_counter()
        published = publish_pack(pack, coach, author="bench", note="", cache_dir=scratch / "coach-cache")
        print(
            f"publish: {args.steps}-step photo pack, {published.size / 1e6:.1f} MB zip in {published.chunks} chunks, "
            f"{time.perf_counter() - started:.2f} s (build check, zip, upload)"
        )
        from kiosk.authoring.zipping import zip_pack

        zipped = zip_pack(pack, scratch / "same.zip", cache_dir=scratch / "coach-cache").path
        bound = lower_bound(zipped, args.kiosks, scratch / "usb")
        print(f"lower bound: cp + unzip of the zip into {args.kiosks} folders, one after another: {bound:.2f} s")

        sequential = new_pullers(url, args.kiosks, scratch, "seq")
        elapsed, results = pull_all(sequential, 1)
        print(
            f"{args.kiosks} kiosks pulling one after another: {elapsed:.2f} s, {elapsed / args.kiosks:.2f} s a kiosk; "
            f"ratio to the lower bound {elapsed / bound:.1f}x"
        )
        print(f"  where the time went: {phases(results)}")
        threaded = new_pullers(url, args.kiosks, scratch, "par")
        elapsed, results = pull_all(threaded, args.kiosks)
        print(
            f"{args.kiosks} kiosks pulling at once (threads, one machine with its cores shared): {elapsed:.2f} s; "
            f"ratio to the lower bound {elapsed / bound:.1f}x"
        )
        print(f"  where the time went (summed over threads): {phases(results)}")
        unchanged_polls(sequential, args.polls, sequential[0].hub_url)
        for puller in sequential + threaded:
            puller.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
