"""PyLTI1p3's tool configuration read from the registered platforms (``lti_platforms``) and the
tool's key pair, so that the library finds registrations and deployments in the database."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from nttlearn.api import db

from .keys import current_key
from .models import Platform


def registration_for(platform: Platform) -> Registration:
    key = current_key()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )


def find_platform(issuer: str | None, client_id: str | None) -> Platform | None:
    if not issuer:
        return None
    query = db.select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    return db.session.execute(query.order_by(Platform.id).limit(1)).scalar()


class DatabaseToolConf(ToolConfAbstract):
    """Every issuer may have several client ids: registrations are looked up by both."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(
        self, iss: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        platform = find_platform(iss, None)
        return registration_for(platform) if platform else None

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        platform = find_platform(iss, client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = find_platform(iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)
