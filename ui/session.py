"""The respondent behind this browser tab: found through ?r=<token>, kept in the store.

Answers are written to the store as they are given, so a refresh, a page switch or a
closed browser loses nothing: the resume link brings them back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from scoring import registry
from scoring.contract import PageLink
from scoring.store import FACILITATOR, PARTICIPANT, Store, StoreUnavailable, WorkshopError

TOKEN_PARAM = "r"
NOT_SAVED_YET = "Not saved yet"  # how a refusal worth sending again begins
TOKEN_KEY = "resume_token"
SHOWN_KEY = "shown_token"  # the token in the address bar: a facilitator's is never shown
NOTICE_KEY = "resume_notice"


def store() -> Store:
    """One store (and connection pool) for the whole server; it is thread-safe. Kept here
    as well as in Streamlit's resource cache, whose lookup was 1 % of an answer's server
    time (py-spy --gil during bench/answer.py): every answer asks for the store. Clearing
    the cache (the tests do, between tests) forgets it here too."""
    found = _store_held[0]
    if found is None:
        found = _store_held[0] = _shared_store()
    return found


def _forget_store(released: Store) -> None:
    if _store_held[0] is released:
        _store_held[0] = None


_store_held: list[Store | None] = [None]  # the store, once asked for; None again when the cache lets it go


@st.cache_resource(on_release=_forget_store)
def _shared_store() -> Store:
    return Store()


def restore() -> None:
    """Pick up the token from the URL once per browser session, and keep it in the URL.

    A link whose token is malformed or unknown gets a clear notice and a fresh start;
    nothing is created until the user answers something.
    """
    state = st.session_state
    if TOKEN_KEY not in state:
        state[TOKEN_KEY] = None
        given = st.query_params.get(TOKEN_PARAM)
        if given is not None:
            if store().exists(given):
                state[TOKEN_KEY] = given
                state[SHOWN_KEY] = _shown(given)
            else:
                state[NOTICE_KEY] = (
                    "That resume link was not recognised: it may be mistyped, cut short or "
                    "from another copy of this tool. You are starting afresh; nothing saved "
                    "elsewhere has changed."
                )
                del st.query_params[TOKEN_PARAM]
    token = state[TOKEN_KEY]
    # Page switches drop query parameters; put the token back so a refresh still works.
    shown = state.get(SHOWN_KEY) or token
    if token and st.query_params.get(TOKEN_PARAM) != shown:
        st.query_params[TOKEN_PARAM] = shown


def _shown(token: str) -> str:
    """What the address bar may show for this token. A facilitator's tab is often the one
    on the projector, so it shows the shared screen's link, which controls nothing; the
    facilitator's own link stays in this tab's memory and in the file they saved."""
    found = store().kind(token)
    return store().screen_token(token) if found and found[0] == FACILITATOR else token


def pop_notice() -> str | None:
    return st.session_state.pop(NOTICE_KEY, None)


def token() -> str | None:
    return st.session_state.get(TOKEN_KEY)


def client() -> str:
    """This browser's address (behind a proxy, as the proxy forwards it): who is guessing
    join codes, or creating workshops and self-checks, for the limits on each."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"


def ensure_token() -> str:
    """The current token, creating a respondent on first use (CreationLimit past the
    limit on self-checks from one client)."""
    current = token()
    if not current:
        current = store().new_respondent(client=client())
        st.session_state[TOKEN_KEY] = current
        st.session_state[SHOWN_KEY] = current
        st.query_params[TOKEN_PARAM] = current
    return current


def start_afresh() -> None:
    """Forget this tab's respondent (their answers stay reachable by the old link)."""
    st.session_state[TOKEN_KEY] = None
    st.session_state[SHOWN_KEY] = None
    st.query_params.clear()


def records(diagnostic_id: str) -> dict[str, dict]:
    current = token()
    return store().answers(current, diagnostic_id) if current else {}


def response() -> dict[str, dict[str, dict]]:
    """Every stored record of this respondent, by diagnostic."""
    current = token()
    return store().response(current) if current else {}


def save(diagnostic_id: str, item_id: str, record: dict[str, Any], *, quiet: bool = False, previous: dict | None = None) -> str | None:
    """Validate a record as its diagnostic defines it and store it.

    `previous` is the stored record when the caller has just read it (else it is read).
    Returns None when saved, else the reason it was refused (nothing is changed then);
    the reason is also shown as a toast unless `quiet`.
    """
    return save_record(diagnostic_id, item_id, record, quiet=quiet, previous=previous)[1]


def save_record(
    diagnostic_id: str, item_id: str, record: dict[str, Any], *, quiet: bool = False, previous: dict | None = None
) -> tuple[dict | None, str | None]:
    """save(), returning (the record as stored, None), or (None, the reason it was not)."""
    current = token()
    if previous is None and current:
        previous = store().answer(current, diagnostic_id, item_id)
    try:
        kinds = registry.stored()
        if diagnostic_id not in kinds:
            raise ValueError(f"there is no diagnostic {diagnostic_id!r}")
        cleaned = kinds[diagnostic_id].clean_record(item_id, record, previous)
    except ValueError as exc:
        if not quiet:
            st.toast(f"Not saved: {exc}", icon=":material/error:")
        return None, str(exc)
    try:
        store().save_answer(current or ensure_token(), diagnostic_id, item_id, cleaned)
    except (WorkshopError, KeyError, StoreUnavailable) as exc:
        return None, _refused(exc, quiet=quiet)
    return cleaned, None


def delete(diagnostic_id: str, item_id: str) -> str | None:
    """Remove one record; returns the reason when refused (also shown as a toast)."""
    current = token()
    if current:
        try:
            store().delete_answer(current, diagnostic_id, item_id)
        except (WorkshopError, KeyError, StoreUnavailable) as exc:
            return _refused(exc, quiet=False)
    return None


def _refused(exc: Exception, *, quiet: bool) -> str:
    if isinstance(exc, StoreUnavailable):
        # A quiet save's page keeps the choice on screen with a button to send it again
        # (ui/kept_choices.py); a page told by a toast draws what is stored again.
        then = "Your choice is still on screen; send it again in a moment." if quiet else "Nothing was changed; try again in a moment."
        reason = f"{NOT_SAVED_YET}: {exc}. {then}"
    elif isinstance(exc, WorkshopError):
        reason = str(exc)
    else:
        reason = "This link no longer works (its workshop may have been deleted), so nothing was saved."
    if not quiet:
        st.toast(reason, icon=":material/error:")
    return reason


def resume_url() -> str | None:
    """The app's root with the token: a root link opens cleanly even on a server that has
    just restarted (a deep link can meet Streamlit's "page not found" pop-up then)."""
    current = token()
    return f"{app_root()}/?{TOKEN_PARAM}={current}" if current else None


# --- Workshops ------------------------------------------------------------------------
WORKSHOP_KEY = "current_workshop"
PAGES_KEY = "navigable_pages"


def workshop() -> dict | None:
    """The workshop this tab's token belongs to (with its kind and role), read once per
    run by app.py; None for a self-check."""
    return st.session_state.get(WORKSHOP_KEY)


def load_workshop() -> dict | None:
    current = token()
    found = store().workshop(current) if current else None
    st.session_state[WORKSHOP_KEY] = found
    return found


def is_participant() -> bool:
    found = workshop()
    return bool(found) and found["kind"] == PARTICIPANT


def switch_to(new_token: str) -> None:
    """This tab now answers as another respondent (a new participant or facilitator)."""
    st.session_state[TOKEN_KEY] = new_token
    st.session_state[SHOWN_KEY] = _shown(new_token)
    st.query_params.clear()
    st.query_params[TOKEN_PARAM] = st.session_state[SHOWN_KEY]


def remember_pages(pages: dict[str, st.Page]) -> None:
    """The pages this tab's navigation offers, by script and by address."""
    st.session_state[PAGES_KEY] = pages


def page_link(page: str | PageLink, **kwargs) -> None:
    """st.page_link to a page script or a diagnostic's page, left out when this tab's
    navigation does not offer it (a workshop participant sees only the workshop's
    diagnostics). A diagnostic's page goes by its address: statement diagnostics share
    one script."""
    key = page.key if isinstance(page, PageLink) else page
    offered = st.session_state.get(PAGES_KEY)
    if offered is None:
        if isinstance(page, str):
            st.page_link(page, **kwargs)
    elif key in offered:
        st.page_link(offered[key], **kwargs)


def app_root() -> str:
    """The app's address without any page path. st.context.url is the address the tab
    first opened, which may be another page's (a tab changes page without reconnecting)."""
    parts = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")
