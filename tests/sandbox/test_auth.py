"""Basic and Bearer authentication and the OAuth token endpoint."""

from __future__ import annotations

import httpx

from jama_magic.sandbox import Sandbox


def _token(sb: Sandbox, **kwargs: object) -> httpx.Response:
    return httpx.post(
        f"{sb.url}/rest/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(sb.client_id, sb.client_secret),
        **kwargs,
    )  # type: ignore[arg-type]


def test_basic_auth_accepted_and_wrong_password_gets_401_envelope(shared: Sandbox) -> None:
    """Right Basic credentials give 200; a wrong password gives Jama's 401 envelope."""
    ok = httpx.get(f"{shared.url}/rest/latest/projects", auth=(shared.username, shared.password))
    bad = httpx.get(f"{shared.url}/rest/latest/projects", auth=(shared.username, "nope"))
    assert ok.status_code == 200
    assert bad.status_code == 401
    assert bad.json()["meta"]["status"] == "Unauthorized"
    assert "password" in bad.json()["meta"]["message"]
    assert "data" not in bad.json()


def test_missing_auth_gets_401_envelope_on_every_version(shared: Sandbox) -> None:
    """No Authorization header is a 401 envelope under v1 and latest alike."""
    for version in ("v1", "latest"):
        response = httpx.get(f"{shared.url}/rest/{version}/items/1001")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["meta"]["message"].startswith("Authentication required")


def test_oauth_token_then_bearer_works(shared: Sandbox) -> None:
    """Client credentials give a Bearer token (2024 shape) that authenticates data calls."""
    body = _token(shared).json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    response = httpx.get(
        f"{shared.url}/rest/v1/users/current",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["username"] == shared.username


def test_token_endpoint_rejects_bad_client_and_grant(shared: Sandbox) -> None:
    """Wrong client secret is 401 invalid_client; another grant type is 400."""
    bad = httpx.post(
        f"{shared.url}/rest/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(shared.client_id, "wrong"),
    )
    grant = httpx.post(
        f"{shared.url}/rest/oauth/token",
        data={"grant_type": "password"},
        auth=(shared.client_id, shared.client_secret),
    )
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")


def test_token_endpoint_accepts_client_credentials_in_form(shared: Sandbox) -> None:
    """client_id/client_secret in the form body work like Basic client auth."""
    response = httpx.post(
        f"{shared.url}/rest/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": shared.client_id,
            "client_secret": shared.client_secret,
        },
    )
    assert response.status_code == 200


def test_expire_tokens_rejects_issued_tokens(fresh: Sandbox) -> None:
    """After expire_tokens() an issued token gets 401; a new token works again."""
    old = _token(fresh).json()["access_token"]
    fresh.expire_tokens()
    rejected = httpx.get(
        f"{fresh.url}/rest/latest/projects", headers={"Authorization": f"Bearer {old}"}
    )
    assert rejected.status_code == 401
    assert "expired" in rejected.json()["meta"]["message"]
    new = _token(fresh).json()["access_token"]
    assert (
        httpx.get(
            f"{fresh.url}/rest/latest/projects", headers={"Authorization": f"Bearer {new}"}
        ).status_code
        == 200
    )


def test_token_ttl_expiry() -> None:
    """A token past its TTL is rejected."""
    with Sandbox(items=40, token_ttl=0) as sb:
        token = _token(sb).json()["access_token"]
        response = httpx.get(
            f"{sb.url}/rest/latest/projects", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401


def test_garbage_authorization_headers_get_401(shared: Sandbox) -> None:
    """Malformed Basic, unknown schemes and random bearer tokens are 401, never 500."""
    for header in ("Basic !!!", "Basic", "Digest abc", "Bearer", "Bearer made-up"):
        response = httpx.get(
            f"{shared.url}/rest/latest/projects", headers={"Authorization": header}
        )
        assert response.status_code == 401, header
