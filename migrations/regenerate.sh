#!/usr/bin/env bash
# Regenerates the single initial migration from the models (pre-release: there is no deployed
# schema to migrate yet). Uses a scratch PostgreSQL database so the DDL is PostgreSQL's.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SCRATCH=meshpay_regen_$$
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $SCRATCH" >/dev/null
trap 'psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $SCRATCH" >/dev/null' EXIT
rm -f migrations/versions/0001_initial.py
MESHPAY_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$SCRATCH" \
  .venv/bin/alembic revision --autogenerate --rev-id 0001 -m "initial schema" >/dev/null
mv migrations/versions/0001_initial_schema.py migrations/versions/0001_initial.py
.venv/bin/ruff format -q migrations/versions/0001_initial.py || true
echo "regenerated migrations/versions/0001_initial.py"
