"""`kiosk pack build`: give every step a voice, prepare the pictures, and check the pack.

For every step and language that has a text but no recording, kiosk.speech renders the text to
``audio/<language>/NN.wav`` and pack.yaml gets the matching ``audio:`` entry, so the kiosk never
has to synthesise speech while a worker waits. The ``audio/`` folder belongs to the build: a file
there named like ``audio/en/03.wav`` is taken as generated (and replaced when its text changes);
recordings a coach made live anywhere else and are never touched.

The build is incremental (see buildstate.py): a second run with nothing changed renders nothing
and writes nothing. When the pack's content changed since the last build (pictures, texts,
recordings, settings), its version is raised by one, so the journal can tell runs of the old
content from runs of the new; a version the coach changed by hand is left as it is.

pack.yaml is rewritten only when something in it changes. Its settings survive, including ones the
kiosk does not know, but comments other than the TODO markers are lost (docs/authoring.md says so).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from kiosk.atomic import write_bytes
from kiosk.audio_check import plays, wav_duration
from kiosk.authoring.buildstate import BuildState, SpeechEntry, load_state, save_state, speech_key
from kiosk.authoring.errors import PackNotReady
from kiosk.authoring.packyaml import read_pack_document, render_pack_yaml, write_pack_yaml
from kiosk.packs import Pack, Problem, Severity, images, load_pack
from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.manifest import MANIFEST_NAME, Manifest, StepSpec, read_manifest
from kiosk.packs.pack_files import reference_key
from kiosk.packs.problems import ProblemList
from kiosk.speech import SpeechError, SpeechWorker, calm_rate, voice_for_language
from kiosk.speech.voices import clamp_rate

Report = Callable[[int, int, str], None]  # (step number, steps in all, what is being made)

AUDIO_FOLDER = "audio"
_GENERATED = re.compile(r"^audio/[^/]+/\d+\.wav$", re.IGNORECASE)


@dataclass
class BuildResult:
    folder: Path
    pack: Pack | None = None  # the checked pack (None when it still has errors)
    problems: list[Problem] = field(default_factory=list)  # from kiosk.packs.load_pack
    rendered: list[tuple[int, str]] = field(default_factory=list)  # (step, language) spoken anew
    reused: list[tuple[int, str]] = field(default_factory=list)  # sounds that only moved step
    unchanged: int = 0  # generated sounds that were already up to date
    recorded: int = 0  # step texts with the coach's own recording (nothing to do)
    removed: list[str] = field(default_factory=list)  # generated files no longer needed
    speech_failures: list[str] = field(default_factory=list)  # plain-words reasons
    missing_text: list[int] = field(default_factory=list)  # steps without any sentence
    voices: dict[str, str] = field(default_factory=dict)  # language -> voice id
    version: int | None = None
    version_raised: bool = False
    wrote_pack_yaml: bool = False
    voice_report: list[str] = field(default_factory=list)  # --voice-check findings
    video: Any = None  # kiosk.authoring.video.VideoBuild: clips converted, posters made


@dataclass(frozen=True)
class _Speech:
    step: int
    language: str
    text: str
    file: str
    entry: SpeechEntry


def is_generated_audio(reference: str) -> bool:
    """True for a reference into the build's own ``audio/<language>/NN.wav`` files."""
    key = reference_key(reference)
    return key is not None and bool(_GENERATED.match(key))


def build_pack(
    folder: Path,
    *,
    cache_dir: Path,
    rate: int | None = None,
    worker: SpeechWorker | None = None,
    report: Report | None = None,
    default_language: str = "en",
    voice_check: bool = False,
) -> BuildResult:
    """Build the pack in ``folder`` (see the module docstring). Raises PackNotReady when the
    pack cannot even be read; a pack with other problems is built as far as possible and its
    problems are in the result."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PackNotReady(f'"{folder}" is not a pack folder. Give the folder made by `kiosk pack new`.')
    result = BuildResult(folder)
    document, had_yaml = _read_document(folder, cache_dir, default_language)
    original = copy.deepcopy(document)

    # --- video (kiosk/authoring/video.py): convert phone clips to the kiosk's format, make the
    # posters; incremental through PACK/.video-build.json. Changes `document` in place,
    # before it is checked, so the speech and the fingerprint below see the converted clips.
    from kiosk.authoring.video import build_videos  # noqa: PLC0415 - PyAV only when building

    result.video = build_videos(folder, document, report=report)

    manifest = _checked(document, folder, default_language)
    pack_language = manifest.language or normalise_language_tag(default_language) or "en"
    specs = manifest.steps or ()
    raw_steps = document.get("steps") if isinstance(document.get("steps"), list) else []
    result.missing_text = [spec.number for spec in specs if not spec.text]

    state = load_state(folder)
    kept, planned, result.recorded = _plan_speech(folder, specs, state, rate, len(specs))
    result.unchanged = len(kept)
    result.voices = {lang: voice_for_language(lang) for lang in sorted({s.language for s in [*kept, *planned]})}
    done = _render(folder, planned, state, rate, worker, report, len(specs), result)
    result.removed = _remove_stale(folder, state, {item.entry.file for item in [*kept, *done]})
    _set_audio_fields(raw_steps, specs, [*kept, *done], pack_language)

    new_state = BuildState({BuildState.slot(i.step, i.language): i.entry for i in [*kept, *done]})
    new_state.content = _fingerprint(folder, document, specs)
    if state.content is not None and state.content != new_state.content and document.get("version") == state.version:
        current = document.get("version")
        document["version"] = (current if isinstance(current, int) and not isinstance(current, bool) else 1) + 1
        result.version_raised = True
    new_state.version = document.get("version") if isinstance(document.get("version"), int) else None
    result.version = new_state.version

    if document != original or not had_yaml:
        write_pack_yaml(folder, render_pack_yaml(document, language=pack_language))
        result.wrote_pack_yaml = True
    if new_state.to_json() != state.to_json():
        save_state(folder, new_state)

    _prepare_pictures(folder, document, specs, cache_dir, report)
    result.pack, result.problems = load_pack(folder, cache_dir, default_language)
    if voice_check:
        result.voice_report = check_voices(folder, [*kept, *done], worker)
    return result


# --- reading --------------------------------------------------------------------------------


def _read_document(folder: Path, cache_dir: Path, default_language: str) -> tuple[dict, bool]:
    """pack.yaml's raw data; for a folder of numbered photos without one, the data of a new one."""
    try:
        document = read_pack_document(folder)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        document = _UNREADABLE
    if isinstance(document, dict):
        return document, True
    if document is None and (folder / "pack.yml").is_file():
        raise PackNotReady('This pack describes itself in "pack.yml". Rename the file to "pack.yaml" and build again.')
    pack, problems = load_pack(folder, cache_dir, default_language)
    if document is None and pack is not None:
        return _document_from_pack(pack), False
    raise PackNotReady("The pack has problems that must be fixed before it can be built.", problems)


_UNREADABLE = object()


def _document_from_pack(pack: Pack) -> dict:
    """pack.yaml data for a pack that had none (a folder of numbered photos)."""
    document: dict[str, Any] = {
        "format": 1,
        "id": pack.id,
        "title": dict(pack.title) or {pack.language: pack.id},
        "language": pack.language,
        "kind": pack.kind,
        "version": pack.version,
    }
    if pack.cover:
        document["cover"] = pack.cover
    steps = []
    for step in pack.steps:
        item: dict[str, Any] = {"image": step.image, "text": dict(step.text)}
        if step.audio:
            item["audio"] = dict(step.audio)
        if step.video:  # a clip-only step's image is its clip; kiosk.authoring.video makes a poster
            item["video"] = step.video
        steps.append(item)
    document["steps"] = steps
    return document


def _checked(document: dict, folder: Path, default_language: str) -> Manifest:
    """The meaning of the document as kiosk.packs reads it (language tags, texts, audio)."""
    problems = ProblemList(folder.name)
    text = render_pack_yaml(document).encode("utf-8")
    manifest = read_manifest(text, MANIFEST_NAME, default_language, problems)
    if manifest is None:
        raise PackNotReady("pack.yaml cannot be read.", problems.labelled(folder.name))
    return manifest


# --- speech ---------------------------------------------------------------------------------


def _effective_rate(rate: int | None, language: str) -> int:
    """The words per minute kiosk.speech will use (its calm default when none is given)."""
    return clamp_rate(rate if rate is not None else calm_rate(language))


def _plan_speech(
    folder: Path, specs: tuple[StepSpec, ...], state: BuildState, rate: int | None, steps: int
) -> tuple[list[_Speech], list[_Speech], int]:
    """Which generated sounds are up to date (kept) and which must be made (planned)."""
    width = max(2, len(str(steps)))
    kept: list[_Speech] = []
    planned: list[_Speech] = []
    recorded = 0
    for spec in specs:
        for language, text in spec.text.items():
            current = spec.audio.get(language)
            if current is not None and not is_generated_audio(current):
                recorded += 1
                continue
            voice = voice_for_language(language)
            speed = _effective_rate(rate, language)
            file = f"{AUDIO_FOLDER}/{language}/{spec.number:0{width}d}.wav"
            entry = SpeechEntry(speech_key(text, voice, speed), file, voice, speed)
            item = _Speech(spec.number, language, text, file, entry)
            previous = state.speech.get(BuildState.slot(spec.number, language))
            up_to_date = (
                current is not None
                and reference_key(current) == file
                and previous == entry
                and plays(folder / file)  # kiosk.audio_check: a WAV cut short still has a header
            )
            (kept if up_to_date else planned).append(item)
    return kept, planned, recorded


def _render(
    folder: Path,
    planned: list[_Speech],
    state: BuildState,
    rate: int | None,
    worker: SpeechWorker | None,
    report: Report | None,
    steps: int,
    result: BuildResult,
) -> list[_Speech]:
    """Make the planned sounds: copy one that only moved, else have kiosk.speech render it."""
    if not planned:
        return []
    # Read reusable sounds before writing anything: a moved step's old file may be overwritten.
    by_key = {entry.key: entry.file for entry in state.speech.values()}
    reusable: dict[str, bytes] = {}
    for item in planned:
        old = by_key.get(item.entry.key)
        if old is not None and item.entry.key not in reusable and plays(folder / old):
            reusable[item.entry.key] = (folder / old).read_bytes()
    own_worker = worker is None and any(item.entry.key not in reusable for item in planned)
    speaker = SpeechWorker() if own_worker else worker
    done: list[_Speech] = []
    try:
        for item in planned:
            if report:
                report(item.step, steps, f"speech ({item.language})")
            target = folder / item.file
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.entry.key in reusable:
                _write_atomically(target, reusable[item.entry.key])
                result.reused.append((item.step, item.language))
            else:
                try:
                    assert speaker is not None
                    speaker.render(item.text, item.language, target, rate)
                except SpeechError as error:
                    result.speech_failures.append(f"Step {item.step} ({item.language}): {error}")
                    continue
                result.rendered.append((item.step, item.language))
            done.append(item)
    finally:
        if own_worker and speaker is not None:
            speaker.close()
    return done


def _remove_stale(folder: Path, state: BuildState, keep: set[str]) -> list[str]:
    """Delete generated sounds of steps or languages that are gone."""
    removed = []
    for entry in state.speech.values():
        if entry.file in keep or not is_generated_audio(entry.file):
            continue
        path = folder / entry.file
        if path.is_file():
            path.unlink()
            removed.append(entry.file)
    audio = folder / AUDIO_FOLDER
    if audio.is_dir():
        for language_folder in audio.iterdir():
            if language_folder.is_dir() and not any(language_folder.iterdir()):
                language_folder.rmdir()
        if not any(audio.iterdir()):
            audio.rmdir()
    return sorted(set(removed))


def _set_audio_fields(raw_steps: list, specs: tuple[StepSpec, ...], speech: list[_Speech], pack_language: str) -> None:
    """Point each step's ``audio:`` at its generated sounds; recordings stay as they are."""
    generated: dict[int, dict[str, str]] = {}
    for item in speech:
        generated.setdefault(item.step, {})[item.language] = item.file
    for spec in specs:
        raw = raw_steps[spec.number - 1] if spec.number - 1 < len(raw_steps) else None
        if not isinstance(raw, dict):
            continue
        existing = raw.get("audio")
        if isinstance(existing, str):
            as_map: dict[Any, Any] = {pack_language: existing}
        elif isinstance(existing, Mapping):
            as_map = dict(existing)
        else:
            as_map = {}
        wanted = {lang: ref for lang, ref in as_map.items() if not (isinstance(ref, str) and is_generated_audio(ref))}
        wanted.update(generated.get(spec.number, {}))
        if wanted == as_map:
            continue
        if wanted:
            raw["audio"] = wanted
        else:
            raw.pop("audio", None)


def _write_atomically(target: Path, data: bytes) -> None:
    write_bytes(target, data)


# --- content and pictures -------------------------------------------------------------------


def _fingerprint(folder: Path, document: dict, specs: tuple[StepSpec, ...]) -> str:
    """A hash of what a worker sees and hears, apart from generated speech and the version."""

    def file_hash(reference: str | None) -> str | None:
        key = reference_key(reference) if reference else None
        if key is None:
            return None
        try:
            return hashlib.sha256((folder / key).read_bytes()).hexdigest()
        except OSError:
            return f"missing:{key}"

    settings = {key: value for key, value in document.items() if key not in ("version", "steps")}
    steps = [
        {
            "image": file_hash(spec.image),
            "text": spec.text,
            "timer": spec.timer,
            "count": spec.count,
            "recordings": {
                lang: file_hash(ref) for lang, ref in sorted(spec.audio.items()) if not is_generated_audio(ref)
            },
        }
        for spec in specs
    ]
    cover = document.get("cover")
    payload = {"settings": settings, "cover": file_hash(cover) if isinstance(cover, str) else None, "steps": steps}
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def _prepare_pictures(
    folder: Path, document: dict, specs: tuple[StepSpec, ...], cache_dir: Path, report: Report | None
) -> None:
    """Have kiosk.packs prepare the display copies now (with progress), so the check that
    follows, and the kiosk on this computer, find them ready."""
    cover = document.get("cover") if isinstance(document.get("cover"), str) else None
    jobs: list[tuple[int, str, bool]] = [
        (spec.number, spec.image, cover is None and spec.number == 1) for spec in specs if spec.image
    ]
    if cover:
        jobs.append((len(specs), cover, True))
    for number, reference, tile in jobs:
        key = reference_key(reference)
        path = folder / key if key else None
        if path is None or not path.is_file():
            continue  # the check reports it
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if images.find_prepared(cache_dir, digest, tile) is not None:
            continue  # ready from an earlier build
        if report:
            report(number, len(specs), "picture" if not (tile and reference == cover) else "cover picture")
        try:
            images.prepare_image(data, digest, cache_dir, with_thumbnail=tile)
        except images.ImageRefused:
            continue  # the check reports it in plain words


# --- voice check ----------------------------------------------------------------------------


def plausible_seconds(text: str) -> tuple[float, float]:
    """A generous range for how long speaking ``text`` takes (for catching silent or garbled audio)."""
    letters = sum(1 for ch in text if ch.isalnum())
    return (max(0.3, 0.02 * letters), 2.0 + 0.5 * letters)


def check_voices(folder: Path, speech: list[_Speech], worker: SpeechWorker | None) -> list[str]:
    """Listen-free checks of the generated sounds: the right voice is installed, and every file
    is a readable WAV whose length fits its text."""
    findings: list[str] = []
    languages = sorted({item.language for item in speech})
    installed: dict[str, str] = {}
    checker = worker or SpeechWorker()
    try:
        for language in languages:
            installed[language] = checker.voice_for_language(language)
    finally:
        if worker is None:
            checker.close()
    for language in languages:
        wanted = voice_for_language(language)
        if installed[language] != wanted:
            findings.append(
                f"Language {language}: the voice {wanted} is not installed on this computer, so "
                f"{installed[language]} was used. Install espeak-ng's voices and build again."
            )
    for item in sorted(speech, key=lambda s: (s.step, s.language)):
        path = folder / item.file
        try:
            seconds = wav_duration(path)
        except (OSError, EOFError, wave.Error):
            findings.append(f"Step {item.step} ({item.language}): {item.file} is not a playable sound file.")
            continue
        low, high = plausible_seconds(item.text)
        if not low <= seconds <= high:
            findings.append(
                f"Step {item.step} ({item.language}): the sound lasts {seconds:.1f} s, which does not fit "
                f"its text; listen to {item.file}."
            )
    return findings


def problems_summary(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(problem.severity is Severity.ERROR for problem in problems)
    return errors, len(problems) - errors
