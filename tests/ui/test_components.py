"""What keeps a page's size independent of the company's (``ui.components``): a capped table with
its count and download, the pager, and the picker that finds its options by what is typed; run in
AppTest on made-up rows whose expected values are counted here."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _capped_app():
    import pandas as pd

    from ui import components

    rows = pd.DataFrame({"n": range(250), "name": [f"Customer {i}" for i in range(250)]})
    components.capped_table(rows, key="many", noun="customers", hide_index=True)
    components.capped_table(rows.head(7), key="few", noun="customers", hide_index=True)


def test_capped_table_shows_the_first_rows_the_count_and_offers_every_row():
    at = AppTest.from_function(_capped_app).run()
    assert not at.exception
    many, few = (d.value for d in at.dataframe)
    assert many["n"].tolist() == list(range(100))  # TABLE_ROWS = 100 of the 250 rows
    assert few["n"].tolist() == list(range(7))  # under the cap: every row, no caption, no download
    assert [c.value for c in at.caption] == [
        "Showing the first 100 of 250 customers; download them all to see the rest."]
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) == 1 and "Download all 250 (CSV)" in downloads[0].proto.label


def test_csv_bytes_holds_every_row():
    import pandas as pd

    from ui import components

    rows = pd.DataFrame({"n": [1, 2, 3], "name": ["a", "b, c", "é"]})
    assert components.csv_bytes(rows).decode("utf-8").splitlines() == ["n,name", "1,a", '2,"b, c"', "3,é"]


def _pager_app():
    import streamlit as st

    from ui import components

    first = components.pager(235, key="p", rows=50, reset_on=st.session_state.get("filter"))
    st.text(f"first={first}")


def test_pager_moves_page_by_page_and_starts_again_when_the_filter_changes():
    at = AppTest.from_function(_pager_app).run()
    assert at.text[0].value == "first=0"
    assert at.caption[0].value == "Page 1 of 5 · rows 1–50 of 235"  # ceil(235 / 50) = 5 pages
    for expected in (50, 100, 150, 200, 200):  # the last page stays the last
        at.button(key="p_next").click().run()
        assert at.text[0].value == f"first={expected}"
    assert at.caption[0].value == "Page 5 of 5 · rows 201–235 of 235"
    at.button(key="p_previous").click().run()
    assert at.text[0].value == "first=150"
    at.session_state["filter"] = "invoice"
    at.run()
    assert at.text[0].value == "first=0"


def _picker_app():
    import streamlit as st

    from ui import components

    options = {i: f"Customer {i:03d} (C{i})" for i in range(1, 301)}
    st.text(f"picked={components.find_and_pick('Customer', options, key='pick', find_key='find')}")


def test_find_and_pick_lists_at_most_fifty_and_finds_by_what_is_typed():
    at = AppTest.from_function(_picker_app).run()
    box = at.selectbox(key="pick")
    assert len(box.options) == 50 and box.value == 1  # PICK_OPTIONS = 50 of the 300
    assert any(c.value == "300 match; the first 50 are listed. Type more to narrow them." for c in at.caption)
    at.text_input(key="find").input("customer 12").run()  # 120-129 ("Customer 012" does not contain it)
    assert at.selectbox(key="pick").options == [f"Customer {i:03d} (C{i})" for i in range(120, 130)]
    at.selectbox(key="pick").set_value(125).run()
    assert at.text[0].value == "picked=125"
    at.text_input(key="find").input("nobody").run()
    assert at.text[0].value == "picked=None"
    assert any(c.value == "Nothing matches; try another name or number." for c in at.caption)
