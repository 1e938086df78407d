"""Packs for a fleet: a coach publishes a checked pack once, every kiosk of the workshop gets it.

Kivy-free, one job per module (docs/fleet.md, "Publishing packs to the fleet"):

* ``publish.py``: ``publish_pack`` (``kiosk pack publish`` and a tablet's "Publish to all kiosks");
* ``channels.py``: what a coach decides (pin, hold, unpin, withdraw) and ``kiosk hub packs``;
* ``pull.py``: ``FleetPuller``, the kiosk's background pull and the switch between runs;
* ``download.py``: chunks from the hub, resumed, verified; ``store.py``: the files on the kiosk;
* ``status.py``: the trainer's line per pack.

Nothing is imported here, so the UI's view model can read a pack's line without loading the hub's
database driver.
"""
