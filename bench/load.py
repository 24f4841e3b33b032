"""The applicant's application page under load, on gunicorn as production runs it, beside a bare view.

Starts gunicorn with the production settings (config/gunicorn.py) on a free loopback port, over PostgreSQL when
DATABASE_URL names a server, else its own SQLite file; signs an applicant in through the sign-in page; then drives
their application page and the health check (the bare view: one query) with 10 and then 50 connections at once,
each a thread with its own keep-alive HTTP connection, for a fixed number of requests. The two take turns for
several rounds, so that whatever else this machine is doing slows both alike, and each is judged on all its rounds.

Targets at 50 connections: the page's 99th percentile at most 300 ms, no errors, and at least a quarter of the bare
view's requests a second.
"""

import http.client
import itertools
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie

from _harness import ROOT, django_on_a_temporary_database, finish

CONNECTIONS = (10, 50)
REQUESTS_PER_CONNECTION = 40
ROUNDS = 3
WARM_UP_REQUESTS = 100
TARGET_P99_MS = 300
TARGET_SHARE = 0.25
PASSWORD = "load-test-passphrase-2027"


@dataclass
class Run:
    taken_ms: list[float]
    seconds: float
    errors: int

    @classmethod
    def pooled(cls, runs: list["Run"]) -> "Run":
        return cls(taken_ms=[ms for run in runs for ms in run.taken_ms], seconds=sum(run.seconds for run in runs),
                   errors=sum(run.errors for run in runs))

    @property
    def requests_per_second(self) -> float:
        return len(self.taken_ms) / self.seconds

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.taken_ms, n=100)[98]

    def line(self, what: str, connections: int) -> str:
        return (f"load: {what} at {connections} connections: {self.requests_per_second:.0f} requests/s, "
                f"p50 {statistics.median(self.taken_ms):.1f} ms, p99 {self.p99_ms:.1f} ms, {self.errors} errors")


def seed() -> tuple[str, int]:
    """An applicant whose organisation has sent a whole application, as the demo's groups have. Returns the applicant's
    email address and the application's id."""
    from decimal import Decimal

    from accounts.models import Role, User
    from applications.demo import budget, eligibility_passed, project_answers, sections_complete
    from applications.models import Application, Borough, Membership, Organisation, Round
    from applications.services import application_submit, round_add_standard_indicators
    from tests.factories import RoundFactory

    manager = User.objects.create_user("manager@example.org", PASSWORD, full_name="Manager", role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(status=Round.Status.OPEN)
    round_add_standard_indicators(round_=round_, acting_user=manager)
    applicant = User.objects.create_user("applicant@example.org", PASSWORD, full_name="Amara Okafor", role=Role.APPLICANT)
    organisation = Organisation.objects.create(
        name="Tower Hamlets Deaf and Disabled People's Forum", legal_form="cio", charity_number="1100000",
        postcode="E1 6AN", address_line_1="1 High Street", contact_name=applicant.full_name,
        contact_email=applicant.email, contact_phone="02079460000",
    )
    Membership.objects.create(organisation=organisation, user=applicant, role="owner")
    borough = Borough.objects.get(name="Tower Hamlets")
    title = "Hate crime advocacy in Tower Hamlets"
    application = Application.objects.create(
        round=round_, organisation=organisation, amount_requested=Decimal("9500"),
        eligibility_check=eligibility_passed(round_, organisation, [borough.gss_code]),
    )
    application.boroughs.set([borough])
    sections_complete(application=application, acting_user=applicant, targets={}, budget_lines=budget(Decimal("9500")),
                      project=project_answers(title, borough.name))
    application_submit(application=application, acting_user=applicant, site_url="")
    return applicant.email, application.pk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(folder) -> dict[str, str]:
    """Production settings (DEBUG off), served over plain HTTP on loopback, on the benchmark's database."""
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0", STATIC_ROOT=str(folder / "static"), EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return environment


def start_server(environment, port: int, log) -> subprocess.Popen:
    # A process group of its own, so that stopping it stops every worker it forked.
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {server.returncode}")
        try:
            status, _, _ = request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/health/")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
    raise RuntimeError("gunicorn did not answer within a minute")


def request(connection, method: str, path: str, body: str | None = None, headers: dict | None = None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def sign_in(port: int, email: str) -> str:
    """Signs in through the sign-in page as a browser would. Returns the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, body = request(connection, "GET", "/account/sign-in/")
    assert status == 200, f"the sign-in page answered {status}"
    cookies = SimpleCookie()
    cookies.load(headers["Set-Cookie"])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&username={email}&password={PASSWORD}"
    status, headers, _ = request(connection, "POST", "/account/sign-in/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken'].value}",
    })
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    assert status == 302 and "sessionid" in cookies, f"signing in answered {status}"
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def drive(port: int, path: str, connections: int, requests: int, headers: dict, expect: bytes) -> Run:
    """`requests` GETs of `path` from `connections` threads at once, each keeping its own connection open where the
    server allows. A request is an error unless it answers 200 with `expect` in the page."""
    taken_ms, errors = [], []
    numbers = itertools.count()
    start = threading.Barrier(connections + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while next(numbers) < requests:
            started = time.perf_counter()
            try:
                status, _, body = request(connection, "GET", path, headers=headers)
            except (OSError, http.client.HTTPException) as error:
                errors.append(repr(error))
                connection.close()
                continue
            taken_ms.append((time.perf_counter() - started) * 1000)
            if status != 200 or expect not in body:
                errors.append(f"{status} from {path}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"load: {len(errors)} errors on {path}, the first: {errors[0]}")
    return Run(taken_ms=taken_ms, seconds=elapsed, errors=len(errors))


def main():
    folder = django_on_a_temporary_database()
    from django.conf import settings

    from config.gunicorn import workers

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email, application_pk = seed()
    environment = server_environment(folder)
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                               cwd=ROOT, env=environment, capture_output=True, text=True)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        server = start_server(environment, port, log)
    try:
        wait_until_serving(port, server)
        page = (f"/applications/{application_pk}/", {"Cookie": sign_in(port, email)}, b"Hate crime advocacy in Tower Hamlets")
        bare = ("/health/", {}, b"OK")
        database = "PostgreSQL" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "SQLite"
        print(f"load: gunicorn with {workers} workers on {database}, {ROUNDS} rounds of "
              f"{REQUESTS_PER_CONNECTION} requests per connection")
        runs = {}
        for connections in CONNECTIONS:
            driven = {"bare view": bare, "application page": page}
            for path, headers, expect in driven.values():
                drive(port, path, connections, WARM_UP_REQUESTS, headers, expect)
            rounds = [
                (what, drive(port, path, connections, connections * REQUESTS_PER_CONNECTION, headers, expect))
                for _ in range(ROUNDS) for what, (path, headers, expect) in driven.items()
            ]
            for what in driven:
                runs[what, connections] = Run.pooled([run for name, run in rounds if name == what])
                print(runs[what, connections].line(what, connections))
    finally:
        stop_server(server)

    loaded, bare_run = runs["application page", CONNECTIONS[-1]], runs["bare view", CONNECTIONS[-1]]
    errors = sum(run.errors for run in runs.values())
    share = loaded.requests_per_second / bare_run.requests_per_second
    finish(
        f"load: p99 {loaded.p99_ms:.0f} ms at {CONNECTIONS[-1]} connections, {errors} errors, {share:.0%} of the bare "
        f"view's requests/s (target <= {TARGET_P99_MS} ms, 0 errors, >= {TARGET_SHARE:.0%})",
        loaded.p99_ms <= TARGET_P99_MS and errors == 0 and share >= TARGET_SHARE,
    )


if __name__ == "__main__":
    main()
