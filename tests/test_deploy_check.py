import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.tooling import require_tool

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "crm.example.com",
}


# Test-only switches (the browser tests allow the ORM beside Playwright's event loop; the suite runs
# on vanke_crm.settings_test) must not leak into a check of what production runs.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_fails_at_start_when_debug_is_off():
    result = run_manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_compose_file_validates():
    compose = require_tool("docker-compose", "docker-compose")
    result = subprocess.run(
        [compose, "-f", "docker-compose.yml", "config", "-q"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": "validation-only"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "key",
    ["change-me", "short-but-random-3f9a", "x" * 60, "django-insecure-" + secrets.token_urlsafe(50)],
)
def test_placeholder_or_short_secret_key_fails_at_start_when_debug_is_off(key):
    result = run_manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or shorter than 50 characters" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_short_secret_key_is_fine_in_debug():
    assert run_manage("check", DEBUG="1", SECRET_KEY="change-me").returncode == 0


def compose_environment(service: str) -> dict[str, str]:
    """The environment docker-compose gives ``service`` with the repository's defaults."""
    compose = require_tool("docker-compose", "docker-compose")
    result = subprocess.run(
        [compose, "-f", "docker-compose.yml", "config"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    environment = yaml.safe_load(result.stdout)["services"][service]["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def test_deploy_checks_pass_with_the_compose_defaults():
    environment = compose_environment("web")
    assert environment["DEBUG"] == "false"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_publishes_only_the_proxy():
    compose = require_tool("docker-compose", "docker-compose")
    result = subprocess.run(
        [compose, "-f", "docker-compose.yml", "config"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    services = yaml.safe_load(result.stdout)["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["web"]["environment"]["TRUSTED_PROXIES"]


def test_the_image_collects_static_files_with_the_production_storage():
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    step = dockerfile[dockerfile.index("RUN mkdir -p var") :].split("USER")[0]
    assert "collectstatic" in step
    assert "DEBUG=false" in step


def test_pages_render_with_collected_static_files_and_debug_off(tmp_path):
    """What the image does: collectstatic with DEBUG off (the manifest storage), then pages that use
    {% static %} render with DEBUG off instead of raising."""
    env = {
        **PRODUCTION_ENV,
        "VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "false",
        # A database of its own: the suite's DATABASE_URL names a server database the tests never create.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pages.sqlite3'}",
    }
    for args in (("collectstatic", "--noinput", "--verbosity", "0"), ("migrate", "--noinput", "-v", "0")):
        result = run_manage(*args, **env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    script = (
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='crm.example.com')\n"
        "for path in ('/login/', '/complain/'):\n"
        "    response = client.get(path)\n"
        "    assert response.status_code == 200, (path, response.status_code)\n"
        "    assert b'/static/' in response.content, path\n"
        "print('rendered')\n"
    )
    result = run_manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rendered" in result.stdout
