"""A task being made or changed on the kiosk: a draft pack folder in the kiosk's data folder.

Why a draft: a coach edits on the tablet, between other work, and may be interrupted at any tap
(the battery runs out, the kiosk is restarted, the process is killed). Workers must never see a
half-made task, and the coach must never lose what they did. So every edit goes to a draft, an
ordinary pack folder under ``<data>/authoring/drafts/<pack id>/`` that only the editor reads;
workers see a task only when it is published (``kiosk.authoring.publish``).

How an edit stays safe: files are written first, whole or not at all (``kiosk.atomic``: a
temporary file in the same folder, fsync, rename), and pack.yaml, the one file that says what the
task is, is replaced last, the same way. A kill at any moment leaves the previous pack.yaml or the
new one, never a mix; at worst a picture that nothing uses yet, which publishing leaves out.

Files get names of their own (``photos/<token>.jpg``, ``voice/<language>/<token>.wav``), not step
numbers, so moving a step renames nothing, and a deleted step's files stay until the draft is
published or discarded: Undo can always put the step back.

The draft's pack.yaml is written by ``kiosk.authoring.packyaml`` and built by
``kiosk.authoring.build`` like any pack made with ``kiosk pack new``: one format, one checker.
"""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from kiosk.atomic import write_bytes
from kiosk.authoring.build import is_generated_audio
from kiosk.authoring.normalise import PhotoUnreadable, normalise_photo
from kiosk.authoring.packyaml import read_pack_document, render_pack_yaml, write_pack_yaml
from kiosk.packs.loader import slugify
from kiosk.packs.manifest import MANIFEST_NAME, MAX_COUNT, MAX_TIMER_SECONDS
from kiosk.packs.words import Msg, as_msg

AUTHORING_FOLDER = "authoring"
DRAFTS_FOLDER = "drafts"
PHOTOS = "photos"
VOICE = "voice"
HEADER = ("A task made on the kiosk (trainer mode). It is published from here.",)


class DraftError(Exception):
    """Something the coach asked cannot be done; ``words`` says why and what to do (in the
    kiosk's language when shown, ``kiosk.packs.words.Msg``)."""

    def __init__(self, words: Msg | str) -> None:
        self.words = as_msg(words)
        super().__init__(str(self.words))


@dataclass(frozen=True)
class RemovedStep:
    """A deleted step and where it was: what Undo puts back."""

    index: int
    step: dict[str, Any]


def unique_id(wanted: str, taken: Iterable[str]) -> str:
    """``wanted`` as a pack id, with -2, -3 ... when a pack or draft already has it."""
    base = slugify(wanted)
    used = set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class Draft:
    """One draft pack folder and its pack.yaml as data. Every change is saved at once."""

    def __init__(self, folder: Path, document: dict[str, Any]) -> None:
        self.folder = folder
        self.document = document

    # -- reading --------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> "Draft":
        try:
            document = read_pack_document(folder)
        except (yaml.YAMLError, UnicodeDecodeError, OSError) as error:
            raise DraftError(f"The draft in {folder.name} cannot be read ({error}).") from error
        if not isinstance(document, dict):
            raise DraftError(f"The draft in {folder.name} has no pack.yaml.")
        if not isinstance(document.get("steps"), list):
            document["steps"] = []
        return cls(folder, document)

    @property
    def pack_id(self) -> str:
        return str(self.document.get("id") or self.folder.name)

    @property
    def language(self) -> str:
        return str(self.document.get("language") or "en")

    @property
    def steps(self) -> list[dict[str, Any]]:
        steps = self.document["steps"]
        assert isinstance(steps, list)
        return steps

    def title(self, language: str | None = None) -> str:
        titles = _as_map(self.document.get("title"), self.language)
        return titles.get(language or self.language) or titles.get(self.language) or next(iter(titles.values()), "")

    def text(self, index: int, language: str) -> str:
        return _as_map(self.steps[index].get("text"), self.language).get(language, "")

    def picture(self, index: int) -> Path | None:
        image = self.steps[index].get("image")
        return self.folder / image if isinstance(image, str) else None

    def recording(self, index: int, language: str) -> Path | None:
        """The coach's own recording of a step in ``language`` (never generated speech)."""
        audio = _as_map(self.steps[index].get("audio"), self.language).get(language)
        if not audio or is_generated_audio(audio):
            return None
        path = self.folder / audio
        return path if path.is_file() else None

    def cover(self) -> Path | None:
        cover = self.document.get("cover")
        return self.folder / cover if isinstance(cover, str) else None

    def timer(self, index: int) -> int | None:
        value = self.steps[index].get("timer")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def count(self, index: int) -> int | None:
        value = self.steps[index].get("count")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    # -- changing -------------------------------------------------------------------------------

    def set_title(self, language: str, title: str) -> None:
        titles = _as_map(self.document.get("title"), self.language)
        if title.strip():
            titles[language] = title.strip()
        else:
            titles.pop(language, None)
        self.document["title"] = titles or {self.language: self.pack_id}
        self.save()

    def add_photo(self, source: Path, at: int | None = None) -> int:
        """A new step with the photo at ``source``; returns the new step's index."""
        return self.add_step(self.import_photo(source), at)

    def import_photo(self, source: Path) -> str:
        """Copy a photo into the draft (upright, screen-sized, no location data; the original is
        only read) and return its name in the draft. Changes no step, so it may run on a worker
        thread while the editor shows the draft."""
        name = f"{PHOTOS}/{uuid.uuid4().hex[:12]}.jpg"
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.part")  # hidden: never part of the pack
        try:
            normalise_photo(Path(source), part)
            write_bytes(target, part.read_bytes())
        except PhotoUnreadable as error:
            raise DraftError(
                Msg("The photo {name} cannot be used. Choose another photo.", name=Path(source).name)
            ) from error
        finally:
            part.unlink(missing_ok=True)
        return name

    def add_step(self, image: str, at: int | None = None) -> int:
        """A new step showing ``image`` (a name from ``import_photo``) at ``at`` (default: last)."""
        index = len(self.steps) if at is None else max(0, min(at, len(self.steps)))
        self.steps.insert(index, {"image": image, "text": {}})
        if not self.document.get("cover"):
            self.document["cover"] = image  # the first picture is the task's picture until one is chosen
        self.save()
        return index

    def move(self, index: int, by: int) -> int:
        """Move a step ``by`` places (-1 up, +1 down); returns where it is now."""
        target = max(0, min(len(self.steps) - 1, index + by))
        if target != index:
            self.steps.insert(target, self.steps.pop(index))
            self.save()
        return target

    def remove(self, index: int) -> RemovedStep:
        """Delete a step; its files stay so that ``restore`` can put it back."""
        removed = RemovedStep(index, self.steps.pop(index))
        self.save()
        return removed

    def restore(self, removed: RemovedStep) -> int:
        index = max(0, min(removed.index, len(self.steps)))
        self.steps.insert(index, removed.step)
        self.save()
        return index

    def set_text(self, index: int, language: str, text: str) -> bool:
        """Change a step's sentence. A recording of the sentence before no longer says what the
        worker reads: it is taken off the step (the kiosk's voice reads the new sentence until the
        coach records again), and True says so, for the screen to tell the coach."""
        texts = _as_map(self.steps[index].get("text"), self.language)
        text = " ".join(text.split())
        changed = texts.get(language, "") != text
        if text:
            texts[language] = text
        else:
            texts.pop(language, None)
        self.steps[index]["text"] = texts
        outdated = changed and self.recording(index, language) is not None
        if outdated:
            self.clear_recording(index, language)  # saves
        else:
            self.save()
        return outdated

    def set_timer(self, index: int, seconds: int | None) -> None:
        """A countdown of ``seconds`` for the step (None: none). A step has a timer or a count."""
        step = self.steps[index]
        if seconds is None:
            step.pop("timer", None)
        else:
            step["timer"] = max(1, min(MAX_TIMER_SECONDS, int(seconds)))
            step.pop("count", None)
        self.save()

    def set_count(self, index: int, count: int | None) -> None:
        """ "Do this ``count`` times" for the step (None: no tally)."""
        step = self.steps[index]
        if count is None:
            step.pop("count", None)
        else:
            step["count"] = max(1, min(MAX_COUNT, int(count)))
            step.pop("timer", None)
        self.save()

    def set_cover(self, index: int) -> None:
        """The task's picture (its tile) is the picture of step ``index``."""
        image = self.steps[index].get("image")
        if isinstance(image, str):
            self.document["cover"] = image
            self.save()

    def set_recording(self, index: int, language: str, wav: bytes) -> Path:
        """Keep ``wav`` as the coach's voice for the step in ``language`` (replaces the previous
        one in the step; the old file stays for Undo and is left out when publishing)."""
        name = f"{VOICE}/{language}/{uuid.uuid4().hex[:12]}.wav"
        write_bytes(self.folder / name, wav)
        step = self.steps[index]
        audio = {
            lang: ref
            for lang, ref in _as_map(step.get("audio"), self.language).items()
            if not is_generated_audio(ref)  # the build makes those again where needed
        }
        audio[language] = name
        step["audio"] = audio
        self.save()
        return self.folder / name

    def clear_recording(self, index: int, language: str) -> None:
        step = self.steps[index]
        audio = _as_map(step.get("audio"), self.language)
        audio.pop(language, None)
        if audio:
            step["audio"] = audio
        else:
            step.pop("audio", None)
        self.save()

    def save(self) -> None:
        """pack.yaml, replaced whole (kiosk.atomic): the draft is this file plus the files it names."""
        write_pack_yaml(self.folder, render_pack_yaml(self.document, header=HEADER, language=self.language))


class DraftStore:
    """The drafts of one kiosk, in ``<data>/authoring/drafts``."""

    def __init__(self, data_root: Path) -> None:
        self.root = Path(data_root) / AUTHORING_FOLDER
        self.drafts = self.root / DRAFTS_FOLDER

    def list(self) -> list[Draft]:
        if not self.drafts.is_dir():
            return []
        found = []
        for folder in sorted(self.drafts.iterdir()):
            if folder.name.startswith(".") or not (folder / MANIFEST_NAME).is_file():
                continue
            try:
                found.append(Draft.open(folder))
            except DraftError:
                continue
        return found

    def ids(self) -> set[str]:
        return {draft.pack_id for draft in self.list()}

    def get(self, pack_id: str) -> Draft | None:
        folder = self.drafts / pack_id
        return Draft.open(folder) if (folder / MANIFEST_NAME).is_file() else None

    def create(self, title: str, language: str, taken: Iterable[str] = ()) -> Draft:
        """A new, empty task named ``title`` (its id unique among ``taken`` and the drafts)."""
        title = " ".join(title.split())
        if not title:
            raise DraftError(Msg("Please type a name for the task."))
        pack_id = unique_id(title, {*taken, *self.ids()})
        document: dict[str, Any] = {
            "format": 1,
            "id": pack_id,
            "title": {language: title},
            "language": language,
            "kind": "other",
            "version": 1,
            "steps": [],
        }
        return self._make(pack_id, document, {})

    def from_pack(self, pack: Any, taken: Iterable[str] = (), *, keep_id: bool) -> Draft:
        """A draft copy of a loaded pack (``Change this task``). ``keep_id``: the same task (one
        this kiosk published); otherwise a new task beside the original, which stays as it is.
        A draft already open for the pack is returned as it is: no edit is lost."""
        if keep_id:
            existing = self.get(pack.id)
            if existing is not None:
                return existing
        pack_id = pack.id if keep_id else unique_id(pack.id, {*taken, *self.ids()})
        files: dict[str, Path] = {}
        steps = []
        for step in pack.steps:
            item: dict[str, Any] = {}
            if step.video:
                item["video"] = step.video
                files[step.video] = pack.file(step.video)
            if step.image and step.image != step.video:
                item["image"] = step.image
                files[step.image] = pack.file(step.image)
            item["text"] = dict(step.text)
            audio = {lang: ref for lang, ref in step.audio.items() if not is_generated_audio(ref)}
            if audio:
                item["audio"] = audio
                files.update({ref: pack.file(ref) for ref in audio.values()})
            if step.timer:
                item["timer"] = step.timer
            if step.count:
                item["count"] = step.count
            steps.append(item)
        document: dict[str, Any] = {
            "format": 1,
            "id": pack_id,
            "title": dict(pack.title) or {pack.language: pack.id},
            "language": pack.language,
            "kind": pack.kind,
            "version": pack.version if keep_id else 1,
        }
        if pack.cover:
            document["cover"] = pack.cover
            files[pack.cover] = pack.file(pack.cover)
        if getattr(pack, "video_sound", False):
            document["video_sound"] = True
        document["steps"] = steps
        return self._make(pack_id, document, files)

    def discard(self, draft: Draft) -> None:
        """Throw a draft away (after publishing, or when the coach says so)."""
        trash = draft.folder.with_name(f".{draft.folder.name}.{uuid.uuid4().hex[:8]}.gone")
        os.replace(draft.folder, trash)  # gone from the list at once; the files after
        shutil.rmtree(trash, ignore_errors=True)

    def _make(self, pack_id: str, document: dict[str, Any], files: Mapping[str, Path]) -> Draft:
        """Assemble the draft in a hidden folder and rename it into place: a draft is whole or absent."""
        self.drafts.mkdir(parents=True, exist_ok=True)
        partial = self.drafts / f".{pack_id}.{uuid.uuid4().hex[:8]}.partial"
        partial.mkdir()
        try:
            for relative, source in files.items():
                write_bytes(partial / relative, Path(source).read_bytes())
            draft = Draft(partial, copy.deepcopy(document))
            draft.save()
            target = self.drafts / pack_id
            os.rename(partial, target)  # refuses to replace a draft that is there (never lost)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        draft.folder = target
        return draft


def _as_map(value: Any, language: str) -> dict[str, str]:
    """A text or audio field as language -> value (a plain value is in the pack's language)."""
    if isinstance(value, str):
        return {language: value} if value else {}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str) and v}
    return {}
