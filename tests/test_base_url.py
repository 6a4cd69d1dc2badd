"""``NTTLEARN_BASE_URL``, baked into every certificate, PDF and e-mail: never silently wrong.

``nttlearn run`` uses its own host and port when it is not configured; in production the app
refuses to start without it; elsewhere it starts and warns.
"""

from __future__ import annotations

import logging

import pytest

from nttlearn import create_app
from nttlearn.app import ConfigurationError


@pytest.fixture
def unset_base_url(monkeypatch):
    """No NTTLEARN_BASE_URL, restored afterwards even if the code under test sets it."""
    monkeypatch.setenv("NTTLEARN_BASE_URL", "placeholder")
    monkeypatch.delenv("NTTLEARN_BASE_URL")
    monkeypatch.delenv("NTTLEARN_ENV", raising=False)


@pytest.fixture
def laptop_config(tmp_path) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}",
    }


@pytest.fixture
def started_servers(monkeypatch, tmp_path) -> list[dict]:
    """``nttlearn run`` up to the point where it would serve: the apps it would serve, by address."""
    import flask.cli

    served: list[dict] = []
    monkeypatch.setenv("NTTLEARN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("NTTLEARN_DATABASE_URL", f"sqlite:///{tmp_path / 'site.sqlite'}")
    monkeypatch.setattr(
        flask.cli,
        "run_simple",
        lambda host, port, app, **options: served.append({"host": host, "port": port, "app": app}),
    )
    return served


def run_cli(*args: str):
    from click.testing import CliRunner

    from nttlearn.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_names_its_own_host_and_port_when_the_base_url_is_not_set(
    unset_base_url, started_servers
):
    result = run_cli("run", "--host", "127.0.0.1", "--port", "5123", "--no-reload")

    assert result.exit_code == 0, result.output
    [server] = started_servers
    assert server["port"] == 5123
    assert server["app"].config["BASE_URL"] == "http://127.0.0.1:5123"
    assert "NTTLEARN_BASE_URL is not set: using http://127.0.0.1:5123" in result.output


def test_run_on_every_address_names_this_machine(unset_base_url, started_servers):
    run_cli("run", "--host", "0.0.0.0", "--port", "8080", "--no-reload")  # noqa: S104

    assert started_servers[0]["app"].config["BASE_URL"] == "http://127.0.0.1:8080"


def test_run_keeps_a_configured_base_url(monkeypatch, started_servers):
    monkeypatch.setenv("NTTLEARN_BASE_URL", "https://learn.example.org/")

    result = run_cli("run", "--port", "5123", "--no-reload")

    assert started_servers[0]["app"].config["BASE_URL"] == "https://learn.example.org"
    assert "NTTLEARN_BASE_URL is not set" not in result.output


def test_production_refuses_to_start_without_a_base_url(unset_base_url, monkeypatch, laptop_config):
    monkeypatch.setenv("NTTLEARN_ENV", "production")

    with pytest.raises(ConfigurationError, match="NTTLEARN_BASE_URL is not set"):
        create_app(laptop_config)


def test_run_in_production_does_not_guess_the_base_url(
    unset_base_url, monkeypatch, started_servers
):
    monkeypatch.setenv("NTTLEARN_ENV", "production")

    with pytest.raises(ConfigurationError):
        run_cli("run", "--port", "5123", "--no-reload")

    assert started_servers == []


def test_production_starts_with_a_base_url(monkeypatch, laptop_config):
    monkeypatch.setenv("NTTLEARN_ENV", "production")
    monkeypatch.setenv("NTTLEARN_BASE_URL", "https://learn.example.org")

    app = create_app(laptop_config)

    assert app.config["BASE_URL"] == "https://learn.example.org"
    assert app.config["ENVIRONMENT"] == "production"


def test_elsewhere_an_unset_base_url_is_a_warning_at_start_up(
    unset_base_url, laptop_config, caplog
):
    with caplog.at_level(logging.WARNING, logger="nttlearn.app"):
        app = create_app(laptop_config)

    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert any("NTTLEARN_BASE_URL is not set" in record.getMessage() for record in caplog.records)


def test_a_set_base_url_starts_without_a_warning(monkeypatch, laptop_config, caplog):
    monkeypatch.setenv("NTTLEARN_BASE_URL", "https://learn.example.org")

    with caplog.at_level(logging.WARNING, logger="nttlearn.app"):
        create_app(laptop_config)

    assert not any("NTTLEARN_BASE_URL" in record.getMessage() for record in caplog.records)
