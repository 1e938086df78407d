"""The files the kiosk reads at run time: UI icons and people pictures (``images/``), UI sounds
(``audio/``) and the sample packs (``packs/``).

They live inside the package so that the wheel is the product: ``pip install`` brings them along
and ``kiosk.paths`` finds them through ``importlib.resources``. Their authoring sources (the
scripts that generate them, their licences) are in the top-level ``assets/`` folder and ``tools/``
of the source tree. A regular package (this file) rather than a namespace package, so that
``importlib.resources.files`` returns a plain ``Path``.
"""
