"""The Prometheus metrics. Every label value is bounded: a platform, a command path from the
registry, an outcome, a method, a shard number; never a user, a club or text.

Counted in plain dicts on the event loop's thread and turned into Prometheus families only when
scraped (a custom collector in a registry of its own): prometheus_client's own Counter and
Histogram take a lock and look up a labelled child on every update, several microseconds a
command, where this costs a dict update. Exposition stays prometheus_client's.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString

# Around Discord's and Slack's 3 s: what matters is how far from it a command stays.
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
QUERY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1.0)
TICK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# One store call in this many is timed (all are counted): timing costs a coroutine of its own
# on every call, a few percent of a command the core answers from its cache.
STORE_SAMPLE = 4
# A reminder is on time within a tick (30 s); later than that it is counted late.
LATE_AFTER = 60.0
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0)

Key = tuple[str, ...]


class Tally:
    """A counter (or, with ``set``, a gauge) per tuple of label values."""

    __slots__ = ("doc", "gauge", "labels", "name", "read", "values")

    def __init__(self, name: str, doc: str, labels: Key = (), *, gauge: bool = False) -> None:
        self.name, self.doc, self.labels, self.gauge = name, doc, labels, gauge
        self.values: dict[Key, list[float]] = {}  # each value in a cell of its own
        # A gauge may instead be read when scraped (what it measures keeps its own count).
        self.read: Callable[[], dict[Key, float]] | None = None

    def cell(self, key: Key) -> list[float]:
        """The value of one tuple of label values, for a hot path to add to itself."""
        cell = self.values.get(key)
        if cell is None:
            cell = self.values[key] = [0.0]
        return cell

    def inc(self, key: Key = (), by: float = 1.0) -> None:
        self.cell(key)[0] += by

    def set(self, key: Key, value: float) -> None:
        self.cell(key)[0] = value

    def family(self) -> Metric:
        kind = GaugeMetricFamily if self.gauge else CounterMetricFamily
        out = kind(self.name, self.doc, labels=self.labels)
        # Cells made ahead of use (a command's outcomes) are shown once they count.
        values = (self.read() if self.read is not None
                  else {k: cell[0] for k, cell in self.values.items() if cell[0] or self.gauge})
        for key, value in values.items():
            out.add_metric(list(key), value)
        return out


class Spread:
    """A histogram per tuple of label values: counts per bucket and the sum."""

    __slots__ = ("bounds", "doc", "labels", "name", "rows")

    def __init__(self, name: str, doc: str, labels: Key, bounds: tuple[float, ...]) -> None:
        self.name, self.doc, self.labels, self.bounds = name, doc, labels, bounds
        self.rows: dict[Key, list[float]] = {}  # a count per bucket (+Inf last), then the sum

    def row(self, key: Key) -> list[float]:
        """The counts of one tuple of label values, for a caller that observes into it
        itself (``row[bisect_left(bounds, v)] += 1; row[-1] += v``) on a hot path."""
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0.0] * (len(self.bounds) + 2)
        return row

    def observe(self, key: Key, value: float) -> None:
        row = self.row(key)
        row[bisect_left(self.bounds, value)] += 1
        row[-1] += value

    def family(self) -> Metric:
        out = HistogramMetricFamily(self.name, self.doc, labels=self.labels)
        edges = [*(floatToGoString(b) for b in self.bounds), "+Inf"]
        for key, row in self.rows.items():
            total, buckets = 0.0, []
            for edge, count in zip(edges, row[:-1], strict=True):
                total += count
                buckets.append((edge, total))
            out.add_metric(list(key), buckets, row[-1])
        return out


class Metrics:
    """Every metric of one service, and the registry that exposes them."""

    def __init__(self) -> None:
        self.commands = Tally("bot_commands", "Commands run, by name, platform and outcome",
                              ("platform", "command", "outcome"))
        self.command_seconds = Spread(
            "bot_command_seconds", "Time in the core per command, by command family (group)",
            ("platform", "family"), COMMAND_BUCKETS)
        self.replies_gated = Tally("bot_replies_gated",
                                   "Replies that held parts back for spoilers", ("platform",))
        self.parts_withheld = Tally("bot_parts_withheld",
                                    "Parts held back (hidden) or tagged in replies",
                                    ("platform", "how"))
        self.ask_declined = Tally("bot_ask_declined", "/ask questions declined", ("platform",))
        self.in_flight = Tally("bot_commands_in_flight", "Commands being run now", gauge=True)
        self.reminders = Tally(
            "bot_reminders", "Reminders due (claimed), sent, dropped as too late, or late",
            ("platform", "result"))
        self.reminder_lateness = Spread(
            "bot_reminder_lateness_seconds", "How long after its due time a reminder was sent",
            ("platform",), LATENESS_BUCKETS)
        self.tick_seconds = Spread("bot_scheduler_tick_seconds", "One scheduler tick",
                                   ("platform",), TICK_BUCKETS)
        self.store_calls = Tally("bot_store_calls", "Store calls, by method", ("method",))
        self.query_seconds = Spread(
            "bot_store_query_seconds",
            f"Time of a store call, by method (one call in {STORE_SAMPLE} is timed)",
            ("method",), QUERY_BUCKETS)
        self.gateway_latency = Tally("bot_discord_gateway_latency_seconds",
                                     "Discord heartbeat latency, per shard", ("shard",),
                                     gauge=True)
        self.slack_slow_acks = Tally(
            "bot_slack_acks_late", "Slack requests acknowledged more than 2 s after they arrived")
        self.started = Tally("bot_start_time_seconds", "When the service started (unix)",
                             gauge=True)
        self.started.set((), time.time())
        self.registry = CollectorRegistry()
        self.registry.register(self)

    def collect(self) -> Iterator[Metric]:
        for value in vars(self).values():
            if isinstance(value, Tally | Spread):
                yield value.family()
