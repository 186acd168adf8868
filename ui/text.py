"""Data-borne text shown literally where Streamlit reads Markdown.

Streamlit renders Markdown (and, for some elements, HTML-like syntax) in st.markdown, st.write,
st.caption, the alerts, titles and headers, and in widget, tab, expander, metric and page-link
labels. A name typed by a person or read from a file (a team, a customer, an owner, a meeting
title, a file name) must show as typed there, never as a link, an image, emphasis or a tag.
"""

from __future__ import annotations

import re

#: Characters that can start Markdown, HTML or LaTeX wherever they stand in a line: code, emphasis,
#: links and images, tags and autolinks, strikethrough, math, table cells, and the backslash itself.
ANYWHERE = "\\`*[]<>~$|"
#: Characters that start a block only at the beginning of a line: a heading or a list item.
LINE_START = "#-+"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: An emoji or icon shortcode (":smile:", ":material/home:"): Streamlit draws it as a picture, and a
#: backslash cannot stop that (its plugin reads the text after the escapes are taken out). An
#: invisible word joiner after the first colon breaks the code; the name still reads as typed.
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+\-/]+:)")
WORD_JOINER = "\u2060"
_SPECIAL = re.compile(
    "|".join((
        "[" + re.escape(ANYWHERE) + "]",
        r"^\s*[" + re.escape(LINE_START) + "]",  # "# heading", "- item", "+ item"
        r"^\s*\d+[.)](?=\s|$)",  # "1. item", "1) item" (not "12.5")
        r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])",  # emphasis; "snake_case" is left alone (inert)
        r"&(?=#?[A-Za-z0-9]+;)",  # an entity such as "&amp;" or "&#60;"
        r"!(?=\[)",  # an image; "[" is escaped anyway, the "!" keeps its meaning clear
        r":(?=//)",  # a bare URL ("https://...") that GitHub-flavoured Markdown would make a link
        r"(?i:(?<=www))\.",  # likewise "www.example.com"
    )),
    re.M,
)


def _escape(match: re.Match[str]) -> str:
    found = match.group(0)
    return found[:-1] + "\\" + found[-1]  # "  1." -> "  1\.": only the last character is syntax


def plain(text: object) -> str:
    """``text`` with every character that Markdown, HTML or LaTeX would read as syntax escaped by a
    backslash (CommonMark, "Backslash escapes"), so that it shows literally and nothing in it
    becomes a link, an image, a tag, emphasis, a heading or a list. Ordinary prose punctuation
    (". , ; : ( ) ' -" inside a line) cannot start any of those and is left as it is.

    Line breaks become spaces: a name is one line, and a break inside one would otherwise start
    a new paragraph, heading or list item. An emoji or icon shortcode (``:smile:``) gets an
    invisible word joiner after its first colon, so that it is not drawn as a picture.
    """
    return _SHORTCODE.sub(":" + WORD_JOINER, _SPECIAL.sub(_escape, _LINE_BREAK.sub(" ", str(text))))
