"""Channels with the real hub: kiosks follow the latest published version; a coach pins a kiosk or
a group, holds one back, unpins, withdraws a version (kiosks fall back to the one before, and a
withdrawn version never reaches a worker); ``kiosk hub packs`` says what each kiosk runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet_testing import Kiosk, make_pack, new_coach, new_kiosk
from kiosk.cli import main
from kiosk.fleet.channels import ALL_KIOSKS, fleet_overview, hold, pin, unpin, withdraw
from kiosk.fleet.publish import publish_pack
from kiosk.hub import HubError


def _publish(pack: Path, coach: str, version: int) -> None:
    make_pack(pack, version=version, seed=version)
    publish_pack(pack, coach, author="Li", note=f"v{version}", build=False)


def _pull(*kiosks: Kiosk) -> list[dict[str, int]]:
    seen = []
    for kiosk in kiosks:
        kiosk.puller.poll()
        seen.append(kiosk.shown())
    return seen


def test_pin_hold_withdraw_and_fall_back(hub_url, tmp_path, capsys):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    a, b, c = (new_kiosk(hub_url, tmp_path, name) for name in ("Station A", "Station B", "Station C"))
    _publish(pack, coach, 1)
    _publish(pack, coach, 2)
    assert _pull(a, b, c) == [{"wash-hands": 2}] * 3  # the latest published

    # a group of two pinned to version 1; C follows the latest
    assert pin(coach, "wash-hands", 1, [a.name, b.name]) == [a.name, b.name]
    _publish(pack, coach, 3)
    assert _pull(a, b, c) == [{"wash-hands": 1}, {"wash-hands": 1}, {"wash-hands": 3}]

    # B unpinned follows the latest again; C held back at what it runs (3)
    assert unpin(coach, "wash-hands", [b.name]) == 1
    assert hold(coach, "wash-hands", [c.name]) == [(c.name, 3)]
    _publish(pack, coach, 4)
    assert _pull(a, b, c) == [{"wash-hands": 1}, {"wash-hands": 4}, {"wash-hands": 3}]
    lines = {row.kiosk: row for row in fleet_overview(coach)}
    assert (lines[a.name].reason, lines[a.name].should_version, lines[a.name].runs_version) == ("pinned", 1, 1)
    assert (lines[c.name].reason, lines[c.name].should_version) == ("held", 3)
    assert "held back" in lines[c.name].describe() and "runs 3" in lines[c.name].describe()

    # withdrawing 4: B falls back to 3; withdrawing 3: C (held at 3) falls back to 2, B too
    assert withdraw(coach, "wash-hands", 4) == 3
    assert _pull(a, b, c) == [{"wash-hands": 1}, {"wash-hands": 3}, {"wash-hands": 3}]
    assert withdraw(coach, "wash-hands", 3) == 2
    assert _pull(a, b, c) == [{"wash-hands": 1}, {"wash-hands": 2}, {"wash-hands": 2}]
    assert {row.kiosk: row.reason for row in fleet_overview(coach)}[c.name] == "fallback"

    # withdrawing the only version at or below A's pin takes the pack off A: never a withdrawn one
    assert withdraw(coach, "wash-hands", 1) is None
    assert _pull(a, b) == [{}, {"wash-hands": 2}]
    assert not (a.packs_dir / "wash-hands").exists()

    # every kiosk of the workshop pinned to 2, A's own rule still wins for A
    pin(coach, "wash-hands", 2, [ALL_KIOSKS])
    assert main(["hub", "packs", "--db", coach]) == 0
    out = capsys.readouterr().out
    assert f"{b.name} (Ningbo 1):" in out and "wash-hands: runs 2, should run 2 (pinned)" in out
    assert "should run none (every version withdrawn)" in out  # A: pinned to 1, withdrawn
    south = new_kiosk(hub_url, tmp_path, "South 1", workshop="South")
    assert main(["hub", "packs", "--db", coach]) == 0
    assert south.name not in capsys.readouterr().out  # a coach sees their workshop
    assert main(["hub", "packs", "--db", hub_url]) == 0  # the administrator sees every workshop
    everything = capsys.readouterr().out
    assert f"{south.name} (South):\n  no packs from the hub yet" in everything and b.name in everything


def test_a_withdrawn_version_is_not_shown_even_when_it_was_half_way_in(hub_url, tmp_path):
    coach = new_coach(hub_url)
    pack = tmp_path / "src" / "wash-hands"
    kiosk = new_kiosk(hub_url, tmp_path, "Station W")
    _publish(pack, coach, 1)
    _pull(kiosk)
    _publish(pack, coach, 2)
    withdraw(coach, "wash-hands", 2)  # withdrawn before this kiosk polled
    result = kiosk.puller.poll()
    assert result.work.bytes_downloaded == 0 and kiosk.shown() == {"wash-hands": 1}


def test_clear_errors_for_coaches(hub_url, tmp_path, capsys):
    coach = new_coach(hub_url)
    kiosk = new_kiosk(hub_url, tmp_path, "Station E")
    with pytest.raises(HubError, match="no pack 'nope'"):
        pin(coach, "nope", 1, [kiosk.name])
    _publish(tmp_path / "src" / "wash-hands", coach, 1)
    with pytest.raises(HubError, match="no version 7") as missing:
        pin(coach, "wash-hands", 7, [kiosk.name])
    assert "Published versions: 1" in missing.value.hint
    with pytest.raises(HubError, match="no kiosk called 'Station Z'"):
        pin(coach, "wash-hands", 1, ["Station Z"])
    with pytest.raises(HubError, match="has not said yet"):
        hold(coach, "wash-hands", [kiosk.name])
    with pytest.raises(HubError, match="cannot change what the kiosks run"):
        pin(kiosk.url, "wash-hands", 1, [kiosk.name])
    withdraw(coach, "wash-hands", 1)
    with pytest.raises(HubError, match="was withdrawn"):
        pin(coach, "wash-hands", 1, [kiosk.name])

    assert main(["hub", "packs", "pin", "wash-hands", "1", "--db", coach]) == 1
    assert "No kiosk was named" in capsys.readouterr().err
    assert main(["hub", "packs", "--db", coach, "withdraw", "wash-hands", "9"]) == 1
    assert "no version 9" in capsys.readouterr().err
    assert main(["hub", "packs", "--versions", "--db", coach]) == 0
    listed = capsys.readouterr().out
    assert "wash-hands version 1" in listed and "(withdrawn)" in listed


def test_publish_command_line(hub_url, tmp_path, capsys):
    coach = new_coach(hub_url)
    pack = make_pack(tmp_path / "src" / "tidy-up", "tidy-up", version=5)
    args = ["pack", "publish", str(pack), "--hub", coach, "--note", "first", "--data", str(tmp_path / "d")]
    assert main(args) == 0
    assert "Published tidy-up version 5" in capsys.readouterr().out
    assert main(args) == 0
    assert "already on the hub" in capsys.readouterr().out
    (pack / "01.jpg").unlink()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "01.jpg" in err and "not published" in err
    assert main(["pack", "publish", str(tmp_path / "none"), "--hub", coach]) == 2
