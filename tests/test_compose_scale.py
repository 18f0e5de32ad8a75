"""docker-compose.yml: today's two services stay on SQLite by default; the `scale` profile runs
PostgreSQL (official image, a volume, a health check), two Discord shard processes of which
exactly one syncs the commands, and two Slack HTTP workers behind nginx, all on the one
database, each worker with its own name for its reminder claims. (Read, not run: CI has no
Docker daemon.)"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_the_scale_profile_runs_every_worker_on_one_postgresql() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("discord", "slack"):  # the default: unchanged, on the SQLite volume
        assert "profiles" not in services[name]
        assert services[name]["environment"]["BOT_DB_PATH"] == "/data/club.db"
        assert "BOT_DATABASE_URL" not in services[name]["environment"]
    scaled = {n: s for n, s in services.items() if s.get("profiles") == ["scale"]}
    db = scaled.pop("db")
    assert db["image"].startswith("postgres:") and db["healthcheck"]["test"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    proxy = scaled.pop("slack-proxy")
    assert proxy["image"].startswith("nginx:")
    workers = {n: s for n, s in scaled.items()}
    assert sorted(workers) == ["discord-shard-0", "discord-shard-1", "slack-http-0",
                               "slack-http-1"]
    ids = [s["environment"]["BOT_WORKER_ID"] for s in workers.values()]
    assert len(set(ids)) == len(ids)
    for worker in workers.values():
        assert worker["environment"]["BOT_DATABASE_URL"].startswith("postgresql://")
        # Served and checked like the default services (docs/operations.md).
        assert worker["environment"]["BOT_OPS_PORT"] and worker["healthcheck"]["test"][-1] == \
            "health"
        assert worker["depends_on"]["db"]["condition"] == "service_healthy"
    shards = [workers[f"discord-shard-{i}"]["environment"] for i in (0, 1)]
    assert [s["BOT_SHARD_IDS"] for s in shards] == ["0", "1"]
    assert {s["BOT_SHARD_COUNT"] for s in shards} == {"2"}
    assert [s.get("BOT_SYNC_COMMANDS") for s in shards] == ["1", None]  # exactly one syncs
    for i in (0, 1):
        assert "--http" in workers[f"slack-http-{i}"]["command"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server slack-http-0:3000" in nginx and "server slack-http-1:3000" in nginx
