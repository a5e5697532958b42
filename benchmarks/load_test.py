"""A bounded load test: gunicorn with 4 workers on PostgreSQL, logged-in clerks and managers in a closed loop.

Build the data first with benchmarks/company_pg.py, then, from the project root:
    .venv/bin/python -m benchmarks.load_test [--name load_company] [--users 8 32] [--seconds 30]
Serves the app on 127.0.0.1 only, runs each concurrency level for --seconds (and at most --max-requests), and
prints requests per second, p50/p95/p99 in ms and errors per case and in total, and the load average before and
after; then stops gunicorn. Of every 8 users 5 are clerks of one estate each (clerk, clerk2), 2 a manager of four
estates and 1 the company-level director (every estate): each sees the estates company_pg gave them.
"""
import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from .company_pg import company_url

USERS = {"clerk": "clerk-demo-1", "clerk2": "clerk-demo-2", "manager": "manager-demo-1",
         "director": "director-demo-1"}
SEATS = ("clerk", "clerk2", "clerk", "manager", "clerk2", "clerk", "manager", "director")  # who the i-th user is
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DETAILS = re.compile(r'/admin/(call_visit_log|complaint_ticket)/details/\?id=(\d+)')
STEP = re.compile(r'<form[^>]*action="([^"]*/transition/[^"]+)"[^>]*>(.*?)</form>', re.S)  # a step and its fields
CHOICE = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*value="([^"]+)"', re.S)  # its first real option
REFUSED = "refused"  # the app said no to a step (a rule of the flow): an answer, not an error, counted apart


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One logged-in person: a cookie jar, the last page's CSRF token and ids seen on list pages."""

    def __init__(self, base, username):
        self.base, self.username = base, username
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
        self.seen = {"call_visit_log": [], "complaint_ticket": []}
        status, page = self.get("/login")
        status, _ = self.post("/login", {"username": username, "password": USERS[username],
                                         "csrf_token": TOKEN.search(page).group(1)})
        assert status == 302, f"{username} could not log in ({status})"
        for endpoint in self.seen:  # the records of this person's estates, to open and step
            self.get(f"/admin/{endpoint}/")

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, path):
        status, page = self.request(path)
        for endpoint, record_id in DETAILS.findall(page)[:20]:
            self.seen[endpoint].append(record_id)
            del self.seen[endpoint][:-50]
        return status, page

    def post(self, path, data):
        return self.request(path, data)


def create_call(browser, rnd):
    """Fill 6.60 as a clerk does: open the form (its token and defaults), find the room, then save a settled call."""
    status, page = browser.get("/admin/call_visit_log/new/")
    if status != 200:
        return status
    project = re.search(r'name="project"[^>]*>.*?<option[^>]*value="(\d+)"', page, re.S)
    # the receiver: the clerk himself, preset in a type-ahead (an estate of many staff) or the first of a short list
    staff = (re.search(r'name="received_by"[^>]*type="hidden"[^>]*value="(\d+)"', page)
             or re.search(r'name="received_by"[^>]*>.*?<option[^>]*value="(\d+)"', page, re.S))
    # the room, as the clerk types it into the type-ahead: an owner's call is filed against a unit
    status, found = browser.get(f"/admin/call_visit_log/ajax/lookup/?name=unit&query={rnd.randrange(1, 10)}")
    units = re.findall(r"\[(\d+),", found) if status == 200 else []
    form = {"csrf_token": TOKEN.search(page).group(1), "project": project.group(1) if project else "1",
            "contact_at": time.strftime("%Y-%m-%d %H:%M"), "contact_mode": "call", "caller_kind": "owner",
            "name": "王芳", "unit": rnd.choice(units) if units else "", "phone": f"138{rnd.randrange(10**8):08d}",
            "category": "service", "matter": "咨询本月物业费缴纳方式", "routing": "settled", "escalation_level": "receptionist",
            "received_by": staff.group(1) if staff else "1"}
    status, _ = browser.post("/admin/call_visit_log/new/", form)
    # a saved record redirects; a form that comes back (200) was refused, and that is an error of the test's mix
    return {302: 200, 200: "form refused"}.get(status, status)


def take_step(browser, rnd):
    """Open a complaint and take a step its page offers, its choices made (or only read it when none is open)."""
    ids = browser.seen["complaint_ticket"] or ["1"]
    record = rnd.choice(ids)
    status, page = browser.get(f"/admin/complaint_ticket/details/?id={record}")
    steps = [(action, body) for action, body in STEP.findall(page) if "disabled" not in body]
    if status != 200 or not steps:
        return status
    action, body = rnd.choice(steps)
    form = {"csrf_token": TOKEN.search(page).group(1), "comment": "负载测试", **dict(CHOICE.findall(body))}
    status, _ = browser.post(action.replace("&amp;", "&"), form)
    if status != 302:
        return status
    # a step done and a step refused both redirect to the record: its page says which, as the browser shows it
    status, page = browser.get(f"/admin/complaint_ticket/details/?id={record}")
    return REFUSED if status == 200 and "已完成操作" not in page else status


def mix(role):
    """(case, weight, action) of what a clerk or a manager does all day."""
    def page(path):
        return lambda browser, rnd: browser.get(path)[0]

    def details(endpoint):
        return lambda browser, rnd: browser.get(
            f"/admin/{endpoint}/details/?id={rnd.choice(browser.seen[endpoint] or ['1'])}")[0]

    common = [("home", 10, page("/admin/")), ("list 6.60", 20, page("/admin/call_visit_log/")),
              ("list 6.4", 10, page("/admin/complaint_ticket/")),
              ("search phone", 15, lambda b, r: b.get(f"/admin/call_visit_log/?search=138{r.randrange(10**4):04d}")[0]),
              ("details 6.60", 10, details("call_visit_log")), ("details 6.4", 10, details("complaint_ticket")),
              ("due list", 5, page("/admin/due/"))]
    if role == "manager":
        return common + [("inbox", 10, page("/admin/inbox/")), ("flow step", 10, take_step)]
    return common + [("create call", 10, create_call)]


def user_loop(base, username, clock, ready, budget, results, lock, seed):
    rnd = random.Random(seed)
    try:
        browser = Browser(base, username)
    except BaseException:
        ready.abort()  # the level cannot run without every user; the others stop waiting
        raise
    cases = mix("manager" if username in ("manager", "director") else "clerk")
    weights = [weight for _, weight, _ in cases]
    ready.wait()  # every user has logged in: the clock runs from here
    while time.perf_counter() < clock["deadline"]:
        measured = time.perf_counter() >= clock["start"]  # not while the server warms up
        with lock:
            if measured and budget[0] <= 0:
                return
            budget[0] -= measured
        case, _, action = rnd.choices(cases, weights)[0]
        start = time.perf_counter()
        try:
            status = action(browser, rnd)
        except Exception as error:  # noqa: BLE001 (a timeout or a dropped connection is an error of this request)
            status = type(error).__name__
        if measured:
            with lock:
                results.append((case, (time.perf_counter() - start) * 1000, status))


def run_level(base, users, seconds, max_requests, warm_up=0):
    """Log `users` people in, let them work `warm_up` seconds unmeasured, then `seconds` measured; returns
    (results, seconds elapsed, the load generator's CPU seconds)."""
    results, lock, budget, clock = [], threading.Lock(), [max_requests], {}

    def start_clock():
        clock["start"] = time.perf_counter() + warm_up
        clock["deadline"] = clock["start"] + seconds

    ready = threading.Barrier(users, action=start_clock)
    cpu = time.process_time()
    names = [SEATS[i % len(SEATS)] for i in range(users)]
    threads = [threading.Thread(target=user_loop, args=(base, name, clock, ready, budget, results, lock, i))
               for i, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - clock["start"]
    return results, elapsed, (time.process_time() - cpu) * elapsed / (elapsed + warm_up)  # the measured part's share


def pct(samples, q):
    return samples[min(len(samples) - 1, int(q * len(samples)))] if samples else float("nan")


def report(users, results, elapsed, client_cpu):
    print(f"\n{users} users: {len(results)} requests in {elapsed:.1f}s = {len(results) / elapsed:.1f} req/s, "
          f"{sum(1 for r in results if r[2] not in (200, REFUSED))} errors; the load generator itself used "
          f"{client_cpu:.1f} s of CPU ({client_cpu / elapsed:.0%} of a core) on the machine that serves")
    print(f"{'case':<16}{'n':>6}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}{'refused':>9}")
    for case in sorted({r[0] for r in results}):
        times = sorted(ms for c, ms, _ in results if c == case)
        errors = [status for c, _, status in results if c == case and status not in (200, REFUSED)]
        refused = sum(1 for c, _, status in results if c == case and status == REFUSED)
        print(f"{case:<16}{len(times):>6}{len(times) / elapsed:>8.1f}{statistics.median(times):>8.0f}"
              f"{pct(times, .95):>8.0f}{pct(times, .99):>8.0f}{len(errors):>8}{refused:>9}"
              + (f"  {sorted(set(map(str, errors)))}" if errors else ""))


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="load_company", help="the database benchmarks/company_pg.py built")
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=5000, help="per level")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warm-up", type=float, default=0, metavar="SECONDS",
                        help="let the users work this long unmeasured first, as on a server that has been up a while "
                             "(each connection has prepared its statements and PostgreSQL chosen their plans)")
    args = parser.parse_args()
    env = dict(os.environ, DATABASE_URL=company_url(args.name), SECRET_KEY="load-test-secret")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{args.port}",
                               "--timeout", "120", "wsgi:app"], env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(120):  # each worker builds the app before it answers
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except OSError:
                time.sleep(1)
        for users in args.users:
            print(f"\nload average before {users} users: {load_average()}")
            report(users, *run_level(base, users, args.seconds, args.max_requests, args.warm_up))
            print(f"load average after {users} users: {load_average()}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
