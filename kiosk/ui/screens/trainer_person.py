"""Trainer: one worker — name, photo, language, text size, speech, family PIN; Save / Archive.

Preferences are stored in ``person.preferences`` under the names the worker UI reads
(``kiosk.ui.settings.UiSettings``): ``text_scale`` (1.0 normal, 1.25 large) and ``autoplay``
(speech on arrival). ``speech_rate`` ("slow" / "normal") slows generated speech (``kiosk.ui.audio.SLOW_SPEECH``).
A photo is chosen from the pictures in the data folder's ``people`` folder, the newest
``PICTURES_SHOWN`` in the user's ``~/Pictures`` and the bundled ``assets/images/people``, shown as
small thumbnails decoded off the main thread. A picture from elsewhere is copied into the data
folder first (a photo from ``~/Pictures`` as an upright copy of at most ``COPY_MAX_SIDE`` px), so the
journal only points at files the kiosk owns. Archive hides the worker from the people screen and keeps their
history (after a confirmation).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.image import Image

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, base_language
from kiosk.journal import JournalError
from kiosk.paths import ASSETS_DIR
from kiosk.ui.pictures import PictureCache
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.choices import fill_choices
from kiosk.ui.widgets.overlay import CalmOverlay

PHOTO_SUFFIXES = {".png", ".jpg", ".jpeg"}
BUNDLED_PHOTOS = ASSETS_DIR / "images" / "people"
PICTURES_SHOWN = 48      # the newest photos of ~/Pictures (a phone's whole roll would be too many)
THUMBNAIL_SIDE = 280     # thumbnails are decoded this small (140 dp on screen)
COPY_MAX_SIDE = 1024     # a photo from ~/Pictures is stored this small (the tiles never need more)


def pictures_folder() -> Path:
    """The user's own pictures (where a trainer copies photos from a phone or camera)."""
    return Path.home() / "Pictures"


def _images(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file()
                and not p.name.startswith(".")]
    except OSError:
        return []


def copy_name(source: Path) -> str:
    """The data folder's name for a copy of a photo from ~/Pictures (its name and size: a second
    photo with the same name from another day gets its own copy)."""
    return f"{source.stem}-{source.stat().st_size}.jpg"


def camera_photo_name(folder: Path) -> Path:
    """A new, unused name for a camera picture (a count of the files would reuse the name of a
    deleted person's photo and overwrite someone else's)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"camera-{stamp}.png"
    number = 2
    while target.exists():
        target = folder / f"camera-{stamp}-{number}.png"
        number += 1
    return target


def reduced_copy(source: Path, target: Path) -> None:
    """An upright JPEG of at most COPY_MAX_SIDE px (a 12-megapixel photo would waste memory)."""
    from PIL import Image as PILImage, ImageOps

    from kiosk.imaging import open_picture

    with open_picture(source) as image:  # only JPEG, PNG, WebP, HEIC: never EPS (Ghostscript)
        image.draft("RGB", (COPY_MAX_SIDE, COPY_MAX_SIDE))
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((COPY_MAX_SIDE, COPY_MAX_SIDE))
        partial = target.with_name(target.name + ".part")
        image.save(partial, "JPEG", quality=88)
    partial.replace(target)


class PhotoChoice(ButtonBehavior, Image):
    """A photo to tap (a thumbnail texture, never Kivy's image cache); the chosen one has a thick frame."""

    chosen = BooleanProperty(False)
    path = ObjectProperty(None)


class TrainerPersonScreen(TrainerScreen):

    person = ObjectProperty(None, allownone=True)
    language = StringProperty("en")
    photo = StringProperty("")          # as stored in the journal ("people/anna.png"), "" for none
    message = StringProperty("")
    family_text = StringProperty("")
    camera_text = StringProperty("")
    text_scale = 1.0
    autoplay = True
    speech_rate = "normal"

    def prepare(self, person: Any | None) -> None:
        """Fill the form for ``person`` (None: a new worker)."""
        self.person = person
        prefs = dict(person.preferences) if person is not None else {}
        self.language = base_language(person.language if person is not None else self.app.settings.language)
        self.text_scale = 1.25 if float(prefs.get("text_scale", 1.0) or 1.0) > 1.0 else 1.0
        self.autoplay = bool(prefs.get("autoplay", self.app.settings.autoplay))
        self.speech_rate = "slow" if prefs.get("speech_rate") == "slow" else "normal"
        self.photo = (person.photo or "") if person is not None else ""
        self.message = ""
        self.camera_text = ""
        self.ids.name.text = person.name if person is not None else ""
        self.ids.pin.clear()
        self.update()

    def on_pre_enter(self, *_args: Any) -> None:
        self.update()
        self.ids.scroller.scroll_y = 1

    # -- the form -------------------------------------------------------------------------------

    def update(self) -> None:
        tr = self.tr
        fill_choices(self.ids.languages, [(lang, LANGUAGE_NAMES[lang], "speaker") for lang in LANGUAGES],
                     self.language, self.set_language)
        fill_choices(self.ids.text_sizes, [(1.0, tr("Normal"), "edit"), (1.25, tr("Large"), "edit")],
                     self.text_scale, self.set_text_scale)
        fill_choices(self.ids.speech, [(True, tr("On"), "speaker"), (False, tr("Off"), "close")],
                     self.autoplay, self.set_autoplay)
        fill_choices(self.ids.rates, [("slow", tr("Slow"), "timer"), ("normal", tr("Normal"), "timer")],
                     self.speech_rate, self.set_speech_rate)
        self._fill_photos()
        if self.person is None:
            self.family_text = tr("Save the worker first, then you can give the family a PIN.")
        elif self._family_pin_is_set():
            self.family_text = tr("The family has a PIN for this worker's progress.")
        else:
            self.family_text = tr("No family PIN yet.")

    def set_language(self, language: str) -> None:
        self.message = ""
        self.language = language
        self.update()

    def set_text_scale(self, value: float) -> None:
        self.message = ""
        self.text_scale = value
        self.update()

    def set_autoplay(self, value: bool) -> None:
        self.message = ""
        self.autoplay = value
        self.update()

    def set_speech_rate(self, value: str) -> None:
        self.message = ""
        self.speech_rate = value
        self.update()

    # -- photos ---------------------------------------------------------------------------------

    def photo_files(self) -> list[Path]:
        """The data folder's photos; the newest in ~/Pictures and the bundled ones not copied yet."""
        own = sorted(_images(self.app.data.people_photos))
        names = {p.name for p in own}
        pictures = []
        for path in _images(pictures_folder()):
            try:
                pictures.append((path.stat().st_mtime, path))
            except OSError:
                continue
        newest = [p for _, p in sorted(pictures, key=lambda item: (-item[0], item[1].name))][:PICTURES_SHOWN]
        newest = [p for p in newest if copy_name(p) not in names]
        bundled = [p for p in sorted(_images(BUNDLED_PHOTOS)) if p.name not in names]
        return own + newest + bundled

    def _fill_photos(self) -> None:
        box = self.ids.photos
        box.clear_widgets()
        current = self.app.journal.photo_path(self.photo) if self.photo else None
        for path in self.photo_files():
            choice = PhotoChoice(path=path,
                                 chosen=current is not None and path.resolve() == Path(current).resolve())
            texture = self.thumbnails.get(path, lambda t, c=choice: setattr(c, "texture", t) if t else None)
            if texture is not None:
                choice.texture = texture
            choice.bind(on_release=lambda c: self.choose_photo(c.path))
            box.add_widget(choice)

    @property
    def thumbnails(self) -> PictureCache:
        """Small textures for the photo choices, decoded in the background (memory stays small)."""
        cache = getattr(self, "_thumbnails", None)
        if cache is None:
            cache = self._thumbnails = PictureCache(self.app.problems, keep=PICTURES_SHOWN + 16,
                                                    max_side=THUMBNAIL_SIDE)
            self.app.bind(on_stop=lambda *_: cache.shutdown())
        return cache

    def choose_photo(self, path: Path) -> None:
        """Use ``path``; a picture from outside the data folder is copied into its people folder."""
        folder = self.app.data.people_photos
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.resolve().parent == pictures_folder().resolve():
                target = folder / copy_name(path)
                if not target.exists():
                    reduced_copy(path, target)
                path = target
            elif path.resolve().parent != folder.resolve():
                target = folder / path.name
                number = 2
                while target.exists() and target.read_bytes() != path.read_bytes():
                    target = folder / f"{path.stem}-{number}{path.suffix}"
                    number += 1
                if not target.exists():
                    shutil.copyfile(path, target)
                path = target
        except Exception as exc:  # noqa: BLE001 - unreadable or not really a picture
            self.app.problems.add("people", "A photo could not be copied.", exc)
            self.message = self.tr("The photo could not be copied.")
            return
        self.message = ""
        self.photo = f"{folder.name}/{path.name}"
        self.update()

    def take_photo(self) -> None:
        """Use the camera if Kivy finds one; else say so calmly (photos can still be chosen)."""
        try:
            from kivy.core.camera import Camera as CoreCamera
        except Exception:  # noqa: BLE001
            CoreCamera = None  # noqa: N806
        camera = None
        if CoreCamera is not None:
            try:
                camera = CoreCamera(index=0, resolution=(640, 480), stopped=True)
                camera.start()
            except Exception:  # noqa: BLE001
                camera = None
        if camera is None:
            self.camera_text = self.tr("No camera found. Please choose a photo.")
            return
        self.camera_text = self.tr("Smile! The photo is taken in 2 seconds.")
        Clock.schedule_once(lambda _dt: self._save_camera(camera), 2.0)

    def _save_camera(self, camera: Any) -> None:
        texture = getattr(camera, "texture", None)
        try:
            if texture is None:
                raise RuntimeError("no picture from the camera")
            folder = self.app.data.people_photos
            target = camera_photo_name(folder)
            texture.save(str(target), flipped=False)
            self.camera_text = ""
            self.choose_photo(target)
        except Exception as exc:  # noqa: BLE001
            self.camera_text = self.tr("No camera found. Please choose a photo.")
            self.app.problems.add("people", "The camera did not give a picture.", exc)
        finally:
            try:
                camera.stop()
            except Exception:  # noqa: BLE001
                pass

    # -- save, archive, family PIN --------------------------------------------------------------

    def preferences(self) -> dict[str, Any]:
        prefs = dict(self.person.preferences) if self.person is not None else {}
        prefs.update(text_scale=self.text_scale, autoplay=self.autoplay, speech_rate=self.speech_rate)
        return prefs

    def save(self) -> None:
        self.message = ""
        name = self.ids.name.text.strip()
        if not name:
            self.message = self.tr("Please type a name.")
            return
        journal = self.app.journal
        try:
            if self.person is None:
                self.person = journal.add_person(name, photo=self.photo or None, language=self.language,
                                                 preferences=self.preferences())
            else:
                self.person = journal.update_person(self.person.id, name=name, photo=self.photo or None,
                                                    language=self.language, preferences=self.preferences())
        except Exception as exc:  # noqa: BLE001
            self.app.problems.add("journal", "A worker could not be saved.", exc)
            self.message = self.tr("Could not save. Please try again.")
            return
        self.app.person_saved(self.person)
        self.app.back()

    def confirm_archive(self) -> None:
        if self.person is None:
            self.app.back()
            return
        overlay = CalmOverlay(self.tr("Archive {name}? Their history is kept.", name=self.person.name), icon="archive")
        overlay.add_button(self.tr("No"), "close", self.app.close_overlay)
        overlay.add_button(self.tr("Yes"), "check", lambda: (self.app.close_overlay(), self.archive()))
        self.app.open_overlay(overlay, focus=0)

    def archive(self) -> None:
        try:
            self.app.journal.archive_person(self.person.id)
        except Exception as exc:  # noqa: BLE001
            self.app.problems.add("journal", "A worker could not be archived.", exc)
            self.message = self.tr("Could not save. Please try again.")
            return
        self.app.forget_worker(self.person.id)  # the archived worker's tasks are gone
        self.app.back()

    def _family_pin_is_set(self) -> bool:
        try:
            return bool(self.app.pin_guard.family_pin_is_set(self.person.id))
        except JournalError as error:
            self.app.problems.add("journal", "The family PIN could not be read.", error)
            return False

    def set_family_pin(self) -> None:
        if self.person is None:
            return
        pin = self.ids.pin.entered
        try:
            self.app.pin_guard.set_family_pin(self.person.id, pin)
        except ValueError:
            self.message = self.tr("A PIN has 4 to 8 digits.")
            return
        except JournalError as error:
            self.app.problems.add("journal", "The family PIN could not be saved.", error)
            self.message = self.tr("Could not save. Please try again.")
            return
        self.ids.pin.clear()
        self.message = self.tr("Family PIN saved.")
        self.update()

    def clear_family_pin(self) -> None:
        if self.person is None:
            return
        try:
            self.app.pin_guard.clear_family_pin(self.person.id)
        except JournalError as error:
            self.app.problems.add("journal", "The family PIN could not be removed.", error)
            self.message = self.tr("Could not save. Please try again.")
            return
        self.ids.pin.clear()
        self.message = self.tr("Family PIN removed.")
        self.update()

    def scroll_to(self, widget: Any) -> None:
        self.ids.scroller.scroll_to(widget, animate=False)


load_kv(__file__)
