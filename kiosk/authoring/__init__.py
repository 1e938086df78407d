"""Making step packs on a coach's computer: `kiosk pack new | build | zip` (Kivy-free).

photos.py    which photos are steps, their order and sentences
normalise.py one photo -> an upright, screen-sized JPEG without metadata
packyaml.py  writing pack.yaml for people (and reading it back)
new.py       photos folder -> pack folder
buildstate.py, build.py   speech for every step, incrementally; pictures; the final check
zipping.py   a deterministic zip the kiosk loads
progress.py  progress lines for long runs
cli.py       the commands
"""
