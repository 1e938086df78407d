"""Telling a fault of the kiosk's storage from a fault of the pack.

Preparing a pack writes to the cache (unpacked zips, screen-sized pictures). When the storage is
full or read-only, those writes fail for *every* pack, and a message like "something unexpected
went wrong … send the pack to the developers" on each of them sends the trainer the wrong way. So
an ``OSError`` from writing is put in words that name the device, say it is not the pack's fault,
and say what to do.
"""

from __future__ import annotations

import errno

from kiosk.packs.model import Problem
from kiosk.packs.words import Msg

FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})

NOT_THE_PACK = "This is a problem of the kiosk's storage, not of the pack."


def is_storage_problem(problem: Problem) -> bool:
    """True for a problem made by ``storage_words``: the device failed, not the pack (the library
    then reads the pack again at its next scan, so it is prepared once there is room)."""
    return problem.hint.startswith(NOT_THE_PACK)


def is_full(error: OSError) -> bool:
    return error.errno in FULL


def storage_words(error: OSError, what_failed: str | Msg) -> tuple[Msg, Msg]:
    """(message, hint) for a failed write to the cache. ``what_failed`` says what could not be
    done, as the end of a sentence: "the screen-sized copies of its pictures could not be saved".
    The hint always starts with ``NOT_THE_PACK`` in English (``is_storage_problem`` reads it)."""
    if is_full(error):
        return (
            Msg("The kiosk's storage is full, so {what}.", what=what_failed),
            Msg(
                "This is a problem of the kiosk's storage, not of the pack. Free some space: remove packs, "
                "photos or exports the kiosk no longer needs, then tap Reload packs."
            ),
        )
    if error.errno in NOT_WRITABLE:
        return (
            Msg("The kiosk cannot write to its storage (it is read-only or locked), so {what}.", what=what_failed),
            Msg(
                "This is a problem of the kiosk's storage, not of the pack. Restart the kiosk. If this stays, "
                "the SD card or USB stick may be write-protected or failing: check it, or replace it."
            ),
        )
    return (
        Msg(
            "The kiosk's storage could not be written ({error}), so {what}.",
            error=str(error.strerror or error),
            what=what_failed,
        ),
        Msg(
            "This is a problem of the kiosk's storage, not of the pack. Restart the kiosk. If this stays, "
            "the SD card or USB stick may be failing: replace it."
        ),
    )
