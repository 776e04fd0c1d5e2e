"""bench/load.py at a small size: 20 phones on a real `streamlit run` server, over the
websocket, each answering three factors, the shared screen open. Asserts what the
room must never lose (every answer sent is stored as sent, no errors), not timings."""

import re

from bench import load


def test_twenty_phones_every_answer_sent_is_stored(capsys):
    code = load.main(["--participants", "20", "--answers", "3", "--think", "0.2-0.6", "--no-bare"])
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if text.startswith("N=20 "))
    figures = dict(re.findall(r"(\w+)=(\S+)", line))
    assert figures["sent"] == "60", line
    assert figures["stored"] == figures["sent"] == figures["acknowledged"], line
    assert figures["errors"] == "0" and figures["store_problems"] == "0", out
    assert code == 0, out
