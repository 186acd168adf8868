"""The minutes templates (``cs_metrics.minutes_templates``): English and Italian, Markdown and
Word, each ending with the customer item and read back by the minutes parser."""

from __future__ import annotations

import io
import zipfile

import pytest

from cs_metrics import meetings as mt
from cs_metrics import minutes as mn
from cs_metrics import minutes_templates as tpl
from cs_metrics.errors import DataError


@pytest.mark.parametrize("language", ["en", "it"])
def test_templates_parse_back_with_the_customer_item(language):
    for data, name in ((tpl.minutes_template_md(language).encode(), "t.md"), (tpl.minutes_template_docx(language), "t.docx")):
        p = mn.parse_minutes(data, filename=name)
        assert len(p.items) == 3 and p.customer_item_found
        assert p.customer_item_text is None  # the hint is not an answer
        assert p.language == language
        assert p.held_on is None and p.attendees is None  # placeholders are not facts
    assert mt.CUSTOMER_QUESTION[language] in tpl.minutes_template_md(language)
    assert zipfile.is_zipfile(io.BytesIO(tpl.minutes_template_docx(language)))


def test_template_in_unknown_language():
    with pytest.raises(DataError, match="choose one of"):
        tpl.minutes_template_md("de")
