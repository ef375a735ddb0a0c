#!/bin/sh
# Temporal's schema in its own databases, as the temporal role (temporalio/admin-tools).
# Safe to run on every start: setup-schema -v 0.0 is a no-op on a set-up database and
# update-schema applies only the versions not yet applied.
set -eu
# The password comes from SQL_PASSWORD in the environment (not on the command line).
tool() { temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal "$@"; }
schema=/etc/temporal/schema/postgresql/v12
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$schema/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$schema/visibility/versioned"
