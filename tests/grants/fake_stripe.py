"""A stand-in for Stripe's API on a local port, so the real `stripe` SDK can be driven in tests.

It checks what a real server would insist on (a POST's idempotency key, the form body's fields) and remembers
idempotency keys the way Stripe does, until told to forget them (as Stripe does after a day).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# The secret the tests sign webhooks with, as Stripe signs them with an endpoint's secret.
WEBHOOK_SECRET = "whsec_test_secret"


class FakeStripe:
    def __init__(self):
        self.transfers: list[dict] = []
        self.accounts: dict[str, dict] = {}
        self.idempotent: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def forget_idempotency_keys(self):
        self.idempotent.clear()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                fake.requests.append(("GET", url.path, query, dict(self.headers)))
                if url.path == "/v1/transfers":
                    found = [t for t in fake.transfers if t["transfer_group"] == query.get("transfer_group")]
                    return self._reply(200, {"object": "list", "data": found, "has_more": False, "url": "/v1/transfers"})
                if url.path.startswith("/v1/accounts/"):
                    account = fake.accounts.get(url.path.rsplit("/", 1)[-1])
                    return self._reply(200 if account else 404, account or {"error": {"message": "No such account"}})
                return self._reply(404, {"error": {"message": f"No route {url.path}"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlparse(self.path).path
                key = self.headers.get("Idempotency-Key")
                fake.requests.append(("POST", path, form, dict(self.headers)))
                if not key:
                    return self._reply(400, {"error": {"message": "Every POST here must carry an Idempotency-Key"}})
                if key in fake.idempotent:
                    return self._reply(200, fake.idempotent[key])
                if path == "/v1/transfers":
                    missing = [f for f in ("amount", "currency", "destination", "transfer_group", "metadata[tranche]")
                               if f not in form]
                    if missing or form["currency"] != "gbp" or not form["amount"].isdigit():
                        return self._reply(400, {"error": {"message": f"Bad transfer: missing {missing}"}})
                    transfer = {
                        "id": f"tr_{len(fake.transfers) + 1}", "object": "transfer", "amount": int(form["amount"]),
                        "currency": "gbp", "destination": form["destination"], "transfer_group": form["transfer_group"],
                        "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
                    }
                    fake.transfers.append(transfer)
                    fake.idempotent[key] = transfer
                    return self._reply(200, transfer)
                if path == "/v1/accounts":
                    account = {"id": f"acct_{len(fake.accounts) + 1}", "object": "account",
                               "capabilities": {"transfers": "inactive"}}
                    fake.accounts[account["id"]] = account
                    fake.idempotent[key] = account
                    return self._reply(200, account)
                if path == "/v1/account_links":
                    link = {"object": "account_link", "url": f"https://connect.example/setup/{form['account']}"}
                    return self._reply(200, link)
                return self._reply(404, {"error": {"message": f"No route {path}"}})

        return Handler
