"""``kiosk appliance``: the kiosk as an appliance on a Linux tablet or Raspberry Pi.

Why it looks like this:
- A systemd *user* service (not a system service): the kiosk needs the logged-in user's screen,
  sound and data folder, and nothing here needs root. ``Restart=always`` brings a crashed or
  killed kiosk back within seconds; a start limit stops a kiosk that crashes again and again, and
  its ``OnFailure=`` unit shows the trainer one plain message instead of a flickering screen.
- Units are rendered from one table of values (``units.py``), so the tests check the same values
  that are installed, and ``systemd-analyze verify`` checks the rendered text.
- Desktop sessions that start ``graphical-session.target`` (GNOME, KDE) start the service
  themselves; the others (LXDE-pi, labwc, Wayfire on Raspberry Pi OS) run an XDG autostart entry
  that hands the session's display to systemd and starts it (``kiosk appliance session-start``).
- Kivy-free except ``notice.py``, which imports Kivy inside the function that shows the message.
"""

from kiosk.appliance.units import (
    AUTOSTART_NAME,
    NOTICE_UNIT,
    SERVICE_UNIT,
    Settings,
    autostart_entry,
    notice_unit,
    parse_unit,
    service_unit,
    systemd_quote,
)

__all__ = [
    "AUTOSTART_NAME",
    "NOTICE_UNIT",
    "SERVICE_UNIT",
    "Settings",
    "autostart_entry",
    "notice_unit",
    "parse_unit",
    "service_unit",
    "systemd_quote",
]
