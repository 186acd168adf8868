"""The Data page's vocabularies and currency: the company's own segments, regions, survey
touchpoints, churn reasons (with their category and whether the company could have acted on them),
departments and meeting types, and the currency every amount is written in. Each edit is
validated by the vocabulary service, made as the person using the app (admins only) and recorded
in the audit trail; a refusal says what to fix."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from cs_metrics.errors import DataError
from cs_metrics.i18n import N_, _, formats, ngettext
from cs_metrics.services import vocabulary
from ui import components, identity, loaders
from ui.text import plain

MESSAGE = "data_vocabulary_message"
#: How the controllability of a churn reason reads (None: not known).
CONTROLLABLE: dict[bool | None, str] = {True: N_("Yes"), False: N_("No"), None: N_("Not known")}


def _flag(value: object) -> bool | None:
    return None if value is None or value is pd.NA or value != value else bool(value)


def _apply(edit: Callable[..., str], *args: object, **kwargs: object) -> None:
    """Run one edit as the person using the app; on success remember its message and redraw, else
    show what to fix (or which role may make it)."""
    message = identity.attempt(edit, *args, **kwargs)
    if message is identity.FAILED:
        return
    loaders.invalidate()
    st.session_state[MESSAGE] = message
    st.rerun()


def _choice(terms: pd.DataFrame) -> dict[str, str]:
    return {r.key: r.label if r.label == r.key else f"{r.label} ({r.key})" for r in terms.itertuples()}


def _table(kind: str, terms: pd.DataFrame) -> None:
    columns = {"key": _("Key (in the data)"), "label": _("Label"), "rows": _("Rows holding it")}
    shown = terms.copy()
    if kind == "churn_reason":
        columns = {"key": columns["key"], "label": _("Label"), "category": _("Category"),
                   "controllable": _("Controllable"), "rows": columns["rows"]}
        shown["controllable"] = shown["controllable"].map(lambda v: _(CONTROLLABLE[_flag(v)]))
    components.table(shown[list(columns)].rename(columns=columns), hide_index=True, width="stretch")


def _reason_fields(prefix: str, category: str | None = None, controllable: bool | None = None) -> dict:
    """Category and controllability inputs of a churn reason."""
    left, right = st.columns(2)
    text = left.text_input(_("Category"), value=category or "", max_chars=vocabulary.MAX_CATEGORY,
                           key=f"{prefix}_category",
                           help=_("Groups reasons in the charts, e.g. price, product, service."))
    answers = {answer: flag for flag, answer in CONTROLLABLE.items()}
    shown = {answer: _(answer) for answer in answers}
    answer = right.radio(_("Could the company have acted on it?"), list(answers), horizontal=True,
                         format_func=shown.get,
                         index=list(answers).index(CONTROLLABLE[controllable]), key=f"{prefix}_controllable")
    return {"category": text, "controllable": answers[answer]}


def _add(kind: str) -> None:
    with st.form(f"vocab_add_{kind}", clear_on_submit=True, border=False):
        left, right = st.columns(2)
        key = left.text_input(_("Value, as your files write it"), key=f"vocab_add_key_{kind}")
        label = right.text_input(_("Label (optional)"), key=f"vocab_add_label_{kind}",
                                 help=_("What people read; the value itself when empty."))
        extra = _reason_fields(f"vocab_add_{kind}") if kind == "churn_reason" else {}
        if st.form_submit_button(_("Add"), key=f"vocab_add_button_{kind}"):
            _apply(vocabulary.add_term, kind, key, label=label, **extra)


def _edit(kind: str, terms: pd.DataFrame) -> None:
    names = _choice(terms)
    key = st.selectbox(_("Value"), list(names), format_func=names.get, key=f"vocab_edit_key_{kind}")
    row = terms[terms["key"] == key].iloc[0]
    label = st.text_input(_("Label"), value=row["label"], max_chars=vocabulary.MAX_LABEL,
                          key=f"vocab_edit_label_{kind}_{key}")
    extra = {}
    if kind == "churn_reason":
        category = row["category"] if isinstance(row["category"], str) else None
        extra = _reason_fields(f"vocab_edit_{kind}_{key}", category, _flag(row["controllable"]))
    st.caption(_("The key stays: data rows keep it, and show the new label."))
    if st.button(_("Save changes"), key=f"vocab_edit_button_{kind}"):
        _apply(vocabulary.update_term, kind, key, label=label, **extra)


def _remove(kind: str, terms: pd.DataFrame) -> None:
    names = _choice(terms)
    key = st.selectbox(_("Value"), list(names), format_func=names.get, key=f"vocab_remove_key_{kind}")
    rows = int(terms.loc[terms["key"] == key, "rows"].iloc[0])
    # The English reads "1 data rows" as it always has; a language with forms has them.
    st.caption(ngettext("{n} data rows hold it; they keep it. Imports will ask about it again.",
                        "{n} data rows hold it; they keep it. Imports will ask about it again.", rows).format(
        n=formats.decimal(rows)) if rows else _("No data row holds it."))
    sure = st.checkbox(_("Yes, remove '{value}'").format(value=plain(names[key])),
                       key=f"vocab_remove_sure_{kind}_{key}")
    if st.button(_("Remove"), disabled=not sure, key=f"vocab_remove_button_{kind}"):
        _apply(vocabulary.remove_term, kind, key)


def _currency() -> None:
    st.markdown(_("**Currency**"))
    current = loaders.load(vocabulary.currency)
    left, right = st.columns([1, 3])
    code = left.text_input(_("ISO 4217 code"), value=current, max_chars=3, key="vocab_currency",
                           help=_("Three letters, e.g. USD, GBP, CHF, JPY. Amounts are written in it, not "
                                  "converted."))
    try:
        right.caption(_("An amount reads: {amount}").format(amount=vocabulary.money_preview(code)))
        valid = True
    except DataError as exc:
        right.warning(plain(exc))
        valid = False
    same = valid and vocabulary.check_currency(code) == current
    if st.button(_("Save currency"), disabled=not valid or same, key="vocab_currency_button"):
        _apply(vocabulary.set_currency, code)


def vocabulary_section() -> None:
    """Pick a vocabulary, see its values, add, relabel (and recategorise), remove; set the currency."""
    st.subheader(_("Vocabularies and currency"))
    st.caption(_("The values your data may hold: imports check files against them and offer to add new ones. "
                 "Data rows store a value's key; pages show its label."))
    if message := st.session_state.pop(MESSAGE, None):
        st.success(plain(message))
    kinds = vocabulary.KINDS
    names = {k: _(name) for k, name in kinds.items()}  # translated now: a test's runner formats options later
    kind = st.selectbox(_("Vocabulary"), list(kinds), format_func=names.get, key="vocab_kind")
    terms = loaders.load(vocabulary.terms, kind)
    if terms.empty:
        st.caption(_("{vocabulary} is empty: add the values your data holds.").format(vocabulary=_(kinds[kind])))
    else:
        _table(kind, terms)
    relabel = _("Relabel or recategorise") if kind == "churn_reason" else _("Relabel")
    add, edit, remove = st.tabs([_("Add"), relabel, _("Remove")])
    with add:
        _add(kind)
    if not terms.empty:
        with edit:
            _edit(kind, terms)
        with remove:
            _remove(kind, terms)
    _currency()
