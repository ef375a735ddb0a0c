#!/usr/bin/env bash
# Regenerates the single initial migration from ALL models. Pre-release tool, used while the first
# version was built in parallel: once 0001 has landed on main it is FROZEN — a schema change from now
# on is a new revision (`.venv/bin/alembic revision --autogenerate -m "..."`), so existing databases
# (including a `make run` .data/meshpay.db) upgrade instead of breaking.
# Autogenerates against an empty scratch PostgreSQL database, so the DDL is PostgreSQL's.
# The old file is only replaced when generation succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=meshpay_regen_$$_$RANDOM
OUT=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $SCRATCH" >/dev/null
trap 'psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $SCRATCH" >/dev/null; rm -rf "$OUT"' EXIT
cp -r migrations "$OUT/migrations"
rm -f "$OUT/migrations/versions/"*.py
printf '[alembic]\nscript_location = %s/migrations\nprepend_sys_path = %s\n' "$OUT" "$PWD" > "$OUT/alembic.ini"
MESHPAY_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$SCRATCH" \
  .venv/bin/alembic -c "$OUT/alembic.ini" revision --autogenerate --rev-id 0001 -m "initial schema" >/dev/null
.venv/bin/ruff format -q "$OUT/migrations/versions/0001_initial_schema.py" || true
mv "$OUT/migrations/versions/0001_initial_schema.py" migrations/versions/0001_initial.py
echo "regenerated migrations/versions/0001_initial.py"
