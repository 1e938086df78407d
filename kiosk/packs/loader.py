"""``load_pack``: from a folder or .zip a trainer copied in, to a checked Pack — or to a list of
plain-words problems. It never raises: a pack that cannot be used is reported, never a crash.

The order of work:
1. find the pack's files (a zip is first unpacked safely into the cache),
2. read pack.yaml if there is one, else treat the folder as numbered photos,
3. check every file the pack refers to (inside the pack, present, right kind),
4. decode every picture once and prepare its screen-sized copy; probe every video (PyAV, bounded)
   and prepare the poster of a step that has only a video,
5. warn about files nothing uses, and fingerprint the content for the journal.
Problems are collected all the way through, so a trainer sees everything to fix at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from kiosk.packs import easy_read, images, photo_folder, read_ahead, safe_zip, storage, video
from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.manifest import KINDS, MANIFEST_NAME, Manifest, StepSpec, read_manifest
from kiosk.packs.model import FrozenMap, Pack, Problem, Severity, Step
from kiosk.packs.pack_files import FolderListing, Found, PackFile, PackFiles
from kiosk.packs.problems import ProblemList
from kiosk.packs.words import Msg
from kiosk.packs.references import References
from kiosk.packs.safe_zip import ZipLimits

log = logging.getLogger(__name__)

DEFAULT_KIND = "other"
DEFAULT_VERSION = 1
MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024  # a phone photo is 2-12 MB
MANIFEST_NAMES = ("pack.yaml", "pack.yml")


@dataclass(frozen=True)
class LoadOptions:
    """Limits a caller may tighten (tests do, to make small examples of big things)."""

    max_image_pixels: int | None = None  # None: Pillow's Image.MAX_IMAGE_PIXELS
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    max_image_file_bytes: int = MAX_IMAGE_FILE_BYTES


def load_pack(
    source: Path,
    cache_dir: Path,
    default_language: str = "en",
    *,
    options: LoadOptions | None = None,
    listed: FolderListing | None = None,
) -> tuple[Pack | None, list[Problem]]:
    """Load one pack. Returns (pack, problems): a Pack and its warnings, or None and the problems
    (at least one error). Unexpected failures become an error problem too, never an exception;
    a failure to write the cache is put in words that blame the device, not the pack.
    ``listed``: a folder source's files as just listed by the caller (the library's scan lists
    every folder for its fingerprint anyway), so they are not listed and stat'ed twice."""
    source = Path(source).absolute()  # Pack.file() promises absolute paths
    cache_dir = Path(cache_dir).absolute()
    problems = ProblemList(source.name)
    reader = _PackReader(source, cache_dir, default_language, options or LoadOptions(), problems)
    reader.listed = listed
    try:
        pack = reader.read()
    except OSError as error:  # a device fault met somewhere unexpected: still say it is one
        log.exception("storage failure loading pack %s", source)
        message, hint = storage.storage_words(error, Msg("this pack could not be read"))
        problems.error(message, hint)
        pack = None
    except Exception as error:  # the promise: one broken pack never stops the kiosk
        log.exception("unexpected failure loading pack %s", source)
        problems.error(
            Msg(
                "Something unexpected went wrong while reading this pack ({error}).",
                error=f"{type(error).__name__}: {error}",
            ),
            Msg(
                "Check that the pack's files can be opened on a computer. If this keeps happening, "
                "send the pack to the Step Kiosk developers."
            ),
        )
        pack = None
    labelled = problems.labelled(reader.label)
    if pack is None or problems.has_errors:
        return None, labelled
    warnings = tuple(problem for problem in labelled if problem.severity is Severity.WARNING)
    return replace(pack, problems=warnings), labelled


_SLUG_DROP = re.compile(r"[^\w.-]+")
_SLUG_DASHES = re.compile(r"-{2,}")


def slugify(name: str) -> str:
    """A pack id from a folder or zip name: lower case, spaces as dashes, letters of any script
    kept (so a Chinese folder name still gives a readable id)."""
    text = unicodedata.normalize("NFC", name).strip().lower().replace(" ", "-").replace("_", "-")
    text = _SLUG_DASHES.sub("-", _SLUG_DROP.sub("-", text)).strip("-.")
    if text:
        return text
    return "pack-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@dataclass
class _UsedFile:
    """A file the pack uses, with what is needed to hash it."""

    file: PackFile
    digest: str | None = None


class _PackReader:
    """Reads one pack, recording problems as it goes (used once, by ``load_pack``)."""

    references: References  # set once the pack's files are known

    def __init__(
        self, source: Path, cache_dir: Path, default_language: str, options: LoadOptions, problems: ProblemList
    ):
        self.source = source
        self.cache_dir = cache_dir
        self.default_language = normalise_language_tag(default_language) or "en"
        self.options = options
        self.problems = problems
        self.label = source.name
        self.files: PackFiles | None = None
        self.listed: FolderListing | None = None  # the folder's listing, when the caller made one
        self.texts_file: str | None = None  # where step texts were written (pack.yaml), if anywhere
        self.used: dict[str, _UsedFile] = {}
        self.step_pictures: dict[int, PackFile] = {}
        self.step_videos: dict[int, PackFile] = {}  # clips that passed the probe
        self.video_sound = False
        self.video_loop = False  # pack.yaml's default for steps that do not say
        self.video_sounds: dict[str, Path] = {}
        self.display_images: dict[str, Path] = {}
        self.thumbnail: Path | None = None
        self.storage_trouble = False
        self.summarised: set[str] = set()  # unused files already reported together (photo_folder)
        self._ahead: read_ahead.ReadAhead | None = None  # the pictures being read ahead, if any

    @property
    def name(self) -> str:
        """The name the trainer gave the pack: the folder's, or the zip's without ".zip"."""
        return self.source.stem if self._is_zip else self.source.name

    @property
    def _is_zip(self) -> bool:
        return self.source.suffix.lower() == ".zip"

    # --- 1. where the files are ---------------------------------------------------------------

    def read(self) -> Pack | None:
        root = self._find_root()
        if root is None:
            return None
        listed = self.listed if root == self.source else None  # a zip's files are listed in the cache
        files = self.files = PackFiles(root, listed)
        manifest_file = self._find_manifest(files)
        self.references = References(files, self.problems, manifest_file.key if manifest_file else MANIFEST_NAME)
        manifest = Manifest()
        if manifest_file is not None:
            data = self._read(manifest_file, step=None)
            if data is None:
                return None
            read = read_manifest(data, manifest_file.key, self.default_language, self.problems)
            if read is None:
                return None  # nothing more can be checked without knowing the steps
            manifest = read
            self._use(manifest_file).digest = hashlib.sha256(data).hexdigest()  # read once, not again
        self.video_sound = bool(manifest.video_sound)
        self.video_loop = bool(manifest.video_loop)
        pack_id = manifest.id or slugify(self.name)
        self.label = pack_id
        language = manifest.language or self.default_language
        specs = manifest.steps
        photos_only = False  # a folder of camera photos: one problem says so (``photo_folder``)
        if specs is None:
            specs = photo_folder.steps_from_photos(files, language, self.problems)
            photos_only = self._photos_without_numbers(files, has_steps=bool(specs))
        else:
            self.texts_file = manifest_file.key if manifest_file is not None else None
        if not specs and not manifest.steps_written and not photos_only:  # wrongly written: reported
            self._no_steps(listed_in_manifest=manifest.steps is not None)
        steps = tuple(step for spec in specs if (step := self._step(spec)) is not None)
        cover = self._cover(manifest)
        if not self._prepare_pictures(steps, cover):
            cover = None  # reported; the first step's picture is the tile
        self._warn_unused()
        if self.problems.has_errors:
            return None
        return Pack(
            id=pack_id,
            title=FrozenMap(manifest.title or {language: photo_folder.title_from_name(self.name)}),
            language=language,
            kind=manifest.kind if manifest.kind in KINDS else DEFAULT_KIND,
            version=manifest.version if manifest.version is not None else DEFAULT_VERSION,
            cover=cover.relative if cover is not None else None,
            steps=steps,
            root=root,
            source=self.source,
            content_hash=self._content_hash(),
            display_images=FrozenMap(self.display_images),
            thumbnail_image=self.thumbnail,
            video_sound=self.video_sound,
            video_loop=self.video_loop,
            video_sounds=FrozenMap(self.video_sounds),
        )

    def _find_root(self) -> Path | None:
        if self.source.is_dir():
            return self.source
        if not self.source.exists():
            self.problems.error(
                Msg("The pack {name} cannot be found.", name=self.source.name),
                Msg("Check that the pack was copied completely, then look again."),
            )
            return None
        if not self.source.is_file() or not self._is_zip:
            self.problems.error(
                Msg("{name} is not a pack: a pack is a folder or a .zip file.", name=self.source.name),
                Msg("Put the pack's photos into a folder (or a .zip of that folder), and copy that."),
            )
            return None
        return safe_zip.unpack(self.source, self.cache_dir / "zips", self.options.zip_limits, self.problems)

    def _find_manifest(self, files: PackFiles) -> PackFile | None:
        for name in MANIFEST_NAMES:
            lookup = files.lookup(name)
            if lookup.found is Found.EXACT and lookup.file is not None:
                if name != MANIFEST_NAME:
                    self.problems.warning(
                        Msg(
                            "The pack description is called {name}; it is read, but its usual name is pack.yaml.",
                            name=lookup.file.key,
                        ),
                        Msg("Rename {name} to pack.yaml.", name=lookup.file.key),
                        file=lookup.file.key,
                    )
                return lookup.file
            if lookup.found is Found.IGNORING_CASE and lookup.file is not None:
                self.problems.warning(
                    Msg("The pack description is called {name}, not pack.yaml (small letters).", name=lookup.file.key),
                    Msg("Rename {name} to pack.yaml.", name=lookup.file.key),
                    file=lookup.file.key,
                )
                return lookup.file
        return None

    def _photos_without_numbers(self, files: PackFiles, *, has_steps: bool) -> bool:
        """Photos without a step number in a folder without pack.yaml are reported together, once
        (they are summarised, not listed as unused one by one). True when they are all there is:
        a folder of camera photos, which the Packs screen can make a task of."""
        photos = photo_folder.unnumbered_photos(files)
        if not photos:
            return False
        self.summarised.update(photo.key for photo in photos)
        if has_steps:
            photo_folder.report_unnumbered(photos, self.problems)
            return False
        photo_folder.report_photo_folder(photos, self.problems, can_make_task=not self._is_zip)
        return True

    def _no_steps(self, listed_in_manifest: bool) -> None:
        if listed_in_manifest:
            self.problems.error(
                Msg("This pack has no steps: the list of steps in pack.yaml is empty."),
                Msg("Add at least one step to pack.yaml, with an 'image:' and a 'text:'."),
                file=MANIFEST_NAME,
            )
        elif self.files is not None and not self.files.files:
            self.problems.error(
                Msg("This pack has no steps: its folder is empty."),
                Msg("Copy the pack's photos into the folder, or check that you chose the right folder."),
            )
        else:
            self.problems.error(
                Msg("This pack has no steps: there are no numbered pictures in it."),
                Msg(
                    "Name the photos with numbers in the order of the steps, like '01 Wet your hands.jpg', "
                    "or list the steps in pack.yaml."
                ),
            )

    # --- 3. every file the pack refers to -----------------------------------------------------

    def _use(self, pack_file: PackFile) -> _UsedFile:
        return self.used.setdefault(pack_file.key, _UsedFile(pack_file))

    def _step(self, spec: StepSpec) -> Step | None:
        image = self.references.picture(spec.image, spec.number) if spec.image is not None else None
        if image is not None:
            self._use(image)
            self.step_pictures[spec.number] = image
        clip = self._video(spec, has_picture=image is not None) if spec.video is not None else None
        audio: dict[str, str] = {}
        for language, reference in spec.audio.items():
            recording = self.references.recording(reference, spec.number)
            if recording is not None:
                self._use(recording)
                audio[language] = recording.relative
        for language, text in spec.text.items():
            reason = easy_read.too_long(text)
            if reason:
                self.problems.warning(
                    Msg(
                        "The text of step {step} ({language}) is long for easy reading: {reason}. "
                        "Easy-read guidance suggests at most {words} words and {sentences} short sentences.",
                        step=spec.number,
                        language=language,
                        reason=easy_read.reason_words(reason),
                        words=easy_read.MAX_WORDS,
                        sentences=easy_read.MAX_SENTENCES,
                    ),
                    Msg("Shorten the text, or split the step into two steps."),
                    file=self.texts_file or spec.image,
                    step=spec.number,
                )
        if image is None and clip is None:
            return None
        return Step(
            number=spec.number,
            image=image.relative if image is not None else clip.relative,  # type: ignore[union-attr]
            text=dict(spec.text),
            audio=audio,
            timer=spec.timer,
            count=spec.count,
            video=clip.relative if clip is not None else None,
            video_loop=clip is not None and (self.video_loop if spec.video_loop is None else spec.video_loop),
        )

    def _video(self, spec: StepSpec, *, has_picture: bool) -> PackFile | None:
        """The step's clip when it plays on the kiosk (``kiosk.packs.video``); else a problem:
        an error when it was to be the step's picture, a warning beside a picture (the step
        still shows the picture)."""
        assert spec.video is not None
        found = self.references.video(spec.video, spec.number, has_picture=has_picture)
        if found is None or found.outside:
            return None
        used = self._use(found)
        path = self.files.path_of(found) if self.files is not None else Path(found.relative)
        _info, trouble = video.probe_video(path)
        if trouble is not None:
            report = self.problems.warning if has_picture else self.problems.error
            report(
                Msg(
                    "The video {name} for step {number} {what}, so the step shows its picture instead.",
                    name=found.key,
                    number=spec.number,
                    what=trouble.what,
                )
                if has_picture
                else Msg(
                    "The video {name} for step {number} {what}.", name=found.key, number=spec.number, what=trouble.what
                ),
                trouble.hint,
                file=found.key,
                step=spec.number,
                kind=("video refused", trouble.kind),
            )
            return None
        if used.digest is None:
            used.digest = _file_digest(path)
        self.step_videos[spec.number] = found
        return found

    def _cover(self, manifest: Manifest) -> PackFile | None:
        assert self.files is not None
        if manifest.cover is None:
            cover = photo_folder.find_cover(self.files)
        else:
            cover = self.references.cover(manifest.cover)
        if cover is not None:
            self._use(cover)
        return cover

    # --- 4. pictures --------------------------------------------------------------------------

    def _prepare_pictures(self, steps: tuple[Step, ...], cover: PackFile | None) -> bool:
        """Decode every picture once: a damaged or absurd picture is found now, not when a worker
        reaches its step, and the screen-sized copies are ready before the pack is shown.
        False when there is a cover and it cannot be used."""
        planned = self._pictures_in_order(steps, cover)
        threads = read_ahead.threads_for(sum(pack_file.size for pack_file in planned))
        if threads:
            assert self.files is not None
            with read_ahead.ReadAhead(str(self.files.root), planned, threads) as self._ahead:
                try:
                    return self._prepare_in_order(steps, cover)
                finally:
                    self._ahead = None
        return self._prepare_in_order(steps, cover)

    def _pictures_in_order(self, steps: tuple[Step, ...], cover: PackFile | None) -> list[PackFile]:
        """The pictures ``_prepare_in_order`` will read, in its order (to read them ahead)."""
        limit = self.options.max_image_file_bytes
        planned = [cover] if cover is not None and cover.size <= limit else []
        seen: set[str] = set()
        for step in steps:
            picture = self.step_pictures.get(step.number)
            if picture is not None and picture.key not in seen:
                seen.add(picture.key)
                if picture.size <= limit:
                    planned.append(picture)
        return planned

    def _prepare_in_order(self, steps: tuple[Step, ...], cover: PackFile | None) -> bool:
        cover_usable = cover is not None and self._prepare(cover, step=None, with_thumbnail=True, is_cover=True)
        tile_wanted = not cover_usable
        done: set[str] = set()
        for step in steps:
            clip = self.step_videos.get(step.number)
            if clip is not None and self.video_sound:
                self._prepare_sound(clip)
            picture = self.step_pictures.get(step.number)
            if picture is None:  # a step filmed without a photo: its first frame is the picture
                if clip is not None and clip.key not in done:
                    done.add(clip.key)
                    self._prepare_poster(clip, step=step.number, with_thumbnail=tile_wanted)
                tile_wanted = False
                continue
            if picture.key in done:
                continue
            done.add(picture.key)
            self._prepare(picture, step=step.number, with_thumbnail=tile_wanted, is_cover=False)
            tile_wanted = False
        return cover is None or cover_usable

    def _prepare(self, pack_file: PackFile, *, step: int | None, with_thumbnail: bool, is_cover: bool) -> bool:
        used = self._use(pack_file)
        if pack_file.size > self.options.max_image_file_bytes:
            self._picture_refused(
                pack_file,
                step,
                is_cover,
                Msg(
                    "The picture {name} is too big a file ({size} MB).",
                    name=pack_file.key,
                    size=pack_file.size // (1024 * 1024),
                ),
                Msg("Use a smaller copy of the photo (a phone's normal photo size is fine)."),
                kind="big file",
            )
            return False
        ahead = self._ahead.take(pack_file) if self._ahead is not None else None
        if ahead is None:  # not read ahead (a small pack): read it now
            data = self._read(pack_file, step)
            if data is None:
                return False
            used.digest = hashlib.sha256(data).hexdigest()
        elif isinstance(ahead, OSError):
            self._unreadable(pack_file, step, ahead)
            return False
        else:
            data, used.digest = ahead
        try:
            prepared = images.prepare_image(
                data,
                used.digest,
                self.cache_dir,
                with_thumbnail=with_thumbnail,
                max_pixels=self.options.max_image_pixels,
            )
        except OSError as error:
            # The picture was decoded (refusals come before any write); only saving its copy
            # failed. The pack is still usable with its own pictures: Pack.display_image falls
            # back to them. Said once per pack, as a fault of the device.
            self._storage_failed(error)
            return True
        except images.ImageRefused as refusal:
            if refusal.too_large:
                size: str | Msg = _pixels_in_words(refusal.pixels) if refusal.pixels else ""
                message = Msg(
                    "The picture {name} is far too large to open{size}; a phone photo has about "
                    "12 million. Pictures this large can freeze the kiosk, so it is not used.",
                    name=pack_file.key,
                    size=size,
                )
                hint = Msg(
                    "Use a normal photo, or save the picture again at a smaller size (for example 2000 pixels wide)."
                )
            else:
                message = Msg(
                    "The picture {name} cannot be opened: the file is damaged or is not a picture.", name=pack_file.key
                )
                hint = Msg("Open the picture on a computer to check it, then save or copy it again.")
            self._picture_refused(
                pack_file, step, is_cover, message, hint, kind="too large" if refusal.too_large else "damaged"
            )
            return False
        self.display_images[pack_file.relative] = prepared.display
        if with_thumbnail:
            self.thumbnail = prepared.thumbnail
        return True

    def _prepare_poster(self, clip: PackFile, *, step: int, with_thumbnail: bool) -> None:
        """The clip's first frame as the step's prepared picture, in the pictures' cache under the
        clip's own sha256 (so it is pruned and kept like any picture, and made once per clip)."""
        used = self._use(clip)
        assert used.digest is not None and self.files is not None
        if images.find_prepared(self.cache_dir, used.digest, with_thumbnail) is None:
            try:
                poster = video.poster_jpeg(self.files.path_of(clip))
                prepared = images.prepare_image(poster, used.digest, self.cache_dir, with_thumbnail=with_thumbnail)
            except OSError as error:
                self._storage_failed(error)
                return
            except (ValueError, images.ImageRefused) as error:
                self.problems.error(
                    f"The first picture of the video {clip.key} cannot be made ({error}).",
                    "Play the clip on a computer to check it, or add a photo for the step ('image:').",
                    file=clip.key,
                    step=step,
                )
                return
        else:
            found = images.find_prepared(self.cache_dir, used.digest, with_thumbnail)
            assert found is not None
            prepared = found
        self.display_images[clip.relative] = prepared.display
        if with_thumbnail:
            self.thumbnail = prepared.thumbnail

    def _prepare_sound(self, clip: PackFile) -> None:
        """The clip's sound as a WAV beside its poster in the cache (pack setting video_sound)."""
        used = self._use(clip)
        assert used.digest is not None and self.files is not None
        target = images.prepared_folder(self.cache_dir, used.digest) / "sound.wav"
        try:
            if target.is_file() or video.extract_sound(self.files.path_of(clip), target):
                self.video_sounds[clip.relative] = target
        except OSError as error:
            self._storage_failed(error)
        except Exception as error:  # noqa: BLE001 - the clip plays muted; the picture still moves
            log.warning("no sound from %s: %s", clip.key, error)

    def _storage_failed(self, error: OSError) -> None:
        if self.storage_trouble:
            return
        self.storage_trouble = True
        log.warning("cannot save prepared pictures of %s in %s: %s", self.source, self.cache_dir, error)
        message, hint = storage.storage_words(
            error,
            Msg(
                "the screen-sized copies of this pack's pictures could not be saved. The pack can still be "
                "used: it shows its own pictures, which may make it slower"
            ),
        )
        self.problems.warning(message, hint)

    def _picture_refused(
        self, pack_file: PackFile, step: int | None, is_cover: bool, message: Msg, hint: Msg, *, kind: str
    ) -> None:
        if is_cover:
            self.problems.warning(
                Msg("{problem} The first step's picture is shown as the cover instead.", problem=message),
                hint,
                file=pack_file.key,
            )
        else:
            self.problems.error(message, hint, file=pack_file.key, step=step, kind=("picture refused", kind))

    # --- 5. what is left over, and the fingerprint --------------------------------------------

    def _read(self, pack_file: PackFile, step: int | None) -> bytes | None:
        assert self.files is not None
        try:
            with open(os.path.join(self.files.root, pack_file.relative), "rb") as stream:
                return stream.read()
        except OSError as error:
            self._unreadable(pack_file, step, error)
            return None

    def _unreadable(self, pack_file: PackFile, step: int | None, error: OSError) -> None:
        self.problems.error(
            Msg("The file {name} cannot be read ({error}).", name=pack_file.key, error=str(error.strerror or error)),
            Msg("Copy the file into the pack again; check that it opens on a computer."),
            file=pack_file.key,
            step=step,
        )

    def _warn_unused(self) -> None:
        assert self.files is not None
        for key in self.files.files:
            if key in self.used or key in self.summarised:
                continue
            self.problems.warning(
                Msg("Nothing in the pack uses the file {name}.", name=key),
                Msg("Delete the file if it is not needed, or add it to the steps (check its name and number)."),
                file=key,
            )

    def _content_hash(self) -> str:
        """sha256 over the sorted (path, content) of every file the pack uses: the same content
        always gives the same hash, wherever it was copied and whether it came as a zip or not.
        Each file's content enters as its own sha256, so every file is read only once."""
        digest = hashlib.sha256()
        for key in sorted(self.used):
            used = self.used[key]
            if used.digest is None:
                try:  # in pieces: a refused clip may be far bigger than memory allows
                    used.digest = _file_digest(Path(os.path.join(self.files.root, used.file.relative)))  # type: ignore[union-attr]
                except OSError:
                    data = self._read(used.file, step=None)
                    used.digest = hashlib.sha256(data or b"").hexdigest()
            digest.update(key.encode("utf-8") + b"\0" + used.digest.encode("ascii") + b"\n")
        return digest.hexdigest()


def _file_digest(path: Path) -> str:
    """sha256 of a file read in pieces (a clip may be 100 MB; pictures are read whole anyway)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _pixels_in_words(pixels: int) -> Msg:
    if pixels >= 1_000_000:
        return Msg(" ({count} million pixels)", count=f"{pixels / 1e6:.0f}")
    return Msg(" ({count} pixels)", count=f"{pixels:,}")
