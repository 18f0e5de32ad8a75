"""``python -m bot health``: ask the running service's side server whether it is ready
(``/readyz``; ``--live``: only ``/healthz``) and exit 0 if so, 1 if not, 2 if it cannot be
asked. Compose's healthcheck runs it in the container, so it needs no curl."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from bot.ops.health import PORT, ops_port

TIMEOUT = 4.0  # seconds; compose's healthcheck gives it 5


def main(port: int | None, *, live: bool = False, host: str = "127.0.0.1") -> int:
    try:
        port = port or ops_port()
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    if port is None:
        print(f"{PORT} is not set, so the service serves no health check; set it (compose "
              "sets 9464) and restart the service.", file=sys.stderr)
        return 2
    url = f"http://{host}:{port}/{'healthz' if live else 'readyz'}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as err:  # 503: not ready; the body says which check
        body, status = err.read(), err.code
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        print(f"unhealthy: no answer on port {port} ({reason})", file=sys.stderr)
        return 1
    try:
        found = json.loads(body)
    except ValueError:
        found = {}
    if status == 200 and found.get("ok"):
        print("healthy" if live else "ready: " + "; ".join(
            f"{name}: {c.get('detail')}" for name, c in found.get("checks", {}).items()))
        return 0
    failed = found.get("failed") or ["?"]
    details = "; ".join(f"{name}: {found.get('checks', {}).get(name, {}).get('detail', '?')}"
                        for name in failed)
    print(f"not ready ({status}): {details}", file=sys.stderr)
    return 1
