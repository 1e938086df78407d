"""``kiosk pack validate``: check packs on a computer before copying them to a kiosk (and ``kiosk
pack publish``, registered here, whose work is in kiosk/fleet/publish.py).

Each PATH may be a pack (a folder with pack.yaml or numbered photos, or a .zip) or a folder of
packs (then each of its sub-folders and zips is checked). Exit code 0 when no pack has errors,
1 when any has, 2 when a PATH does not exist.

File names and messages come from the packs, so they are printed with control characters made
visible (kiosk.cli's ``printable``): a file named with a terminal escape sequence must not clear or
rewrite the trainer's screen. ``--json`` needs nothing of the kind, as JSON escapes them itself.

``--words de`` (or zh) prints the problems as a German (Chinese) kiosk shows them to its trainer;
English is the default, for scripts and for reports sent to the developers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Mapping, TextIO

from kiosk.cli import Commands, printable
from kiosk.i18n import LANGUAGES, translator
from kiosk.packs import images
from kiosk.packs.library import Loaded, pack_sources, without_duplicate_ids
from kiosk.packs.loader import MANIFEST_NAMES, load_pack
from kiosk.packs.model import Problem, Severity
from kiosk.packs.pack_files import is_ignored_name
from kiosk.packs.photo_folder import has_numbered_photos


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add ``validate`` to ``kiosk pack``."""
    parser = groups["pack"].add_parser(
        "validate",
        help="check packs and list what is wrong with them",
        description="Check step packs (folders or .zip files, or folders of packs) and list their problems.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a pack folder, a pack .zip, or a folder of packs")
    parser.add_argument("--json", action="store_true", help="print the results as JSON (for scripts)")
    parser.add_argument(
        "--cache", metavar="DIR", help="keep unpacked zips and prepared pictures here (default: a temporary folder)"
    )
    parser.add_argument("--language", default="en", help="the kiosk's default language (default: en)")
    parser.add_argument(
        "--words",
        default="en",
        choices=LANGUAGES,
        help="the language of the problems' words, as a trainer's kiosk shows them (default: en)",
    )
    parser.set_defaults(handler=validate_command)
    register_publish(groups)


def register_publish(groups: Mapping[str, Commands]) -> None:
    """Add ``publish`` to ``kiosk pack`` (the work is in kiosk/fleet/publish.py)."""
    parser = groups["pack"].add_parser(
        "publish",
        help="send a checked pack to the workshop hub, for every kiosk of the workshop",
        description="Build the pack's speech if needed, check it (errors refuse it, warnings are shown), "
        "and store it on the workshop hub; every kiosk of the workshop gets this version at its next poll "
        "(docs/fleet.md). Use a coach's connection string (`kiosk hub add-coach`).",
    )
    parser.add_argument("pack", metavar="PACK", help="the pack folder")
    parser.add_argument("--hub", metavar="URL", help="the hub's connection string (default: $KIOSK_HUB_URL)")
    parser.add_argument("--author", default="", help="who made this version (default: the coach's name on the hub)")
    parser.add_argument("--note", default="", help="what changed, for the other coaches (`kiosk hub packs --versions`)")
    parser.add_argument("--workshop", help="the workshop (only with the administrator's connection string)")
    parser.add_argument("--language", default="en", help="the kiosk's default language (default: en)")
    parser.set_defaults(handler=publish_command)


def publish_command(args: argparse.Namespace) -> int:
    from kiosk.authoring.errors import PackNotReady
    from kiosk.cli import problem
    from kiosk.fleet.publish import publish_pack
    from kiosk.hub.errors import HubError
    from kiosk.paths import DataDir

    folder = Path(args.pack)
    if not folder.is_dir():
        return problem(f'There is no pack folder "{folder}".', "Give the folder made by `kiosk pack new`.", 2)
    url = args.hub or os.environ.get("KIOSK_HUB_URL", "").strip()
    if not url:
        return problem("No hub was given.", "Give its connection string with --hub URL, or set KIOSK_HUB_URL.", 2)
    try:
        result = publish_pack(
            folder,
            url,
            author=args.author,
            note=args.note,
            workshop=args.workshop,
            cache_dir=DataDir(getattr(args, "data", None)).cache,
            default_language=args.language,
        )
    except PackNotReady as refused:
        for found in refused.problems:
            print(f"  {_problem_line(found)}", file=sys.stderr)
        return problem(str(refused), "Fix the errors listed above, then publish again.")
    except HubError as error:
        return problem(error.message, error.hint)
    for warning in result.warnings:
        print(f"  {_problem_line(warning)}", file=sys.stderr)
    if result.speech_made:
        print(f"Speech made for {result.speech_made} steps.")
    title = f"{printable(result.pack_id)} version {result.version} ({printable(result.title)})"
    if not result.uploaded and not result.republished:
        print(f"{title} was already on the hub for {printable(result.workshop)}; nothing was sent.")
    else:
        again = " again" if result.republished else ""
        print(
            f"Published {title}{again} for {printable(result.workshop)}: {result.size / 1e6:.1f} MB in "
            f"{result.chunks} chunks, sha256 {result.sha256[:12]}. Kiosks get it at their next poll; "
            "see `kiosk hub packs`."
        )
    return 0


def validate_command(args: argparse.Namespace) -> int:
    paths = [Path(path) for path in args.paths]
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        for path in missing:
            print(f"kiosk pack validate: {printable(path)}: no such file or folder", file=sys.stderr)
        return 2
    sources = [source for path in paths for source in packs_in(path)]
    if args.cache:
        results = validate(sources, Path(args.cache), args.language)
    else:
        # No display copies in a folder thrown away afterwards: pictures are checked by decoding
        # them at a reduced size (kiosk.packs.images, Copies.NEVER), a fraction of the work.
        with tempfile.TemporaryDirectory(prefix="kiosk-validate-") as cache, images.copies(images.Copies.NEVER):
            results = validate(sources, Path(cache), args.language)
    gettext = None if args.words == "en" else translator(args.words)
    if args.json:
        sys.stdout.write(json_text([result_as_json(loaded, gettext) for loaded in results]) + "\n")
    else:
        print_results(results, sys.stdout, gettext)
    return 1 if any(loaded.pack is None for loaded in results) else 0


def packs_in(path: Path) -> list[Path]:
    """``path`` itself when it is a pack, else the packs inside it (a folder of packs). A folder
    with neither is checked as a pack, so that the trainer learns why it is not one."""
    if not path.is_dir() or looks_like_a_pack(path):
        return [path]
    return pack_sources(path) or [path]


def looks_like_a_pack(folder: Path) -> bool:
    try:
        names = [name for name in os.listdir(folder) if not is_ignored_name(name)]
    except OSError:
        return True
    lower = {name.lower() for name in names}
    return any(name in lower for name in MANIFEST_NAMES) or has_numbered_photos(names)


def validate(sources: list[Path], cache_dir: Path, language: str) -> list[Loaded]:
    results = []
    seen: set[Path] = set()
    for source in sources:
        if source.absolute() in seen:
            continue
        seen.add(source.absolute())
        pack, problems = load_pack(source, cache_dir, language)
        results.append(Loaded(source, pack, tuple(problems)))
    return without_duplicate_ids(results)


def json_text(value: object) -> str:
    """``value`` as JSON, readable for people (Chinese stays Chinese) and always valid UTF-8.

    A file name that is not valid UTF-8 arrives as lone surrogates (``os.fsdecode``); those cannot
    be written as UTF-8 (a crash, or invalid bytes in the output), so they are written as JSON's
    own ``\\udcff`` escapes, which a JSON reader turns back into exactly the same name.
    """
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace").decode("utf-8")


def result_as_json(loaded: Loaded, gettext: Callable[[str], str] | None = None) -> dict:
    """One pack's result; message and hint in the language of ``gettext`` (English without)."""
    return {
        "pack": loaded.label,
        "path": str(loaded.source),
        "ok": loaded.pack is not None,
        "problems": [
            dict(
                zip(
                    ("severity", "file", "step", "message", "hint"),
                    (problem.severity.value, problem.file, problem.step, *problem.in_words(gettext)),
                )
            )
            for problem in loaded.problems
        ],
    }


def print_results(results: list[Loaded], out: TextIO, gettext: Callable[[str], str] | None = None) -> None:
    for loaded in results:
        out.write(f"{printable(loaded.label)} ({printable(loaded.source)}): {_verdict(loaded)}\n")
        for problem in loaded.problems:
            out.write(f"  {_problem_line(problem, gettext)}\n")
    broken = sum(loaded.pack is None for loaded in results)
    warned = sum(loaded.pack is not None and bool(loaded.problems) for loaded in results)
    ok = len(results) - broken - warned
    out.write(f"\n{_count(len(results), 'pack')} checked: {ok} OK, {warned} with warnings, {broken} broken.\n")


def _verdict(loaded: Loaded) -> str:
    errors = sum(problem.severity is Severity.ERROR for problem in loaded.problems)
    warnings = len(loaded.problems) - errors
    if loaded.pack is None:
        detail = ", ".join(
            part for part in (_count(errors, "error"), _count(warnings, "warning") if warnings else "") if part
        )
        return f"BROKEN ({detail})"
    if warnings:
        return f"OK with {_count(warnings, 'warning')}"
    return "OK"


def _problem_line(problem: Problem, gettext: Callable[[str], str] | None = None) -> str:
    label = "ERROR  " if problem.severity is Severity.ERROR else "warning"
    step = None
    if problem.step is not None:
        step = (gettext or str)("step {number}").format(number=problem.step)
    where = ", ".join(part for part in (problem.file, step) if part)
    prefix = f"{printable(where)}: " if where else ""
    message, hint = problem.in_words(gettext)
    return f"{label} {prefix}{printable(message)} — {printable(hint)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
