"""The JSON-LD document loader serves the shipped contexts and nothing else, with no network."""

import socket

import pytest
from certificate_samples import unsigned_credential

from nttlearn_certificates.contexts import (
    CONTEXT_FILES,
    CONTROLLED_IDENTIFIERS_V1_URL,
    CREDENTIALS_V2_URL,
    OPEN_BADGES_V3_URL,
    ContextNotAllowedError,
    load_document,
)
from nttlearn_certificates.signing import CanonicalizationError, canonicalize


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the certificates plugin tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "url", [CREDENTIALS_V2_URL, OPEN_BADGES_V3_URL, CONTROLLED_IDENTIFIERS_V1_URL]
)
def test_the_shipped_contexts_are_served_from_the_package(url, no_network):
    remote = load_document(url, {})
    assert remote["documentUrl"] == url
    assert remote["document"]["@context"]["@protected"] is True


def test_only_the_credential_and_controller_document_contexts_are_shipped():
    assert set(CONTEXT_FILES) == {
        CREDENTIALS_V2_URL,
        OPEN_BADGES_V3_URL,
        CONTROLLED_IDENTIFIERS_V1_URL,
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/ns/credentials/examples/v2",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "file:///etc/passwd",
        "https://evil.example/context.jsonld",
    ],
)
def test_every_other_url_is_refused(url, no_network):
    with pytest.raises(ContextNotAllowedError):
        load_document(url, {})


def test_canonicalizing_a_credential_works_offline(no_network):
    assert "<https://www.w3.org/2018/credentials#issuer>" in canonicalize(unsigned_credential())


def test_a_credential_naming_another_context_is_refused_offline(no_network):
    credential = unsigned_credential()
    credential["@context"] = [*credential["@context"], "https://evil.example/context.jsonld"]
    with pytest.raises(CanonicalizationError, match="https://evil.example/context.jsonld"):
        canonicalize(credential)
