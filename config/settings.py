"""Settings for the grants service, read from the environment so one module serves development, tests and production."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_cache_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# A development key is only ever used with DEBUG on; production must supply its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment, or DEBUG=1 for local development.")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "formtools",
    "import_export",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "auditlog",
    "rules",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "core",
    "applications",
    "assessment",
    "grants",
    "monitoring",
    "variations",
    "conversations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff who have signed in with a password reach nothing but the second-factor pages until they give a code.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.refusals.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.service",
                "accounts.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.links"],
        },
    },
]

# Each worker keeps its connection between requests rather than opening one per request (the cost of a page under
# load was mostly that); the health check replaces a connection the database has closed before it is used.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker writes while the web server does: WAL lets readers carry on beside a writer, IMMEDIATE takes
    # the write lock when a transaction begins (so it waits its turn rather than failing half-way), and the timeout
    # is how long it waits for that turn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20,
    }
    # A file, not memory, so that tests can run a real worker process beside the test server on the same database;
    # one for each test run, so that two runs at once keep apart.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"db-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL: parameters travel apart from the query, and a connection prepares the reads of one object that it
    # runs again and again (the session's, the person's, a page's own), so the server parses and plans each once per
    # connection rather than on every request; every other query is planned for its own parameters on each run
    # (core/postgresql says why). Behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21), set DATABASE_PREPARED_STATEMENTS=0.
    # The project's backend also knows the limit on parameters that the server's binding brings.
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (a round's letters) runs as tasks queued in the database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still marked running this long after it started lost its worker (killed, or its machine stopped):
# `manage.py recover_stale_tasks` queues it again. Far longer than any task takes.
TASKS_STALE_AFTER_SECONDS = int(os.environ.get("TASKS_STALE_AFTER_SECONDS", "900"))

# Rate limits count in this cache and sessions and unread counts are kept in it, so every process must share it: in
# production redis:// or memcached; on one machine, as in development with its task worker, files will do.
CACHES = {"default": django_cache_url.config(default=f"file://{BASE_DIR / '.cache'}")}

AUTH_USER_MODEL = "accounts.User"
# Lets the sign-in form tell an unconfirmed person to confirm their address, rather than "wrong password",
# while a deactivated person's session ends on their next request.
PASSWORD_BACKEND = "accounts.backends.PasswordBackend"
AUTHENTICATION_BACKENDS = [
    # Named permissions defined as rules in code (accounts/permissions.py), such as reading the audit trail.
    "rules.permissions.ObjectPermissionBackend",
    # Axes first of the sign-in backends: it refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    PASSWORD_BACKEND,
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "applications:start"
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24)))

# Repeated failed sign-ins for one email address from one place are refused for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email address as "username", like Django's own AuthenticationForm.
AXES_USERNAME_FORM_FIELD = "username"
# Sign-in ignores capitals and spaces in the address, so the lockout must count them as one address too.
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Registering, resetting a password and inviting a colleague each send an email: limited per email address and
# per place (the same client address as the sign-in lockout), so nobody can flood someone's inbox.
RATE_LIMIT_PER_ADDRESS_PER_HOUR = int(os.environ.get("RATE_LIMIT_PER_ADDRESS_PER_HOUR", "5"))
RATE_LIMIT_PER_IP_PER_HOUR = int(os.environ.get("RATE_LIMIT_PER_IP_PER_HOUR", "20"))
RATELIMIT_VIEW = "core.views.rate_limited"
# If the cache is down, people can still register and reset passwords; sign-in keeps its own lockout.
RATELIMIT_FAIL_OPEN = True
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit names only django-redis as a Redis cache, but Django's own RedisCache counts atomically too.
    "django_ratelimit.W001",
    # Outside development the check that the cache is shared by every worker stays on.
    *(["django_ratelimit.E003"] if DEBUG else []),
]

# Sessions end after a spell of inactivity; any request (and "stay signed in") starts the spell again, writing the
# session at most once a minute rather than on every request (core.sessions).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_TIMEOUT_WARNING_SECONDS = int(os.environ.get("SESSION_TIMEOUT_WARNING_SECONDS", str(2 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `collectstatic` gathers the files WhiteNoise serves in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    ("app", BASE_DIR / "frontend" / "static"),
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads: documents with an application, and BSL video or audio answers given instead of writing.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_MEGABYTES", "10")) * 1024 * 1024
MEDIA_ANSWER_MAX_BYTES = int(os.environ.get("MEDIA_ANSWER_MAX_MEGABYTES", "200")) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "grants@example.org")

STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

# What the service calls itself and who runs it, shown in the header, letters and emails.
# The header's links: each app's own, in the order shown. A person's first link is where signing in lands them.
NAVIGATION = [
    "applications.navigation.links",
    "assessment.navigation.links",
    "grants.navigation.links",
    "monitoring.navigation.links",
    "variations.navigation.links",
    "conversations.navigation.links",
    "core.navigation.audit_links",
    "accounts.navigation.links",
]
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Apply for a hate crime victim support grant")
FUNDER_NAME = os.environ.get("FUNDER_NAME", "London Disability Hate Crime Fund")
FUNDER_EMAIL = os.environ.get("FUNDER_EMAIL", "grants@example.org")
# Where the service is served, for the links in emails sent with nobody's request at hand (a reminder from cron).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
# The funder's own org-id.guide identifier for 360Giving files; empty uses the round's 360Giving prefix.
FUNDER_ORG_ID = os.environ.get("FUNDER_ORG_ID", "")
SERVICE_PHASE = os.environ.get("SERVICE_PHASE", "Beta")

# Two-factor sign-in for staff: the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = SERVICE_NAME

# HTTPS and cookies: strict unless DEBUG is on for local development.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers ask for the health check over plain HTTP, from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Only the service's own files may run, style or load: no inline script, style element or style attribute, on
# every page including the admin (Django 5.2's admin needs none). Forms may also go on to Stripe's hosted
# onboarding, which the payout account page reaches by a redirect after its form is posted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        # Applicants' BSL video and audio answers play inside the page, from this service only.
        "media-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF, "https://connect.stripe.com"],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's loggers hand their records to the root's handler only: its own console handler (on with DEBUG) printed
    # every refused request, with its traceback, a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# Spreadsheets: applicants' words must never run as formulas when a manager opens an export. core.spreadsheets
# does it (cell_safe); import-export's own escaping would turn every number into text and strip only one "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True

# Configuration edited in the admin site keeps a field-by-field history of who changed what (django-auditlog),
# beside the service's own audit trail of status changes.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "applications.round", "m2m_fields": {"assessors"}, "exclude_fields": ["last_reference_number"]},
    "applications.criterion",
    "applications.scoredescriptor",
    "applications.indicator",
    "applications.borough",
    {"model": "applications.organisation", "m2m_fields": {"boroughs"}},
    "applications.membership",
    {
        "model": "accounts.user",
        "m2m_fields": {"groups", "user_permissions"},
        "exclude_fields": ["password", "last_login"],
    },
    {"model": "auth.group", "m2m_fields": {"permissions"}},
)
