"""A small, real OpenID Connect provider for the tests, on 127.0.0.1 in a thread.

It serves discovery, JWKS, authorize, token and userinfo over HTTP, checks PKCE (S256), the
client's secret, the redirect URI and that a code is used once, and signs ID tokens with
RS256 through `cryptography` directly (not PyJWT, which the code under test uses to verify).
Tests choose who logs in next (`next_claims`) and can make the provider misbehave: tamper
with the token, sign it with another key, or override claims (audience, expiry, issuer).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class LocalProvider:
    def __init__(self, client_id: str = "samarbeid-test", client_secret: str = "hemmelig-123",  # noqa: S107
                 ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "nokkel-1"
        self.codes: dict[str, dict[str, Any]] = {}
        self.next_claims: dict[str, Any] = {"sub": "person-1"}
        self.overrides: dict[str, Any] = {}
        self.tamper = False
        self.sign_with_other_key = False
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                provider._get(self)

            def do_POST(self) -> None:  # noqa: N802
                provider._post(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle ---

    def start(self) -> LocalProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- tokens ---

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                          "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}]}

    def sign(self, payload: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = f"{b64url(json.dumps(header).encode())}." \
                        f"{b64url(json.dumps(payload).encode())}"
        key = self.other_key if self.sign_with_other_key else self.key
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        token = f"{signing_input}.{b64url(signature)}"
        if self.tamper:  # change a claim after signing: the signature no longer matches
            head, _body, sig = token.split(".")
            changed = {**payload, "sub": "someone-else", "email": "nina@example.no"}
            token = f"{head}.{b64url(json.dumps(changed).encode())}.{sig}"
        return token

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                   "auth_time": now, "nonce": grant["nonce"], **grant["claims"]}
        payload.update(self.overrides)
        return self.sign(payload)

    # --- HTTP ---

    def _json(self, handler: BaseHTTPRequestHandler, data: Any, status: int = 200) -> None:
        body = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(handler, {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "authorization_response_iss_parameter_supported": True,
            })
        if url.path == "/jwks":
            return self._json(handler, self.jwks())
        if url.path == "/authorize":
            self.authorize_requests.append(query)
            if query.get("client_id") != self.client_id or query.get("response_type") != "code" \
                    or query.get("code_challenge_method") != "S256" \
                    or not query.get("code_challenge") or not query.get("redirect_uri"):
                return self._json(handler, {"error": "invalid_request"}, 400)
            code = secrets.token_urlsafe(24)
            self.codes[code] = {"redirect_uri": query["redirect_uri"],
                                "challenge": query["code_challenge"],
                                "nonce": query.get("nonce"), "claims": dict(self.next_claims)}
            location = query["redirect_uri"] + "?" + urlencode(
                {"code": code, "state": query.get("state", ""), "iss": self.issuer})
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.end_headers()
            return None
        if url.path == "/userinfo":
            return self._json(handler, dict(self.next_claims))
        return self._json(handler, {"error": "not_found"}, 404)

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        self.token_requests.append(form)
        if urlsplit(handler.path).path != "/token":
            return self._json(handler, {"error": "not_found"}, 404)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _sep, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return self._json(handler, {"error": "invalid_client"}, 401)
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(handler, {"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return self._json(handler, {"error": "invalid_grant",
                                        "error_description": "PKCE"}, 400)
        return self._json(handler, {"access_token": secrets.token_urlsafe(16),
                                    "token_type": "Bearer", "expires_in": 300,
                                    "id_token": self.id_token(grant)})


def provider_settings(provider: LocalProvider, name: str, *, link: str,
                      acr: str = "") -> dict[str, Any]:
    return {"name": name, "issuer": provider.issuer, "client_id": provider.client_id,
            "client_secret": provider.client_secret, "scopes": "openid email profile",
            "acr": acr, "label": name.capitalize(), "link": link, "trust_email": False,
            "token_auth": "client_secret_post", "algorithms": ["RS256"]}
