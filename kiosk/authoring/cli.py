"""`kiosk pack new | build | zip`: the three commands a coach runs to make a pack from photos.

Results and next steps go to stdout, progress and problems to stderr. Exit codes follow kiosk.cli:
0 done, 1 the input has problems (the message says what to fix), 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Mapping

from kiosk.cli import Commands, printable
from kiosk.paths import DataDir


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add new, build and zip to ``kiosk pack`` (each also takes --data, see kiosk.cli)."""
    pack = groups["pack"]

    new = pack.add_parser(
        "new",
        help="make a pack folder from a folder of photos",
        description="Make a step pack from a folder of photos. Photos named '01 Do this.jpg' give the "
        "order and the sentence; other photos are put in the order they were taken.",
    )
    new.add_argument("photos", metavar="PHOTOS_DIR", help="the folder with the step photos (it is never changed)")
    new.add_argument("--out", metavar="DIR", help="where to make the pack (default: next to the photos, NAME-pack)")
    new.add_argument("--title", help="the pack's title (default: the photo folder's name)")
    new.add_argument("--language", default="en", help="language of the sentences: en, de, zh ... (default: en)")
    new.set_defaults(handler=new_command)

    build = pack.add_parser(
        "build",
        help="make the spoken audio, prepare the pictures and check the pack",
        description="Make the spoken audio for every step that has no recording, prepare the "
        "pictures and check the pack. Running it again only redoes what changed.",
    )
    build.add_argument("pack", metavar="PACK", help="the pack folder")
    build.add_argument(
        "--rate",
        type=_words_per_minute,
        metavar="WPM",
        help="speaking speed in words per minute (80-450, kiosk.speech.voices; default: a calm speed)",
    )
    build.add_argument(
        "--voice-check",
        action="store_true",
        help="also check that every sound was made with the right voice and fits its text",
    )
    build.add_argument("--language", default="en", help="the kiosk's default language (default: en)")
    build.set_defaults(handler=build_command)

    zip_parser = pack.add_parser(
        "zip",
        help="check the pack and pack it into one .zip file for the kiosk",
        description="Check the pack and, when it has no errors, write it as one .zip file to copy to the kiosk.",
    )
    zip_parser.add_argument("pack", metavar="PACK", help="the pack folder")
    zip_parser.add_argument(
        "--out",
        metavar="FILE",
        help="the zip file to write (default: next to the pack, ID.zip); "
        "missing folders are made, a link or device there is refused",
    )
    zip_parser.add_argument("--language", default="en", help="the kiosk's default language (default: en)")
    zip_parser.set_defaults(handler=zip_command)


def _words_per_minute(value: str) -> int:
    try:
        rate = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of words per minute") from None
    from kiosk.speech.voices import MAX_RATE, MIN_RATE

    if not MIN_RATE <= rate <= MAX_RATE:
        raise argparse.ArgumentTypeError(
            f"the speaking speed must be between {MIN_RATE} and {MAX_RATE} words per minute"
        )
    return rate


# --- kiosk pack new -----------------------------------------------------------------------------


def new_command(args: argparse.Namespace) -> int:
    from kiosk.authoring.new import PackNewError, make_pack
    from kiosk.authoring.progress import Progress

    photos = Path(args.photos)
    if not photos.exists():
        _err(f'kiosk pack new: there is no folder "{photos}".')
        return 2
    progress = Progress()
    try:
        result = make_pack(
            photos, Path(args.out) if args.out else None, title=args.title, language=args.language, report=progress
        )
    except PackNewError as problem:
        progress.done()
        _err(str(problem))
        return 1
    progress.done()
    for note in result.notes:
        _err(f"Note: {note}")
    print(f'Made the pack "{printable(result.pack_id)}" with {result.steps} steps in {printable(result.folder)}')
    if result.missing_text:
        steps = ", ".join(str(number) for number in result.missing_text)
        _err(
            f"Warning: step {steps} {'has' if len(result.missing_text) == 1 else 'have'} no sentence yet, "
            "because the photo's name did not say what to do. Open pack.yaml in the pack folder and "
            "type the sentence where it says TODO."
        )
    folder = printable(result.folder)
    print(
        f'Next: check the sentences in {printable(result.folder / "pack.yaml")}, then run: kiosk pack build "{folder}"'
    )
    return 0


# --- kiosk pack build ---------------------------------------------------------------------------


def build_command(args: argparse.Namespace) -> int:
    from kiosk.authoring.build import PackNotReady, build_pack
    from kiosk.authoring.progress import Progress

    folder = Path(args.pack)
    if not folder.exists():
        _err(f'kiosk pack build: there is no folder "{folder}".')
        return 2
    cache = DataDir(getattr(args, "data", None)).cache
    progress = Progress()
    try:
        result = build_pack(
            folder,
            cache_dir=cache,
            rate=args.rate,
            report=progress,
            default_language=args.language,
            voice_check=args.voice_check,
        )
    except PackNotReady as failure:
        progress.done()
        _err(str(failure))
        _print_problems(failure.problems)
        return 1
    progress.done()
    made = len(result.rendered) + len(result.reused)
    parts = [f"{made} new sound{'s' if made != 1 else ''}"]
    if result.unchanged:
        parts.append(f"{result.unchanged} unchanged")
    if result.recorded:
        parts.append(f"{result.recorded} recorded by you")
    if result.removed:
        parts.append(f"{len(result.removed)} old removed")
    print(f"Speech: {', '.join(parts)}.")
    if result.version_raised:
        print(f"The pack's content changed, so its version is now {result.version}.")
    for failure in result.speech_failures:
        _err(f"Speech failed: {failure}")
    for finding in result.voice_report:
        _err(f"Voice check: {finding}")
    if args.voice_check and not result.voice_report:
        print(f"Voice check: all {result.unchanged + made} sounds use the right voice and fit their text.")
    _print_problems(result.problems)
    if result.pack is None:
        _err("The pack is not ready yet: fix the errors above and run `kiosk pack build` again.")
        return 1
    if result.speech_failures or result.voice_report:
        return 1
    print(f'The pack is ready. Next: kiosk pack zip "{printable(folder)}"')
    return 0


# --- kiosk pack zip -----------------------------------------------------------------------------


def zip_command(args: argparse.Namespace) -> int:
    from kiosk.atomic import check_target
    from kiosk.authoring.zipping import PackNotReady, zip_pack

    folder = Path(args.pack)
    if not folder.exists():
        _err(f'kiosk pack zip: there is no folder "{folder}".')
        return 2
    if args.out:
        check_target(args.out)  # a link or device at --out: refused before the pack is checked
    try:
        result = zip_pack(
            folder,
            Path(args.out) if args.out else None,
            cache_dir=DataDir(getattr(args, "data", None)).cache,  # pictures prepared by build
            default_language=args.language,
        )
    except PackNotReady as failure:
        _err(str(failure))
        _print_problems(failure.problems)
        return 1
    _print_problems(result.warnings)
    print(f"Wrote {printable(result.path)} ({len(result.pack.steps)} steps, {len(result.files)} files).")
    print("Next: copy this file into the kiosk's packs folder (for example with a USB stick).")
    return 0


# --- output -------------------------------------------------------------------------------------


def _print_problems(problems: list) -> None:
    for problem in problems:
        label = "Error" if str(getattr(problem, "severity", "")) == "error" else "Warning"
        _err(f"{label}: {problem}")


def _err(message: str) -> None:
    """Messages carry file names from photo folders and packs: printed with controls made visible."""
    print(printable(message, keep_newlines=True), file=sys.stderr)
