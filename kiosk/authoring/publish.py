"""Publishing a draft to this kiosk: checked, swapped in at once, the previous version kept.

Why it looks like this:
- **Checked first.** The draft is built (``kiosk.authoring.build``: generated speech for every
  step and language without the coach's recording) and the published copy is read by the real
  loader (``kiosk.packs.load_pack``). A draft with errors is refused with the problems; workers
  never see it.
- **Versions side by side.** Each publication is a folder of its own,
  ``<data>/authoring/published/<pack id>/<n>/``, holding only the files the pack uses. The
  library holds a symbolic link ``<packs folder>/<pack id>`` to the current one. Publishing swaps
  that link in one ``rename`` (a new link made beside it replaces the old): a scan sees the old
  version or the new one, never none and never a mix.
- **A worker finishes what they started.** A run holds its pack pinned to the version folder it
  started on (``pinned``: the link resolved once, at the start of the run), and old version folders
  are kept: the current one, ``KEEP_VERSIONS`` before it (so **Restore** can put the previous one
  back, by the same swap) and any folder a run still uses (``keep``).

Symbolic links need a POSIX system (Linux tablets, Raspberry Pi); the loader follows a link
for the pack folder itself and still refuses links inside a pack that point out of it.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kiosk.atomic import sync_folder, write_bytes  # the one way a new name is made durable
from kiosk.authoring.build import build_pack
from kiosk.authoring.draft import AUTHORING_FOLDER, Draft
from kiosk.packs import Pack, Problem, Severity, load_pack
from kiosk.packs.manifest import MANIFEST_NAME
from kiosk.packs.words import Msg

PUBLISHED_FOLDER = "published"
KEEP_VERSIONS = 2  # versions kept before the current one (Restore goes back one at a time)


class PublishRefused(Exception):
    """The draft cannot be published; ``words`` says why and what to do (``Msg``: shown in the
    kiosk's language), ``problems`` lists the pack's errors in the kiosk's own words."""

    def __init__(self, words: Msg, problems: Iterable[Problem] = ()) -> None:
        super().__init__(str(words))
        self.words = words
        self.problems = list(problems)


@dataclass
class Published:
    pack: Pack
    folder: Path  # the version folder the library's link now names
    version_number: int
    speech_failures: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # usable, but worth a look (long sentences ...)


class Publisher:
    """Publishes drafts into one packs folder (``library``) of this kiosk."""

    def __init__(self, data_root: Path, library: Path, cache_dir: Path, default_language: str = "en") -> None:
        self.store = Path(data_root) / AUTHORING_FOLDER / PUBLISHED_FOLDER
        self.library = Path(library)
        self.cache_dir = Path(cache_dir)
        self.default_language = default_language

    # -- looking --------------------------------------------------------------------------------

    def is_ours(self, pack_id: str) -> bool:
        """True when the library's pack of this id is one this kiosk published (a link into the store)."""
        return self._current(pack_id) is not None

    def versions(self, pack_id: str) -> list[int]:
        folder = self.store / pack_id
        if not folder.is_dir():
            return []
        return sorted(int(entry.name) for entry in folder.iterdir() if entry.name.isdigit() and entry.is_dir())

    def current(self, pack_id: str) -> int | None:
        current = self._current(pack_id)
        return int(current.name) if current is not None else None

    def previous(self, pack_id: str) -> int | None:
        """The version Restore would put back (the newest one before the current)."""
        current = self.current(pack_id)
        older = [n for n in self.versions(pack_id) if current is not None and n < current]
        return older[-1] if older else None

    # -- doing ----------------------------------------------------------------------------------

    def publish(self, draft: Draft, *, speech: Any = None, keep: Iterable[Path] = ()) -> Published:
        """Build and check ``draft``, copy it into a new version folder and swap the library's
        link to it. Raises PublishRefused (nothing changed for workers) when it is not ready."""
        if not draft.steps:
            raise PublishRefused(Msg("The task has no steps yet. Add a photo first."))
        missing = [n for n, _ in enumerate(draft.steps, start=1) if not draft.text(n - 1, draft.language)]
        if missing:
            numbers = ", ".join(str(n) for n in missing)
            raise PublishRefused(Msg("Please write the sentence of step {numbers}.", numbers=numbers))
        target = self.library / draft.pack_id
        if os.path.lexists(target) and not self.is_ours(draft.pack_id):
            raise PublishRefused(
                Msg(
                    "There is already a pack called {name} in the packs folder. Make a new task with another name.",
                    name=draft.pack_id,
                )
            )
        built = build_pack(
            draft.folder, cache_dir=self.cache_dir, worker=speech, default_language=self.default_language
        )
        errors = [p for p in built.problems if p.severity is Severity.ERROR]
        if built.pack is None or errors:
            raise PublishRefused(Msg("The task has problems. Fix them, then publish again."), errors or built.problems)
        number = max(self.versions(draft.pack_id), default=0) + 1
        folder = self._copy_version(built.pack, number)
        pack, problems = load_pack(folder, self.cache_dir, self.default_language)
        if pack is None:
            shutil.rmtree(folder, ignore_errors=True)
            raise PublishRefused(Msg("The task has problems. Fix them, then publish again."), problems)
        self._point(draft.pack_id, folder)
        self._prune(draft.pack_id, keep)
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        return Published(pack, folder, number, list(built.speech_failures), warnings)

    def restore_previous(self, pack_id: str) -> int:
        """Put the version before the current one back; returns its number."""
        previous = self.previous(pack_id)
        if previous is None:
            raise PublishRefused(Msg("There is no earlier version of this task to go back to."))
        self._point(pack_id, self.store / pack_id / str(previous))
        return previous

    # -- inside ---------------------------------------------------------------------------------

    def _current(self, pack_id: str) -> Path | None:
        link = self.library / pack_id
        if not link.is_symlink():
            return None
        target = Path(os.path.realpath(link))
        store = Path(os.path.realpath(self.store / pack_id))
        return target if target.parent == store and target.name.isdigit() and target.is_dir() else None

    def _copy_version(self, pack: Pack, number: int) -> Path:
        """Only the files the pack uses, whole, into a hidden folder renamed into place."""
        home = self.store / pack.id
        home.mkdir(parents=True, exist_ok=True)
        partial = home / f".{number}.{uuid.uuid4().hex[:8]}.partial"
        partial.mkdir()
        used = {MANIFEST_NAME, *(ref for step in pack.steps for ref in _step_files(step))}
        if pack.cover:
            used.add(pack.cover)
        try:
            for relative in sorted(used):
                write_bytes(partial / relative, pack.file(relative).read_bytes())
            final = home / str(number)
            os.rename(partial, final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return final

    def _point(self, pack_id: str, folder: Path) -> None:
        """Swap the library's link to ``folder`` in one rename."""
        self.library.mkdir(parents=True, exist_ok=True)
        link = self.library / f".{pack_id}.{uuid.uuid4().hex[:8]}.link"
        os.symlink(os.path.abspath(folder), link, target_is_directory=True)
        try:
            os.replace(link, self.library / pack_id)
        except BaseException:
            link.unlink(missing_ok=True)
            raise
        sync_folder(self.library)

    def _prune(self, pack_id: str, keep: Iterable[Path]) -> None:
        """Remove old versions: all but the current, KEEP_VERSIONS before it and those in use."""
        current = self.current(pack_id)
        numbers = self.versions(pack_id)
        kept = {os.path.realpath(path) for path in keep}
        older = [n for n in numbers if current is not None and n < current]
        for number in older[: max(0, len(older) - KEEP_VERSIONS)]:
            folder = self.store / pack_id / str(number)
            if os.path.realpath(folder) not in kept:
                shutil.rmtree(folder, ignore_errors=True)


def pinned(pack: Any) -> Any:
    """The pack with its folder resolved when the library names it through a link (a published
    task): a run started on it keeps reading the version it started on, whatever is published
    meanwhile. Any other pack is returned as it is."""
    root = getattr(pack, "root", None)
    if root is None or not os.path.islink(root):
        return pack
    return dataclasses.replace(pack, root=Path(os.path.realpath(root)))


def fleet_publisher() -> Any:
    """``kiosk.fleet.publish.publish_pack`` (publish to every kiosk of the workshop through the
    hub) when this kiosk has it, else None. Called with the published version folder, which is
    built already (``build=False``): the kiosk's one speech engine is not asked twice."""
    try:
        module = importlib.import_module("kiosk.fleet.publish")
    except ImportError:
        return None
    return getattr(module, "publish_pack", None)


def _step_files(step: Any) -> list[str]:
    files = [step.image, *step.audio.values()]
    if step.video:
        files.append(step.video)
    return [f for f in files if f]
