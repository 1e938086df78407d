"""The worker's kiosk: a thin Kivy UI over the Kivy-free core (packs, journal, speech, trainer).

Importing this package does not import Kivy, so ``kiosk --help`` stays fast and works without a
display; Kivy is configured by :mod:`kiosk.ui.bootstrap` and imported only by ``kiosk run``.
"""
