"""Keyboard and switch input: which key means which worker action (no Kivy here).

One mapping for every worker screen, so a single switch wired as Space or Enter always does the
screen's main action, and a keyboard user needs to learn only a handful of keys.
"""

from __future__ import annotations

from enum import Enum


class Action(str, Enum):
    MAIN = "main"  # Space / Enter: Next, Done, select the focused tile, OK
    BACK = "back"  # Backspace
    HEAR = "hear"  # R: hear again
    HELP = "help"  # H: help
    FOCUS_NEXT = "focus_next"  # Tab, Right, Down
    FOCUS_PREV = "focus_prev"  # Shift+Tab, Left, Up
    IGNORE = "ignore"  # Escape / Android back: swallowed, never exits


# SDL keycodes as Kivy reports them.
KEY_ENTER, KEY_SPACE, KEY_BACKSPACE, KEY_TAB, KEY_ESCAPE = 13, 32, 8, 9, 27
KEY_KP_ENTER = 271
KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT = 273, 274, 275, 276
KEY_R, KEY_H = ord("r"), ord("h")

_ACTIONS: dict[int, Action] = {
    KEY_ENTER: Action.MAIN,
    KEY_KP_ENTER: Action.MAIN,
    KEY_SPACE: Action.MAIN,
    KEY_BACKSPACE: Action.BACK,
    KEY_R: Action.HEAR,
    KEY_H: Action.HELP,
    KEY_RIGHT: Action.FOCUS_NEXT,
    KEY_DOWN: Action.FOCUS_NEXT,
    KEY_LEFT: Action.FOCUS_PREV,
    KEY_UP: Action.FOCUS_PREV,
    KEY_ESCAPE: Action.IGNORE,
}


def action_for(key: int, modifiers: list[str] | tuple[str, ...] = ()) -> Action | None:
    """The worker action of a key press, or None for keys the kiosk does not use."""
    if key == KEY_TAB:
        return Action.FOCUS_PREV if "shift" in modifiers else Action.FOCUS_NEXT
    if modifiers and any(m in ("ctrl", "alt", "meta") for m in modifiers):
        return None
    return _ACTIONS.get(key)


def digit_for(key: int, codepoint: str | None) -> str | None:
    """The digit typed on a PIN pad (top row or keypad), else None."""
    if codepoint and len(codepoint) == 1 and codepoint.isdigit():
        return codepoint
    if ord("0") <= key <= ord("9"):
        return chr(key)
    if 256 <= key <= 265:  # SDL keypad 0-9 as Kivy maps them
        return str(key - 256)
    return None
