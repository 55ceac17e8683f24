"""How the containers of a pod are wired: who listens where, who points where (one link model).

The diagram, the role inference and the pattern rules all read the wiring from here, so they
cannot disagree about what a "localhost link" is. Evidence is read from what the containers say:

- listeners: declared `ports`, listen/bind flags (`--web.listen-address=:9100`,
  `--http-address 127.0.0.1:8080`, `--port=5432`), `*LISTEN*`/`*BIND*` env vars, probe ports,
  and mounted config files whose format is obvious (`listen_port = 6432`, nginx `listen 80;`);
- targets: URLs and `host:port` in env values, flags and scripts, `*_HOST`/`*_PORT` env pairs
  (`PGHOST`/`PGPORT`), `nc -z host port`, `pg_isready -h host -p port`, upstream flags
  (`--upstream=http://127.0.0.1:8080`), values from ConfigMaps shipped in the same stream
  (`envFrom`, `configMapKeyRef`, mounted files).

A target on a loopback host is a localhost link; it resolves to the concurrent container that
listens on that port (declared or not: a 127.0.0.1-only listener revealed by flags is a valid
link target). A container naming one of its own listen ports is not a link.
"""

from __future__ import annotations

import functools
import pickle
import re
import shlex
import threading
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from designer.pod.model import APP, PodView

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"})
ANY_HOSTS = frozenset({"", "0.0.0.0", "*", "::", "[::]"})

# Flags whose value is where the container itself listens.
_LISTEN_FLAG = re.compile(
    r"(?:^|[.\-_])(?:listen|bind|address|addr|port|http-port|https-port|grpc-port|metrics-port|"
    r"health-port|admin-port|listen-address|listen-addr|bind-address|bind-addr|inspect|inspect-brk)$|"
    r"(?:listen|bind)",
    re.I,
)
# Flags whose value is where the container sends traffic (they win over _LISTEN_FLAG:
# --upstream-address, --backend-port, --redis.addr are targets).
_TARGET_FLAG = re.compile(
    r"upstream|backend|target|remote|server|connect|forward|proxy-?to|proxy-?pass|endpoint|"
    r"scrape|uri|url|dsn|source|redis\.|mysqld?\.|postgres|\bdb\b|database|host|collector|"
    r"agent|exporter\.|otlp|jaeger|zipkin|statsd-?host",
    re.I,
)
# Flags that forward the traffic the container receives (its upstream): an inbound proxy.
_FORWARD_FLAG = re.compile(r"upstream|backend|proxy-?to|proxy-?pass|forward|target", re.I)
# Flags that tell another process to reload (configmap-reload, prometheus-config-reloader).
_CONTROL_FLAG = re.compile(r"reload|webhook", re.I)
# Flags that read another process's metrics or status: an adapter.
_OBSERVE_FLAG = re.compile(r"scrape|stub|status|telemetry|stats-?uri|redis\.addr|mysqld\.|es\.uri|dsn", re.I)
_HEALTH_WORDS = re.compile(r"health|probe|ready|readiness|live|liveness|status", re.I)
_METRICS_WORDS = re.compile(r"metric|telemetry|prometheus|monitor|stats", re.I)
_ADMIN_WORDS = re.compile(r"admin|debug|pprof", re.I)
_UDP_WORDS = re.compile(r"(?:^|[^a-z])udp", re.I)
_TCP_WORDS = re.compile(r"(?:^|[^a-z])tcp", re.I)

_URL = re.compile(
    r"\b([a-z][a-z0-9+.-]*)://(?:[^@/\s\"']*@)?(\[[0-9a-f:]+\]|[\w.-]+)?:([0-9]{1,5})(?![0-9])", re.I
)
_HOST_PORT = re.compile(r"(?<![\w./:@-])(\[[0-9a-f:]+\]|[a-z0-9][\w.-]*|\*)?:([0-9]{1,5})(?![0-9.])", re.I)
_PORT_ONLY = re.compile(r"^[0-9]{1,5}$")
_HOST_COLON_PORT = re.compile(r"(\[[0-9a-fA-F:]+\]|\[?\$\(?[A-Za-z_]\w*\)?\]?|[\w.*-]*):([0-9]{1,5})")
_IP_LITERAL = re.compile(r"[0-9.]+|[0-9a-fA-F:]+")
_IPV4 = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
_DIGITS_DOTS = re.compile(r"[0-9.]+")
_NC = re.compile(r"\b(?:nc|ncat|netcat)\b(?:\s+-[a-zA-Z]+)*\s+([\w.\[\]:-]+)\s+([0-9]{1,5})\b")
_PG_ISREADY = re.compile(r"\bpg_isready\b([^;&|\n]*)")
_DASH_OPTION = re.compile(r"(?:^|\s)-(h|p)\s*([\w.\[\]:-]+)")
_ENV_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")

_SCHEME_PROTOCOL = {"udp": "UDP", "statsd": "UDP", "syslog+udp": "UDP", "tcp": "TCP", "sctp": "SCTP"}
_SCHEME_APP = {
    "grpc": "grpc",
    "grpcs": "grpc",
    "dns": "grpc",
    "http": "http",
    "https": "http",
    "ws": "http",
    "h2c": "grpc",
}


class Listener(NamedTuple):
    """A port a container serves, with where the evidence is (`path` relative to the container)."""

    container: str
    port: int
    protocol: str = "TCP"
    host: str | None = None  # the bind address when known ('' / 0.0.0.0: all interfaces)
    source: str = "port"  # port | flag | env | probe | config
    path: str = ""
    purpose: str = "data"  # data | health | metrics | admin
    app_protocol: str | None = None  # grpc | http | None (unknown)
    protocol_known: bool = False  # protocol stated (protocol: UDP, --statsd.listen-udp)

    @property
    def loopback_only(self) -> bool:
        return self.host is not None and self.host.lower() in LOOPBACK_HOSTS

    @property
    def all_interfaces(self) -> bool:
        return self.host is not None and self.host in ANY_HOSTS


class Target(NamedTuple):
    """An address a container sends traffic to (`path` relative to the container)."""

    container: str
    host: str
    port: int
    path: str
    source: str = "env"  # env | flag | command | probe | config
    # use (a client) | forward (its upstream) | observe (it reads metrics) | control (reloads it)
    kind: str = "use"
    protocol: str | None = None  # TCP | UDP when stated
    app_protocol: str | None = None  # grpc | http when stated

    @property
    def loopback(self) -> bool:
        return self.host.lower() in LOOPBACK_HOSTS

    @property
    def external(self) -> bool:
        """Outside the pod: a named host or IP that is neither loopback nor a variable."""
        host = self.host.lower()
        return bool(host) and host not in LOOPBACK_HOSTS and host not in ANY_HOSTS and "$" not in host


class Link(NamedTuple):
    """A localhost link: `source` points at `port`; `target` listens there (None: nobody does)."""

    source: str
    port: int
    path: str  # relative to the source container
    target: str | None
    via: Target
    listener: Listener | None = None


class Wiring:
    """Listeners, targets and resolved localhost links of the containers of one pod."""

    def __init__(self) -> None:
        self.listeners: dict[str, list[Listener]] = {}
        self.targets: dict[str, list[Target]] = {}
        self.links: list[Link] = []

    def links_from(self, name: str) -> list[Link]:
        return [link for link in self.links if link.source == name]

    def links_to(self, name: str) -> list[Link]:
        return [link for link in self.links if link.target == name]

    def listener_ports(self, name: str) -> set[int]:
        return {listener.port for listener in self.listeners.get(name, [])}


# Spring Boot's `--server.port` / `--server.address` (and `server-port` alike) configure the
# container's own server, although "server" elsewhere names where a client connects.
_OWN_SERVER_FLAG = re.compile(r"^server[.-](?:port|address)$", re.I)
# Short options of servers that bind with `-l ADDRESS -p PORT` (memcached, socat-like tools).
_SHORT_BIND = ("l", "p")
_SERVE_POSITIONAL = frozenset({"runserver", "-S"})


def _is_listen_flag(flag: str) -> bool:
    """Whether a flag's value is where the container itself listens (not where it connects)."""
    if _OWN_SERVER_FLAG.match(flag):
        return True
    return bool(_LISTEN_FLAG.search(flag)) and not (
        _TARGET_FLAG.search(flag) and "listen" not in flag.lower()
    )


# --- reading values -------------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, item in enumerate(_list(value)):
        if isinstance(item, dict):
            yield index, item


def _port(text: str) -> int | None:
    number = int(text) if text.isascii() and text.isdigit() else 0
    return number if 0 < number < 65536 else None


def _strip_host(host: str | None) -> str:
    return (host or "").strip("[]") if host and host.startswith("[") else (host or "")


def parse_address(value: str) -> tuple[str | None, int] | None:
    """'127.0.0.1:8080' / ':9100' / '8080' / 'http://0.0.0.0:4180' -> (host or None, port)."""
    text = value.strip().strip("\"'")
    url = _URL.search(text)
    if url and url.start() == 0:
        port = _port(url.group(3))
        return (_strip_host(url.group(2)) or "", port) if port else None
    if _PORT_ONLY.match(text):
        port = _port(text)
        return (None, port) if port else None
    # A host may be a variable the kubelet fills in: `[$(POD_IP)]:9100`, `$(IP):8443`.
    match = _HOST_COLON_PORT.fullmatch(text)
    if match:
        port = _port(match.group(2))
        return (_strip_host(match.group(1)), port) if port else None
    return None


def config_maps(companions: Iterable[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The data of the ConfigMaps shipped in the stream, by name."""
    result: dict[str, dict[str, str]] = {}
    for document in companions:
        if not isinstance(document, dict) or document.get("kind") != "ConfigMap":
            continue
        meta = document.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        data = document.get("data")
        if isinstance(name, str) and isinstance(data, dict):
            result[name] = {str(k): v for k, v in data.items() if isinstance(v, str)}
    return result


def env_values(
    container: dict[str, Any], maps: dict[str, dict[str, str]] | None = None
) -> list[tuple[str, str, str]]:
    """(name, value, path) of a container's env: literal values, configMapKeyRef and envFrom
    ConfigMaps shipped in the stream."""
    maps = maps or {}
    result: list[tuple[str, str, str]] = []
    for k, source in _dicts(container.get("envFrom")):
        ref = source.get("configMapRef")
        name = ref.get("name") if isinstance(ref, dict) else None
        prefix = source.get("prefix") if isinstance(source.get("prefix"), str) else ""
        for key, value in (maps.get(name) or {}).items() if isinstance(name, str) else ():
            result.append((f"{prefix}{key}", value, f"envFrom[{k}]"))
    for j, var in _dicts(container.get("env")):
        name = var.get("name")
        if not isinstance(name, str):
            continue
        literal = var.get("value")
        if isinstance(literal, str):
            result.append((name, literal, f"env[{j}].value"))
            continue
        value_from = var.get("valueFrom")
        ref = value_from.get("configMapKeyRef") if isinstance(value_from, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("name"), str) and isinstance(ref.get("key"), str):
            found = (maps.get(ref["name"]) or {}).get(ref["key"])
            if isinstance(found, str):
                result.append((name, found, f"env[{j}].valueFrom"))
    return result


def _expand(text: str, env: dict[str, str]) -> str:
    """$(VAR) and $VAR replaced by the container's literal env values (one level)."""
    if "$" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return env.get(name, match.group(0))

    return _ENV_REF.sub(replace, text)


def _tokens(container: dict[str, Any]) -> list[tuple[str, str]]:
    """(token, path) of command and args; a shell script argument is split into words."""
    # Read three times per container (listen flags, target flags, bind hosts): split once.
    command, args = _list(container.get("command")), _list(container.get("args"))
    if all(type(arg) is str for arg in command) and all(type(arg) is str for arg in args):
        return list(_split_tokens(tuple(command), tuple(args)))
    return _split(container)


@functools.lru_cache(maxsize=1024)
def _split_tokens(command: tuple[str, ...], args: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(_split({"command": list(command), "args": list(args)}))


def _split(container: dict[str, Any]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for key in ("command", "args"):
        for k, arg in enumerate(_list(container.get(key))):
            if not isinstance(arg, str):
                continue
            path = f"{key}[{k}]"
            if any(c in arg for c in " \n;|&") and not arg.startswith("-"):
                try:
                    words = shlex.split(arg, comments=True)
                except ValueError:
                    words = arg.split()
                result.extend((word, path) for word in words)
            else:
                result.append((arg, path))
    return result


def _flags(tokens: list[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(flag name without dashes, value, path): --a=b, --a b, -a b."""
    for position, (token, path) in enumerate(tokens):
        if not token.startswith("-") or token in ("-", "--"):
            continue
        name, sep, value = token.lstrip("-").partition("=")
        if sep:
            yield name, value, path
        elif position + 1 < len(tokens) and not tokens[position + 1][0].startswith("-"):
            yield name, tokens[position + 1][0], tokens[position + 1][1]


def _purpose(words: str) -> str:
    if _HEALTH_WORDS.search(words):
        return "health"
    if _METRICS_WORDS.search(words):
        return "metrics"
    if _ADMIN_WORDS.search(words):
        return "admin"
    return "data"


def _named_protocol(words: str) -> str | None:
    if _UDP_WORDS.search(words):
        return "UDP"
    if _TCP_WORDS.search(words):
        return "TCP"
    return None


def _app_protocol(words: str) -> str | None:
    lowered = words.lower()
    if "grpc" in lowered or "h2c" in lowered:
        return "grpc"
    if "http" in lowered or "web" in lowered:
        return "http"
    return None


# --- listeners ------------------------------------------------------------------------------


def _port_listeners(name: str, container: dict[str, Any]) -> list[Listener]:
    result = []
    for j, port in _dicts(container.get("ports")):
        number = port.get("containerPort")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 65536:
            continue
        protocol = port.get("protocol")
        port_name = port.get("name") if isinstance(port.get("name"), str) else ""
        app = port.get("appProtocol") if isinstance(port.get("appProtocol"), str) else ""
        result.append(
            Listener(
                name,
                number,
                protocol if isinstance(protocol, str) else "TCP",
                None,
                "port",
                f"ports[{j}]",
                _purpose(port_name) if port_name else "data",
                _app_protocol(f"{port_name} {app}"),
                isinstance(protocol, str),
            )
        )
    return result


_CLIENT_TOOLS = re.compile(
    r"^(psql|pg_dump|pg_restore|pg_isready|mysql|mysqldump|mysqladmin|redis-cli|mongosh|mongo|mongodump|"
    r"cqlsh|curl|wget|nc|ncat|kubectl|grpcurl|grpc_health_probe|vault|consul)$"
)


def _is_client(tokens: list[tuple[str, str]]) -> bool:
    """A command run by a client tool: its --port/--host flags say where it connects."""
    return any(_CLIENT_TOOLS.match(token.rsplit("/", 1)[-1]) for token, _ in tokens[:3])


def _flag_listeners(name: str, container: dict[str, Any], env: dict[str, str]) -> list[Listener]:
    result = []
    tokens = _tokens(container)
    if _is_client(tokens):
        return []
    flags = list(_flags(tokens))
    # A positional bind address after a serving command: `manage.py runserver 127.0.0.1:8000`,
    # `php -S 0.0.0.0:8080`.
    for position, (token, _path) in enumerate(tokens[:-1]):
        if token in _SERVE_POSITIONAL:
            address = parse_address(_expand(tokens[position + 1][0], env))
            if (
                address
                and address[0] is not None
                and (address[0] in ANY_HOSTS or address[0].lower() in LOOPBACK_HOSTS)
            ):
                result.append(Listener(name, address[1], "TCP", address[0], "flag", tokens[position + 1][1]))
    short = {f: (v, p) for f, v, p in flags if f in _SHORT_BIND}
    if len(short) == 2:  # memcached -l 127.0.0.1 -p 11211: a bind address beside a port
        port = _port(_expand(short["p"][0], env))
        bind = parse_address(_expand(short["l"][0], env)) or (_strip_host(_expand(short["l"][0], env)), 0)
        if port is not None:
            result.append(Listener(name, port, "TCP", bind[0], "flag", short["p"][1]))
    # `--host 127.0.0.1 --port 8000` (uvicorn, gunicorn-like servers): the port binds that host.
    bind_host = next(
        (_expand(v, env) for f, v, _ in flags if f.lower() in ("host", "bind-host", "listen-host")),
        None,
    )
    for flag, value, path in flags:
        if not _is_listen_flag(flag):
            continue
        address = parse_address(_expand(value, env))
        if address is None:
            continue
        host, port = address
        if host is None and flag.lower().endswith("port") and bind_host is not None:
            host = _strip_host(bind_host)
        named = host is not None and host not in ANY_HOSTS and host.lower() not in LOOPBACK_HOSTS
        if named and "$" not in host and not _IP_LITERAL.fullmatch(host):  # type: ignore[operator,arg-type]
            continue  # a name: more likely where it connects than where it binds
        protocol = _named_protocol(flag)
        result.append(
            Listener(
                name,
                port,
                protocol or "TCP",
                host,
                "flag",
                path,
                _purpose(flag),
                _app_protocol(flag),
                protocol is not None,
            )
        )
    return result


_SERVER_ENV = re.compile(r"^(?P<prefix>\w*(?:SERVER|LISTEN|BIND)\w*?)_?(?:PORT)$")
_SIBLING_HOST = ("_ADDR", "_ADDRESS", "_HOST", "ADDR", "HOST")


def _server_env_listeners(name: str, env: list[tuple[str, str, str]]) -> list[Listener]:
    """GF_SERVER_HTTP_PORT=3000 beside GF_SERVER_HTTP_ADDR=127.0.0.1: where the server binds."""
    values = {var.upper(): value.strip() for var, value, _ in env}
    result = []
    for var, value, path in env:
        match = _SERVER_ENV.match(var.upper())
        port = _port(value.strip())
        if not match or port is None:
            continue
        prefix = match.group("prefix").rstrip("_")
        host = next((values[prefix + s] for s in _SIBLING_HOST if prefix + s in values), None)
        if host is not None and host not in ANY_HOSTS and host.lower() not in LOOPBACK_HOSTS:
            continue  # REDIS_SERVER_HOST=redis.prod + REDIS_SERVER_PORT: a client's address
        result.append(Listener(name, port, "TCP", host, "env", path, _purpose(var), _app_protocol(var)))
    return result


def _env_listeners(name: str, env: list[tuple[str, str, str]]) -> list[Listener]:
    result = _server_env_listeners(name, env)
    for var, value, path in env:
        if not _LISTEN_BIND_ANY_CASE.search(var) and var.upper() != "PORT":
            continue
        address = parse_address(value)
        if address is None:
            continue
        host, port = address
        if host is not None and host not in ANY_HOSTS and host.lower() not in LOOPBACK_HOSTS:
            continue
        result.append(Listener(name, port, "TCP", host, "env", path, _purpose(var), _app_protocol(var)))
    return result


def _probe_listeners(name: str, container: dict[str, Any]) -> list[Listener]:
    """httpGet/tcpSocket/grpc probes: the kubelet connects to the pod IP, so the port is served."""
    named = {
        p.get("name"): p.get("containerPort") for _, p in _dicts(container.get("ports")) if p.get("name")
    }
    result = []
    for probe_key in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = container.get(probe_key)
        if not isinstance(probe, dict):
            continue
        for handler, app in (("httpGet", "http"), ("tcpSocket", None), ("grpc", "grpc")):
            spec = probe.get(handler)
            port = spec.get("port") if isinstance(spec, dict) else None
            port = named.get(port, port) if isinstance(port, str) else port
            if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
                result.append(
                    Listener(name, port, "TCP", None, "probe", f"{probe_key}.{handler}.port", "health", app)
                )
    return result


# Config files: key = value (ini, pgbouncer, redis.conf "port 6379"), nginx/haproxy directives.
_CONF_LISTEN = re.compile(
    r"^\s*(?:listen_addr|listen_address|bind_address|bind)\s*[=\s]\s*([\w.:*\[\],]+)\s*$", re.I | re.M
)
_CONF_PORT = re.compile(
    r"^\s*(?:listen_port|port|http_port|listen)\s*[=\s]\s*([\w.:*\[\]]+)\s*;?\s*$", re.I | re.M
)
_CONF_UPSTREAM = re.compile(
    r"(?:proxy_pass|fastcgi_pass|grpc_pass|uwsgi_pass|server)\s+(?:[\w-]+\s+)?([a-z]+://)?([\w.\[\]:-]+:[0-9]{1,5})",
    re.I,
)
_CONF_PG_DB = re.compile(r"\bhost=([\w.\-]+)(?:\s+port=([0-9]{1,5}))?")


def _mounted_files(
    container: dict[str, Any], volumes: dict[str, dict[str, Any]], maps: dict[str, dict[str, str]]
) -> list[tuple[str, str, str]]:
    """(file name, content, path) of ConfigMap files (from the stream) mounted in the container."""
    result = []
    for j, mount in _dicts(container.get("volumeMounts")):
        volume = volumes.get(mount.get("name"))  # type: ignore[arg-type]
        if not isinstance(volume, dict):
            continue
        sources = [volume.get("configMap")]
        projected = volume.get("projected")
        if isinstance(projected, dict):
            sources += [s.get("configMap") for _, s in _dicts(projected.get("sources"))]
        for source in sources:
            name = source.get("name") if isinstance(source, dict) else None
            data = maps.get(name) if isinstance(name, str) else None
            for key, content in (data or {}).items():
                sub = mount.get("subPath")
                if isinstance(sub, str) and sub and sub != key:
                    continue
                result.append((key, content, f"volumeMounts[{j}]"))
    return result


def mounted_config_files(
    container: dict[str, Any], spec: dict[str, Any], companions: Iterable[dict[str, Any]] = ()
) -> list[tuple[str, str, str]]:
    """(file name, content, volumeMounts path) of the stream's ConfigMap files the container mounts."""
    return _mounted_files(container, pod_volumes(spec), config_maps(companions))


def _config_wiring(name: str, files: list[tuple[str, str, str]]) -> tuple[list[Listener], list[Target]]:
    listeners: list[Listener] = []
    targets: list[Target] = []
    for file_name, content, path in files:
        lowered = file_name.lower()
        if lowered.endswith((".json", ".yaml", ".yml")):
            _structured_config(name, content, path, listeners, targets)
            continue
        host: str | None = None
        for match in _CONF_LISTEN.finditer(content):
            value = match.group(1).split(",")[0]
            address = parse_address(value)
            if address:
                listeners.append(Listener(name, address[1], "TCP", address[0], "config", path))
            else:
                host = _strip_host(value)
        for match in _CONF_PORT.finditer(content):
            address = parse_address(match.group(1))
            if address:
                bind = address[0] if address[0] is not None else host
                listeners.append(Listener(name, address[1], "TCP", bind, "config", path))
        for match in _CONF_UPSTREAM.finditer(content):
            address = parse_address(match.group(2))
            if address and address[0] is not None:
                targets.append(Target(name, address[0], address[1], path, "config", "forward"))
        for match in _CONF_PG_DB.finditer(content):
            port = _port(match.group(2) or "5432")
            if port:
                targets.append(Target(name, match.group(1), port, path, "config", "forward"))
        for match in _URL.finditer(content):
            port = _port(match.group(3))
            if port:
                targets.append(
                    Target(
                        name,
                        _strip_host(match.group(2)),
                        port,
                        path,
                        "config",
                        "use",
                        *_scheme(match.group(1)),
                    )
                )
    return listeners, targets


# Sections of a YAML/JSON config whose addresses mean something: Envoy's listeners, clusters and
# admin; the OpenTelemetry Collector's receivers and extensions; Loki-family `server`.
_CONFIG_SECTIONS = frozenset({"listeners", "clusters", "admin", "receivers", "extensions", "server"})


def _structured_config(
    name: str, content: str, path: str, listeners: list[Listener], targets: list[Target]
) -> None:
    """Envoy-like YAML/JSON: socket_address under listeners serves, under clusters is a target."""
    try:
        import yaml

        data = yaml.safe_load(content)
    except Exception:
        return

    def walk(node: Any, section: str) -> None:
        if isinstance(node, dict):
            address = node.get("socket_address")
            if isinstance(address, dict):
                host = address.get("address")
                port = address.get("port_value")
                if isinstance(host, str) and isinstance(port, int) and 0 < port < 65536:
                    if section == "listeners":
                        listeners.append(Listener(name, port, "TCP", host, "config", path))
                    elif section == "admin":  # Envoy's admin interface (/ready, /stats)
                        listeners.append(Listener(name, port, "TCP", host, "config", path, "admin", "http"))
                    elif section == "clusters":
                        targets.append(Target(name, host, port, path, "config", "forward"))
            for key, value in node.items():
                # OpenTelemetry Collector: receivers/extensions `endpoint: 0.0.0.0:4317` bind;
                # Loki/Promtail/Tempo: `server: {http_listen_port: 3100}`.
                if isinstance(value, (str, int)) and (
                    key == "endpoint"
                    and section in ("receivers", "extensions")
                    or key in ("http_listen_port", "grpc_listen_port")
                    and section == "server"
                ):
                    address = parse_address(str(value))
                    if address and (
                        address[0] is None or address[0] in ANY_HOSTS or address[0].lower() in LOOPBACK_HOSTS
                    ):
                        listeners.append(Listener(name, address[1], "TCP", address[0], "config", path))
                    continue
                walk(value, key if key in _CONFIG_SECTIONS else section)
        elif isinstance(node, list):
            for value in node:
                walk(value, section)

    walk(data, "")


# --- targets --------------------------------------------------------------------------------


def _scheme(scheme: str) -> tuple[str | None, str | None]:
    lowered = scheme.lower()
    return _SCHEME_PROTOCOL.get(lowered), _SCHEME_APP.get(lowered)


def _value_targets(
    name: str, text: str, path: str, source: str, kind: str, app: str | None = None
) -> list[Target]:
    result = []
    taken: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        port = _port(match.group(3))
        if port and match.group(2):
            protocol, scheme_app = _scheme(match.group(1))
            result.append(
                Target(
                    name, _strip_host(match.group(2)), port, path, source, kind, protocol, app or scheme_app
                )
            )
            taken.append(match.span())
    for match in _HOST_PORT.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        host, port = match.group(1), _port(match.group(2))
        if not (port and host) or host == "*":
            continue
        if host.replace(".", "").isdigit() and not _IPV4.fullmatch(host):
            continue  # '12:30', '1.5:2': not an address
        result.append(Target(name, _strip_host(host), port, path, source, kind, None, app))
    return result


_LISTEN_BIND_VAR = re.compile(r"LISTEN|BIND")
_LISTEN_BIND_ANY_CASE = re.compile(r"LISTEN|BIND", re.I)
_OBSERVE_VAR = re.compile(r"DATA_SOURCE|SCRAPE")


def _env_targets(name: str, env: list[tuple[str, str, str]]) -> list[Target]:
    result: list[Target] = []
    otlp = next((v for n, v, _ in env if n.upper() == "OTEL_EXPORTER_OTLP_PROTOCOL"), None)
    for var, value, path in env:
        upper = var.upper()
        if _LISTEN_BIND_VAR.search(upper) or upper == "PORT":
            continue
        app = None
        if upper.startswith("OTEL_EXPORTER_OTLP") and otlp:
            app = "grpc" if otlp.strip().lower() == "grpc" else "http"
        elif "GRPC" in upper:
            app = "grpc"
        kind = "observe" if _OBSERVE_VAR.search(upper) else "use"
        found = _value_targets(name, value, path, "env", kind, app)
        if "STATSD" in upper or "UDP" in upper:
            found = [t._replace(protocol=t.protocol or "UDP") for t in found]
        result.extend(found)
    # *_HOST + *_PORT pairs (REDIS_HOST/REDIS_PORT, PGHOST/PGPORT, STATSD_HOST/STATSD_PORT).
    hosts: dict[str, tuple[str, str]] = {}
    ports: dict[str, tuple[str, str]] = {}
    for var, value, path in env:
        upper = var.upper()
        if _LISTEN_BIND_VAR.search(upper):
            continue
        if upper.endswith("HOST") and not upper.endswith("_HOSTS"):
            hosts[upper[: -len("HOST")].rstrip("_")] = (value.strip(), path)
        elif upper.endswith("PORT"):
            ports[upper[: -len("PORT")].rstrip("_")] = (value.strip(), path)
    for prefix, (host, _host_path) in hosts.items():
        if prefix not in ports or ":" in host or not host or "$" in host:
            continue
        port = _port(ports[prefix][0])
        if port is None:
            continue
        protocol = "UDP" if "STATSD" in prefix or "UDP" in prefix else None
        app = "grpc" if "GRPC" in prefix else None
        kind = "observe" if "SCRAPE" in prefix else "use"
        result.append(Target(name, host, port, ports[prefix][1], "env", kind, protocol, app))
    return result


def _flag_targets(name: str, container: dict[str, Any], env: dict[str, str]) -> list[Target]:
    result: list[Target] = []
    tokens = _tokens(container)
    used_paths: set[tuple[str, str]] = set()
    client = _is_client(tokens)
    flags = list(_flags(tokens))
    if client:  # psql --host=localhost --port=5432
        host = next((v for f, v, _ in flags if f.lower() in ("host", "h")), None)
        port_flag = next(((v, p) for f, v, p in flags if f.lower() in ("port", "p")), None)
        number = _port(port_flag[0]) if port_flag else None
        if host and port_flag and number:
            result.append(Target(name, _strip_host(_expand(host, env)), number, port_flag[1], "command"))
    for flag, value, path in flags:
        text = _expand(value, env)
        is_listen = not client and (_is_listen_flag(flag) or f"-{flag}" in _SERVE_POSITIONAL)
        used_paths.add((path, value))
        if is_listen:
            continue
        if _CONTROL_FLAG.search(flag):
            kind = "control"
        elif _FORWARD_FLAG.search(flag):
            kind = "forward"
        elif _OBSERVE_FLAG.search(flag):
            kind = "observe"
        else:
            kind = "use"
        app = "grpc" if "grpc" in flag.lower() else None
        found = _value_targets(name, text, path, "flag", kind, app)
        protocol = _named_protocol(flag)
        if protocol:
            found = [t._replace(protocol=protocol) for t in found]
        result.extend(found)
    # Bare words: URLs in scripts, nc -z host port, pg_isready -h host -p port.
    for token, path in tokens:
        if token.startswith("-") or (path, token) in used_paths:
            continue
        if "://" in token:
            result.extend(_value_targets(name, _expand(token, env), path, "command", "use"))
    scripts: dict[str, list[str]] = {}
    for token, path in tokens:
        scripts.setdefault(path, []).append(token)
    for path, words in scripts.items():
        script = _expand(" ".join(words), env)
        for match in _NC.finditer(script):
            port = _port(match.group(2))
            if port:
                result.append(Target(name, _strip_host(match.group(1)), port, path, "command", "use"))
        for match in _PG_ISREADY.finditer(script):
            options = dict(_DASH_OPTION.findall(match.group(1)))
            host = options.get("h") or env.get("PGHOST") or "localhost"
            port = _port(options.get("p") or env.get("PGPORT") or "5432")
            if port:
                result.append(Target(name, _strip_host(host), port, path, "command", "use"))
    return result


def _exec_probe_targets(name: str, container: dict[str, Any], env: dict[str, str]) -> list[Target]:
    result = []
    for probe_key in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = container.get(probe_key)
        command = (
            probe.get("exec", {}).get("command")
            if isinstance(probe, dict) and isinstance(probe.get("exec"), dict)
            else None
        )
        if isinstance(command, list):
            fake = {"command": [c for c in command if isinstance(c, str)]}
            for target in _flag_targets(name, fake, env):
                result.append(
                    target._replace(path=f"{probe_key}.exec.{target.path}", source="probe", kind="use")
                )
    return result


# --- the pod --------------------------------------------------------------------------------


# container_wiring results by the exact content of their inputs. A designer re-lints a pod on every
# edit and a server lints the same manifests again and again, while most containers stay unchanged;
# reading a container's wiring (tokenising its scripts, matching its flags, env and config files) is
# the most expensive part of a lint. The key is the pickle of the inputs: equal bytes mean equal
# values of the same types (a dict mutated since gives other bytes: a miss, never a stale hit).
_WIRING_CACHE: dict[bytes, tuple[tuple[Listener, ...], tuple[Target, ...]]] = {}
_WIRING_CACHE_SIZE = 4096
_WIRING_CACHE_LOCK = threading.Lock()


def _inputs_key(*values: Any) -> bytes | None:
    try:
        return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an unpicklable value (never from YAML or JSON): compute without the cache
        return None


def container_wiring(
    container: dict[str, Any],
    companions: Iterable[dict[str, Any]] = (),
    volumes: dict[str, dict[str, Any]] | None = None,
    maps: dict[str, dict[str, str]] | None = None,
    *,
    context_key: bytes | None = None,
) -> tuple[list[Listener], list[Target]]:
    """What one container says about where it listens and where it points.

    `context_key`: _inputs_key(volumes, maps), when the caller (pod_wiring) computed it once for
    all the containers of a pod.
    """
    maps = maps if maps is not None else config_maps(companions)
    if context_key is None:
        context_key = _inputs_key(volumes, maps)
    own_key = _inputs_key(container) if context_key is not None else None
    key = context_key + own_key if context_key is not None and own_key is not None else None
    if key is not None:
        cached = _WIRING_CACHE.get(key)
        if cached is not None:
            return list(cached[0]), list(cached[1])
    listeners, targets = _read_container_wiring(container, volumes, maps)
    if key is not None:
        with _WIRING_CACHE_LOCK:
            if len(_WIRING_CACHE) >= _WIRING_CACHE_SIZE:
                _WIRING_CACHE.pop(next(iter(_WIRING_CACHE)))  # the oldest entry
            _WIRING_CACHE[key] = (tuple(listeners), tuple(targets))
    return listeners, targets


def _read_container_wiring(
    container: dict[str, Any],
    volumes: dict[str, dict[str, Any]] | None,
    maps: dict[str, dict[str, str]],
) -> tuple[list[Listener], list[Target]]:
    name = container.get("name") if isinstance(container.get("name"), str) else ""
    env_list = env_values(container, maps)
    env = {var: value for var, value, _ in env_list}
    listeners = _port_listeners(name, container)  # type: ignore[arg-type]
    listeners += _flag_listeners(name, container, env)  # type: ignore[arg-type]
    listeners += _env_listeners(name, env_list)  # type: ignore[arg-type]
    listeners += _probe_listeners(name, container)  # type: ignore[arg-type]
    targets = _env_targets(name, env_list)  # type: ignore[arg-type]
    targets += _flag_targets(name, container, env)  # type: ignore[arg-type]
    targets += _exec_probe_targets(name, container, env)  # type: ignore[arg-type]
    files = _mounted_files(container, volumes or {}, maps)
    config_listeners, config_targets = _config_wiring(name, files)  # type: ignore[arg-type]
    listeners += config_listeners
    targets += config_targets
    listeners = _apply_bind_hosts(listeners, container, env)
    # A port named for its purpose (health, metrics) says what every bind of it is for.
    named = {lst.port: lst.purpose for lst in listeners if lst.source == "port" and lst.purpose != "data"}
    listeners = [lst._replace(purpose=named[lst.port]) if lst.port in named else lst for lst in listeners]
    own = {listener.port for listener in listeners if listener.source != "probe"}
    # A container naming its own listen port (a self-check, its own URL) is not pointing elsewhere,
    # unless the evidence for the listener is only that very reference.
    targets = [t for t in targets if not (t.loopback and t.port in own)]
    return _unique_listeners(listeners), _unique_targets(targets)


_BARE_BIND_FLAG = re.compile(r"^(.*?)(?:address|addr|host|bind|listen|bind-address|listen-address)$", re.I)


def _apply_bind_hosts(
    listeners: list[Listener], container: dict[str, Any], env: dict[str, str]
) -> list[Listener]:
    """`--address=127.0.0.1 --port=5432`: a bare bind address says where the port(s) beside it bind.

    `<p>address` pairs with `<p>port` (`--http-address` with `--http-port`); a bare `--address`
    or `--bind` without such a partner applies to the declared ports and flag ports of unknown host.
    """
    tokens = _tokens(container)
    if _is_client(tokens):
        return listeners
    hosts: dict[str, str] = {}
    for flag, value, _ in _flags(tokens):
        match = _BARE_BIND_FLAG.match(flag)
        if not match:  # most flags name no bind address: skip expanding their value
            continue
        text = _expand(value, env).strip()
        bare = bool(text) and (":" not in text.strip("[]") or text.startswith("["))
        address = text.lower() in LOOPBACK_HOSTS or text in ANY_HOSTS or _DIGITS_DOTS.fullmatch(text)
        if bare and address:
            hosts[match.group(1).lower().rstrip("-.")] = _strip_host(text)
    if not hosts:
        return listeners
    flag_paths = {
        prefix: {
            p
            for f, _, p in _flags(tokens)
            if f.lower().rstrip("-.") == f"{prefix}-port".lstrip("-")
            or f.lower() == f"{prefix}port"
            or f.lower() == f"{prefix}.port"
        }
        for prefix in hosts
    }
    result = []
    for listener in listeners:
        if listener.host is None and listener.source in ("port", "flag"):
            chosen = next(
                (h for prefix, h in hosts.items() if prefix and listener.path in flag_paths[prefix]), None
            )
            if chosen is None and "" in hosts and listener.purpose == "data":
                chosen = hosts[""]
            if chosen is not None:
                listener = listener._replace(host=chosen)
        result.append(listener)
    return result


def _unique_listeners(listeners: list[Listener]) -> list[Listener]:
    seen: set[tuple[int, str, str | None, str]] = set()
    result = []
    for listener in listeners:
        key = (listener.port, listener.protocol, listener.host, listener.source)
        if key not in seen:
            seen.add(key)
            result.append(listener)
    return result


def _unique_targets(targets: list[Target]) -> list[Target]:
    seen: set[tuple[str, int, str]] = set()
    result = []
    for target in targets:
        key = (target.host.lower(), target.port, target.path)
        if key not in seen:
            seen.add(key)
            result.append(target)
    return result


def pod_volumes(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for _, v in _dicts(spec.get("volumes")) if isinstance(v.get("name"), str)}


def pod_wiring(
    spec: dict[str, Any], companions: Iterable[dict[str, Any]] = (), native_sidecars: bool = True
) -> Wiring:
    """The wiring of a pod spec: listeners and targets per container, resolved localhost links.

    A link resolves to a container that runs at the same time as the pointing one could reach:
    regular containers and native sidecars (init containers with restartPolicy Always); a
    run-to-completion init container listens for nobody.
    """
    maps = config_maps(companions)
    volumes = pod_volumes(spec)
    context_key = _inputs_key(volumes, maps)
    wiring = Wiring()
    serving: dict[int, list[Listener]] = {}
    order: list[tuple[str, bool]] = []
    containers: dict[str, tuple[dict[str, Any], bool]] = {}
    for slot in PodView(spec).slots():
        container = slot.container
        name: str = slot.name if slot.name is not None else f"{slot.group}[{slot.index}]"
        listeners, targets = container_wiring(container, volumes=volumes, maps=maps, context_key=context_key)
        if slot.name is None:  # container_wiring named them '' (a nameless container)
            listeners = [lst._replace(container=name) for lst in listeners]
            targets = [t._replace(container=name) for t in targets]
        wiring.listeners[name] = listeners
        wiring.targets[name] = targets
        concurrent = slot.group == APP or (native_sidecars and slot.native)
        order.append((name, concurrent))
        containers[name] = (container, concurrent)
        if concurrent:
            for listener in listeners:
                serving.setdefault(listener.port, []).append(listener)
    _own_server_pairs(wiring, serving, containers)
    for name, _ in order:
        for target in wiring.targets[name]:
            if not target.loopback:
                continue
            candidates = [lst for lst in serving.get(target.port, []) if lst.container != name]
            chosen = _best(candidates, target)
            if chosen is None and target.source == "probe":
                # An exec probe checks its own container: with nobody else serving the port, it is
                # a listener the flags do not show (a config file's admin port), not a broken link.
                continue
            wiring.links.append(
                Link(name, target.port, target.path, chosen.container if chosen else None, target, chosen)
            )
    return wiring


def _own_server_pairs(
    wiring: Wiring, serving: dict[int, list[Listener]], containers: dict[str, tuple[dict[str, Any], bool]]
) -> None:
    """`UPTIME_KUMA_HOST=127.0.0.1` + `UPTIME_KUMA_PORT=3001` reads like a client's address, but
    when nobody serves that port and another container points at it too (cloudflared --url
    http://127.0.0.1:3001), the pair is where this container itself listens: two clients of a
    listener nobody runs is the less likely reading."""
    for name, targets in wiring.targets.items():
        container, concurrent = containers.get(name, ({}, False))
        if not concurrent:
            continue
        env_names = {f"env[{j}].value": var.get("name", "") for j, var in _dicts(container.get("env"))}
        for target in list(targets):
            is_pair = target.source == "env" and str(env_names.get(target.path, "")).upper().endswith("PORT")
            if not (is_pair and target.loopback) or serving.get(target.port):
                continue
            # The other side is a running container whose flags or config name the port (a
            # proxy's upstream), not another env pair nor a run-to-completion wait.
            others = [
                n
                for n, ts in wiring.targets.items()
                if n != name
                and containers.get(n, ({}, False))[1]
                and any(t.loopback and t.port == target.port and t.source in ("flag", "config") for t in ts)
            ]
            if not others:
                continue
            listener = Listener(name, target.port, "TCP", target.host, "env", target.path)
            wiring.listeners[name].append(listener)
            serving.setdefault(target.port, []).append(listener)
            targets.remove(target)


def _best(candidates: list[Listener], target: Target) -> Listener | None:
    """The listener a target reaches: one with the target's protocol, declared ports first."""
    if not candidates:
        return None
    ranked = sorted(
        candidates,
        key=lambda lst: (
            target.protocol is not None and lst.protocol_known and lst.protocol != target.protocol,
            lst.source != "port",
        ),
    )
    return ranked[0]


def localhost_ports(container: dict[str, Any], companions: Iterable[dict[str, Any]] = ()) -> list[int]:
    """Ports a container points at on localhost (its own listen ports excluded)."""
    _, targets = container_wiring(container, companions)
    ports: list[int] = []
    for target in targets:
        if target.loopback and target.port not in ports:
            ports.append(target.port)
    return ports
