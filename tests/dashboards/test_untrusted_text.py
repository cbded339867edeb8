"""Text from outside on the pages: personal numbers in review reasons stay masked, and manifest
fields and reasons are shown as literal text, never as live Markdown or HTML."""

from __future__ import annotations

import html
import re
import string

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit import models, review
from audit.read.scope import Scope
from audit.storage import make_engine
from tests.dashboards.conftest import APP
from tests.dashboards.test_pages import _finding_id

pytestmark = pytest.mark.usefixtures("english")  # these tests read the English texts

WORD_JOINER = "\u2060"


def plain(value: str) -> str:
    """What a reader sees of a rendered value: character references decoded, word joiners and the
    search hits' highlight marks gone."""
    return html.unescape(value.replace(WORD_JOINER, "").replace("<mark>", "").replace("</mark>", ""))


def page(env, username: str, name: str, *, call_id: str | None = None) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = env["users"][username]
    if call_id is not None:
        at.query_params["call_id"] = call_id
    at.run()
    if name != "overview":
        at.switch_page(f"pages/{name}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text, decoded as the reader sees it."""
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success", "title",
                                  "subheader") for e in at.get(kind)]
    parts += [str(m.value) for m in at.metric] + [m.help or "" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return plain("\n".join(parts))


def _appeal(url: str, reason: str) -> None:
    """Agent B203 (zhao) appeals the insult finding on t-002 with ``reason``."""
    engine = make_engine(url)
    try:
        fid = _finding_id(url, "t-002", "ABUSE-INSULT")
        review.apply_review(engine, fid, "appeal", user="zhao", role="agent", scope=Scope(agent_id="B203"),
                            reason=reason)
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- masking


PHONE_REASON = "客户让我回电138,1234,5678"


def test_review_reasons_are_masked_without_see_pii(dashboard_env):
    """The reason caption, the call's review log and the queue's recent actions mask the number
    for a supervisor without see_pii; the admin (see_pii) reads it in clear."""
    _appeal(dashboard_env["url"], PHONE_REASON)
    masked, clear = "138,****,5678", "138,1234,5678"
    for username, expect, hidden in (("wang", masked, clear), ("boss", clear, masked)):
        at = page(dashboard_env, username, "call_detail", call_id="t-002")
        text = shown_text(at)
        assert f"Reason (zhao): 客户让我回电{expect}" in text
        assert list(at.dataframe[-1].value["reason"]) == [f"客户让我回电{expect}"]  # the review log
        assert hidden not in text
        at = page(dashboard_env, username, "review_queue")
        assert list(at.dataframe[-1].value["reason"]) == [f"客户让我回电{expect}"]  # recent review actions
        assert hidden not in shown_text(at)


def _search(at: AppTest, query: str) -> tuple[list[str], str]:
    at.text_input(key="calls_search").input(query).run()
    assert not at.exception, [e.value for e in at.exception]
    calls = list(at.dataframe[0].value["call"]) if at.dataframe else []
    return calls, shown_text(at)


def test_transcript_search_cannot_rebuild_a_masked_number(dashboard_env):
    """t-001's 13812345678 shows as 138****5678 to a supervisor; growing a search from 138 one digit
    at a time (five digits rebuilt the number in 14 tries before) never hits, because the search
    matches the masked transcript. The visible ends still match."""
    at = page(dashboard_env, "wang", "calls")
    for query in [f"138{d}" for d in "0123456789"] + ["13812", "138,1234", "１３８１", "13812345678"]:
        calls, text = _search(at, query)
        assert calls == [] and "Matching lines" not in text, query
    assert "searched as you see them" in text  # why a number the user typed finds nothing
    calls, text = _search(at, "5678")
    assert calls == ["t-001"] and "138****5678" in text
    boss = page(dashboard_env, "boss", "calls")
    assert _search(boss, "1381")[0] == ["t-001"]  # see_pii: the clear text is searched


# ----------------------------------------------------------------------------- Markdown and HTML


IMAGE = "![x](http://evil.example/a.png)"
TAG = "<img src=x>"
HOSTILE = f"{IMAGE} {TAG} :material_home: :red[red] $x$ www.evil.example"
MARKDOWN_KINDS = ("markdown", "caption", "error", "warning", "info", "success", "title", "subheader")


def rendered_values(at: AppTest) -> list[str]:
    """Every value the page hands to Streamlit's Markdown renderer (metric values and help included)."""
    values = [e.value for kind in MARKDOWN_KINDS for e in at.get(kind)]
    return values + [str(m.value) for m in at.metric] + [m.help for m in at.metric if m.help]


def assert_literal(at: AppTest, *texts: str) -> None:
    """Each of ``texts`` is shown as written, and nothing renders an image, a tag or a link."""
    values = rendered_values(at)
    for value in values:
        for live in ("![", "](", "<img", "http://", "evil.example", ":material_", ":red[", "$x$"):
            assert live not in value, f"{live!r} would be live Markdown/HTML in {value!r}"
    shown = plain("\n".join(values))
    for text in texts:
        assert text in shown, text


def _poison_contact(url: str) -> None:
    """Manifest fields of t-002 and its agent's name (B203) carry Markdown and HTML."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(models.Agent).where(models.Agent.agent_id == "B203").values(name=HOSTILE))
            conn.execute(sa.insert(models.Case).values(case_id=f"[case]({IMAGE})", debtor_id="D-t-002"))
            conn.execute(sa.update(models.Contact).where(models.Contact.call_id == "t-002").values(
                creditor=f"creditor {IMAGE}", product=TAG, agency=f"agency {HOSTILE}", case_id=f"[case]({IMAGE})",
                contact_role="**debtor**", failure_reason=None))
    finally:
        engine.dispose()


# What Streamlit 1.67's Markdown (and GFM) still rewrite in the *decoded* text after parsing.
TEXT_REWRITES = [
    re.compile(r":\+1:|:-1:|:[\w-]+:"),  # emoji shortcodes, :material_x: icons, :streamlit:
    re.compile(r"(https?://|www(?=\.))", re.IGNORECASE),  # bare links
    re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),  # bare e-mail addresses
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),  # typographic arrows
]


@pytest.mark.parametrize("text", [
    HOSTILE, TAG, "[link](http://evil.example) <http://evil.example> https://evil.example/x",
    "me@evil.example :smile: :+1: :streamlit: :material/home: :red-badge[b]", "**b** _i_ `c` ~~s~~ $$y$$ \\*",
    "# h\n- li\n1. ol\n> q\n\n    code\n---", "a -> b <- c <-> d -- e >= f", "138****5678", "&lt;b&gt; &#60;",
])
def test_esc_leaves_no_syntax_and_no_text_rewrite(text):
    from dashboards.ui import esc

    escaped = esc(text)
    # Markdown and HTML syntax is ASCII punctuation; all of it is now character references.
    assert not set(re.sub(r"&#\d+;", "", escaped)) & set(string.punctuation)
    assert "\n" not in escaped and "\r" not in escaped  # one line: nothing can start a block
    decoded = html.unescape(escaped)
    for pattern in TEXT_REWRITES:
        assert not pattern.search(decoded), pattern.pattern
    assert plain(escaped) == re.sub(r"\n+", " ", text).strip()  # what the reader sees: the text itself


def test_call_detail_shows_manifest_fields_and_reasons_as_text(dashboard_env):
    """An agent's appeal reason ``![x](http://evil.example/a.png)`` no longer makes the supervisor's
    browser load the image; manifest fields in the caption and the metrics are literal too."""
    url = dashboard_env["url"]
    _poison_contact(url)
    _appeal(url, f"申诉 {HOSTILE}")
    at = page(dashboard_env, "wang", "call_detail", call_id="t-002")
    assert_literal(at, f"申诉 {HOSTILE}", f"creditor {IMAGE} ({TAG})", f"agency {HOSTILE}",
                   f"case [case]({IMAGE})", "contact role **debtor**")
    agent = next(m for m in at.metric if m.label == "Agent")
    assert plain(agent.help) == HOSTILE  # the agent's name, in the metric's tooltip
    reason = next(c.value for c in at.caption if plain(c.value).startswith("Reason (zhao)"))
    assert "&#33;&#91;x&#93;&#40;http&#58;" in reason  # the escaped form reaches the renderer


def test_typed_call_id_and_search_are_shown_as_text(dashboard_env):
    """A call id typed into the URL and a search typed into the box are echoed literally."""
    at = page(dashboard_env, "wang", "call_detail", call_id=IMAGE)
    assert [plain(e.value) for e in at.error] == [f"Contact {IMAGE!r} was not found or is not visible to you."]
    assert_literal(at)
    at = page(dashboard_env, "wang", "calls")
    at.text_input(key="calls_search").input(HOSTILE).run()
    assert_literal(at, f"whose transcript contains “{HOSTILE}”")
