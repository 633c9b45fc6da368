"""The list's cards (lms/points/cards.py), written without the template engine:
every value escaped, the three states, each post's line, the catalogue's words."""

from django.utils import translation

from lms.certs.roster import PostRule
from lms.points.cards import point_cards
from lms.points.selectors import PointRow

GATE = PostRule(1, "GATE", "门卫<b>", ())
PATROL = PostRule(2, "PATROL", "巡逻", ())


def row(code, *, name="点位", need=0, deployable=0, counts=(), distance=None):
    return PointRow(
        1,
        code,
        name,
        "A",
        22.5,
        114.0,
        distance,
        need,
        deployable,
        need - deployable,
        counts,
    )


def test_values_are_escaped_and_links_keep_the_day():
    html = point_cards(
        [
            row(
                'P"1',
                name="<script>alert(1)</script>",
                need=1,
                counts=(GATE, 1, 0, 0, 0, 0),
            )
        ],
        day_query="?date=2026-12-04&post=1",
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-point="P&quot;1"' in html
    assert 'href="/points/P&quot;1/?date=2026-12-04&amp;post=1"' in html
    assert "门卫&lt;b&gt;" in html


def test_short_met_and_no_need_in_chinese_and_english():
    points = [
        row(
            "S",
            need=3,
            deployable=1,
            counts=(GATE, 2, 1, 1, 0, 0, PATROL, 1, 0, 0, 0, 0),
        ),
        row("M", need=1, deployable=1, counts=(GATE, 1, 1, 1, 0, 0)),
        row("N", distance=1.26),
        row("H", distance=1.25),  # half up, as the template's floatformat
    ]
    with translation.override("zh-hans"):
        html = point_cards(points)
    assert '<li class="card point point--short" data-point="S">' in html
    assert '<span class="status status--short">缺 2 人</span>' in html
    # Each post: deployable / need, the gap of a short one.
    assert '<li class="point__post--short">门卫&lt;b&gt;: <strong>1</strong>/2 ' in html
    assert '<span class="point__gap">缺 1 人</span>' in html
    assert "<li>门卫&lt;b&gt;: <strong>1</strong>/1</li>" in html
    assert '<li class="card point point--met" data-point="M">' in html
    assert '<span class="status status--met">已满足</span>' in html
    assert '<li class="card point point--no_need" data-point="N">' in html
    assert '<span class="status status--none">未设需求</span>' in html
    assert '<span class="point__distance">1.3 km</span>' in html
    assert html.count('<span class="point__distance">1.3 km</span>') == 2
    with translation.override("en"):
        html = point_cards(points)
    assert '<span class="status status--short">Short 2</span>' in html
    assert '<span class="point__gap">1 short</span>' in html
    assert '<span class="status status--met">Need met</span>' in html
    assert '<span class="status status--none">No need set</span>' in html
