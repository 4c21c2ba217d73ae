"""Settings for vanke_crm, read from the environment.

The defaults run the whole product on one machine with nothing else installed
(SQLite under var/, Kombu's filesystem broker under var/broker/). Production
sets DATABASE_URL to PostgreSQL and CELERY_BROKER_URL/REDIS_URL to Redis; see
README.md "Configuration" and .env.example.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Sessions, password resets and signed links rest on this key: a placeholder or a short key in
# production is refused at start, not discovered later.
SECRET_KEY_MIN_LENGTH = 50
_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(f"SECRET_KEY must be set when DEBUG is off. Generate one: {_GENERATE_KEY}")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
elif not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
    or "change-me" in SECRET_KEY.lower()
):
    raise ImproperlyConfigured(
        f"SECRET_KEY is a placeholder or shorter than {SECRET_KEY_MIN_LENGTH} characters; with DEBUG off it "
        f"must be long and random. Generate one with: {_GENERATE_KEY}"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "core",
    "organization",
    "customers",
    "complaints",
    "surveys",
    "membership",
    "touchpoints",
    "repairs",
]

MIDDLEWARE = [
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ApiErrorsMiddleware",
]

ROOT_URLCONF = "vanke_crm.urls"
WSGI_APPLICATION = "vanke_crm.wsgi.application"
ASGI_APPLICATION = "vanke_crm.asgi.application"

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
                "complaints.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vanke_crm.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one SQLite file: WAL lets readers
    # run beside the single writer, and IMMEDIATE transactions take the write lock
    # up front instead of failing with "database is locked" on upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a real Celery worker started by the tests sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_vanke_crm.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organization.User"
# Permissions read in one query and kept in the shared cache between requests (organization/access.py).
AUTHENTICATION_BACKENDS = ["organization.access.CachedPermissionsBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# Password guessing (core.throttling): this many failures for one account, or from one client address,
# lock both out for LOGIN_LOCKOUT_SECONDS. Invalid API tokens: API_TOKEN_FAILURE_LIMIT per client
# address within API_TOKEN_WINDOW_SECONDS, then 429 until the window ends.
LOGIN_FAILURE_LIMIT = 10
LOGIN_LOCKOUT_SECONDS = 15 * 60
API_TOKEN_FAILURE_LIMIT = 20
API_TOKEN_WINDOW_SECONDS = 10 * 60
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Cache ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Language and time ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# ISO first among the input formats, so date and datetime-local inputs render values browsers accept.
FORMAT_MODULE_PATH = ["vanke_crm.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# --- Uploads (complaint photos and PDFs, imports): refused by size before the body is read --------
# A whole request; the web server in front must allow the same (nginx client_max_body_size 32m).
MAX_UPLOAD_REQUEST_BYTES = int(os.environ.get("MAX_UPLOAD_REQUEST_BYTES", str(32 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields and JSON bodies, files not counted
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files stream to a temporary file, not memory
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# The hotline shown to owners when the public form cannot take their complaint and their project's
# company has none of its own (organization.Company.hotline).
COMPLAINT_HOTLINE = os.environ.get("COMPLAINT_HOTLINE", "400-000-0000")
# The first-response clock counts working time only: a complaint not assigned within 2 working hours
# is reported to the company's managers (complaints.services.ownership). Beijing time, Monday to
# Friday; public holidays and make-up working days (调休) are not modelled yet.
COMPLAINT_WORKING_HOURS = {"start": "08:30", "end": "18:00", "timezone": "Asia/Shanghai"}

# --- Security (production defaults; DEBUG relaxes only what local HTTP needs) ----------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Addresses (IPs or CIDRs) of the reverse proxies in front of the web server. Only a request whose
# peer is one of them has its X-Forwarded-For / X-Forwarded-Proto believed (core.http.client_ip and
# core.middleware.TrustedProxyMiddleware); empty by default, so nobody can spoof an address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from error
if TRUSTED_PROXIES:
    # The proxy that ends TLS says which scheme the browser used; from anyone else the header is dropped.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# core.middleware.ContentSecurityPolicyMiddleware. No 'unsafe-inline' anywhere: templates have no
# inline script, event handler or style attribute (scripts and styles live in static/). Images may
# be data: URLs (the API documentation's icons).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SESSION_COOKIE_AGE = 60 * 60 * 10

# --- REST API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON is the API's one request encoding (issue 20): a form or multipart body is a 415, and the
    # schema offers application/json only. Uploads declare MultiPartParser on their own action.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "vanke_crm API",
    "DESCRIPTION": "Customer-relations system of a residential developer. "
    "Authenticate with `Authorization: Token <key>` (see README, 'API').",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ComplaintChannelEnum": "complaints.models.Channel",
        "CommunicationChannelEnum": "customers.models.CommunicationChannel",
        "ComplaintStatusEnum": "complaints.models.Status",
        "SurveyPlanStatusEnum": "surveys.models.SurveyPlan.Status",
        "RespondentStatusEnum": "surveys.models.Respondent.Status",
        "ImprovementPlanStatusEnum": "surveys.models.ImprovementPlan.Status",
        "SurveyStageEnum": "surveys.models.SurveyStage",
        "ServiceTaskOutcomeEnum": "touchpoints.models.ServiceTask.Outcome",
        "ServiceTaskChannelEnum": "touchpoints.models.ServiceTask.Channel",
        "TaskOutcomeInputEnum": "touchpoints.models.OUTCOME_CHOICES",
        "TaskChannelInputEnum": "touchpoints.models.CHANNEL_CHOICES",
        "RiskSignalKindEnum": "complaints.models.SignalKind",
        "RiskSignalStateEnum": "complaints.models.RiskSignal.State",
        "MemberStatusEnum": "membership.models.Member.Status",
        "CampaignChannelEnum": "membership.models.Campaign.Channel",
        "RepairVisitOutcomeEnum": "repairs.models.RepairVisit.Outcome",
        "RepairStatusEnum": "repairs.models.Status",
        "RepairChannelEnum": "repairs.models.Channel",
        "ComplaintCostKindEnum": "complaints.cost_models.ComplaintCost.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
        "core.api.english_identifiers",
    ],
}

# --- Celery -------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
# A dead broker must fail a publish at once, not hang the request: no connection retries
# and a short timeout; the work waits in the database for the beat sweeps (core.jobs).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep Django's logging, with its personal-data filter
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 30.0},
    "escalate-complaints": {"task": "complaints.tasks.escalate_due", "schedule": 60.0},
    "complaint-reminders": {"task": "complaints.tasks.remind_due", "schedule": 60.0},
    "complaint-pauses": {"task": "complaints.tasks.resume_due", "schedule": 60.0},
    "notify-risk-signals": {"task": "complaints.tasks.notify_risk_signals", "schedule": 300.0},
    "deliver-messages": {"task": "core.tasks.deliver_messages", "schedule": 60.0},
    "sweep-jobs": {"task": "core.tasks.sweep_jobs", "schedule": 60.0},
    "deliver-webhooks": {"task": "core.tasks.deliver_webhooks", "schedule": 10.0},
    "delete-old-webhook-deliveries": {
        "task": "core.tasks.delete_old_webhook_deliveries",
        "schedule": crontab(minute=50, hour=3),
    },
    "delete-expired-files": {
        "task": "core.tasks.delete_expired_files",
        "schedule": crontab(minute=40, hour=3),
    },
    "refresh-planner-statistics": {
        "task": "core.tasks.refresh_planner_statistics",
        "schedule": crontab(minute=20, hour=4),
    },
    "send-survey-reminders": {"task": "surveys.tasks.send_survey_reminders", "schedule": 900.0},
    "generate-service-tasks": {
        "task": "touchpoints.tasks.generate_service_tasks",
        "schedule": crontab(minute=30, hour=6),
    },
    "send-greetings": {"task": "touchpoints.tasks.send_greetings", "schedule": crontab(minute=0, hour=9)},
    "generate-periodic-callbacks": {
        "task": "touchpoints.tasks.generate_periodic_callbacks",
        "schedule": crontab(minute=45, hour=6),
    },
    "expire-club-points": {"task": "membership.tasks.expire_points", "schedule": crontab(minute=15, hour=2)},
    "monthly-complaint-report": {
        "task": "complaints.tasks.generate_report_snapshots",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
        "args": ("monthly",),
    },
    "weekly-complaint-report": {
        "task": "complaints.tasks.generate_report_snapshots",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
        "args": ("weekly",),
    },
    "quarterly-defect-handbook": {
        "task": "complaints.tasks.send_defect_handbook",
        "schedule": crontab(minute=30, hour=8, day_of_month=1, month_of_year="1,4,7,10"),
    },
}
# Webhook targets on private, loopback or link-local networks are refused (SSRF) unless their host
# is listed here (names or addresses, comma-separated), e.g. an integrator inside the company network.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "")

# The HTTP bench's bare reference endpoints under /api/v1/bench/ (core.bench_api): never in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
# Finished webhook deliveries (their bodies hold personal data) are deleted after this many days.
WEBHOOK_DELIVERY_RETENTION_DAYS = int(os.environ.get("WEBHOOK_DELIVERY_RETENTION_DAYS", "30"))
# How old the last heartbeat may be before /healthz and the home page call the workers stale.
HEARTBEAT_STALE_SECONDS = 120
# A running job with no progress for this long lost its worker: the sweep queues it again (an
# import resumes after its last committed chunk); after JOB_MAX_RECLAIMS such rescues it fails.
JOB_STALE_AFTER_MINUTES = int(os.environ.get("JOB_STALE_AFTER_MINUTES", "10"))
JOB_MAX_RECLAIMS = int(os.environ.get("JOB_MAX_RECLAIMS", "3"))
# Import uploads and export/report files hold personal data: deleted this many days after the job.
FILE_RETENTION_DAYS = int(os.environ.get("FILE_RETENTION_DAYS", "7"))

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_personal_data": {"()": "core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (a DEBUG console, mail_admins) would print requests unfiltered: every
        # Django record goes through the redacting console instead (gunicorn's by gunicorn.conf.py).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")
# A class with send(phone, text); the company's SMS gateway plugs in here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "core.sms.LogBackend")
# The address in links sent to owners (SMS, e-mail), e.g. https://crm.example.com
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

DEMO_PASSWORD = "vanke-demo-2026"  # noqa: S105  (only ever set by seed_demo; documented in README)
