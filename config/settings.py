"""Settings for Samarbeidsportalen, configured from the environment (12-factor).

With nothing set the portal runs on an embedded default: SQLite, Celery tasks run in
process (no Redis), e-mail printed to the console. Set DATABASE_URL and REDIS_URL to
run on PostgreSQL with a real Celery worker and beat (see README.md).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# HTTPS=true in production: secure cookies, HSTS and the redirect to https.
HTTPS = env.bool("HTTPS", default=False)

_DEV_SECRET = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
if HTTPS and SECRET_KEY == _DEV_SECRET:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when HTTPS=true (production).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "samarbeid",
    "avtaler",
    "politirad",
    "politikontakt",
    "slt",
    "evaluering",
    "rapporter",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "axes",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samarbeid.middleware.SecurityHeadersMiddleware",
    "samarbeid.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samarbeid.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "samarbeid.middleware.CachedAuthenticationMiddleware",  # Django's, the user row cached
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samarbeid.middleware.NoCacheForUsersMiddleware",
    "samarbeid.middleware.IdleTimeoutMiddleware",
    # Administrators and signatories who log in with a password enrol and use TOTP.
    "samarbeid.mfa.MFARequiredMiddleware",
    "samarbeid.audit.AuditRequestMiddleware",
    "samarbeid.middleware.ResolvedUserMiddleware",  # request.user unwrapped, once read
    # Axes must be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "samarbeid.context_processors.portal",
            ],
            # `{% url %}` with its answers kept per process (issue #12).
            "builtins": ["samarbeid.templatetags.kept_urls"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: without them each request pays a new login (~6x slower).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # A page's policy-scoped queries (7 joins, scope subqueries) cost PostgreSQL more to
        # plan than to run: 10–20 ms of planning for 2–5 ms of work. Bound on the server,
        # a query run a third time on a connection is prepared and keeps one generic plan
        # (issue #12: a page built again after a write). Turn off behind a pooler in
        # transaction mode (PgBouncer without max_prepared_statements).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2,
            options="-c plan_cache_mode=force_generic_plan")
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # An outage is a miss, never an error (samarbeid/cache.py).
            "BACKEND": "samarbeid.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 20000}}}

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords (refused when PASSWORD_LOGIN=false) and OpenID Connect (samarbeid/oidc.py).
    "samarbeid.backends.PasswordBackend",
    "samarbeid.oidc.PortalOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Local passwords: on for the embedded demo; false when everyone logs in through SSO.
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
# Password logins that hold an administrator or signing role must use TOTP (django-otp).
# On by default and in `make run`; tests/conftest.py turns it off, the MFA tests turn it on.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
# Signing asks for a second factor (or an SSO login at acr substantial/high) this recent.
MFA_FRESH_SECONDS = env.int("MFA_FRESH_SECONDS", default=10 * 60)
OTP_TOTP_ISSUER = "Samarbeidsportalen"
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
# Key of the HMAC that stores SSO subjects and ID-porten person identifiers (never in clear).
# Keep it when SECRET_KEY is rotated, or every SSO link must be made again.
IDENTITY_HASH_KEY = env.str("IDENTITY_HASH_KEY", default=SECRET_KEY)


def _oidc_providers() -> dict[str, dict[str, object]]:
    """OIDC_PROVIDERS=idporten,entra and OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET,
    _SCOPES, _ACR, _LABEL, _LINK (pid|email), _TRUST_EMAIL, _TOKEN_AUTH, _ALGORITHMS."""
    providers: dict[str, dict[str, object]] = {}
    for name in env.list("OIDC_PROVIDERS", default=[]):
        name = name.strip().lower()
        if not name:
            continue
        key = f"OIDC_{name.upper()}_"
        digdir = name.startswith(("idporten", "ansattporten"))
        providers[name] = {
            "name": name,
            "issuer": env.str(key + "ISSUER").rstrip("/"),
            "client_id": env.str(key + "CLIENT_ID"),
            "client_secret": env.str(key + "CLIENT_SECRET", default=""),
            "scopes": env.str(key + "SCOPES",
                              default="openid profile" if digdir else "openid email profile"),
            "acr": env.str(key + "ACR", default="idporten-loa-substantial" if digdir else ""),
            "label": env.str(key + "LABEL", default=name.capitalize()),
            "link": env.str(key + "LINK", default="pid" if digdir else "email"),
            "trust_email": env.bool(key + "TRUST_EMAIL", default=False),
            "token_auth": env.str(key + "TOKEN_AUTH", default="client_secret_post"),
            "algorithms": env.list(key + "ALGORITHMS", default=["RS256"]),
        }
    return providers


OIDC_PROVIDERS = _oidc_providers()
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# django-axes: lock account + address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1",
                             "new_password2", "old_password", "token"]
AXES_VERBOSE = False
# Behind the TLS proxy: which peers may say who the client is (samarbeid/client_ip.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "samarbeid.client_ip.client_ip"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object

SESSION_COOKIE_AGE = 60 * 60 * 8  # the absolute limit
# Sessions read from the cache (Redis in production, shared by every web worker), written
# through to the database so a cache flush logs no one out (issue 12: a cheap layout).
SESSION_ENGINE = "samarbeid.sessions"  # Django's cached_db, read with the next keys
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "samarbeid.views.csrf_failure"

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk (bokmål)"), ("nn", "Norsk (nynorsk)"), ("en", "English")]
FORMAT_MODULE_PATH = ["samarbeid.formats"]  # one date format per language (issue #14)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Even with DEBUG on, a user sees the portal's own error page, never a stack trace (the
# trace goes to the log): samarbeid.error_reporter.PortalExceptionReporter.
DEFAULT_EXCEPTION_REPORTER = "samarbeid.error_reporter.PortalExceptionReporter"
# URL fields without a scheme are https (the Django 6 default; the admin's forms use it too).
FORMS_URLFIELD_ASSUME_HTTPS = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root on every start
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=False)  # true in docker-compose
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "samarbeid.staticfiles.KeptUrlManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "samarbeid.staticfiles.KeptUrlStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
# The whole request body: one upload plus the form around it (RequestBodyLimitMiddleware).
MAX_REQUEST_BODY = MAX_UPLOAD_SIZE + 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Seal and verification (issue 13, Veileder §3) ------------------------------------
# The certificate (PEM, optionally followed by its intermediate CAs) and key that seal signed
# agreement PDFs (PAdES), and the CA certificates a handed-back file must chain to.
# `manage.py make_dev_seal` (run by `make run`) creates a development CA and seal here.
SEAL_DIR = VAR_DIR / "seal"
SEAL_CERT_PATH = env.str("SEAL_CERT_PATH", default=str(SEAL_DIR / "seal-cert.pem"))
SEAL_KEY_PATH = env.str("SEAL_KEY_PATH", default=str(SEAL_DIR / "seal-key.pem"))
SEAL_KEY_PASSPHRASE = env.str("SEAL_KEY_PASSPHRASE", default="")
SEAL_TRUST_ROOTS = env.list("SEAL_TRUST_ROOTS", default=[str(SEAL_DIR / "ca-cert.pem")])
# The verify page reads untrusted uploads: bounded in size and in checks per user.
VERIFY_MAX_BYTES = env.int("VERIFY_MAX_BYTES", default=5 * 1024 * 1024)
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=10)
VERIFY_RATE_WINDOW_SECONDS = env.int("VERIFY_RATE_WINDOW_SECONDS", default=10 * 60)

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samarbeidsportalen <noreply@samarbeid.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# --- Celery ---------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
    # A broker that is down must not hang a web request: fail fast, the scan catches up.
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0,
                                       "interval_step": 0.2, "interval_max": 0.5}
    CELERY_TASK_PUBLISH_RETRY = False
else:
    # Embedded default: tasks run in process; `manage.py run_scheduler` plays beat.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BEAT_SCHEDULE = {
    "reminder-scans": {
        "task": "samarbeid.tasks.run_reminder_scans",
        "schedule": env.int("REMINDER_SCAN_SECONDS", default=15 * 60),
        "options": {"expires": 10 * 60},
    },
    # Every finding's version holds the date, so at midnight every municipality's findings
    # are stale: computed here for the new day, not by the first report a user opens
    # (issue #12). Five past midnight, Norwegian time (CELERY_TIMEZONE).
    "compliance-daily": {
        "task": "samarbeid.compliance.refresh_all",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 6 * 60 * 60},
    },
}

# --- Logging: never log passwords or tokens --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "samarbeid.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "samarbeid.audit": {"level": env.str("AUDIT_LOG_LEVEL", default="WARNING")},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS: list[tuple[str, str]] = []

# Compliance findings are cached per municipality, invalidated by every write (0 = off).
COMPLIANCE_CACHE_SECONDS = env.int("COMPLIANCE_CACHE_SECONDS", default=600)

# `make bench` only: mounts the bare yardstick view (bench/views.py).
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
