"""Step packs: the format, the loader, and the library scan (Kivy-free).

The public names follow the ``kiosk.packs`` contract in docs/ARCHITECTURE.md; the format itself is
described for trainers in docs/pack-format.md.
"""

from kiosk.packs.library import Library
from kiosk.packs.loader import LoadOptions, load_pack
from kiosk.packs.model import Pack, PackReport, Problem, ScanResult, Severity, Step
from kiosk.packs.safe_zip import ZipLimits

__all__ = [
    "Library",
    "LoadOptions",
    "Pack",
    "PackReport",
    "Problem",
    "ScanResult",
    "Severity",
    "Step",
    "ZipLimits",
    "load_pack",
]
