"""The product's configuration: one frozen object, built once and handed to `create_app`.

Nothing else in the package reads the environment; `Config.from_env` is the only place that
does, so tests build a `Config` directly and know exactly what the app sees.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask.sansio.scaffold import find_package
from sqlalchemy.engine import make_url

from passport.keys import Keys, parse_old_secrets

ENGLAND = ZoneInfo("Europe/London")
# The folder holding `passport/`, `templates/`, `static/` and `fixtures/`.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A record is a few tens of kilobytes; 18 years of history stays well under 1 MB. Anything
# over this limit is refused before it is read into memory.
DEFAULT_MAX_RECORD_BYTES = 5 * 1024 * 1024


def default_instance_path() -> Path:
    """The instance folder as Flask finds it for this package (`app.instance_path`): the
    project's `instance/` beside `passport/` (or, for an installed copy, the environment's
    `var/passport-instance`), whatever folder the command was started from."""
    prefix, package_path = find_package("passport")
    if prefix is None:
        return Path(package_path) / "instance"
    return Path(prefix) / "var" / "passport-instance"


@dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str = field(repr=False)
    # Secrets used before: still accepted for reading and checking, never for making (ADR 0008).
    old_secret_keys: tuple[str, ...] = field(default=(), repr=False)
    # None: Flask's own (the project's instance/ folder).
    instance_path: Path | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    # A fixed "today" for tests and demonstrations; None means the date in England now.
    fixed_today: date | None = None
    session_idle_minutes: int = 30
    secure_cookies: bool = True
    # How many proxies in front of the app may be believed about the client's address
    # (X-Forwarded-For). 0: the socket's address, which is right when nothing is in front.
    trusted_proxies: int = 0
    # Redis, when the installation runs one (REDIS_URL); None: nothing else to start.
    redis_url: str | None = None
    # Who may read /metrics: addresses or networks, comma-separated (loopback when unset).
    metrics_allow: str | None = None
    testing: bool = False

    def today(self) -> date:
        """Today's date in England: the line after which a recorded event is in the future."""
        if self.fixed_today is not None:
            return self.fixed_today
        return datetime.now(ENGLAND).date()

    @property
    def keys(self) -> Keys:
        """Every job's key, derived from the secret, with the old secrets for reading."""
        return Keys(self.secret_key, self.old_secret_keys)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, instance_secret: bool = False
    ) -> Config:
        """The configuration the environment gives. Without PASSPORT_SECRET_KEY this is a
        ConfigError, unless `instance_secret` allows the secret kept in the instance folder
        (`passport run`, and commands on a local SQLite file: ADR 0008)."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("PASSPORT_INSTANCE_PATH") or default_instance_path())
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'passport.db'}"
        secret_key = env.get("PASSPORT_SECRET_KEY", "").strip()
        if not secret_key:
            if not instance_secret:
                raise ConfigError(
                    "PASSPORT_SECRET_KEY is not set: set it to the installation's secret "
                    "(the same on every app server) before starting Health Passport"
                )
            secret_key = _instance_secret(instance)
        fixed_today = env.get("PASSPORT_TODAY")
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            old_secret_keys=parse_old_secrets(env.get("PASSPORT_OLD_SECRET_KEYS")),
            instance_path=instance,
            max_record_bytes=int(env.get("PASSPORT_MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES)),
            fixed_today=date.fromisoformat(fixed_today) if fixed_today else None,
            # Safe unless the operator opts out: only `passport run` (local development over
            # plain http on 127.0.0.1) sets PASSPORT_SECURE_COOKIES=0 for itself.
            secure_cookies=env.get("PASSPORT_SECURE_COOKIES", "1") != "0",
            trusted_proxies=_whole_number(env, "PASSPORT_TRUSTED_PROXIES", 0),
            redis_url=env.get("REDIS_URL") or None,
            metrics_allow=env.get("PASSPORT_METRICS_ALLOW"),
        )


def on_a_local_file(environ: Mapping[str, str]) -> bool:
    """Whether the database is a SQLite file on this machine (DATABASE_URL unset, or sqlite):
    then the secret kept in the instance folder may serve (ADR 0008)."""
    url = environ.get("DATABASE_URL")
    return not url or make_url(url).get_backend_name() == "sqlite"


class ConfigError(ValueError):
    """A setting the app cannot start with; the message names it and says what to set."""


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in the instance folder (created once, readable by us only)."""
    path = instance / "secret_key"
    try:
        instance.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        secret = path.read_text().strip()
    except OSError as error:
        raise ConfigError(
            f"the secret in {path} cannot be read ({error.strerror}): fix the file, or set "
            "PASSPORT_SECRET_KEY or PASSPORT_INSTANCE_PATH"
        ) from None
    if not secret:
        raise ConfigError(f"the secret in {path} is empty: delete the file to have a new one made")
    return secret
