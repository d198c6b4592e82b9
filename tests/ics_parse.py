"""Parses one iCalendar file with Python's `icalendar` package and prints, as
JSON, each event's UID, SEQUENCE, STATUS, DTSTART, DTEND (UTC, written as in
iCalendar: 20241026T210000Z, or null), SUMMARY and CATEGORIES, in file order.

Used by tests/calendar.rs (interpreter: $VIGIE_ICALENDAR_PYTHON, default
python3). `python3 tests/ics_parse.py --check-import` exits 0 when the
package can be imported. Exits 1 with a message on stderr when the file does
not parse.
"""

import json
import sys


def when(component, name):
    value = component.get(name)
    if value is None:
        return None
    dt = value.dt
    if dt.tzinfo is None or dt.utcoffset() is None or dt.utcoffset().total_seconds() != 0:
        raise ValueError(f"{name} {dt!r} is not in UTC")
    return dt.strftime("%Y%m%dT%H%M%SZ")


def categories(event):
    found = event.get("CATEGORIES")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [str(c) for item in lists for c in item.cats]


def main():
    import icalendar  # noqa: F401 (a missing package is reported by --check-import)

    if sys.argv[1:] == ["--check-import"]:
        return 0
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    try:
        calendar = icalendar.Calendar.from_ical(data)
        events = [
            {
                "uid": str(e["UID"]),
                "sequence": int(e.get("SEQUENCE", 0)),
                "status": str(e.get("STATUS", "")),
                "dtstart": when(e, "DTSTART"),
                "dtend": when(e, "DTEND"),
                "summary": str(e.get("SUMMARY", "")),
                "categories": categories(e),
            }
            for e in calendar.walk("VEVENT")
        ]
    except Exception as error:  # any parse failure fails the test with its reason
        print(f"{sys.argv[1]}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump(events, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
