"""Running the bot as a service: health and readiness over HTTP, Prometheus metrics,
structured logs, a graceful stop, backups and the admin status.

Outside the core and touching no command handler: it plugs into the core's one observer hook
(``bot.core.observe``), wraps the store and the scheduler, and is wired in by the composition
root (``bot.app``, ``bot.launch``).
"""
