"""Mail goes through SMTP when a server is configured, else into the instance's mail folder."""

from __future__ import annotations

import smtplib
from pathlib import Path

from nttlearn.mail import outbox, send_mail


class FakeSMTP:
    """Stands in for the SMTP server (no network in tests); remembers what it was asked."""

    sent: list = []
    calls: list = []

    def __init__(self, host, port, timeout=None):
        self.calls.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.sent.append(message)


def test_without_a_server_mail_is_written_to_the_instance_folder(app):
    send_mail("giulia@example.org", "Reset your password", "Hello Giulia,\n\nå ä ö — ñ")

    (mail,) = outbox()
    assert mail["To"] == "giulia@example.org" and mail["Subject"] == "Reset your password"
    assert "å ä ö — ñ" in mail.get_content()
    assert mail["From"] == app.config["MAIL_SENDER"]
    assert len(list((Path(app.instance_path) / "mail").glob("*.eml"))) == 1


def test_many_mails_in_a_row_are_all_kept_in_order(app):
    for n in range(20):
        send_mail(f"person{n}@example.org", f"Message {n}", "Body")

    assert [m["Subject"] for m in outbox()] == [f"Message {n}" for n in range(20)]


def test_with_a_server_mail_goes_through_smtp_with_tls_and_login(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.calls = [], []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(
        MAIL_SERVER="smtp.example.org",
        MAIL_PORT=587,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="nttlearn",
        MAIL_PASSWORD="secret",
    )

    send_mail("erik@example.org", "Welcome", "Hej Erik")

    assert FakeSMTP.calls == [
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "nttlearn", "secret"),
    ]
    assert [m["To"] for m in FakeSMTP.sent] == ["erik@example.org"]
    assert outbox() == []
