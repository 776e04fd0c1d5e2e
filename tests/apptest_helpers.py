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
