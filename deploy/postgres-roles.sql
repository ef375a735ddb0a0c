-- One PostgreSQL server, three roles, each with only what it needs (run once, by the postgres
-- image's first start, through deploy/postgres-init.sh which passes the passwords as psql variables):
--   temporal          owns Temporal's two databases (schema set up by temporal-sql-tool)
--   meshpay_migrator  owns the meshpay database and schema: `meshpay migrate` runs every DDL as it
--   meshpay_app       the API and the worker: rows only (read, write), no CREATE anywhere
\set ON_ERROR_STOP on

CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE meshpay_migrator LOGIN PASSWORD :'migrator_password';
CREATE ROLE meshpay_app LOGIN PASSWORD :'app_password';
CREATE DATABASE meshpay OWNER meshpay_migrator;
REVOKE ALL ON DATABASE meshpay FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE meshpay TO meshpay_migrator;
GRANT CONNECT ON DATABASE meshpay TO meshpay_app;

\connect meshpay
ALTER SCHEMA public OWNER TO meshpay_migrator;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO meshpay_app;
-- Whatever the migrator creates later is usable, and only usable, by the app.
ALTER DEFAULT PRIVILEGES FOR ROLE meshpay_migrator IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO meshpay_app;
ALTER DEFAULT PRIVILEGES FOR ROLE meshpay_migrator IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO meshpay_app;
ALTER DEFAULT PRIVILEGES FOR ROLE meshpay_migrator IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO meshpay_app;
