"""The HTML report: the right numbers, only the chosen person, escaped text, nothing external."""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from kiosk.report import build_person_report, render_html

from . import history as h

DATA_URI = re.compile(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+")


def _visible(page: str) -> str:
    """The page without embedded pictures (base64 can contain any letters and digits)."""
    return DATA_URI.sub("data:…", page)


def _figure(page: str, name: str, scope: str = "") -> str:
    start = page.index(scope) if scope else 0
    match = re.compile(rf'data-figure="{name}">.*?<span class="big">(.*?)</span>', re.S).search(page, start)
    return html.unescape(match.group(1))


def _section(page: str, pack_id: str) -> str:
    start = page.index(f'<section class="page task" data-pack="{pack_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_summary_sentences_and_big_numbers(anna_html):
    for sentence in (
        "In the last 8 weeks Anna did 8 tasks.",
        "Anna did 82% of the steps alone.",
        "Anna has learned 1 task.",
    ):
        assert f"<p>{sentence}</p>" in anna_html
    assert _figure(anna_html, "tasks-done") == "8"
    assert _figure(anna_html, "done-alone") == "82%"
    assert _figure(anna_html, "tasks-learned") == "1"
    assert "12 January 2026 to 4 March 2026" in anna_html


def test_one_page_per_task_with_its_figures(anna_html):
    assert anna_html.count('<section class="page task"') == 3
    coffee = _section(anna_html, "make-coffee")
    assert "<h2>Make coffee</h2>" in coffee
    assert _figure(coffee, "times-done") == "5"
    assert _figure(coffee, "done-alone") == "85%"
    assert "Stopped early 1 time." in coffee
    assert 'class="badge"' in coffee and ">Learned</span>" in coffee
    assert "Learned on 5 February 2026" in coffee
    assert "Needed help <b>2</b> of 6 times" in coffee and "Press the start button" in coffee
    assert coffee.count('<svg class="chart"') == 2

    towels = _section(anna_html, "fold-towels")
    assert _figure(towels, "times-done") == "2" and _figure(towels, "done-alone") == "70%"
    assert "badge" not in towels
    assert "Needed help <b>2</b> of 2 times" in towels and "Smooth it with your hands" in towels

    screws = _section(anna_html, "sort-screws")
    assert "<h2>sort-screws</h2>" in screws and "This task is no longer on the kiosk." in screws
    assert "No help needed. Great!" in screws


def test_only_the_chosen_persons_data_appears(anna_html):
    page = _visible(anna_html)
    for foreign in (
        h.ZEB_NAME,
        "Zebulon",
        "Quux",
        h.ZEB_ONLY_TITLE,
        "polish-trumpets",
        h.ZEB_ONLY_STEP,
        "Take the cloth",
        "wash-hands",
    ):
        assert foreign not in page
    total_zeb = h.ZEB_COFFEE_RUNS + 4
    assert f"did {total_zeb} tasks" not in page and f"did {h.ANNA_TASKS_DONE + total_zeb} tasks" not in page
    overview = page[page.index('<ul class="overview">') :]
    assert re.search(r'data-pack="make-coffee">.*?<b>5</b>', overview, re.S)
    assert f"<b>{h.ZEB_COFFEE_RUNS}</b>" not in overview and f"<b>{h.ZEB_COFFEE_RUNS + 5}</b>" not in overview


def test_the_report_is_self_contained(anna_html):
    assert not re.search(r"(?i)\b(https?|file|ftp):", anna_html)
    assert not re.search(r"(?i)<(script|link|iframe|object|embed|base)\b", anna_html)
    assert not re.search(r"(?i)@import|url\(|srcset|\bhref=", anna_html)
    sources = re.findall(r'<img [^>]*src="([^"]*)"', anna_html)
    assert len(sources) == anna_html.count("<img ")
    assert len(sources) >= 1 + 3 + 3 + 2 + 2  # photo, overview, task pages, help steps
    assert all(source.startswith("data:image/") for source in sources)
    jpeg = next(source for source in sources if source.startswith("data:image/jpeg"))
    with Image.open(io.BytesIO(base64.b64decode(jpeg.split(",", 1)[1]))) as picture:
        assert max(picture.size) <= 400


def test_printable(anna_html):
    assert "@page { size: A4" in anna_html
    assert "@media print" in anna_html and ".page + .page { break-before: page; }" in anna_html


def test_names_and_pack_texts_are_escaped(fresh):
    kiosk = fresh(anna_name="<script>alert(1)</script>")
    h.write_pack(
        kiosk.data.packs,
        "evil",
        {
            "title": {"en": "<img src=x onerror=alert(2)>"},
            "steps": [{"en": "</style><script>alert(3)</script>"}, {"en": "fine & dandy"}],
            "colour": (90, 90, 90),
        },
    )
    h.do_run(kiosk, kiosk.anna, "evil", 2, h.NOW - timedelta(days=1), help_on=(1,))
    page = render_html(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW))
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Progress: &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;/style&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert page.count("</style>") == 1


def test_no_history_gives_a_friendly_page(fresh):
    kiosk = fresh(with_history=False)
    page = render_html(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW))
    assert "No tasks done yet" in page
    assert "When Anna uses the kiosk, the progress shows here." in page
    assert '<svg class="chart"' not in page and 'class="page task"' not in page
    assert '<h1 class="name">Anna</h1>' in page


def test_history_outside_the_window_says_so_kindly(kiosk):
    from datetime import datetime, timezone

    page = render_html(
        build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, datetime(2026, 9, 1, tzinfo=timezone.utc))
    )
    assert "No tasks in this time" in page and "In the last 4 weeks Anna did no tasks." in page


def test_no_photo_shows_the_initial(fresh):
    kiosk = fresh(with_history=False)
    kiosk.journal.update_person(kiosk.anna.id, photo=None)
    page = render_html(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW))
    assert '<div class="initial" aria-hidden="true">A</div>' in page


@pytest.mark.parametrize(
    "language, lang_attr, sentence",
    [
        ("zh", "zh-Hans", "最近8周，安娜完成了8次任务。"),
        ("de", "de", "In den letzten 8 Wochen hat Anna 8 Aufgaben gemacht."),
    ],
)
def test_in_the_persons_language(fresh, language, lang_attr, sentence):
    name = "安娜" if language == "zh" else "Anna"
    kiosk = fresh(anna_name=name, anna_language=language)
    page = render_html(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW))
    assert f'<html lang="{lang_attr}">' in page
    assert f"<p>{sentence}</p>" in page
    assert ("煮咖啡" if language == "zh" else "Kaffee kochen") in page
