"""Mixed load run of the whole site against gunicorn on loopback: listeners browsing and generating
playlists, partners calling the API; p50/p95/p99 per kind of request and overall, errors.

The catalogue, the partner key and the gunicorn helpers are ``benchmarks/api_load.py``'s (its own database
``moodmix_bench_api``, a 10,000-track analysed public catalogue with scores, reused between runs). On top:

1. ``--users`` virtual users, ``--partner-share`` of them partners (the API with the key), the rest
   listeners: accounts ``bench-listener-N`` that log in as a browser does (the login page's CSRF token,
   then the form POST; the session and CSRF cookies are kept per user);
2. each user loops over weighted actions (``LISTENER_ACTIONS``, ``PARTNER_ACTIONS``), pausing a random
   ``--think`` x [0.5, 1.5) seconds between actions as a person or a polling service would; an action is
   one or more requests, each recorded under its kind (``generate`` is the mix page, its POST and the
   redirect to the new playlist's page, as the browser does it);
3. logins happen in the ``--warmup``; only requests started in the next ``--duration`` seconds count.

A request is an error unless it answers the status its kind expects (200; the generate POST 302 to a
playlist), within 30 s. Users run as threads of ``--processes`` client processes, so the load generator is
not one GIL. The figures are printed and written to ``var/benchmarks/site_load.json``.

Usage:

    .venv/bin/python benchmarks/site_load.py [--users 50] [--duration 180] [--tracks 10000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_load import (  # noqa: E402 - after the path line, as a script
    FAMILIES,
    configure_environment,
    free_port,
    latency_summary,
    run_client_processes,
    seed,
    split,
    start_gunicorn,
    stop_gunicorn,
)

LISTENER_PREFIX = "bench-listener-"
PASSWORD = "bench-listener-password"  # noqa: S105 - throwaway accounts of the bench database
REQUEST_TIMEOUT_S = 30
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def seed_listeners(count: int) -> list[str]:
    """``count`` listener accounts sharing one password (hashed once: the hasher is slow on purpose)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    names = [f"{LISTENER_PREFIX}{i}" for i in range(count)]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    hashed = make_password(PASSWORD)
    user_model.objects.bulk_create(
        [user_model(username=name, password=hashed) for name in names if name not in existing]
    )
    user_model.objects.filter(username__in=names).update(password=hashed, is_active=True)
    return names


class HttpFailure(Exception):
    """A request that did not answer what its kind expects."""


@dataclass
class Browser:
    """One virtual user's keep-alive connection and cookies, recording every request by kind."""

    port: int
    record: Callable[[str, float, float, str | None], None]
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        expect: int = 200,
        check: Callable[[http.client.HTTPResponse], str | None] | None = None,
    ) -> http.client.HTTPResponse:
        """One request, recorded under ``kind``: an error unless it answers ``expect`` and ``check``
        (when given) finds nothing wrong with the response; :class:`HttpFailure` then."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.time()
        problem = None
        response = None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.body = response.read()
            self._keep_cookies(response)
            if response.status != expect:
                problem = f"HTTP {response.status} (expected {expect}) {method} {path}"
            elif check is not None and (wrong := check(response)):
                problem = f"{wrong}: {method} {path}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc} on {method} {path}"
            self.close()
        self.record(kind, started, time.time() - started, problem)
        if problem:
            raise HttpFailure(problem)
        return response

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _form_token(response: http.client.HTTPResponse) -> str | None:
    found = _CSRF_INPUT.search(response.body.decode("utf-8", "replace"))
    return found.group(1) if found else None


def _has_form_token(response: http.client.HTTPResponse) -> str | None:
    return None if _form_token(response) else "no CSRF token in the form"


def _to_a_playlist(response: http.client.HTTPResponse) -> str | None:
    location = response.getheader("Location", "")
    return None if re.fullmatch(r"/playlists/\d+/", location) else f"redirected to {location!r}"


def log_in(browser: Browser, username: str) -> None:
    """As a browser does: the login page (its CSRF cookie and form token), then the form."""
    page = browser.request("login", "GET", "/accounts/login/", check=_has_form_token)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _form_token(page)}
    browser.request("login", "POST", "/accounts/login/", form=form, expect=302)


def _generate(browser: Browser, rng: random.Random, ids: list[int]) -> None:
    page = browser.request("mix page", "GET", "/mix/", check=_has_form_token)
    families = rng.sample(FAMILIES, rng.choice((1, 2)))
    form = {
        "csrfmiddlewaretoken": _form_token(page),
        "strategy": "mood",
        "length": str(rng.choice((10, 20, 30))),
        "artist_spacing": "4",
        "diversity": "30",
        "personalise": "on",
        **{f"mood_{family}": str(rng.choice((60, 80, 100))) for family in families},
    }
    made = browser.request("generate", "POST", "/mix/", form=form, expect=302, check=_to_a_playlist)
    browser.request("playlist page", "GET", made.getheader("Location"))


# name: (weight, what it does): a GET of a path template ({id} a random track, {family} a random mood family,
# {page} and {api_page} a page of the catalogue's and the API's track list) recorded under the name, or a
# function(browser, rng, track ids) that records its requests under their own kinds.
LISTENER_ACTIONS: dict[str, tuple[int, str | Callable]] = {
    "track list": (20, "/?page={page}"),
    "track page": (35, "/tracks/{id}/"),
    "profile": (10, "/profile/"),
    "playlists": (10, "/playlists/"),
    "generate": (25, _generate),
}
PARTNER_ACTIONS: dict[str, tuple[int, str | Callable]] = {
    "api tracks": (20, "/api/v1/tracks?page={api_page}"),
    "api track": (25, "/api/v1/tracks/{id}"),
    "api similar": (35, "/api/v1/tracks/{id}/similar?k=10"),
    "api recommendations": (20, "/api/v1/recommendations?families={family}&limit=20"),
}
KINDS = ["login", "track list", "track page", "profile", "playlists", "mix page", "generate", "playlist page"]
KINDS += list(PARTNER_ACTIONS)


def _path_values(rng: random.Random, ids: list[int]) -> dict:
    return {
        "id": rng.choice(ids),
        "family": rng.choice(FAMILIES),
        "page": rng.randint(1, 20),  # the catalogue page clamps a page past the end to the last
        "api_page": rng.randint(1, max(1, min(50, len(ids) // 25))),  # the API answers 404 past the end
    }


def client_process(args: tuple, ready, results) -> None:
    """The threads of one client process, one per user (``("listener", username)`` or ``("partner",
    key)``): puts on ``results`` per kind the latencies of counted requests, their errors, a few error
    samples and the logins' latencies."""
    port, users, ids, think_s, warmup_s, duration_s, seed_value = args
    ready.wait()
    count_from = time.time() + warmup_s
    stop_at = count_from + duration_s
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    logins: list[float] = []
    lock = threading.Lock()

    def record(kind: str, started: float, elapsed: float, problem: str | None) -> None:
        with lock:
            if kind == "login":
                logins.append(elapsed)
            elif started < count_from or started >= stop_at:
                return
            else:
                latencies[kind].append(elapsed)
            if problem:
                errors[kind] += 1
                if len(samples) < 8:
                    samples.append(problem)

    def run(index: int, role: str, credential: str) -> None:
        rng = random.Random(seed_value * 1000 + index)
        browser = Browser(port, record)
        actions = LISTENER_ACTIONS if role == "listener" else PARTNER_ACTIONS
        names, weights = list(actions), [weight for weight, _ in actions.values()]
        if role == "partner":
            browser.headers["Authorization"] = f"Bearer {credential}"
        else:
            time.sleep(rng.uniform(0, warmup_s / 2))  # logins spread over the warm-up, not one burst
            try:
                log_in(browser, credential)
            except HttpFailure:
                browser.close()
                return
        while time.time() < stop_at:
            name = rng.choices(names, weights)[0]
            action = actions[name][1]
            try:
                if callable(action):
                    action(browser, rng, ids)
                else:
                    browser.request(name, "GET", action.format(**_path_values(rng, ids)))
            except HttpFailure:
                pass  # recorded; the user carries on, as a person would after an error page
            time.sleep(think_s * rng.uniform(0.5, 1.5))
        browser.close()

    threads = [threading.Thread(target=run, args=(i, *user)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((dict(latencies), dict(errors), samples, logins))


@dataclass(frozen=True)
class LoadPlan:
    users: int = 50
    partner_share: float = 0.2
    processes: int = 2
    think_s: float = 1.0
    warmup_s: float = 15.0
    duration_s: float = 180.0
    workers: int = 2
    threads: int = 4
    keepalive_s: int = 30


def run_load(plan: LoadPlan, port: int, ids: list[int], key: str, listeners: list[str]) -> dict:
    """Run ``plan`` against the gunicorn already on ``port``; the report (per kind and overall)."""
    partners = round(plan.users * plan.partner_share)
    users = [("listener", listeners[i]) for i in range(plan.users - partners)]
    users += [("partner", key)] * partners
    random.Random(0).shuffle(users)
    jobs, start = [], 0
    for i, count in enumerate(split(plan.users, plan.processes)):
        chunk, start = users[start : start + count], start + count
        jobs.append((port, chunk, ids, plan.think_s, plan.warmup_s, plan.duration_s, i))
    load_before = os.getloadavg()
    results = run_client_processes(
        client_process, [job for job in jobs if job[1]], plan.warmup_s + plan.duration_s + 120
    )
    load_after = os.getloadavg()
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for latencies, errs, _, _ in results:
        for kind, values in latencies.items():
            by_kind[kind].extend(values)
        for kind, count in errs.items():
            errors[kind] += count
    logins = [value for result in results for value in result[3]]
    everything = [value for values in by_kind.values() for value in values]
    return {
        "users": plan.users,
        "listeners": plan.users - partners,
        "partners": partners,
        "think_s": plan.think_s,
        "gunicorn": f"{plan.workers} workers x {plan.threads} threads, keep-alive {plan.keepalive_s} s",
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "measured_s": plan.duration_s,
        "logins": latency_summary(logins, errors.pop("login", 0), plan.warmup_s),
        "kinds": {
            kind: latency_summary(by_kind[kind], errors.get(kind, 0), plan.duration_s)
            for kind in KINDS
            if kind != "login"
        },
        "overall": latency_summary(everything, sum(errors.values()), plan.duration_s),
        "error_samples": [sample for result in results for sample in result[2]][:8],
    }


def markdown_table(report: dict) -> str:
    rows = ["| kind | requests | req/s | p50 | p95 | p99 | max | errors |", "| --- |" + " ---: |" * 7]
    for kind, row in [*report["kinds"].items(), ("**overall**", report["overall"])]:
        rows.append(
            f"| {kind} | {row['requests']} | {row['requests_per_s']} | {row['p50_ms']:.0f} ms "
            f"| {row['p95_ms']:.0f} ms | {row['p99_ms']:.0f} ms | {row['max_ms']:.0f} ms | {row['errors']} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    plan = LoadPlan()
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=plan.users)
    parser.add_argument("--partner-share", type=float, default=plan.partner_share)
    parser.add_argument("--processes", type=int, default=plan.processes, help="client processes")
    parser.add_argument("--think", type=float, default=plan.think_s, help="mean seconds between actions")
    parser.add_argument("--warmup", type=float, default=plan.warmup_s, help="logins; not counted")
    parser.add_argument("--duration", type=float, default=plan.duration_s, help="measured seconds")
    parser.add_argument("--workers", type=int, default=plan.workers, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=plan.threads, help="gunicorn threads per worker")
    args = parser.parse_args()
    plan = LoadPlan(
        users=args.users,
        partner_share=args.partner_share,
        processes=args.processes,
        think_s=args.think,
        warmup_s=args.warmup,
        duration_s=args.duration,
        workers=args.workers,
        threads=args.threads,
    )

    configure_environment()
    ids, key = seed(args.tracks)
    listeners = seed_listeners(args.users)
    out_dir = ROOT / "var" / "benchmarks"
    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = out_dir / "site_load-gunicorn.log"
    server = start_gunicorn(port, plan.workers, plan.threads, log, keepalive=plan.keepalive_s)
    try:
        report = run_load(plan, port, ids, key, listeners)
    finally:
        stop_gunicorn(server)
    report["tracks"] = len(ids)
    report["command"] = " ".join(["benchmarks/site_load.py", *sys.argv[1:]])
    (out_dir / "site_load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(markdown_table(report))


if __name__ == "__main__":
    main()
