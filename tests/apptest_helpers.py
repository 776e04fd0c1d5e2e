"""AppTest helpers the page tests share."""

from streamlit.testing.v1 import AppTest


def rate(at: AppTest, key: str, value) -> AppTest:
    """Answer one eight-aspects widget as a user does, then show the whole page again.

    An answer reruns only its keyed fragments (the question, the live scores, the
    progress lines), and AppTest then holds only what that rerun drew; a browser keeps
    the rest. The fragment run is checked for errors first, then a full run gives the
    test the whole page, as the browser shows it."""
    at.radio(key=key).set_value(value).run()
    assert not at.exception, at.exception
    return at.run()


def open_address(at: AppTest, address: str) -> AppTest:
    """Show the page at `address` (its url path) and run. AppTest.switch_page goes by
    script, and every statement diagnostic shares one script; st.Page identifies a page
    by the hash of its url path, as a browser's address does."""
    from streamlit.util import calc_hash

    at._page_hash = calc_hash(address)
    return at.run()
