"""View models for the trainer and family screens: plain, Kivy-free Python.

Why: a screen used to read the journal, decide what to show, validate input and write back, all
in Kivy callbacks that could only be tested by driving the whole app. Each model here is built from
the journal, the pack library or the settings, holds what its screen shows as plain dataclasses
and strings (already in the kiosk language), and does the saving, with storage errors turned into
a plain sentence. The screen only binds widgets to it and asks the app to move on.

- ``choices``: a row of big toggle buttons (value, word, icon) as data;
- ``people``: the workers list and one worker's form (``PersonEditor``);
- ``packs``: pack rows with their state word and icon and the problem lines;
- ``settings``: kiosk-wide settings rows and the change-trainer-PIN steps;
- ``pin``: the one PIN rule for every pad (``kiosk.trainer.validate_pin``) and the door's steps;
- ``progress``: the family's view of ``kiosk.report``'s report, as words and numbers;
- ``keyboard``: the on-screen keyboard layouts for en, de and zh.
"""
