"""Shared fixtures. The reference data (357 municipalities) is loaded by a migration.

The `world` fixture seeds, healthchecks-style, one user per role around Stavanger
(Sør-Vest police district), plus an outsider in Bergen (Vest police district).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from samarbeid.models import Municipality, Role

from .factories import PASSWORD, OperationalUnitFactory, UserFactory, municipality, user_with_role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    # Real hashing costs ~0.2 s a user; the login behaviour under test does not depend on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change rows with queryset.update() too; the cache is tested on its own
    # (tests/core/test_compliance_cache.py).
    settings.COMPLIANCE_CACHE_SECONDS = 0


@pytest.fixture(scope="session")
def dev_seal(tmp_path_factory: Any) -> Any:
    """A development CA and seal certificate for the whole run (issue 13), never var/seal."""
    from samarbeid import seal

    return seal.make_dev_seal(tmp_path_factory.mktemp("seal"), name="Testportalen")


@pytest.fixture(autouse=True)
def _seal_in_tmp(settings: Any, dev_seal: Any) -> None:
    # Signed agreement PDFs are sealed with the test CA; tests/avtaler/test_seal.py adds a
    # second, untrusted CA of its own.
    settings.SEAL_CERT_PATH = str(dev_seal.cert)
    settings.SEAL_KEY_PATH = str(dev_seal.key)
    settings.SEAL_KEY_PASSPHRASE = ""
    settings.SEAL_TRUST_ROOTS = [str(dev_seal.ca_cert)]


@pytest.fixture(autouse=True)
def _mfa_off_unless_a_test_turns_it_on(settings: Any) -> None:
    # Tests log in with force_login; a second factor is asked only where a test turns
    # MFA_REQUIRED on (tests/core/test_mfa.py, tests/e2e/test_onboarding.py).
    settings.MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _tasks_run_in_process() -> Any:
    """Tasks enqueued by the code under test run in process, as on the embedded default;
    otherwise every test would leave messages in the real broker for the next worker.
    tests/core/test_stack.py starts a real worker on a queue of its own."""
    from config.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: Any) -> None:
    """Transactional tests (live server, concurrency) empty the database when they end;
    the reference data from the migration is loaded again for each of them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        f in request.fixturenames for f in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from samarbeid import reference_data

        reference_data.load_all()


@dataclass
class World:
    stavanger: Municipality
    sandnes: Municipality
    bergen: Municipality
    leader: Any  # mayor of Stavanger, may sign
    member: Any  # no role: a seat on the Stavanger council (tests/politirad/helpers) gives
    #             that council only; every municipal page is 404 for him
    police: Any  # police contact for Stavanger
    chief: Any  # chief of police Sør-Vest: district administrator who may sign
    outsider: Any  # mayor of Bergen: sees nothing in Stavanger
    admin: Any  # national administrator
    password: str = PASSWORD

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db: Any) -> World:
    stavanger = municipality("Stavanger")
    unit = OperationalUnitFactory(name="Sør-Rogaland")
    Municipality.objects.filter(pk=stavanger.pk).update(operational_unit=unit)
    stavanger.refresh_from_db()
    return World(
        stavanger=stavanger,
        sandnes=municipality("Sandnes"),
        bergen=municipality("Bergen"),
        leader=user_with_role(Role.MUNICIPAL_LEADER, username="alice", can_sign=True,
                              title="Ordfører", municipality=stavanger),
        member=UserFactory(username="bob"),
        police=user_with_role(Role.POLICE_CONTACT, username="paul", municipality=stavanger),
        chief=user_with_role(Role.DISTRICT_ADMIN, username="chief", can_sign=True,
                             title="Politimester", police_district=stavanger.police_district),
        outsider=user_with_role(Role.MUNICIPAL_LEADER, username="charlie",
                                municipality=municipality("Bergen")),
        admin=user_with_role(Role.NATIONAL_ADMIN, username="nina"),
    )


def pytest_sessionstart(session: Any) -> None:
    """In CI (REQUIRE_SERVICES=1) PostgreSQL and Redis must be there: fail, never skip."""
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    from django.conf import settings

    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point to PostgreSQL")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                            password=db["PASSWORD"], dbname="postgres", connect_timeout=3).close()
        except Exception as exc:
            problems.append(f"PostgreSQL unreachable: {exc}")
    try:
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except Exception as exc:
        problems.append(f"Redis unreachable: {exc}")
    if problems:
        pytest.exit("services required by CI are missing: " + "; ".join(problems), returncode=3)


@pytest.fixture
def login(client: Any, world: World) -> Any:
    def _login(role: str) -> Any:
        client.force_login(world.user(role))
        return client

    return _login
