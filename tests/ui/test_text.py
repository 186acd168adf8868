"""ui.text.plain: data-borne text shows literally where Streamlit reads Markdown."""

from __future__ import annotations

import re
import string

import pytest

from ui.text import ANYWHERE, LINE_START, WORD_JOINER, plain

_PUNCT = re.escape(string.punctuation)
#: CommonMark, "Backslash escapes": a backslash before ASCII punctuation leaves that character literal.
_ESCAPE = re.compile(rf"\\([{_PUNCT}])")
#: Text in which none of ``ANYWHERE`` stands bare: each is behind a backslash that is not itself escaped.
_NONE_BARE = re.compile(rf"(?:\\[{_PUNCT}]|[^{re.escape(ANYWHERE)}])*")


def shown(markdown: str) -> str:
    """What a CommonMark renderer shows for text made only of characters and backslash escapes."""
    return _ESCAPE.sub(r"\1", markdown)


@pytest.mark.parametrize("char", list(ANYWHERE))
def test_characters_that_are_syntax_anywhere_are_escaped_anywhere(char):
    # code, emphasis, links and images, tags, strikethrough, math, table cells, the backslash itself
    assert plain(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize("char", list(LINE_START))
def test_block_characters_are_escaped_at_the_start_only(char):
    # "# x" is a heading, "- x" and "+ x" list items; inside a line they are prose ("three-letter")
    assert plain(f"{char} x") == f"\\{char} x"
    assert plain(f"  {char} x") == f"  \\{char} x"
    assert plain(f"a {char} b") == f"a {char} b"


@pytest.mark.parametrize(("text", "expected"), [
    ("1. x", "1\\. x"),  # an ordered list item
    ("12) x", "12\\) x"),  # the other ordered list marker
    ("Version 1.2 (draft).", "Version 1.2 (draft)."),  # prose punctuation inside a line
    ("_em_", "\\_em\\_"),  # emphasis
    ("cheaper_plan", "cheaper_plan"),  # an underscore between letters or digits is never emphasis
    ("&amp; &#60;", "\\&amp; \\&#60;"),  # entities would show as "&" and "<"
    ("R&D", "R&D"),  # a lone ampersand shows as it is
    ("![x]", "\\!\\[x\\]"),  # an image
    ("http://a.b/c", "http\\://a.b/c"),  # a bare URL would become a link
    ("www.a.b", "www\\.a.b"),  # likewise
])
def test_context_dependent_syntax_is_escaped_where_it_would_be_read(text, expected):
    assert plain(text) == expected


def test_letters_digits_spaces_and_non_ascii_text_are_left_as_they_are():
    assert plain("Team 7 Zürich · café") == "Team 7 Zürich · café"


def test_line_breaks_become_spaces():
    # "a\nb", "a\r\nb" and "a\rb" are each one line break: a single space in their place
    assert plain("a\nb") == "a b"
    assert plain("a\r\nb") == "a b"
    assert plain("a\rb") == "a b"
    assert plain("a\n# b") == "a # b"  # no longer at the start of a line: not a heading


def test_non_text_values_are_shown_as_their_str():
    assert plain(12.5) == "12.5"
    assert plain(ValueError("bad [x]")) == "bad \\[x\\]"


HOSTILE = [
    "![x](http://127.0.0.1:9/b) **bold** <img src=x>",
    "[click](javascript:alert(1))",
    "<script>alert(1)</script>",
    "# heading",
    "- item",
    "1. first",
    "`code` _em_ ~~strike~~ $x^2$ :red[red] &amp; a|b",
    "\\*already escaped\\*",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_round_trip_shows_the_text_literally(hostile):
    escaped = plain(hostile)
    assert _NONE_BARE.fullmatch(escaped)  # no character of ANYWHERE is left bare
    assert shown(escaped) == hostile  # and it reads back as typed


def test_the_bare_check_catches_live_markdown():
    # the raw hostile string has bare "[", "*", "<": the check above can fail
    assert _NONE_BARE.fullmatch(HOSTILE[0]) is None
    assert _NONE_BARE.fullmatch("a\\\\*b") is None  # an escaped backslash followed by a bare "*"


def test_a_backslash_in_the_text_is_escaped_too():
    # "\\*" (a backslash, then a star) would otherwise escape the star and lose the backslash
    assert plain("\\*") == "\\\\\\*"
    assert shown(plain("\\*")) == "\\*"


@pytest.mark.parametrize("name", [":smile:", "Team :material/home: Nord", "a :+1: b", "ratio 3:2:1"])
def test_emoji_and_icon_shortcodes_are_broken_by_an_invisible_joiner(name):
    escaped = plain(name)
    # No ":word:" is left for Streamlit's emoji and icon plugins to draw; without the invisible word
    # joiner (U+2060) the text reads back as typed.
    assert re.search(r":[A-Za-z0-9_+\-/]+:", escaped) is None
    assert shown(escaped).replace(WORD_JOINER, "") == name


def test_colons_of_prose_and_times_are_left_alone():
    assert plain("Note: call at 10:30") == "Note: call at 10:30"
