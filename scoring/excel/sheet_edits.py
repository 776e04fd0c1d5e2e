"""Edits made in Excel to a workbook's action plan, its classifications and its risk
register, read back.

The "Development plan" and "Risks" sheets invite editing: a status set to Done, an action
or a risk added in a blank row of the table, a row deleted, a factor that holds us back
classified (in our control, influenceable …). When the workbook is brought
back, those tables are read (their hidden Key column ties each row to its stored record),
each row is checked exactly as if typed in the app (the diagnostic's clean_record, with
the stored record as the previous one), and the result replaces the plan's actions and
the risks read from App data. What changed is said in plain words.

A workbook without these tables as this app writes them (last year's, whose tables had no
Key column) comes back as its App data says, unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Mapping

from scoring.diagnostics import approaches, eight_aspects
from scoring.imports.uploads import MAX_ROWS, UploadError
from scoring.records import development_plan, risks

CELL_KINDS = {"f": "a formula", "e": "an error value", "b": "TRUE or FALSE"}


def apply(book, response: Mapping[str, Mapping[str, dict]], older: Mapping[str, str] | None = None) -> tuple[dict, list[str]]:
    """`response` (the records read from App data) with the plan's actions and the risks as
    the sheets now have them, and the changes in plain words ([] when none). `older`: the
    diagnostics whose instrument the workbook has at an earlier version (reader)."""
    response = {d: dict(records) for d, records in response.items()}
    changes: list[str] = []
    for sheet, read in ((development_plan.SHEET, _classes), (development_plan.SHEET, _plan), (risks.SHEET, _register)):
        if read is _classes and eight_aspects.ID in (older or {}):
            # Its factor list names factors as worded then: the classifications come from
            # App data, carried through the versions like every other answer.
            continue
        if sheet in book.sheetnames and hasattr(book[sheet], "iter_rows"):
            read(book[sheet], response, changes)
    return {d: records for d, records in response.items() if records}, changes


# --- Reading a table ---------------------------------------------------------------------


def _table_rows(ws, headers: tuple[str, ...]) -> list[tuple[int, list]]:
    """(row number, cells) of each non-blank row under the header row that is exactly
    `headers`; [] when there is no such header (a workbook of an earlier format)."""
    ws.reset_dimensions()
    found, rows = False, []
    for number, row in enumerate(ws.iter_rows(max_col=len(headers)), start=1):
        if number > MAX_ROWS:
            raise UploadError(f"this sheet has more than {MAX_ROWS:,} rows.", sheet=ws.title)
        cells = list(row) + [None] * (len(headers) - len(row))
        values = tuple(getattr(c, "value", None) for c in cells)
        if not found:
            found = values == headers
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if isinstance(values[0], str) and values[0] in ("Action plan", "Factors per aspect"):
            break
        rows.append((number, cells))
    return rows if found else []


def _where(ws, number: int, headers: tuple[str, ...], header: str) -> dict:
    return dict(sheet=ws.title, row=number, column="ABCDEFGHIJKLMNOP"[headers.index(header)])


def _text(cell, where: dict, label: str) -> str:
    """A cell as the text a user typed: numbers as written, never a formula."""
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", "s")
    if value is None:
        return ""
    if kind in CELL_KINDS:
        raise UploadError(f"{label} holds {CELL_KINDS[kind]} ({str(value)[:60]}); type the text itself.", **where)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _date(cell, where: dict) -> str:
    """The "By when" cell: a date cell, or text as 31/03/2027 or 2027-03-31; "" if blank."""
    value = getattr(cell, "value", None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(cell, where, "“By when”").strip()
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            pass
    raise UploadError(f"“By when” {text[:40]!r} is not a date; type it as 31/03/2027.", **where)


def _choice(cell, where: dict, label: str, options: Mapping[str, str], *, blank: str | None = None) -> str:
    """The id of the option whose words the cell holds (case and spaces aside)."""
    text = _text(cell, where, label).strip()
    if not text and blank is not None:
        return blank
    by_words = {words.casefold(): key for key, words in options.items()}
    if text.casefold() not in by_words:
        raise UploadError(f"{label} “{text[:60]}” is not one of: {', '.join(options.values())}.", **where)
    return by_words[text.casefold()]


def _number(cell, where: dict, label: str) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", "n") in CELL_KINDS:
        raise UploadError(f"{label} holds {CELL_KINDS[cell.data_type]}; type a whole number from 1 to 5.", **where)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _as_stored(record: dict, previous: dict | None) -> dict:
    """A cell cannot hold a carriage return (the file's XML reads it as a line feed): text
    that differs from the stored record only so is the stored text, unchanged."""
    if previous is None:
        return record

    def same(now: Any, before: Any) -> bool:
        return isinstance(now, str) and isinstance(before, str) and now == before.replace("\r\n", "\n").replace("\r", "\n")

    return {field: previous[field] if same(value, previous.get(field)) else value for field, value in record.items()}


def _checked(clean: Callable, key: str, record: dict, previous: dict | None, where: dict) -> dict:
    record = _as_stored(record, previous)
    try:
        return clean(key, record, previous)
    except (ValueError, TypeError) as exc:
        raise UploadError(str(exc).rstrip(".") + ".", **where) from None


def _merge(kind: str, name_field: str, old: Mapping[str, dict], new: dict[str, dict], labels: Mapping[str, Callable[[Any], str]], changes: list[str]) -> None:
    """What changed from `old` to `new`, in plain words, appended to `changes`."""
    for key, record in new.items():
        before = old.get(key)
        if before is None:
            changes.append(f"Added {kind} “{record[name_field]}”.")
            continue
        moved = [
            f"{field.replace('_', ' ')} {show(before.get(field))} → {show(record.get(field))}"
            for field, show in labels.items()
            if before.get(field) != record.get(field)
        ]
        if moved:
            changes.append(f"Changed {kind} “{before[name_field]}”: " + "; ".join(moved) + ".")
    for key, record in old.items():
        if key not in new:
            changes.append(f"Removed {kind} “{record[name_field]}” (its row was deleted in Excel).")


def _quoted(value: Any) -> str:
    return f"“{value}”" if value not in (None, "") else "(blank)"


# --- The classifications -------------------------------------------------------------------


def _classes(ws, response: dict, changes: list[str]) -> None:
    """The Classification of each factor that holds us back, as the sheet now has it. The
    factors themselves are chosen in the app: a row whose aspect, factor or role differs
    from what the sheet was written with is refused, never dropped in silence. A row
    deleted keeps its classification; an aspect with no change is left as stored (a
    pre-filled plan stays pre-filled)."""
    headers = development_plan.FACTOR_HEADERS
    rows = _table_rows(ws, headers)
    if not rows:
        return
    records = response.setdefault(development_plan.ID, {})
    ea_records = response.get(eight_aspects.ID, {})
    inst = eight_aspects.instrument()
    aspects = {a.id: a.title for a in inst.aspects}
    plans = {a: development_plan.aspect_plan(a, records, ea_records) for a in aspects}
    texts = {f.id: f.text for f in inst.factors}
    roles = {
        (a, f): development_plan.HOLDS_BACK if f in plan["holds_back"] else development_plan.BOOST if f in plan["boost"] else development_plan.SUPPORTS
        for a, plan in plans.items()
        for f in (*plan["holds_back"], *plan["supports"])
    }
    classes = {a: dict(plan["classes"]) for a, plan in plans.items()}
    where_of: dict[str, dict] = {}
    for number, cells in rows:
        at = {h: _where(ws, number, headers, h) for h in headers}
        aspect_id = _choice(cells[0], at["Aspect"], "The aspect", aspects)
        factor = _text(cells[1], at["Factor"], "The factor").strip()
        factor_id = next((f for a, f in roles if a == aspect_id and texts[f].casefold() == factor.casefold()), None)
        role = _text(cells[2], at["Role"], "The role").strip()
        if factor_id is None or roles[(aspect_id, factor_id)].casefold() != role.casefold():
            raise UploadError(
                f"“{factor[:60]}” ({role or 'no role'}) is not one of the factors the plan lists for {aspects[aspect_id]}. "
                "Only the Classification column comes back: choose the factors that hold you back or support you in the app.",
                **at["Factor"],
            )
        chosen = _choice(cells[3], at["Classification"], "The classification", development_plan.CLASSES, blank="")
        if chosen and factor_id not in plans[aspect_id]["holds_back"]:
            raise UploadError("only a factor that holds you back is classified; leave this one blank.", **at["Classification"])
        if chosen:
            classes[aspect_id][factor_id] = chosen
        else:
            classes[aspect_id].pop(factor_id, None)
        where_of.setdefault(aspect_id, at["Classification"])
    labels = development_plan.CLASSES
    for aspect_id, plan in plans.items():
        if classes[aspect_id] == plan["classes"]:
            continue
        key = development_plan.aspect_key(aspect_id)
        records[key] = _checked(development_plan.clean_record, key, {**plan, "classes": classes[aspect_id]}, records.get(key), where_of[aspect_id])
        for factor_id in plan["holds_back"]:
            before, after = plan["classes"].get(factor_id), classes[aspect_id].get(factor_id)
            if before != after:
                changes.append(f"Classified “{texts[factor_id]}” ({aspects[aspect_id]}): {labels.get(before, '(none)')} → {labels.get(after, '(none)')}.")


# --- The action plan ---------------------------------------------------------------------


def _plan(ws, response: dict, changes: list[str]) -> None:
    headers = development_plan.ACTION_HEADERS
    rows = _table_rows(ws, headers)
    if not rows:
        return
    records = response.setdefault(development_plan.ID, {})
    old = {k: r for k, r in records.items() if k.startswith("action:")}
    aspects = {a.id: a.title for a in eight_aspects.instrument().aspects}
    new: dict[str, dict] = {}
    for number, cells in rows:
        at = {h: _where(ws, number, headers, h) for h in headers}
        key = _text(cells[7], at["Key"], "the key").strip()
        if key and (key not in old or key in new):
            raise UploadError(
                "this row's hidden Key is not one of the plan's actions (or is used twice). Add a new action in a row with an empty Key.", **at["Key"]
            )
        previous = old.get(key)
        record = {
            "aspect_id": _choice(cells[0], at["Aspect"], "The aspect", aspects),
            "action": _text(cells[1], at["Action"], "The action"),
            "owner": _text(cells[2], at["Owner"], "The owner"),
            "due": _date(cells[3], at["By when"]),
            "measure": _text(cells[4], at["Measure of success"], "The measure of success"),
            "status": _choice(cells[5], at["Status"], "The status", development_plan.STATUSES, blank="not_started"),
            # A row added in Excel says so, unless the user wrote where it came from.
            "origin": _text(cells[6], at["Origin"], "The origin") or ("" if previous is not None else development_plan.ADDED_IN_EXCEL),
        }
        key = key or development_plan.new_action_key()
        new[key] = _checked(development_plan.clean_record, key, record, previous, at["Action"])
    statuses = development_plan.STATUSES
    _merge(
        "action",
        "action",
        old,
        new,
        {
            "aspect_id": lambda a: aspects.get(a, a),
            "action": _quoted,
            "owner": _quoted,
            "due": lambda d: d or "(no date)",
            "measure": _quoted,
            "status": lambda s: statuses.get(s, s),
            "origin": _quoted,
        },
        changes,
    )
    records.update(new)
    for key in set(old) - set(new):
        del records[key]


# --- The risk register ---------------------------------------------------------------------


def _register(ws, response: dict, changes: list[str]) -> None:
    headers = risks.REGISTER_HEADERS
    rows = _table_rows(ws, headers)
    if not rows:
        return
    records = response.setdefault(risks.ID, {})
    old = {k: r for k, r in records.items() if k.startswith("risk:")}
    titles = {a.id: a.title for a in approaches.instrument().approaches}
    new: dict[str, dict] = {}
    for number, cells in rows:
        at = {h: _where(ws, number, headers, h) for h in headers}
        key = _text(cells[10], at["Key"], "the key").strip()
        if key and (key not in old or key in new):
            raise UploadError(
                "this row's hidden Key is not one of the register's risks (or is used twice). Add a new risk in a row with an empty Key.", **at["Key"]
            )
        previous = old.get(key)
        record = {
            "approach_id": _choice(cells[2], at["Approach"], "The approach", titles, blank=""),
            "title": _text(cells[1], at["Risk"], "The risk"),
            "description": _text(cells[3], at["Description"], "The description"),
            "likelihood": _number(cells[4], at["Likelihood (1–5)"], "The likelihood"),
            "impact": _number(cells[5], at["Impact (1–5)"], "The impact"),
            "mitigation": _text(cells[8], at["Mitigation"], "The mitigation"),
            "owner": _text(cells[9], at["Owner"], "The owner"),
            "suggested_id": (previous or {}).get("suggested_id", ""),
        }
        key = key or risks.new_risk_key()
        new[key] = _checked(risks.clean_record, key, record, previous, at["Risk"])
    _merge(
        "risk",
        "title",
        old,
        new,
        {
            "title": _quoted,
            "approach_id": lambda a: titles.get(a, "(none)") if a else "(none)",
            "description": _quoted,
            "likelihood": str,
            "impact": str,
            "mitigation": _quoted,
            "owner": _quoted,
        },
        changes,
    )
    records.update(new)
    for key in set(old) - set(new):
        del records[key]
