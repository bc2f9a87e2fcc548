"""Settings for Django's own test suite (tests/runtests.py --settings) on
the PostgreSQL backend, pointed at the server named by the PG* variables
(suites/django.sh). Mirrors tests/test_sqlite.py apart from the databases.

The runner creates test_django_default and test_django_other (CREATE
DATABASE) and drops them at the end; the two aliases are what the
multi-database tests need.
"""
import os


def _database(test_name):
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "NAME": os.environ.get("PGDATABASE", "postgres"),
        "TEST": {"NAME": test_name},
    }


DATABASES = {
    "default": _database("test_django_default"),
    "other": _database("test_django_other"),
}

SECRET_KEY = "django_tests_secret_key"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

USE_TZ = False

# Per-test results for the upstream judge (django_results.py).
TEST_RUNNER = "django_results.ResultsRunner"
