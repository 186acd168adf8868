"""The board pack and a short digest sent by e-mail, for scheduled runs.

``pack`` sends the board pack (PDF and PPTX attached, "what changed" in the body); ``digest``
sends a short HTML e-mail with a plain-text part: what changed, the headline figures (value,
change, the test's reading, n) and the largest accounts at risk. The digest is a list of
sections, each (title, HTML, text) from a builder ``fn(engine, pack) -> Section | None``;
``DIGEST_SECTIONS`` holds the builders in reading order, and a new section is one more builder.

Each kind is sent once per period, language and list of recipients: the table ``delivery``
records every send, so a second run for the same period sends nothing and says so (``--force``
sends again). Every send is recorded in the audit trail ("delivery.send").

The mail server, the sender and the recipients come from the environment only (a password never
appears on a command line):

``OUTSIDE_IN_SMTP_HOST``, ``OUTSIDE_IN_SMTP_PORT`` (587), ``OUTSIDE_IN_SMTP_STARTTLS`` (yes),
``OUTSIDE_IN_SMTP_USER``, ``OUTSIDE_IN_SMTP_PASSWORD`` (or ``OUTSIDE_IN_SMTP_PASSWORD_FILE``, a
file holding it, e.g. a systemd credential), ``OUTSIDE_IN_SMTP_FROM``,
``OUTSIDE_IN_PACK_RECIPIENTS`` and ``OUTSIDE_IN_DIGEST_RECIPIENTS`` (comma-separated).

Command line::

    python -m cs_metrics.services.deliver pack|digest (--start D --end D | --last week|month|quarter)
        [--language en|it] [--company NAME] [--database-url URL] [--dry-run DIR] [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import os
import smtplib
import ssl
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cs_metrics import i18n, report
from cs_metrics.access import Actor
from cs_metrics.errors import ConfigurationError, DataError, SchemaError
from cs_metrics.i18n import N_, _, formats
from cs_metrics.period import Period
from cs_metrics.report.readings import at_risk_table, figure_row, summary_tiles
from cs_metrics.services.access import write
from cs_metrics.services.boardpack import COMMAND_LINE, _date, build_pack
from cs_metrics.storage import models as m
from cs_metrics.storage.setup import prepare_database

__all__ = [
    "DIGEST_SECTIONS", "KINDS", "MailSettings", "Section", "deliver", "digest_message", "digest_sections",
    "last_period", "main", "pack_message", "recipients_key", "sent_before", "subject",
]

KINDS: tuple[str, ...] = ("pack", "digest")
PREFIX = "OUTSIDE_IN_"
#: The word for each kind in a subject, by language.
#: The word for each kind in a subject (in the pack's language, from the catalog).
KIND_WORDS = {"pack": N_("Board pack"), "digest": N_("Digest")}
_WORDS = {"figures": N_("Headline figures"), "attached": N_("The board pack is attached as PDF and PPTX."),
          "none_at_risk": N_("No account at risk.")}


def _word(pack: report.Pack, english: str) -> str:
    with i18n.using(pack.language):
        return _(english)
_TRUE, _FALSE = ("yes", "true", "1", "on"), ("no", "false", "0", "off")


# --- settings ---------------------------------------------------------------------------------------


def _addresses(name: str, value: str) -> tuple[str, ...]:
    found = tuple(a.strip() for a in value.split(",") if a.strip())
    bad = [a for a in found if a.count("@") != 1 or any(c in a for c in " <>;\"'")]
    if not found or bad:
        shown = f"holds {', '.join(bad)}, which is not an e-mail address" if bad else "is empty"
        raise ConfigurationError(f"{name} {shown}: give e-mail addresses (name@company.com), separated by commas.")
    return found


@dataclass(frozen=True)
class MailSettings:
    """Where and as whom to send, and to whom (``from_env``). The password is never shown."""

    host: str
    port: int
    starttls: bool
    user: str
    password: str = field(repr=False)
    sender: str
    recipients: tuple[str, ...]

    @classmethod
    def from_env(cls, kind: str, env: Mapping[str, str] | None = None, *, sending: bool = True) -> MailSettings:
        """Read the settings of ``kind`` (``pack`` or ``digest``). ``sending=False`` (a dry run)
        needs only the sender and the recipients.

        Raises
        ------
        ConfigurationError
            For a missing or malformed setting; the message names it and never holds the password.
        """
        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return env.get(PREFIX + name, default).strip() or default

        host, user = get("SMTP_HOST"), get("SMTP_USER")
        if sending and not host:
            raise ConfigurationError(f"{PREFIX}SMTP_HOST is not set: give the mail server's host name.")
        port_text = get("SMTP_PORT", "587")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigurationError(f"{PREFIX}SMTP_PORT is {port_text!r}: give the mail server's port, e.g. 587.")
        tls_text = get("SMTP_STARTTLS", "yes").lower()
        if tls_text not in _TRUE + _FALSE:
            raise ConfigurationError(f"{PREFIX}SMTP_STARTTLS is {tls_text!r}: write yes or no.")
        starttls, port = tls_text in _TRUE, int(port_text)
        password = env.get(PREFIX + "SMTP_PASSWORD", "")
        secret = get("SMTP_PASSWORD_FILE")
        if secret and not password:
            try:
                password = Path(secret).read_text(encoding="utf-8").strip()
            except OSError:
                raise ConfigurationError(f"{PREFIX}SMTP_PASSWORD_FILE names {secret}, which cannot be read.") from None
        if sending and user and not password:
            raise ConfigurationError(f"{PREFIX}SMTP_PASSWORD is not set, and {PREFIX}SMTP_USER is: give the "
                                     f"password (or {PREFIX}SMTP_PASSWORD_FILE), or leave the user out.")
        if sending and user and not starttls and port != 465 and host not in ("localhost", "127.0.0.1", "::1"):
            raise ConfigurationError(f"{PREFIX}SMTP_STARTTLS is no while {PREFIX}SMTP_USER is set: the password "
                                     f"would cross the network unencrypted. Use STARTTLS or port 465.")
        sender_text = get("SMTP_FROM")
        if not sender_text:
            raise ConfigurationError(f"{PREFIX}SMTP_FROM is not set: give the address the e-mails come from.")
        sender = _addresses(PREFIX + "SMTP_FROM", sender_text)[0]
        name = f"{PREFIX}{kind.upper()}_RECIPIENTS"
        if not get(f"{kind.upper()}_RECIPIENTS"):
            raise ConfigurationError(f"{name} is not set: give the recipients' e-mail addresses, separated by commas.")
        return cls(host, port, starttls, user, password, sender, _addresses(name, get(f"{kind.upper()}_RECIPIENTS")))


def recipients_key(recipients: Sequence[str]) -> str:
    """SHA-256 (hex) of the sorted, lower-case recipients joined by commas: the same list in any
    order or case gives the same key.

    Example
    -------
    >>> recipients_key(["B@x.com", "a@x.com"]) == recipients_key(["a@x.com", "b@x.com"])
    True
    """
    joined = ",".join(sorted({r.strip().lower() for r in recipients}))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


# --- the messages -----------------------------------------------------------------------------------


class Section(NamedTuple):
    """One part of the digest: its title, its HTML (escaped) and its plain text."""

    title: str
    html: str
    text: str


def subject(kind: str, pack: report.Pack) -> str:
    """'<company> · Board pack · <period>' (or Digest; the Italian words in Italian)."""
    return f"{pack.company} · {_word(pack, KIND_WORDS[kind])} · {report.period_label(pack.period, pack.language)}"


def _paragraphs(lines: Sequence[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellpadding='4' style='border-collapse:collapse'><tr>{cells}</tr>{body}</table>"


def changed_section(engine: Engine, pack: report.Pack) -> Section:
    """What changed (the pack's summary sentences)."""
    lines = list(pack.summary.sentences)
    return Section(pack.t("changed"), _paragraphs(lines), "\n".join(lines))


def figures_section(engine: Engine, pack: report.Pack) -> Section | None:
    """The headline figures: value, change, the test's reading and n of every summary tile."""
    tiles = summary_tiles(pack)
    if not tiles:
        return None
    rows = [(name, value, change, reading, n) for name, value, _, change, reading, n
            in (figure_row(t, pack.language) for t in tiles)]
    head = [pack.t(k) for k in ("figure", "value", "change", "test", "n")]
    text = "\n".join(f"- {name}: " + "; ".join(c for c in (value, change, reading, f"n = {n}") if c)
                     for name, value, change, reading, n in rows)
    return Section(_word(pack, _WORDS["figures"]), _table(head, rows), text)


def at_risk_section(engine: Engine, pack: report.Pack) -> Section | None:
    """The largest accounts at risk (the pack's health section), or None without a health section."""
    if pack.at_risk is None:
        return None
    head, rows, caption = at_risk_table(pack)
    if not rows:
        none = _word(pack, _WORDS["none_at_risk"])
        return Section(pack.t("at_risk"), _paragraphs([none]), none)
    text = "\n".join([caption, *("- " + " · ".join(c for c in r if c) for r in rows)])
    return Section(pack.t("at_risk"), _paragraphs([caption]) + _table(head, rows), text)


def alerts_section(engine: Engine, pack: report.Pack) -> Section:
    """The open (unacknowledged) alerts of the pack's customers on its reference date: who, why, since."""
    from cs_metrics.services import alerts

    found = alerts.alerts(engine, as_of=pack.as_of, flt=pack.flt)
    open_ = found[~found["acknowledged"]]
    with i18n.using(pack.language):
        title = _("Alerts")
        if open_.empty:
            none = _("No open alert.")
            return Section(title, _paragraphs([none]), none)
        rows = [(str(r.who), str(r.rule_label), str(r.why), formats.date(r.since)) for r in open_.head(25).itertuples()]
        head = [_("Who"), _("Alert"), _("Why"), _("Since")]
        lines = [f"- {who} · {label}: {why} ({since})" for who, label, why, since in rows]
        more = ([_("{n} more on the Overview page.").format(n=formats.decimal(len(open_) - 25))]
                if len(open_) > 25 else [])
    return Section(title, _table(head, rows) + _paragraphs(more), "\n".join(lines + more))


def renewals_section(engine: Engine, pack: report.Pack) -> Section | None:
    """The renewals ahead (the pack's renewals section): the ARR up for renewal with its change, split
    by health band, and the ARR expected to renew with its range; None without a renewals section."""
    from cs_metrics import summary as sm
    from cs_metrics.services.boardpack import RENEWAL_BAND_LABELS

    tiles = pack.section_tiles("renewals") if "renewals" in pack.sections else []
    if not tiles:
        return None
    tile, lang = tiles[0], pack.language
    name, value, previous, change, _reading, n = figure_row(tile, lang)
    with i18n.using(lang):
        lines = [_("{figure}: {value} (contracts: {n}); before {previous} ({change}).").format(
            figure=name, value=value, n=n, previous=previous, change=change)]
        bands, expected = tile.extra.get("bands"), tile.extra.get("expected")
        if tile.has_value and bands is not None and expected is not None:
            money = {b.band: sm.value_text(tile, float(b.arr), lang) for b in bands.itertuples()}
            lines.append(_("By health band: {bands}").format(bands=" · ".join(
                f"{_(RENEWAL_BAND_LABELS[b.band])} {money[b.band]} ({b.contracts})" for b in bands.itertuples())))
            if expected.expected == expected.expected:
                low, high = (sm.value_text(tile, v, lang) for v in (expected.low, expected.high))
                lines.append(_("Expected to renew: {arr} ({low}–{high}).").format(
                    arr=sm.value_text(tile, expected.expected, lang), low=low, high=high))
    return Section(report.SECTION_TITLES[lang]["renewals"], _paragraphs(lines), "\n".join(lines))


#: The digest's sections in reading order: ``fn(engine, pack) -> Section | None`` (None leaves it out).
DIGEST_SECTIONS: list[Callable[[Engine, report.Pack], Section | None]] = [
    changed_section, figures_section, at_risk_section, alerts_section, renewals_section,
]


def digest_sections(engine: Engine, pack: report.Pack,
                    builders: Sequence[Callable[[Engine, report.Pack], Section | None]] | None = None) -> list[Section]:
    """The digest's sections from ``builders`` (default ``DIGEST_SECTIONS``), those with content."""
    with i18n.using(pack.language):  # the alerts' names and reasons too
        return [s for s in (b(engine, pack) for b in (DIGEST_SECTIONS if builders is None else builders))
                if s is not None]


def _envelope(kind: str, pack: report.Pack, sender: str, recipients: Sequence[str],
              now: dt.datetime | None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(kind, pack)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime((now or dt.datetime.now(dt.UTC)).replace(microsecond=0))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    return msg


def _bodies(pack: report.Pack, sections: Sequence[Section], closing: str = "") -> tuple[str, str]:
    heading = f"{pack.company} · {report.period_label(pack.period, pack.language)}"
    text = "\n\n".join([heading, *(f"{s.title}\n{s.text}" for s in sections), *([closing] if closing else [])])
    parts = "".join(f"<h2>{html.escape(s.title)}</h2>{s.html}" for s in sections)
    tail = f"<p>{html.escape(closing)}</p>" if closing else ""
    page = (f"<!DOCTYPE html><html lang='{pack.language}'><body style='font-family:sans-serif'>"
            f"<h1>{html.escape(heading)}</h1>{parts}{tail}</body></html>")
    return text + "\n", page


def digest_message(engine: Engine, pack: report.Pack, *, sender: str, recipients: Sequence[str],
                   now: dt.datetime | None = None) -> EmailMessage:
    """The digest: plain text, and the same sections as HTML (the alternative mail readers prefer)."""
    msg = _envelope("digest", pack, sender, recipients, now)
    text, page = _bodies(pack, digest_sections(engine, pack))
    msg.set_content(text)
    msg.add_alternative(page, subtype="html")
    return msg


def file_name(pack: report.Pack, kind: str) -> str:
    """'board-pack-<first day>-<last day>.<kind>'."""
    return f"board-pack-{pack.period.first.isoformat()}-{pack.period.last.isoformat()}.{kind}"


def pack_message(engine: Engine, pack: report.Pack, files: Mapping[str, bytes], *, sender: str,
                 recipients: Sequence[str], now: dt.datetime | None = None) -> EmailMessage:
    """The board pack: what changed as text and HTML, the PDF and the PPTX attached."""
    msg = _envelope("pack", pack, sender, recipients, now)
    text, page = _bodies(pack, [changed_section(engine, pack)], _word(pack, _WORDS["attached"]))
    msg.set_content(text)
    msg.add_alternative(page, subtype="html")
    for kind in ("pdf", "pptx"):
        maintype, _, subtype = report.MIME[kind].partition("/")
        msg.add_attachment(files[kind], maintype=maintype, subtype=subtype, filename=file_name(pack, kind))
    return msg


# --- sending, once ----------------------------------------------------------------------------------


def _key_filter(kind: str, period: Period, language: str, key: str):
    d = m.Delivery
    return (d.kind == kind, d.period_start == period.first, d.period_end == period.last, d.language == language,
            d.recipients_key == key)


def sent_before(engine: Engine, *, kind: str, period: Period, language: str,
                recipients: Sequence[str]) -> dt.datetime | None:
    """When this kind was sent for this period, language and list of recipients (None: never)."""
    with engine.connect() as conn:
        return conn.execute(select(m.Delivery.sent_at).where(
            *_key_filter(kind, period, language, recipients_key(recipients)))).scalar_one_or_none()


def smtp_send(message: EmailMessage, settings: MailSettings) -> None:
    """Hand ``message`` to the mail server (STARTTLS when set; implicit TLS on port 465)."""
    context = ssl.create_default_context()
    if settings.port == 465:
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=60, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=60)
    with server:
        if settings.starttls and settings.port != 465:
            server.starttls(context=context)
        if settings.user:
            server.login(settings.user, settings.password)
        server.send_message(message, from_addr=settings.sender, to_addrs=list(settings.recipients))


def deliver(engine: Engine, message: EmailMessage, *, kind: str, period: Period, language: str,
            settings: MailSettings, actor: Actor, force: bool = False,
            send: Callable[[EmailMessage, MailSettings], None] = smtp_send) -> bool:
    """Send ``message`` once for (kind, period, language, recipients) as ``actor`` (right
    "delivery.send": admins and the command line); True when sent, False when it had been sent
    already (nothing sent; ``force`` sends again). The send is recorded in ``delivery`` and in
    the audit trail; a send that fails records nothing.

    Raises
    ------
    cs_metrics.access.Refused
        ``actor`` may not send (nothing is sent; the refusal is in the audit trail).
    smtplib.SMTPException, OSError
        The mail server refused or could not be reached.
    """
    key = recipients_key(settings.recipients)
    if not force and sent_before(engine, kind=kind, period=period, language=language, recipients=settings.recipients):
        return False
    what = f"{kind} {period.first.isoformat()} to {period.last.isoformat()} ({language})"
    with write(engine, actor, "delivery.send", records=what) as entry:
        row = dict(kind=kind, period_start=period.first, period_end=period.last, language=language,
                   recipients_key=key, sent_at=dt.datetime.now(dt.UTC), message_id=message["Message-ID"])
        with engine.begin() as conn:
            if force:
                conn.execute(delete(m.Delivery).where(*_key_filter(kind, period, language, key)))
            try:
                conn.execute(m.Delivery.__table__.insert().values(**row))
            except IntegrityError:
                raise DataError(f"The {what} was just sent by another run; nothing was sent.") from None
        try:
            send(message, settings)
        except BaseException:
            with engine.begin() as conn:
                conn.execute(delete(m.Delivery).where(*_key_filter(kind, period, language, key)))
            raise
        entry.summary = f"sent to {len(settings.recipients)} recipient(s), {message['Message-ID']}"
    return True


# --- command line ----------------------------------------------------------------------------------


def last_period(unit: str, today: dt.date) -> Period:
    """The last whole week (Monday to Sunday), month or quarter before ``today``'s.

    Example
    -------
    >>> last_period("month", dt.date(2026, 3, 1)).label()
    '01 Feb 2026 – 28 Feb 2026'
    """
    if unit == "week":
        monday = today - dt.timedelta(days=today.weekday())
        return Period(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))
    months = 3 if unit == "quarter" else 1
    first = today.replace(day=1, month=(today.month - 1) // months * months + 1)
    end = first - dt.timedelta(days=1)
    start_month = end.month - months + 1
    return Period(dt.date(end.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1), end)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m cs_metrics.services.deliver",
        description="Send the board pack (PDF and PPTX attached) or the digest by e-mail, once per period, "
        "language and list of recipients. The mail server, sender and recipients come from the environment "
        "(OUTSIDE_IN_SMTP_*, OUTSIDE_IN_PACK_RECIPIENTS, OUTSIDE_IN_DIGEST_RECIPIENTS).")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--database-url", default=None, help="default: $DATABASE_URL or data/outside_in.db")
    p.add_argument("--start", type=_date, default=None, help="first day of the period, included, YYYY-MM-DD")
    p.add_argument("--end", type=_date, default=None, help="last day of the period, included, YYYY-MM-DD")
    p.add_argument("--last", choices=("week", "month", "quarter"), default=None,
                   help="the last whole week (Monday to Sunday), month or quarter before today")
    p.add_argument("--today", type=_date, default=None, help="the day --last counts back from (default: today)")
    p.add_argument("--language", choices=report.LANGUAGES, default="en")
    p.add_argument("--company", default="", help="company name in the subject and on every page")
    p.add_argument("--dry-run", type=Path, default=None, metavar="DIR",
                   help="write the e-mail as a .eml file into DIR instead of sending it")
    p.add_argument("--force", action="store_true", help="send even if it was sent already for this period")
    return p


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Command line entry point; returns the exit code: 0 sent (or sent already), 1 not sent (the
    mail server failed, or no Chromium to draw the pack's figures), 2 bad arguments or settings."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.last and (args.start or args.end):
        parser.error("give either --last or --start and --end, not both")
    if not args.last and not (args.start and args.end):
        parser.error("give the period: --start and --end, or --last week|month|quarter")
    if args.start and args.end < args.start:
        parser.error(f"--end ({args.end}) is before --start ({args.start})")
    if args.dry_run is not None and not args.dry_run.is_dir():
        parser.error(f"the folder {args.dry_run} does not exist; create it or choose another --dry-run")
    period = last_period(args.last, args.today or dt.date.today()) if args.last else Period(args.start, args.end)
    try:
        settings = MailSettings.from_env(args.kind, env, sending=args.dry_run is None)
        engine = prepare_database(args.database_url, load_demo=False)
    except (ConfigurationError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    what = f"{args.kind} {period.first.isoformat()} to {period.last.isoformat()} ({args.language})"
    when = sent_before(engine, kind=args.kind, period=period, language=args.language, recipients=settings.recipients)
    if when is not None and not args.force and args.dry_run is None:
        print(f"{what} was sent to these recipients on {when:%Y-%m-%d %H:%M} UTC; nothing sent (--force sends again)")
        return 0
    pack = build_pack(engine, period=period, language=args.language, company=args.company,
                      figures=args.kind == "pack")
    if args.kind == "pack":
        try:
            files = report.render_files(pack, formats=("pdf", "pptx"))
        except report.ChromiumMissing as exc:
            print(f"error: {exc} Nothing was sent.", file=sys.stderr)
            return 1
        finally:
            report.stop_figure_server()
        message = pack_message(engine, pack, files, sender=settings.sender, recipients=settings.recipients)
    else:
        message = digest_message(engine, pack, sender=settings.sender, recipients=settings.recipients)
    if args.dry_run is not None:
        out = args.dry_run / f"{args.kind}-{period.first.isoformat()}-{period.last.isoformat()}-{args.language}.eml"
        out.write_bytes(message.as_bytes())
        print(f"wrote {out} ({out.stat().st_size:,} bytes); nothing sent")
        return 0
    try:
        sent = deliver(engine, message, kind=args.kind, period=period, language=args.language, settings=settings,
                       actor=COMMAND_LINE, force=args.force)
    except (smtplib.SMTPException, OSError) as exc:
        print(f"error: the mail server {settings.host}:{settings.port} did not take the {what}: {exc}. "
              "Nothing was recorded; run again to retry.", file=sys.stderr)
        return 1
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not sent:
        print(f"{what} was sent to these recipients meanwhile; nothing sent (--force sends again)")
        return 0
    print(f"sent {what} to {len(settings.recipients)} recipient(s), {message['Message-ID']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
