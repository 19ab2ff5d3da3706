"""Cordon's one settings file, driven by the environment (read strictly: config/environment.py).

CORDON_DEBUG         "1" turns on debug pages and plain-HTTP cookies (``make run`` sets it); off by default.
CORDON_SECRET_KEY    signing key; without it one is generated once into var/secret_key.
DATABASE_URL         e.g. postgres://user@host:5432/cordon; default: SQLite file var/cordon.sqlite3.
CORDON_ALLOWED_HOSTS comma-separated host names the server answers to (default: 127.0.0.1,localhost).
CORDON_HTTPS         "1" when served over HTTPS: secure cookies, HSTS. Default: on unless debug.
CORDON_SESSION_HOURS absolute session lifetime in hours (default 12: one shift).
CORDON_SESSION_IDLE_MINUTES  log out after this much inactivity (default 120).
CORDON_PASS_SIGNING_KEY  the PEM key that signs exit-pass cards; without it one is made in var/.
CORDON_DB_CONN_MAX_AGE  seconds a server thread keeps its database connection (default 60; 0: per request).
CORDON_VAR_DIR       where the SQLite file, the secret key and collected static files live (default var/).
CORDON_BASE_URL      the address links in SMS, e-mail and WeCom messages start with (e.g. https://cordon.example).
CORDON_EMAIL_HOST, CORDON_EMAIL_PORT, CORDON_EMAIL_USER, CORDON_EMAIL_PASSWORD, CORDON_EMAIL_TLS,
CORDON_EMAIL_FROM    the SMTP server notifications are mailed through (default: none, 127.0.0.1:25).
CORDON_SMS_URL       the SMS gateway's HTTP endpoint (no SMS without it); CORDON_SMS_TEMPLATE the JSON
                     body with {phone} {text} {signature} {timestamp} {nonce}; CORDON_SMS_SIGNATURE
                     (e.g. 【堂二里镇】); CORDON_SMS_SECRET signs the body (HMAC-SHA256) into the header
                     CORDON_SMS_SIGN_HEADER; CORDON_SMS_OK_FIELD / CORDON_SMS_OK_VALUE the answer that
                     means sent (default code = OK); CORDON_SMS_PERMANENT_CODES codes never retried;
                     CORDON_SMS_RATE_PER_MINUTE at most that many a minute (0: no limit).
"""

from datetime import timedelta

import dj_database_url
from csp.constants import NONE, SELF

from config import environment
from config.environment import BASE_DIR, flag, integer, items, text

VAR_DIR = environment.var_dir()

DEBUG = flag("CORDON_DEBUG", False)
SECRET_KEY = environment.secret_key()
ALLOWED_HOSTS = items("CORDON_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = items("CORDON_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "cordon.core",
    "cordon.accounts",
    "cordon.checkpoints",
    "cordon.people",
    "cordon.observation",
    "cordon.cases",
    "cordon.lockdowns",
    "cordon.forces",
    "cordon.operations",
    "cordon.stock",
    "cordon.enterprises",
    "cordon.reports",
    "cordon.notifications",
    "cordon.colours",
    "cordon.federation",
    "cordon.retention",
    "cordon.handovers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cordon.core.middleware.language_middleware",
    # A body over the limit: a 413 with a message, read to its end so the connection stays usable.
    "cordon.core.edge.body_limit_middleware",
    "cordon.core.middleware.debug_not_found_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cordon.accounts.middleware.session_expiry_middleware",
    # NUL and other control characters, impossible time-zone offsets: refused here for every field.
    "cordon.core.edge.edge_middleware",
    "cordon.core.middleware.no_store_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cordon.accounts.middleware.password_change_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cordon.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cordon.core.middleware.request_source_middleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# An API call with a token (Authorization: Bearer …) goes through this chain instead
# (config/handlers.py): MIDDLEWARE's order, without what serves browser sessions only (static files,
# session, CSRF, login, messages, the temporary password's redirect, htmx, the login lockout).
API_TOKEN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cordon.core.middleware.language_middleware",
    "cordon.core.edge.body_limit_middleware",
    "django.middleware.common.CommonMiddleware",  # the Host header checked against ALLOWED_HOSTS
    "config.handlers.anonymous_middleware",  # where the session's user would be read
    "cordon.core.edge.edge_middleware",
    "cordon.core.middleware.no_store_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cordon.core.middleware.ContentSecurityPolicyMiddleware",
    "cordon.core.middleware.request_source_middleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cordon.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'cordon.sqlite3'}",
        conn_max_age=integer("CORDON_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer writes; IMMEDIATE transactions take the write lock up front,
    # so two concurrent writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        # A 64 MB page cache: a town's registry and its indexes stay in memory for imports and lists.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections are kept between requests, as on PostgreSQL (CORDON_DB_CONN_MAX_AGE): opening the
    # file for each request re-ran the PRAGMAs, re-read the schema into an empty cache and checkpointed
    # the WAL on close, several times a request's own cost (bench/README.md, issue 20). A statement
    # left open on a kept connection outlives its request, so every statement runs to its end or has
    # its cursor closed (a passage is a plain INSERT and its rowid, not INSERT … RETURNING).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cordon.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout (django-axes): five failures for one account lock it for 15 minutes (or until a
# commander unlocks it).
AXES_FAILURE_LIMIT = integer("CORDON_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=integer("CORDON_LOGIN_LOCK_MINUTES", 15, minimum=1))
# Per account *and* client: a stranger typing wrong passwords locks out only their own address for
# that account, never the commander at her own desk (issue 21). An administrator still unlocks.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The child process that reads an uploaded ledger (cordon.core.sandbox).
IMPORT_CHILD_MEMORY_MB = integer("CORDON_IMPORT_MEMORY_MB", 1536, minimum=128)
IMPORT_CHILD_CPU_SECONDS = integer("CORDON_IMPORT_CPU_SECONDS", 600, minimum=10)
IMPORT_CHILD_WALL_SECONDS = IMPORT_CHILD_CPU_SECONDS + 300
AXES_LOCKOUT_CALLABLE = "cordon.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# axes warns when the address is not part of the lock; Cordon locks the account itself (a stolen
# password guessed from many addresses is the threat on an intranet), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after one shift, or after a long idle spell (cordon.accounts.middleware).
SESSION_COOKIE_AGE = integer("CORDON_SESSION_HOURS", 12, minimum=1) * 3600
SESSION_IDLE_SECONDS = integer("CORDON_SESSION_IDLE_MINUTES", 120, minimum=1) * 60
# A browser-session cookie: closing the browser of a shared office PC ends the session; the 12-hour
# limit from login is kept on the server (cordon.accounts.middleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "cordon_session"
CSRF_COOKIE_NAME = "cordon_csrf"

HTTPS = flag("CORDON_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if flag("CORDON_BEHIND_PROXY", False) else None
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: everything the pages run is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "cordon_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # made by environment.keep_installation_files, filled by collectstatic
# Uploaded files (disinfection photos): under var/, served only through views that check the scope.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Third-party front-end packages are served straight from node_modules (installed by npm from the
# lockfile), never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
    # Built from node_modules by `make deps` (esbuild bundles @noble/curves into one script).
    ("vendor/noble", BASE_DIR / "build" / "vendor-noble"),
]
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
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Notifications (cordon.notifications): where links point, the SMTP server, the SMS gateway.
CORDON_BASE_URL = text("CORDON_BASE_URL").rstrip("/")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = text("CORDON_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = integer("CORDON_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = text("CORDON_EMAIL_USER")
EMAIL_HOST_PASSWORD = text("CORDON_EMAIL_PASSWORD")
EMAIL_USE_TLS = flag("CORDON_EMAIL_TLS", False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = text("CORDON_EMAIL_FROM", "cordon@localhost")
CORDON_SMS = {
    "url": text("CORDON_SMS_URL"),
    "template": environment.json_object(
        "CORDON_SMS_TEMPLATE", '{"mobile": "{phone}", "content": "{text}", "timestamp": "{timestamp}"}'
    ),
    "signature": text("CORDON_SMS_SIGNATURE"),
    "secret": text("CORDON_SMS_SECRET"),
    "sign_header": text("CORDON_SMS_SIGN_HEADER", "X-Signature"),
    "ok_field": text("CORDON_SMS_OK_FIELD", "code"),
    "ok_value": text("CORDON_SMS_OK_VALUE", "OK"),
    "message_field": text("CORDON_SMS_MESSAGE_FIELD", "message"),
    "permanent_codes": items("CORDON_SMS_PERMANENT_CODES", ""),
    "rate_per_minute": integer("CORDON_SMS_RATE_PER_MINUTE", 60),
    "timeout": integer("CORDON_SMS_TIMEOUT", 10, minimum=1),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_traceback_for_refusals": {"()": "cordon.core.logs.NoTracebackForRefusals"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_traceback_for_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # axes logs the user name and address of every failed login; our own audit keeps what matters.
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}
