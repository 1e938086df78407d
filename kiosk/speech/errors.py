"""The one error speech raises, in plain words (what went wrong, what to do).

Why a module of its own: the job queue, the engine, the player and the worker all raise or pass on
the same error, and none of them should import another just to get it.
"""

from __future__ import annotations


class SpeechError(Exception):
    """Speech could not be made. ``message`` says what went wrong, ``hint`` what to do (plain words)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message if not hint else f"{message} {hint}")
        self.message = message
        self.hint = hint


def as_speech_error(exc: BaseException) -> SpeechError:
    """Any failure as a SpeechError, so callers handle one kind of error."""
    if isinstance(exc, SpeechError):
        return exc
    return SpeechError(f"Speech failed ({type(exc).__name__}: {exc}).")


def no_speech(exc: BaseException) -> SpeechError:
    """The engine cannot start at all: say so, and how to fix it."""
    return SpeechError(
        f"Speech is not available on this device ({exc}).",
        "Install espeak-ng (for example: sudo apt install espeak-ng) and start the kiosk again.",
    )
