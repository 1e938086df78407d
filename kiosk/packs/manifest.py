"""Reading pack.yaml: from bytes a trainer typed to checked values, with a problem for each mistake.

The file is read with a safe YAML loader (never one that can build Python objects). Every value is
checked for its type here, so the rest of the loader works with clean values; a wrong value becomes
a problem naming the setting (and the step), and reading goes on so the trainer sees every mistake
at once rather than one per attempt.

A setting left empty (``cover:`` with nothing after it) counts as not given.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.problems import ProblemList
from kiosk.packs.words import Msg

# The C loader is many times faster; it reports the same line and column marks.
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MANIFEST_NAME = "pack.yaml"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 1024 * 1024
# Values in pack.yaml once its aliases ('*name') are expanded. A pack of 1,000 steps with texts in
# five languages has about 20,000; a few KB of nested aliases can stand for billions.
MAX_MANIFEST_NODES = 100_000
TOP_LEVEL_KEYS = ("format", "id", "title", "language", "kind", "version", "cover", "video_sound", "video_loop", "steps")
STEP_KEYS = ("image", "video", "video_loop", "text", "audio", "timer", "count")
KINDS = ("life-skill", "assembly", "routine", "other")
MAX_TIMER_SECONDS = 24 * 60 * 60
MAX_COUNT = 1000
MAX_ID_LENGTH = 100


@dataclass(frozen=True)
class StepSpec:
    """A step as written by the trainer (file references not yet checked against the folder)."""

    number: int
    image: str | None
    text: dict[str, str]  # language tag -> text; empty when no usable text was given
    audio: dict[str, str]  # language tag -> file reference
    timer: int | None = None
    count: int | None = None
    video: str | None = None  # a clip of the step (next to or instead of its picture)
    video_loop: bool | None = None  # play the clip again and again (None: the pack's default)


@dataclass(frozen=True)
class Manifest:
    """The settings from pack.yaml; None means "not given" (the loader fills in defaults)."""

    id: str | None = None
    title: dict[str, str] | None = None
    language: str | None = None
    kind: str | None = None
    version: int | None = None
    cover: str | None = None
    video_sound: bool | None = None  # play the clips' own sound (default: muted)
    video_loop: bool | None = None  # every step's clip plays again and again (default: once)
    steps: tuple[StepSpec, ...] | None = None
    steps_written: int = 0  # how many entries the trainer wrote under 'steps' (valid or not)


def read_manifest(data: bytes, file_name: str, default_language: str, problems: ProblemList) -> Manifest | None:
    """Parse and check pack.yaml. None when the file cannot be read at all (an error is recorded)."""
    reader = _ManifestReader(file_name, problems)
    document = reader.parse(data)
    if document is _UNREADABLE:
        return None
    return reader.check(document, default_language)


_UNREADABLE = object()


class _TooManyValues(Exception):
    """pack.yaml expands to more than MAX_MANIFEST_NODES values, or refers to itself."""

    def __init__(self, recursive: bool) -> None:
        super().__init__("recursive" if recursive else "too many values")
        self.recursive = recursive


def _load_bounded(text: str, max_nodes: int = MAX_MANIFEST_NODES) -> Any:
    """``yaml.safe_load``, but refusing documents that expand beyond ``max_nodes`` values.

    YAML aliases make a node graph, not a tree: composing and constructing share one object per
    anchor, so they stay cheap, but everything that walks the values afterwards (the checks here,
    a million warnings, the trainer screen) pays for every repeat. So the composed graph is
    measured as if every alias were written out, before anything is built from it."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:  # an alias needs its '*' mark: only then can the graph share nodes
            _check_expanded_size(node, max_nodes)
        else:
            _check_tree_size(node, max_nodes)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_tree_size(root: yaml.Node, max_nodes: int) -> None:
    """Raise _TooManyValues when a document without aliases has more than ``max_nodes`` nodes.
    Without a '*' in the text no node is shared and none refers back, so the graph is a tree and
    counting its nodes is the whole check: this lean loop costs a fraction of
    ``_check_expanded_size`` (which every pack paid before, on every first scan)."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > max_nodes:
            raise _TooManyValues(recursive=False)
        value = node.value
        if isinstance(node, yaml.MappingNode):
            for key, item in value:
                stack.append(key)
                stack.append(item)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(value)


def _check_expanded_size(root: yaml.Node, max_nodes: int) -> None:
    """Raise _TooManyValues when the tree the graph stands for has more than ``max_nodes`` nodes,
    or is infinite (a recursive anchor). Each distinct node is visited once (sizes are
    remembered, and capped at ``max_nodes + 1``), and without recursion, so a deeply nested file
    cannot exhaust the stack here either."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()  # on the path from the root: meeting one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            entered.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > max_nodes:
                raise _TooManyValues(recursive=False)
            sizes[key] = total
            continue
        if key in sizes:
            continue
        entered.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in entered:
                raise _TooManyValues(recursive=True)
            if id(child) not in sizes:
                stack.append((child, False))


def _describe(value: Any) -> str | Msg:
    """A value as a trainer would recognise it in their file (the kiosk's own words as ``Msg``)."""
    if value is None:
        return Msg("empty")
    if isinstance(value, bool):
        return f"'{'yes' if value else 'no'}'"
    if isinstance(value, (list, tuple)):
        return Msg("a list")
    if isinstance(value, dict):
        return Msg("a group of settings")
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _ManifestReader:
    def __init__(self, file_name: str, problems: ProblemList) -> None:
        self.file = file_name
        self.problems = problems

    # --- reading the text ---------------------------------------------------------------------

    def parse(self, data: bytes) -> Any:
        if len(data) > MAX_MANIFEST_BYTES:
            self.problems.error(
                Msg(
                    "{file} is far too big ({size} KB) to be a pack description.",
                    file=self.file,
                    size=len(data) // 1024,
                ),
                Msg("Check that {file} is the right file; it is normally a few lines long.", file=self.file),
                file=self.file,
            )
            return _UNREADABLE
        text = self._decode(data)
        if text is None:
            return _UNREADABLE
        try:
            return _load_bounded(text)
        except _TooManyValues as refusal:
            self._refuse_expansion(refusal)
        except yaml.MarkedYAMLError as error:
            self._report_syntax(error)
        except yaml.YAMLError as error:
            self.problems.error(
                Msg("{file} cannot be read: {error}.", file=self.file, error=str(error)),
                Msg("Open {file} in a text editor and check how it is written.", file=self.file),
                file=self.file,
            )
        except RecursionError:
            self.problems.error(
                Msg("{file} is nested too deeply to read.", file=self.file),
                Msg("Check {file}: the steps should be a simple list.", file=self.file),
                file=self.file,
            )
        return _UNREADABLE

    def _refuse_expansion(self, refusal: _TooManyValues) -> None:
        if refusal.recursive:
            message = Msg(
                "{file} refers to a part of itself from inside that part (a '*' mark inside "
                "the '&' part it names), so it never ends.",
                file=self.file,
            )
        else:
            message = Msg(
                "{file} is far too long to be a pack description: with its repeats ('*' marks) "
                "it holds more than {count} values. It is not read, because checking it could freeze the kiosk.",
                file=self.file,
                count=f"{MAX_MANIFEST_NODES:,}",
            )
        self.problems.error(
            message,
            Msg(
                "Write each step out plainly in {file}, without '&' and '*' marks. If you did not "
                "write this file yourself, do not use the pack.",
                file=self.file,
            ),
            file=self.file,
        )

    def _decode(self, data: bytes) -> str | None:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode"
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        try:
            return data.decode("utf-8-sig")  # with or without a byte-order mark
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.problems.error(
                Msg("{file} has characters that are not in UTF-8 text (line {line}).", file=self.file, line=line),
                Msg("Open {file} in a text editor and save it again as 'UTF-8'.", file=self.file),
                file=self.file,
            )
            return None

    def _report_syntax(self, error: yaml.MarkedYAMLError) -> None:
        mark = error.problem_mark or error.context_mark
        what = (error.problem or error.context or "the text cannot be understood").strip()
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
            message = Msg(
                "{file} has a writing mistake on line {line}, column {column}: {what}.",
                file=self.file,
                line=line,
                column=column,
                what=what,
            )
            hint = Msg(
                "Check line {line} of {file} (and the line before it): each setting is written "
                "'name: value', steps start with '- ', and indents use spaces, not tabs. Put text "
                "with a ':' or '#' in quotes.",
                line=line,
                file=self.file,
            )
        else:
            message = Msg("{file} has a writing mistake: {what}.", file=self.file, what=what)
            hint = Msg("Open {file} in a text editor and check how it is written.", file=self.file)
        self.problems.error(message, hint, file=self.file)

    # --- checking the values ------------------------------------------------------------------

    def check(self, document: Any, default_language: str) -> Manifest | None:
        if document is None:
            document = {}
        if not isinstance(document, dict):
            self.problems.error(
                Msg(
                    "{file} should be a list of settings like 'format: 1', but it is {value}.",
                    file=self.file,
                    value=_describe(document),
                ),
                Msg("Start {file} with the line 'format: 1', then one setting per line.", file=self.file),
                file=self.file,
            )
            return None
        if not self._format_is_readable(document):
            return None
        self._warn_unknown_keys(document, TOP_LEVEL_KEYS, step=None, where=self.file)
        language = self._language(document.get("language"))
        pack_language = language or default_language
        steps_value = document.get("steps")
        return Manifest(
            steps_written=len(steps_value) if isinstance(steps_value, list) else 0 if steps_value is None else 1,
            id=self._id(document.get("id")),
            title=self._text_by_language(document.get("title"), pack_language, "title", step=None),
            language=language,
            kind=self._kind(document.get("kind")),
            version=self._version(document.get("version")),
            cover=self._file_reference(document.get("cover"), "cover", step=None),
            video_sound=self._yes_no(document.get("video_sound"), "video_sound"),
            video_loop=self._yes_no(document.get("video_loop"), "video_loop"),
            steps=None if steps_value is None else self._steps(steps_value, pack_language),
        )

    def _format_is_readable(self, document: dict) -> bool:
        """False only when the file is written for a newer kiosk: its other settings mean
        something this kiosk does not know, so checking them would only confuse."""
        value = document.get("format")
        if value is None:
            self.problems.error(
                Msg("{file} does not say which format it is written in.", file=self.file),
                Msg("Add the line 'format: 1' at the top of {file}.", file=self.file),
                file=self.file,
            )
            return True
        if _is_whole_number(value) and value > FORMAT_VERSION:
            self.problems.error(
                Msg(
                    "{file} is written for a newer version of Step Kiosk (format {value}).", file=self.file, value=value
                ),
                Msg("Update Step Kiosk on this device, or make the pack again with this version."),
                file=self.file,
            )
            return False
        if value != FORMAT_VERSION or isinstance(value, bool):
            self.problems.error(
                Msg("The format in {file} must be 1, but it is {value}.", file=self.file, value=_describe(value)),
                Msg("Write 'format: 1'."),
                file=self.file,
            )
        return True

    def _warn_unknown_keys(self, mapping: dict, known: tuple[str, ...], step: int | None, where: str) -> None:
        for key in mapping:
            if isinstance(key, str) and key in known:
                continue
            name = str(key)
            close = difflib.get_close_matches(name.lower(), known, n=1)
            hint = (
                Msg("Did you mean '{close}'? Fix the spelling, or remove the line.", close=close[0])
                if close
                else Msg("Remove the line, or check the spelling. Known settings are: {known}.", known=", ".join(known))
            )
            message = (
                Msg("{file} has a setting the kiosk does not know: '{name}'.", file=where, name=name)
                if step is None
                else Msg("Step {step} has a setting the kiosk does not know: '{name}'.", step=step, name=name)
            )
            self.problems.warning(message, hint, file=self.file, step=step)

    def _wrong(self, setting: str | Msg, value: Any, expected: Msg, example: str, step: int | None) -> None:
        message = (
            Msg(
                "In step {step}, the {setting} must be {expected}, but it is {value}.",
                step=step,
                setting=setting,
                expected=expected,
                value=_describe(value),
            )
            if step is not None
            else Msg(
                "The {setting} must be {expected}, but it is {value}.",
                setting=setting,
                expected=expected,
                value=_describe(value),
            )
        )
        self.problems.error(
            message,
            Msg("Write it like this: {example}", example=example),
            file=self.file,
            step=step,
            kind=("wrong value", str(setting)),  # one kind per setting, not one for all wrong values
        )

    def _id(self, value: Any) -> str | None:
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else None
        if not text or len(text) > MAX_ID_LENGTH or any(c in text for c in "/\\") or not text.isprintable():
            self._wrong("id", value, Msg("a short name without slashes"), "'id: wash-hands'", None)
            return None
        return text

    def _language(self, value: Any) -> str | None:
        if value is None:
            return None
        tag = normalise_language_tag(value) if isinstance(value, str) else None
        if tag is None:
            example = "'language: \"no\"' (in quotes)" if value is False else "'language: en' (or de, zh, …)"
            self._wrong("language", value, Msg("a language code"), example, None)
        return tag

    def _kind(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str) and value.strip().lower() in KINDS:
            return value.strip().lower()
        self.problems.warning(
            Msg(
                "The kind {value} is not one the kiosk knows, so the pack is listed as 'other'.", value=_describe(value)
            ),
            Msg("Write one of: {kinds}.", kinds=", ".join(KINDS)),
            file=self.file,
        )
        return "other"

    def _version(self, value: Any) -> int | None:
        if value is None:
            return None
        if not _is_whole_number(value) or value < 0:
            self._wrong("version", value, Msg("a whole number"), "'version: 2'", None)
            return None
        return value

    def _yes_no(self, value: Any, setting: str, step: int | None = None) -> bool | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        self._wrong(setting, value, Msg("true or false"), f"'{setting}: true'", step)
        return None

    def _file_reference(self, value: Any, setting: str, step: int | None) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self._wrong(setting, value, Msg("a file name"), f"'{setting}: 01.jpg'", step)
            return None
        return value.strip()

    def _text_by_language(
        self, value: Any, pack_language: str, setting: str, step: int | None
    ) -> dict[str, str] | None:
        """A plain text (the pack's language) or a mapping language -> text."""
        if value is None:
            return None
        example = f"'{setting}: Wash your hands.' or '{setting}: {{en: Wash your hands., de: Hände waschen.}}'"
        if isinstance(value, str):
            if not value.strip():
                self._wrong(setting, value, Msg("some words"), example, step)
                return None
            return {pack_language: value.strip()}
        if not isinstance(value, dict) or not value:
            self._wrong(setting, value, Msg("words, or words for each language"), example, step)
            return None
        texts: dict[str, str] = {}
        for language, text in value.items():
            tag = normalise_language_tag(language) if isinstance(language, str) else None
            if tag is None:
                self._wrong(
                    Msg("language of the {setting}", setting=setting),
                    language,
                    Msg("a language code like en, de or zh"),
                    example,
                    step,
                )
            elif not isinstance(text, str) or not text.strip():
                self._wrong(
                    Msg("{setting} in '{language}'", setting=setting, language=tag),
                    text,
                    Msg("some words"),
                    example,
                    step,
                )
            else:
                texts[tag] = text.strip()
        return texts

    def _audio_by_language(self, value: Any, pack_language: str, step: int) -> dict[str, str]:
        if value is None:
            return {}
        example = "'audio: 01.wav' or 'audio: {en: 01-en.wav, de: 01-de.wav}'"
        if isinstance(value, str) and value.strip():
            return {pack_language: value.strip()}
        if not isinstance(value, dict) or not value:
            self._wrong("audio", value, Msg("a sound file name"), example, step)
            return {}
        files: dict[str, str] = {}
        for language, reference in value.items():
            tag = normalise_language_tag(language) if isinstance(language, str) else None
            if tag is None:
                self._wrong(
                    Msg("language of the {setting}", setting="audio"),
                    language,
                    Msg("a language code like en, de or zh"),
                    example,
                    step,
                )
            elif not isinstance(reference, str) or not reference.strip():
                self._wrong(
                    Msg("{setting} in '{language}'", setting="audio", language=tag),
                    reference,
                    Msg("a sound file name"),
                    example,
                    step,
                )
            else:
                files[tag] = reference.strip()
        return files

    def _whole_number(self, value: Any, setting: str, unit: str, maximum: int, step: int) -> int | None:
        if value is None:
            return None
        if not _is_whole_number(value) or not 1 <= value <= maximum:
            expected = (
                Msg("a whole number of seconds from 1 to {maximum}", maximum=maximum)
                if unit == "seconds"
                else Msg("a whole number of times from 1 to {maximum}", maximum=maximum)
            )
            self._wrong(setting, value, expected, f"'{setting}: 20'", step)
            return None
        return value

    def _steps(self, value: Any, pack_language: str) -> tuple[StepSpec, ...]:
        if not isinstance(value, list):
            self.problems.error(
                Msg(
                    "The steps in {file} must be a list, but they are {value}.", file=self.file, value=_describe(value)
                ),
                Msg("Write each step on its own line starting with '- image:', followed by its 'text:'."),
                file=self.file,
            )
            return ()
        return tuple(
            spec for number, item in enumerate(value, start=1) if (spec := self._step(item, number, pack_language))
        )

    def _step(self, item: Any, number: int, pack_language: str) -> StepSpec | None:
        if not isinstance(item, dict):
            self.problems.error(
                Msg(
                    "Step {step} in {file} must have an 'image:' and a 'text:', but it is {value}.",
                    step=number,
                    file=self.file,
                    value=_describe(item),
                ),
                Msg("Write the step like this: '- image: 01.jpg' and on the next line '  text: Wet your hands.'"),
                file=self.file,
                step=number,
            )
            return None
        self._warn_unknown_keys(item, STEP_KEYS, step=number, where=f"Step {number}")
        image = self._file_reference(item.get("image"), "image", number)
        video = self._file_reference(item.get("video"), "video", number)
        if item.get("image") is None and item.get("video") is None:
            self.problems.error(
                Msg("Step {step} has no picture.", step=number),
                Msg("Add a line 'image: <file name>' (or 'video: <file name>' for a clip) to the step."),
                file=self.file,
                step=number,
            )
        text = self._text_by_language(item.get("text"), pack_language, "text", number)
        if item.get("text") is None:
            self.problems.error(
                Msg("Step {step} has no text.", step=number),
                Msg("Add a line 'text: <what the worker does>' to the step."),
                file=self.file,
                step=number,
            )
        return StepSpec(
            number=number,
            image=image,
            text=text or {},
            audio=self._audio_by_language(item.get("audio"), pack_language, number),
            timer=self._whole_number(item.get("timer"), "timer", "seconds", MAX_TIMER_SECONDS, number),
            count=self._whole_number(item.get("count"), "count", "times", MAX_COUNT, number),
            video=video,
            video_loop=self._yes_no(item.get("video_loop"), "video_loop", number),
        )


def manifest_keys() -> Mapping[str, tuple[str, ...]]:
    """The settings pack.yaml knows, for documentation and the JSON Schema test."""
    return {"pack": TOP_LEVEL_KEYS, "step": STEP_KEYS}
