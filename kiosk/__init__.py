"""Step Kiosk: picture-and-audio step sequences for workers with intellectual disabilities.

The core (packs, journal, speech, authoring, trainer, report) never imports Kivy, so it can be
tested and reused without a screen; only ``kiosk.ui`` does.
"""

__version__ = "0.1.0"
