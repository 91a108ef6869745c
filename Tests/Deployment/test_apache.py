"""deploy/apache: a private Apache (mpm_event, mod_cgid, mod_fcgid, mod_rewrite, mod_env,
mod_alias) on 127.0.0.1 runs the receiver four ways, each from the shipped files with only
their placeholder paths replaced:

  cgi          claude-telemetry-cgi.conf     ScriptAlias to the binary, SetEnv for the data dir
  fcgid        claude-telemetry-fcgid.conf   mod_fcgid, FcgidWrapper ... virtual
  htaccess-cgi    cgi.htaccess + claude-telemetry.cgi     shared hosting, CGI
  htaccess-fcgid  fcgid.htaccess + claude-telemetry.fcgi  shared hosting, mod_fcgid

Apache starts as root and serves as www-data, which owns the data directory (as the
files tell people to set it up). Every variant must: answer the health check, count the
metrics fixture exactly, accept the user in an Authorization header (CGIPassAuth), take a
gzip body, and survive a query string without '=' (which Apache turns into CGI arguments)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from conftest import (
    APACHE_DIR, PREFIX, PROTOBUF, add_user, aggregate, assert_delta_totals, free_port, http,
    owned_directory, pids_of, post_fixture, process_owner, require_root, stop_pids, tail, wait_until, which,
)

APACHE_USER = "www-data"
MODULES = Path("/usr/lib/apache2/modules")
VARIANTS = ["cgi", "fcgid", "htaccess-cgi", "htaccess-fcgid"]
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
CHART_JS = Path("/usr/share/javascript/chart.js/chart.min.js")


class Apache:
    def __init__(self, root: Path, tools):
        self.root = root
        self.binary = which("apache2")
        if not self.binary:
            pytest.skip("apache2 is not installed (Tests/Deployment/run.sh installs it)")
        for module in ("mod_fcgid.so", "mod_cgid.so", "mod_rewrite.so"):
            if not (MODULES / module).exists():
                pytest.skip(f"{MODULES / module} is missing (libapache2-mod-fcgid / apache2)")
        # "Installed" copies, as the files describe: /opt/claude-telemetry/bin and
        # /var/lib/claude-telemetry, and one account's home for shared hosting.
        self.bin = root / "opt" / "bin"
        self.bin.mkdir(parents=True)
        for binary in (tools.responder, tools.admin):
            shutil.copy(binary, self.bin / binary.name)
        (root / "opt").chmod(0o755)
        self.data = owned_directory(root / "data", APACHE_USER)
        self.home = root / "home"
        self.ports = {name: free_port() for name in VARIANTS}
        (root / "runtime").mkdir()
        (root / "empty").mkdir()

    def install(self, name: str) -> Path:
        """A shipped file with its placeholder paths replaced by this test's."""
        text = (APACHE_DIR / name).read_text()
        for placeholder, path in (("/opt/claude-telemetry/bin", self.bin), ("/var/lib/claude-telemetry", self.data),
                                  ("/home/USER/claude-telemetry/bin", self.bin),
                                  ("/home/USER/claude-telemetry/data", self.data)):
            text = text.replace(placeholder, str(path))
        assert "/opt/claude-telemetry" not in text and "/home/USER" not in text, name
        return text

    def shared_hosting_root(self, variant: str, htaccess: str, program: str) -> Path:
        public = self.home / variant / "public_html"
        public.mkdir(parents=True)
        (public / ".htaccess").write_text(self.install(htaccess))
        (public / program).write_text(self.install("claude-telemetry.cgi"))
        (public / program).chmod(0o755)
        # The dashboard, copied as docs/deployment.md ("The dashboard") says.
        page = public / "api" / "v1" / "integrations" / "claude" / "dashboard"
        (page / "chart.js").mkdir(parents=True)
        for file in WEB_DIR.iterdir():
            shutil.copy(file, page / file.name)
        if CHART_JS.exists():
            shutil.copy(CHART_JS, page / "chart.js" / CHART_JS.name)
        for directory in [public, *public.rglob("*")]:
            directory.chmod(0o755 if directory.is_dir() else 0o644)
        (public / program).chmod(0o755)
        return public

    def configure(self) -> None:
        r = self.root
        (r / "claude-telemetry-cgi.conf").write_text(self.install("claude-telemetry-cgi.conf"))
        (r / "claude-telemetry-fcgid.conf").write_text(self.install("claude-telemetry-fcgid.conf"))
        public_cgi = self.shared_hosting_root("htaccess-cgi", "cgi.htaccess", "claude-telemetry.cgi")
        public_fcgid = self.shared_hosting_root("htaccess-fcgid", "fcgid.htaccess", "claude-telemetry.fcgi")
        modules = "".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so\n" for name in (
            "mpm_event", "authz_core", "mime", "alias", "dir", "env", "rewrite", "cgid", "fcgid", "log_config")
            if name != "log_config")  # log_config is compiled in on Debian
        listens = "".join(f"Listen 127.0.0.1:{port}\n" for port in self.ports.values())

        def shared(variant: str, public: Path) -> str:
            return f"""<VirtualHost 127.0.0.1:{self.ports[variant]}>
    DocumentRoot {public}
    <Directory {public}>
        # What shared hosts typically allow in .htaccess.
        AllowOverride FileInfo Options AuthConfig
        Options FollowSymLinks
        Require all granted
    </Directory>
</VirtualHost>
"""
        (r / "apache2.conf").write_text(f"""ServerRoot {r}
ServerName 127.0.0.1
{modules}{listens}PidFile {r}/apache2.pid
ErrorLog {r}/error.log
LogLevel warn
LogFormat "%h %t \\"%r\\" %>s %b %D" common
CustomLog {r}/access.log common
DefaultRuntimeDir {r}/runtime
Mutex file:{r}/runtime default
User {APACHE_USER}
Group {APACHE_USER}
TypesConfig /etc/mime.types
ScriptSock {r}/runtime/cgid.sock
FcgidIPCDir {r}/runtime/fcgid
FcgidProcessTableFile {r}/runtime/fcgid_shm
StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
MinSpareThreads 4
MaxSpareThreads 32
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {r}/empty>
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:{self.ports["cgi"]}>
    DocumentRoot {r}/empty
    Include {r}/claude-telemetry-cgi.conf
</VirtualHost>
<VirtualHost 127.0.0.1:{self.ports["fcgid"]}>
    DocumentRoot {r}/empty
    Include {r}/claude-telemetry-fcgid.conf
</VirtualHost>
{shared("htaccess-cgi", public_cgi)}{shared("htaccess-fcgid", public_fcgid)}""")

    def control(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.binary, "-f", str(self.root / "apache2.conf"), *args], capture_output=True,
                              timeout=60, stdin=subprocess.DEVNULL, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                                         "LANG": "C"})

    def start(self) -> None:
        checked = self.control("-t")
        assert checked.returncode == 0, checked.stderr.decode(errors="replace")
        started = self.control("-k", "start")
        assert started.returncode == 0, started.stderr.decode(errors="replace") + self.logs()
        for port in self.ports.values():
            assert wait_until(lambda: self.reachable(port), 15), self.logs()

    def reachable(self, port: int) -> bool:
        try:
            http(port, "GET", "/", timeout=2)
            return True
        except OSError:
            return False

    def stop(self) -> None:
        pid_file = self.root / "apache2.pid"
        if pid_file.exists():
            self.control("-k", "stop")
            wait_until(lambda: not pid_file.exists(), 20)

    def logs(self) -> str:
        return tail(self.root / "error.log") + "\n" + tail(self.root / "access.log")


@pytest.fixture(scope="module")
def apache(tools):
    require_root()
    root = Path(tempfile.mkdtemp(prefix="claude-telemetry-deploy-apache-"))
    root.chmod(0o755)  # www-data must reach the programs and the data directory
    server = Apache(root, tools)
    try:
        server.configure()
        server.start()
        yield server
    finally:
        server.stop()
        responder = server.bin / "claude-telemetry-fcgi"
        wait_until(lambda: not pids_of(responder, str(server.data)), 10)
        left = pids_of(responder, str(server.data))
        stop_pids(left)
        if os.environ.get("DEPLOY_KEEP_TEMP") != "1":
            shutil.rmtree(root, ignore_errors=True)
    # mod_fcgid's processes stop with Apache (SIGTERM, which the responder handles).
    assert not left, f"responder processes left after Apache stopped: {left}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_apache(apache, tools, variant):
    port = apache.ports[variant]
    logs = apache.logs

    health = http(port, "GET", f"{PREFIX}/metrics")
    assert health.status == 200, (health, logs())
    assert health.headers["content-type"].startswith("application/json")
    health.json()

    # The user in the path: the fixture counted exactly, the files owned by Apache's user.
    user = add_user(tools, apache.data, APACHE_USER, variant)
    response = post_fixture(port, f"{PREFIX}/users/{user}/v1/metrics")
    assert response.status == 200, (response, logs())
    assert response.headers["content-type"] == PROTOBUF and response.body == b""
    document = aggregate(apache.data, user)
    assert document["totals"]["totalInputTokens"] == 1700
    assert_delta_totals(document)
    written = apache.data / "users" / user / "aggregate.json"
    assert written.stat().st_uid == apache.data.stat().st_uid

    # The user in an Authorization header only: needs CGIPassAuth On.
    bearer = add_user(tools, apache.data, APACHE_USER, variant + "-bearer")
    response = post_fixture(port, f"{PREFIX}/v1/metrics", headers={"Authorization": f"Bearer {bearer}"})
    assert response.status == 200, (response, logs())
    assert_delta_totals(aggregate(apache.data, bearer))

    # A gzip body passes through Apache untouched and is inflated by the responder.
    response = post_fixture(port, f"{PREFIX}/users/{user}/v1/logs", fixture="logs.pb.gz",
                            headers={"Content-Encoding": "gzip"})
    assert response.status == 200, (response, logs())
    assert aggregate(apache.data, user)["received"]["logRequests"] == 1

    # Errors keep their OTLP shape through Apache (an unknown user id is kept, not refused).
    response = post_fixture(port, f"{PREFIX}/v1/metrics", content_type="text/plain")
    assert response.status == 415, (response, logs())


# Run directly as a CGI program, the responder gets the words of a query string without '='
# as command-line arguments too (RFC 3875 4.4); it must ignore them and answer from the
# environment, in every variant.
@pytest.mark.parametrize("variant", VARIANTS)
def test_query_without_equals_sign(apache, variant):
    """A query string without '=' becomes command-line arguments for a CGI program. It must
    still be answered by the responder (health: 200), not end in a 500 from Apache."""
    response = http(apache.ports[variant], "GET", f"{PREFIX}/metrics?probe")
    assert response.status == 200, (response, apache.logs())


@pytest.mark.parametrize("variant", ["htaccess-cgi", "htaccess-fcgid"])
def test_shared_hosting_serves_the_dashboard(apache, variant):
    """The page copied under the document root is served as files; the .htaccess lets its
    directory through instead of sending it to the program."""
    port = apache.ports[variant]
    page = http(port, "GET", f"{PREFIX}/dashboard/")
    assert page.status == 200, (page, apache.logs())
    assert page.headers["content-type"].startswith("text/html")
    assert page.body == (WEB_DIR / "index.html").read_bytes()
    script = http(port, "GET", f"{PREFIX}/dashboard/app.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"], script
    if CHART_JS.exists():
        assert http(port, "GET", f"{PREFIX}/dashboard/chart.js/chart.min.js").status == 200
    # Without the slash, Apache's redirect to the directory, not the program's 404.
    bare = http(port, "GET", f"{PREFIX}/dashboard")
    assert bare.status == 301 and bare.headers["location"].endswith(f"{PREFIX}/dashboard/"), bare
    # The program still answers everything else under the prefix.
    assert http(port, "GET", f"{PREFIX}/metrics").status == 200


def test_fcgid_processes_run_as_apache_user(apache, tools):
    port = apache.ports["fcgid"]
    assert http(port, "GET", f"{PREFIX}/metrics").status == 200
    pids = pids_of(apache.bin / "claude-telemetry-fcgi", str(apache.data))
    assert pids, "mod_fcgid keeps its process running between requests"
    for pid in pids:
        assert process_owner(pid)[0] == APACHE_USER
        # fd 0 is the listening socket mod_fcgid made, as under spawn-fcgi.
        assert os.readlink(f"/proc/{pid}/fd/0").startswith("socket:")


@pytest.mark.parametrize("variant,expected", [("cgi", 200), ("fcgid", 200), ("htaccess-cgi", 200),
                                              ("htaccess-fcgid", 500)])
def test_bodies_over_128_kib(apache, tools, variant, expected):
    """mod_fcgid refuses bodies over FcgidMaxRequestLen (131072 bytes by default) with a 500
    before the program sees them. The server configuration raises it to 20 MiB; a .htaccess
    cannot, so under fcgid.htaccess large batches fail (as docs/deployment.md warns)."""
    user = add_user(tools, apache.data, APACHE_USER, f"large-{variant}")
    body = b'{"resourceMetrics":[]}' + b" " * 200_000  # valid OTLP JSON, 200 kB
    response = http(apache.ports[variant], "POST", f"{PREFIX}/users/{user}/v1/metrics", body=body,
                    headers={"Content-Type": "application/json"})
    assert response.status == expected, (response, apache.logs())
