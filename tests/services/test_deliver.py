"""The board pack and the digest by e-mail: what a mail server on 127.0.0.1 receives (subject,
recipients, attachments that open, a plain-text part), once per period, language and recipients;
a dry run that writes the message to a file; settings missing or malformed.

Every test works on its own copy of a small demo company (300 customers, as in test_boardpack.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import os
import shutil
import socket
import subprocess
import sys

import pytest
from sqlalchemy import text

from cs_metrics import nps
from cs_metrics import summary as sm
from cs_metrics.period import Period
from cs_metrics.report import figure_row, images, pdf_text, verdict
from cs_metrics.services import boardpack, deliver
from cs_metrics.storage import db, demo
from cs_metrics.storage.queries import access as qa
from tests.conftest import ROOT, skip_or_fail

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
DATES = ["--start", "2025-11-01", "--end", "2026-10-31"]
PASSWORD = "pa55-w0rd-never-shown"
BOARD = ["Board@acme.example", "ceo@acme.example"]
TEAM = ["cs-team@acme.example"]
# The period as a subject writes it: Period.label() "%d %b %Y – %d %b %Y" in English, and
# report.period_label's Italian month abbreviations (nov, ott) in Italian.
PERIOD_TEXT = {"en": "01 Nov 2025 – 31 Oct 2026", "it": "01 nov 2025 – 31 ott 2026"}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("deliver") / "small.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.load_demo(eng, customers=300, seed=99, as_of=AS_OF)
    eng.dispose()
    return path


@pytest.fixture()
def url(demo_file, tmp_path) -> str:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    return f"sqlite:///{copy}"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives, with its envelope recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def inbox():
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def _env(port: int) -> dict[str, str]:
    return {"OUTSIDE_IN_SMTP_HOST": "127.0.0.1", "OUTSIDE_IN_SMTP_PORT": str(port), "OUTSIDE_IN_SMTP_STARTTLS": "no",
            "OUTSIDE_IN_SMTP_FROM": "outside-in@acme.example", "OUTSIDE_IN_PACK_RECIPIENTS": ", ".join(BOARD),
            "OUTSIDE_IN_DIGEST_RECIPIENTS": ", ".join(TEAM)}


def _sql(url: str, sql: str) -> list:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def _nps_tile(url: str, language: str):
    """The pack's NPS tile, checked against the raw answers of the period counted here
    (detractors 0-6, passives 7-8, promoters 9-10), as test_boardpack.py does."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        scores = conn.execute(text("SELECT score FROM nps_response WHERE responded_on >= :s AND responded_on < :e "
                                   "AND score BETWEEN 0 AND 10"), {"s": PERIOD.start, "e": PERIOD.end}).scalars().all()
    pack = boardpack.build_pack(engine, period=PERIOD, language=language, figures=False)
    engine.dispose()
    counts = (sum(s <= 6 for s in scores), sum(7 <= s <= 8 for s in scores), sum(s >= 9 for s in scores))
    tile = pack.section_tiles("nps")[0]
    assert tile.value == nps.nps_interval(*counts).nps and tile.n == sum(counts) > 0
    return tile, pack


def _plain(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None and part.get_content_type() == "text/plain"
    return part.get_content()


@pytest.mark.parametrize("language", ["en", "it"])
def test_pack_arrives_with_the_pdf_and_pptx_once(url, inbox, language, capsys):
    if images.chromium_path() is None:
        skip_or_fail("no Chromium to draw the figures (apt-get install chromium)", "OUTSIDE_IN_REQUIRE_BROWSER")
    from pptx import Presentation
    from pypdf import PdfReader

    env = _env(inbox.port) | {"OUTSIDE_IN_SMTP_PASSWORD": PASSWORD}
    argv = ["pack", "--database-url", url, *DATES, "--language", language, "--company", "Acme S.p.A."]
    assert deliver.main(argv, env) == 0
    assert len(inbox.received) == 1
    rcpt, message = inbox.received[0]
    word = {"en": "Board pack", "it": "Report per il CdA"}[language]  # the glossary's "report per il CdA"
    assert message["Subject"] == f"Acme S.p.A. · {word} · {PERIOD_TEXT[language]}"
    assert rcpt == BOARD and message["To"] == ", ".join(BOARD)
    assert message["From"] == "outside-in@acme.example"
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert sorted(files) == ["board-pack-2025-11-01-2026-10-31.pdf", "board-pack-2025-11-01-2026-10-31.pptx"]
    reader = PdfReader(io.BytesIO(files["board-pack-2025-11-01-2026-10-31.pdf"].get_content()))
    content = "\n".join(page.extract_text() for page in reader.pages)
    tile, pack = _nps_tile(url, language)
    # The NPS as the summary writes it (e.g. "+38"), and with its interval as the section's table does.
    assert pdf_text(sm.value_text(tile, tile.value, language)) in content
    assert pdf_text(figure_row(tile, language)[1]) in content
    deck = Presentation(io.BytesIO(files["board-pack-2025-11-01-2026-10-31.pptx"].get_content()))
    # Cover, contents, summary, seven sections (the demo has data for each), appendix.
    assert len(deck.slides) == 3 + 7 + 1
    assert pack.summary.sentences[0] in " ".join(_plain(message).split())
    # The same command again: nothing new arrives, and it says so.
    capsys.readouterr()
    assert deliver.main(argv, env) == 0
    assert len(inbox.received) == 1
    out = capsys.readouterr()
    assert "nothing sent" in out.out and PASSWORD not in out.out + out.err
    assert len(_sql(url, "SELECT id FROM delivery")) == 1
    trail = qa.audit_events(db.make_engine(url), actions=("delivery.send",))
    assert list(trail["actor"]) == ["command line"] and list(trail["outcome"]) == ["done"]


@pytest.mark.parametrize("language", ["en", "it"])
def test_digest_arrives_as_html_with_a_plain_text_part_once(url, inbox, language, capsys):
    env = _env(inbox.port)
    argv = ["digest", "--database-url", url, *DATES, "--language", language, "--company", "Acme & Co <Board>"]
    assert deliver.main(argv, env) == 0
    assert len(inbox.received) == 1
    rcpt, message = inbox.received[0]
    word = {"en": "Digest", "it": "Riepilogo"}[language]
    assert message["Subject"] == f"Acme & Co <Board> · {word} · {PERIOD_TEXT[language]}"
    assert rcpt == TEAM and message["To"] == TEAM[0]
    assert message.get_content_type() == "multipart/alternative" and not list(message.iter_attachments())
    plain = " ".join(_plain(message).split())
    page = message.get_body(preferencelist=("html",)).get_content()
    assert "Acme &amp; Co &lt;Board&gt;" in page and "<Board>" not in page  # the company's name, escaped
    tile, pack = _nps_tile(url, language)
    # What changed, the NPS line of the headline figures (value, change, reading, n), the largest account at risk.
    assert pack.summary.sentences[0] in plain
    shown = f"NPS: {sm.value_text(tile, tile.value, language)}"
    assert shown in plain
    nps_line = plain.split(shown, 1)[1].split(" - ", 1)[0]
    assert sm.change_text(tile, language) in nps_line and verdict(tile, language) in nps_line
    assert f"n = {sm.localise(f'{tile.n:,}', language)}" in nps_line
    assert pack.at_risk is not None and len(pack.at_risk) and str(pack.at_risk.iloc[0]["name"]) in plain
    titles = {"en": ("What changed", "Headline figures", "Largest accounts at risk"),
              "it": ("Che cosa è cambiato", "Indicatori principali", "Clienti a rischio con più ARR")}[language]
    assert [plain.index(t) for t in titles] == sorted(plain.index(t) for t in titles)
    assert all(f"<h2>{t}</h2>" in page for t in titles)
    capsys.readouterr()
    assert deliver.main(argv, env) == 0
    assert len(inbox.received) == 1 and "nothing sent" in capsys.readouterr().out
    # --force sends it again, and records the new send.
    assert deliver.main([*argv, "--force"], env) == 0
    assert len(inbox.received) == 2
    assert [r.message_id for r in _sql(url, "SELECT message_id FROM delivery")] == [inbox.received[1][1]["Message-ID"]]


def test_each_language_and_list_of_recipients_is_sent_once(url, inbox):
    env = _env(inbox.port)
    base = ["digest", "--database-url", url, *DATES]
    assert deliver.main([*base, "--language", "en"], env) == 0
    assert deliver.main([*base, "--language", "it"], env) == 0  # another language: another message
    # The same recipients in another order and case: the same list, nothing new.
    assert deliver.main([*base, "--language", "en"], env | {"OUTSIDE_IN_DIGEST_RECIPIENTS": "CS-Team@Acme.example"}) == 0
    assert len(inbox.received) == 2
    # One more recipient: a new list, sent.
    wider = ", ".join([*TEAM, "cfo@acme.example"])
    assert deliver.main([*base, "--language", "en"], env | {"OUTSIDE_IN_DIGEST_RECIPIENTS": wider}) == 0
    assert len(inbox.received) == 3 and inbox.received[2][0] == [*TEAM, "cfo@acme.example"]


def test_recipients_key_is_the_sha256_of_the_sorted_lower_case_list():
    import hashlib

    # Written out: lower case, sorted, joined by commas.
    expected = hashlib.sha256(b"a@x.example,b@x.example").hexdigest()
    assert deliver.recipients_key(["B@x.example", " a@x.example"]) == expected
    assert deliver.recipients_key(["a@x.example"]) != expected


def test_dry_run_writes_the_message_and_sends_nothing(url, inbox, tmp_path, capsys):
    env = {k: v for k, v in _env(inbox.port).items() if k != "OUTSIDE_IN_SMTP_HOST"}  # no server needed
    out = tmp_path / "mail"
    out.mkdir()
    argv = ["digest", "--database-url", url, *DATES, "--dry-run", str(out)]
    assert deliver.main(argv, env) == 0
    assert [p.name for p in out.iterdir()] == ["digest-2025-11-01-2026-10-31-en.eml"]
    message = email.message_from_bytes((out / "digest-2025-11-01-2026-10-31-en.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message["Subject"] == f"Outside In · Digest · {PERIOD_TEXT['en']}" and message["To"] == TEAM[0]
    assert "What changed" in _plain(message)
    assert inbox.received == [] and _sql(url, "SELECT id FROM delivery") == []
    # A dry run records nothing: the real run afterwards sends.
    assert deliver.main(argv[:-2], _env(inbox.port)) == 0
    assert len(inbox.received) == 1


def test_a_server_that_cannot_be_reached_records_nothing(url, inbox, capsys):
    argv = ["digest", "--database-url", url, *DATES]
    assert deliver.main(argv, _env(_free_port())) == 1  # nothing listens there
    assert "did not take" in capsys.readouterr().err
    assert _sql(url, "SELECT id FROM delivery") == []
    assert _sql(url, "SELECT id FROM audit_event WHERE action = 'delivery.send'") == []
    assert deliver.main(argv, _env(inbox.port)) == 0 and len(inbox.received) == 1  # the next run sends


def test_last_period_counts_back_from_today():
    # Friday 27 Nov 2026: the week before is Mon 16 to Sun 22 Nov; the month before is October;
    # the quarter before is July to September.
    friday = dt.date(2026, 11, 27)
    assert deliver.last_period("week", friday) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert deliver.last_period("month", friday) == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert deliver.last_period("quarter", friday) == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    # On 1 January the month and the quarter before are in the previous year.
    new_year = dt.date(2027, 1, 1)
    assert deliver.last_period("month", new_year) == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert deliver.last_period("quarter", new_year) == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_last_month_is_what_a_monthly_run_sends(url, inbox):
    env = _env(inbox.port)
    assert deliver.main(["digest", "--database-url", url, "--last", "month", "--today", "2026-11-01"], env) == 0
    assert inbox.received[0][1]["Subject"] == "Outside In · Digest · 01 Oct 2026 – 31 Oct 2026"
    assert [(str(r[0]), str(r[1])) for r in _sql(url, "SELECT period_start, period_end FROM delivery")] == [
        ("2026-10-01", "2026-10-31")]


def test_a_missing_setting_exits_2_naming_it_without_the_password(url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTSIDE_IN_")}
    env |= {k: v for k, v in _env(_free_port()).items() if k != "OUTSIDE_IN_SMTP_HOST"}
    env |= {"OUTSIDE_IN_SMTP_USER": "mailer", "OUTSIDE_IN_SMTP_PASSWORD": PASSWORD}
    done = subprocess.run([sys.executable, "-m", "cs_metrics.services.deliver", "digest", "--database-url", url,
                           *DATES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "OUTSIDE_IN_SMTP_HOST" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


@pytest.mark.parametrize(("change", "named"), [
    ({"OUTSIDE_IN_SMTP_PORT": "58x"}, "OUTSIDE_IN_SMTP_PORT"),
    ({"OUTSIDE_IN_SMTP_STARTTLS": "maybe"}, "OUTSIDE_IN_SMTP_STARTTLS"),
    ({"OUTSIDE_IN_SMTP_FROM": ""}, "OUTSIDE_IN_SMTP_FROM"),
    ({"OUTSIDE_IN_DIGEST_RECIPIENTS": "cs-team@acme.example, not an address"}, "OUTSIDE_IN_DIGEST_RECIPIENTS"),
    ({"OUTSIDE_IN_DIGEST_RECIPIENTS": ""}, "OUTSIDE_IN_DIGEST_RECIPIENTS"),
    ({"OUTSIDE_IN_SMTP_USER": "mailer"}, "OUTSIDE_IN_SMTP_PASSWORD"),
    ({"OUTSIDE_IN_SMTP_HOST": "smtp.acme.example", "OUTSIDE_IN_SMTP_USER": "mailer",
      "OUTSIDE_IN_SMTP_PASSWORD": PASSWORD}, "OUTSIDE_IN_SMTP_STARTTLS"),  # a password in clear over the network
])
def test_a_malformed_setting_exits_2_naming_it(url, inbox, capsys, change, named):
    assert deliver.main(["digest", "--database-url", url, *DATES], _env(inbox.port) | change) == 2
    out = capsys.readouterr()
    assert named in out.err and PASSWORD not in out.out + out.err
    assert inbox.received == []


def test_the_password_is_read_from_a_file_and_never_shown(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    settings = deliver.MailSettings.from_env("pack", _env(587) | {"OUTSIDE_IN_SMTP_USER": "mailer",
                                                                  "OUTSIDE_IN_SMTP_STARTTLS": "yes",
                                                                  "OUTSIDE_IN_SMTP_PASSWORD_FILE": str(secret)})
    assert settings.password == PASSWORD and settings.recipients == tuple(BOARD)
    assert PASSWORD not in repr(settings)


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_digest_carries_the_renewals_ahead(url, language):
    from cs_metrics import renewals
    from cs_metrics.services import renewals as renewal_data

    assert deliver.renewals_section in deliver.DIGEST_SECTIONS
    engine = db.make_engine(url)
    pack = boardpack.build_pack(engine, period=PERIOD, language=language, figures=False)
    section = deliver.renewals_section(engine, pack)
    # The Churn & retention page's numbers for 90 days after 31 Oct 2026 (the period's last day).
    page = renewal_data.expected(engine, as_of=AS_OF, days=90)
    due = renewals.due_within(renewal_data.renewals_ahead(engine, as_of=AS_OF), days=90)
    red = renewals.arr_by_band(due).set_index("band").loc["red"]
    tile = pack.section_tiles("renewals")[0]
    other = boardpack.build_pack(engine, period=PERIOD, sections=["nps"], figures=False)
    engine.dispose()
    title, band, expect = {"en": ("Renewals ahead", "Red", "Expected to renew"),
                           "it": ("Rinnovi in arrivo", "Rossa", "Rinnovo atteso")}[language]
    assert section.title == title and page.contracts > 10
    money = [sm.value_text(tile, v, language) for v in (page.arr, red["arr"], page.expected, page.low, page.high)]
    lines = section.text.split("\n")
    assert lines[0].startswith(f"{sm.label(tile, language)}: {money[0]}")
    assert f"{band} {money[1]} ({int(red['contracts'])})" in lines[1]
    assert lines[2] == f"{expect}: {money[2]} ({money[3]}–{money[4]})."
    assert all(f"<p>{line}</p>" in section.html for line in lines)
    # Without the renewals section in the pack, the digest leaves it out.
    assert deliver.renewals_section(None, other) is None
