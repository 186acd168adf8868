"""A board pack made by hand (no database): a few tiles with known values, three sections."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from cs_metrics import summary as sm
from cs_metrics.period import Period
from cs_metrics.report import Pack
from cs_metrics.selection import CustomerFilter
from cs_metrics.tiles import DETECTABLE, NOT_DETECTABLE, Tile

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
GENERATED = dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC)
#: The last saved pack as ``queries.boardpack.last_pack`` returns it: its period's first and last day.
LAST = {"id": 1, "created_at": dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), "period_start": dt.date(2025, 10, 1),
        "period_end": dt.date(2025, 12, 31),
        "numbers": {"tiles": {"nps": {"value": 25.0}, "logo_churn": {"value": 0.124}, "maturity_culture": {"value": None}}}}


def make_tiles() -> list[Tile]:
    return [
        Tile(key="nps", label="NPS", unit="points", value=30.0, previous=20.0, n=400, n_previous=380, low=25.0,
             high=35.0, test=DETECTABLE, p_value=0.012, test_name="two-sample z-test", area="nps",
             definition="% promoters minus % detractors."),
        Tile(key="logo_churn", label="Logo churn", unit="share", value=0.124, previous=0.112, n=761, n_previous=700,
             area="retention", definition="Customers lost over customers at the start."),
        Tile(key="grr", label="Gross revenue retention", unit="share", value=0.91, previous=0.93, n=700,
             n_previous=690, area="retention", definition="Revenue kept, capped at the start."),
        Tile(key="maturity_culture", label="Maturity: Culture", unit="stage", value=2.5, previous=2.0, n=12,
             n_previous=10, low=2.0, high=3.0, test=NOT_DETECTABLE, p_value=0.2, test_name="Mann-Whitney U",
             area="maturity", definition="Median self-assessed stage."),
        Tile(key="customers", label="Active customers", unit="count", value=1316.0, previous=1250.0, n=1316,
             n_previous=1250, area="customers", definition="Customers active at the end."),
        Tile(key="arr", label="ARR", unit="currency", value=58_860_000.0, previous=55_000_000.0, n=1200,
             n_previous=1250, area="customers", definition="12 x MRR."),
    ]


def make_pack(language: str = "en", *, last: dict | None = None, company: str = "Acme S.p.A.",
              flt: CustomerFilter = CustomerFilter(segments=("SMB",))) -> Pack:
    tiles = make_tiles()
    sections = ("nps", "retention", "maturity")
    figures = {area: [go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": f"{area} {i}"}})
                      for i in (1, 2)] for area in sections}
    return Pack(company=company, period=PERIOD, previous=PERIOD.previous(), flt=flt, language=language,
                sections=sections, generated_at=GENERATED, as_of=PERIOD.last, freshness="2026-03-31", tiles=tiles,
                summary=sm.what_changed(tiles, language=language), figures=figures, last=last)


@pytest.fixture()
def pack() -> Pack:
    return make_pack()


@pytest.fixture()
def pack_it() -> Pack:
    return make_pack("it")


def fake_images(pack: Pack, colour: tuple[int, int, int] = (0, 114, 178)) -> dict[str, list[bytes]]:
    """One plain PNG (the pack's figure size, in one colour) per figure of the pack, drawn without
    Chromium, so the layout of the PDF and the deck can be measured with images in place."""
    import io

    from PIL import Image

    from cs_metrics.report import FIGURE_SIZE

    def png() -> bytes:
        out = io.BytesIO()
        Image.new("RGB", FIGURE_SIZE, colour).save(out, format="PNG")
        return out.getvalue()

    return {area: [png() for _ in figs] for area, figs in pack.figures.items()}
