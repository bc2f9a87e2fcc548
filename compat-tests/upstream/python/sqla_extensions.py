"""pytest plugin for SQLAlchemy's dialect suite (suites/sqlalchemy.sh).

SQLAlchemy's PostgreSQL provisioning runs CREATE EXTENSION IF NOT EXISTS
citext and hstore when it configures the test engine and lets any error end
the whole session, so a server without those extensions would run no test
at all. This plugin keeps the provisioning step but treats an extension the
server does not support (SQLSTATE 0A000) as absent: the few tests using it
then fail one by one and are listed with that cause. Against PostgreSQL it
changes nothing (the extensions exist there).

Loaded with -p; it imports SQLAlchemy only at session start, after the
sdist's test/conftest.py has put the sdist's lib/ first on sys.path.
"""
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    from sqlalchemy import exc, text
    from sqlalchemy.dialects.postgresql import provision as pg_provision
    from sqlalchemy.testing.provision import post_configure_engine

    def create_extensions(url, engine, follower_ident):
        with engine.connect() as conn:
            for extension, min_version in pg_provision._extensions:
                if conn.dialect.server_version_info < min_version:
                    continue
                try:
                    conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
                    conn.commit()
                except exc.DBAPIError as e:
                    conn.rollback()
                    # psycopg names it sqlstate, psycopg2 pgcode.
                    code = getattr(e.orig, "sqlstate", None) or getattr(e.orig, "pgcode", None)
                    if code != "0A000":
                        raise

    post_configure_engine.fns["postgresql"] = create_extensions
