"""The Prometheus metrics, in a registry of their own (one per service, so tests and the
benchmarks may build several in one process). Every label value is bounded: a platform, a
command path from the registry, an outcome, a shard number; never a user, a club or text."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Around Discord's and Slack's 3 s: what matters is how far from it a command stays.
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
QUERY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1.0)
# A reminder is on time within a tick (30 s); later than that it is counted late.
LATE_AFTER = 60.0
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.commands = Counter("bot_commands", "Commands run, by name, platform and outcome",
                                ("platform", "command", "outcome"), registry=r)
        self.command_seconds = Histogram(
            "bot_command_seconds", "Time in the core per command, by command family (group)",
            ("platform", "family"), buckets=COMMAND_BUCKETS, registry=r)
        self.replies_gated = Counter(
            "bot_replies_gated", "Replies that held parts back for spoilers", ("platform",),
            registry=r)
        self.parts_withheld = Counter(
            "bot_parts_withheld", "Parts held back (hidden) or tagged in replies",
            ("platform", "how"), registry=r)
        self.ask_declined = Counter("bot_ask_declined", "/ask questions declined",
                                    ("platform",), registry=r)
        self.in_flight = Gauge("bot_commands_in_flight", "Commands being run now",
                               registry=r)
        self.reminders = Counter(
            "bot_reminders", "Reminders due (claimed), sent, dropped as too late, or late",
            ("platform", "result"), registry=r)
        self.reminder_lateness = Histogram(
            "bot_reminder_lateness_seconds", "How long after its due time a reminder was sent",
            ("platform",), buckets=LATENESS_BUCKETS, registry=r)
        self.tick_seconds = Histogram("bot_scheduler_tick_seconds", "One scheduler tick",
                                      ("platform",), registry=r)
        self.query_seconds = Histogram(
            "bot_store_query_seconds", "One store call, by method", ("method",),
            buckets=QUERY_BUCKETS, registry=r)
        self.gateway_latency = Gauge(
            "bot_discord_gateway_latency_seconds", "Discord heartbeat latency, per shard",
            ("shard",), registry=r)
        self.slack_slow_acks = Counter(
            "bot_slack_acks_late", "Slack requests acknowledged more than 2 s after arrival",
            registry=r)
        self.up_since = Gauge("bot_start_time_seconds", "When the service started (unix)",
                              registry=r)
        self.up_since.set_to_current_time()
