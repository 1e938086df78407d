"""The progress report: what a worker has done and learned, for families and job coaches.

Kivy-free. ``build_person_report`` (view_model) turns journal figures into plain dataclasses
(model); ``render_html`` (render) turns those into one self-contained, printable HTML file with
inline SVG charts (charts); ``kiosk report`` (cli) writes it, and a PDF through Chromium (chromium).
The kiosk's own progress screen reuses the view model, the scales and the strings.
"""

from kiosk.report.builder import UnknownPerson, build_person_report
from kiosk.report.render import render_html
from kiosk.report.view_model import HelpStep, PersonReport, RunPoint, Summary, TaskReport, WeekBar

__all__ = [
    "HelpStep",
    "PersonReport",
    "RunPoint",
    "Summary",
    "TaskReport",
    "UnknownPerson",
    "WeekBar",
    "build_person_report",
    "render_html",
]
