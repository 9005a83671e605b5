"""A real OpenID Connect provider for the tests, run as its own process speaking HTTP.

Small on purpose and strict where evalsys must be right: the authorization-code flow only, PKCE
with S256 required, a code usable once, client authentication (``client_secret_basic``, or none
for a public client), ID tokens signed RS256 with a key made at start (joserfc).

Control endpoints let a test choose who signs on next and how the next ID token goes wrong:
``POST /control/next`` with JSON such as ``{"sub": "u1", "email": "a@b.nl", "email_verified":
true, "amr": ["pwd", "mfa"], "aud": "someone-else", "exp_offset": -3600}``; ``GET
/control/last`` gives the query of the last ``/authorize`` and the last token request.

Run: ``python oidc_provider.py --clients '{"evalsys": "secret", "public": null}'``; it prints
``PORT <n>`` on its first line once it listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import sys
import time
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # the test output needs no access log
        pass


class Provider:
    def __init__(self, clients: dict[str, str | None]):
        self.clients = clients
        self.issuer = ""  # known once the port is
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.codes: dict[str, dict] = {}
        self.next: dict = {}
        self.last: dict = {}

    # --- plumbing -------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        body = b""
        if method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
            ("POST", "/control/next"): self.control_next,
            ("GET", "/control/last"): self.control_last,
        }
        handler = routes.get((method, path))
        if handler is None:
            status, headers, payload = "404 Not Found", [], b"not found"
        else:
            status, headers, payload = handler(environ, query, body)
        start_response(status, headers + [("Content-Length", str(len(payload)))])
        return [payload]

    @staticmethod
    def json(document: dict, status: str = "200 OK"):
        headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
        return status, headers, json.dumps(document).encode()

    def error(self, code: str, status: str = "400 Bad Request"):
        return self.json({"error": code}, status)

    # --- the provider ---------------------------------------------------------------------
    def discovery(self, environ, query, body):
        return self.json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            }
        )

    def jwks(self, environ, query, body):
        return self.json({"keys": [self.key.as_dict(private=False)]})

    def authorize(self, environ, query, body):
        """Approves the user the test chose (``/control/next``) and sends the browser back."""
        self.last["authorize"] = query
        if query.get("client_id") not in self.clients or not query.get("redirect_uri"):
            return self.error("invalid_client")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return self.error("invalid_request")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return self.error("invalid_request")  # PKCE is required here (RFC 9700, 2.1.1)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "challenge": query["code_challenge"],
            "nonce": query.get("nonce"),
            "user": self.next or {"sub": "nobody"},
        }
        self.next = {}
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return "302 Found", [("Location", f"{query['redirect_uri']}?{urlencode(back)}")], b""

    def _client(self, environ, form) -> str | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            expected = self.clients.get(client_id)
            return client_id if expected is not None and secret == expected else None
        client_id = form.get("client_id")
        return client_id if client_id in self.clients and self.clients[client_id] is None else None

    def token(self, environ, query, body):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        self.last["token"] = {k: v for k, v in form.items() if k != "code_verifier"}
        client_id = self._client(environ, form)
        if client_id is None:
            return self.error("invalid_client", "401 Unauthorized")
        if form.get("grant_type") != "authorization_code":
            return self.error("unsupported_grant_type")
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or grant["client_id"] != client_id:
            return self.error("invalid_grant")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self.error("invalid_grant")
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return self.error("invalid_grant")
        return self.json(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(client_id, grant),
            }
        )

    def id_token(self, client_id: str, grant: dict) -> str:
        user = dict(grant["user"])
        now = int(time.time())
        exp_offset = user.pop("exp_offset", 300)
        claims = {
            "iss": self.issuer,
            "sub": user.pop("sub"),
            "aud": user.pop("aud", client_id),
            "iat": now,
            "exp": now + exp_offset,
            "auth_time": now,
            "nonce": grant["nonce"],
            **user,
        }
        return jwt.encode({"alg": "RS256", "kid": "test-key-1"}, claims, self.key)

    # --- control --------------------------------------------------------------------------
    def control_next(self, environ, query, body):
        self.next = json.loads(body or b"{}")
        return self.json({"ok": True})

    def control_last(self, environ, query, body):
        return self.json(self.last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default='{"evalsys": "secret"}')
    args = parser.parse_args()
    provider = Provider(json.loads(args.clients))
    server = make_server("127.0.0.1", 0, provider, handler_class=Quiet)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    print(f"PORT {server.server_port}", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
