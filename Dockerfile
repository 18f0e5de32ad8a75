# The bot as a service: `docker compose up discord` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_CONTENT_DIR=/app/content \
    BOT_DB_PATH=/data/club.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir ".[postgres]" \
    && useradd --system --uid 10001 --home-dir /nonexistent bot \
    && mkdir -p /data && chown bot /data

# The content is part of the image and never written; the database lives on a volume.
COPY facts ./content/facts
COPY prompts ./content/prompts

USER bot
VOLUME ["/data"]
# Fails fast on broken content before the service starts.
RUN python -m bot check
CMD ["python", "-m", "bot", "discord"]
