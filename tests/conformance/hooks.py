"""Schemathesis hooks for the conformance run (tests/conformance/run.mjs).

A webhook endpoint the run saves is called by the edge itself: its test
ping, and the handoff of every MQL a later submission makes. This machine
may send traffic only to itself, so a generated endpoint URL that would
reach another host is pointed at a closed loopback port instead. The edge
still sees every other generated URL (not a URL, another scheme, http to a
public host) and must refuse it as the document says.
"""

from urllib.parse import urlsplit

import schemathesis

# Nothing listens there: a ping or handoff to it fails at once, on this machine.
CLOSED_LOOPBACK = "http://127.0.0.1:9/hook"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def leaves_this_machine(url: object) -> bool:
    """Whether the edge might accept `url` (https, anywhere) and call a host
    other than this one. Erring on the safe side: a browser's URL parser drops
    tabs, newlines and surrounding controls, so they are dropped here too, and
    anything https whose host is not plainly loopback counts as leaving."""
    if not isinstance(url, str):
        return False
    squeezed = "".join(c for c in url if ord(c) > 0x20).lower()
    if not squeezed.startswith("https:"):
        return False
    try:
        host = urlsplit(squeezed).hostname
    except ValueError:
        return True
    return host not in LOOPBACK


@schemathesis.hook
def map_case(context, case):
    if "/webhooks" in case.operation.path and isinstance(case.body, dict):
        if leaves_this_machine(case.body.get("url")):
            case.body["url"] = CLOSED_LOOPBACK
    return case
