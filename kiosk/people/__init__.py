"""People's photos without a screen: which pictures a trainer can choose from, and the kiosk's own
copies of them (Kivy-free, so the rules are tested without a window and can serve the CLI)."""

from kiosk.people.photos import (
    BUNDLED_PHOTOS,
    COPY_MAX_SIDE,
    PICTURES_SHOWN,
    PhotoShelf,
    adopt_photo,
    bundled_faces,
    camera_photo_name,
    copy_name,
    face_for,
    photo_choices,
    pictures_folder,
    reduced_copy,
    shared_photos,
    shown_photo,
)

__all__ = [
    "BUNDLED_PHOTOS",
    "COPY_MAX_SIDE",
    "PICTURES_SHOWN",
    "PhotoShelf",
    "adopt_photo",
    "bundled_faces",
    "camera_photo_name",
    "copy_name",
    "face_for",
    "photo_choices",
    "pictures_folder",
    "reduced_copy",
    "shared_photos",
    "shown_photo",
]
