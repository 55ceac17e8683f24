"""What a container's own definition says it does: run forever or exit, and which files it touches.

The pattern rules judge lifecycles and shared volumes from this evidence, never from a role or an
image name alone: a fluent-bit image with `--dry-run` exits, a busybox running `tail -f` never
does, a `while true` loop with a `break` is a wait loop. Each verdict carries the reason a rule
prints ("runs `sleep infinity`"), so a finding explains itself.

Everything here reads one container dict; it knows nothing about pods, roles or rules.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

Lifecycle = Literal["daemon", "exits", "unknown"]
Access = Literal["read", "write"]

_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh"}
# Programs that serve, proxy, ship or collect until stopped (matched on the program's or the
# image's base name). A server image run without a command runs its server.
_DAEMON_PROGRAMS = re.compile(
    r"^(nginx|nginx-unprivileged|httpd|apache2?|caddy|traefik|haproxy|envoy|redis|redis-server|"
    r"memcached|postgres|mysqld?|mariadb|mongod?|rabbitmq(-server)?|elasticsearch|kafka|zookeeper|"
    r"tomcat|jetty|consul|etcd|minio|gunicorn|uvicorn|node|java|pgbouncer|cloud[-_]sql[-_]proxy|"
    r"cloudsql-proxy|alloydb-auth-proxy|oauth2-proxy|kube-rbac-proxy|istio-proxy|proxyv2|pilot-agent|"
    r"linkerd2?-proxy|twemproxy|nutcracker|mcrouter|.*-proxy|fluent-bit|fluentbit|fluentd.*|vector|"
    r"promtail|filebeat|logstash|otel.*collector.*|otelcol.*|.*-exporter|.*_exporter|statsd-exporter|"
    r"git-sync|.*-reloader|configmap-reload|config-reloader|vault|vault-agent|consul-template|"
    r"telegraf|datadog-agent|agent|prometheus|grafana-agent|alloy|stunnel|socat|dnsmasq|coredns|dockerd|"
    r"dockerd-entrypoint\.sh|buildkitd)$"
)
# Flags that turn a daemon into a one-shot run.
_ONE_SHOT_FLAGS = re.compile(
    r"(^|\s)(--one-?time(=true)?|-exit-after-auth(=true)?|--exit-after-auth|--once|--run-once|"
    r"--oneshot|--dry-run|--version|-version|--help|version|--watch-interval=0s?|-once)(\s|$)",
    re.I,
)
_ONE_SHOT_ENV = {"GITSYNC_ONE_TIME": "true", "GIT_SYNC_ONE_TIME": "true"}
_SLEEPS_FOREVER = re.compile(r"\bsleep\s+(inf(inity)?\b|[0-9]{6,})")
_TAIL_FOLLOW = re.compile(r"\btail\s+(-[a-zA-Z0-9]*[fF]\b|--follow)")
_ENDLESS_LOOP = re.compile(r"\bwhile\s+(true|:|\[\s*1\s*\]|\[\[\s*1\s*\]\])\s*;?\s*do\b")
# `while inotifywait ...; do` and `while read line; do` block on an event each round: endless too.
_WATCH_LOOP = re.compile(r"\bwhile\s+(inotifywait|read|sleep|nc\s+-l)\b[^;]*;\s*do\b")
_LOOP_EXIT = re.compile(r"\b(break|exit|return)\b")
_EXEC_LAST = re.compile(r"(?:^|[;&|]\s*|\n\s*)exec\s+(\S+)")
_WAIT_LOOP = re.compile(r"\b(until|while\s+!)\s")


# Daemons whose one-shot mode may sit in a config file we cannot read (vault agent's
# exit_after_auth in an injected base64 config, git-sync's env, consul-template's config): their
# program name alone is a weak sign, enough to hold a Job open but not to call an init container
# endless.
_CONFIGURABLE = re.compile(
    r"^(vault|vault-agent|consul-template|git-sync|.*-reloader|config-reloader|agent)$"
)
# Subcommands that run a server when an image's entrypoint is given only args (`vault agent`,
# `pilot-agent proxy`); any other first word (`istio-iptables`) is a task of the same binary.
_SERVING_SUBCOMMANDS = {"agent", "proxy", "server", "serve", "run", "start", "daemon", "controller"}
# Words that name a task which ends: `manage.py migrate`, `./bin/backup`, `flyway migrate`.
_TASK_WORDS = re.compile(
    r"\b(migrate|migrations?|backup|dump|restore|seed|import|export|upgrade|collectstatic)\b"
)
# The last command of a script that surely ends.
_ONE_SHOT_PROGRAMS = {
    "cp", "mv", "ln", "rm", "mkdir", "touch", "chmod", "chown", "echo", "printf", "true", "exit", "cat",
    "tar", "unzip", "curl", "wget", "sed", "envsubst", "gsutil", "aws", "psql", "pg_dump", "mysqldump",
    "sleep", "test", "[",
}  # fmt: skip


@dataclass(frozen=True)
class LifecycleEvidence:
    """Whether a container runs until stopped ('daemon'), ends by itself ('exits') or neither is
    evident ('unknown'), and why; `firm` is False when a config file could say otherwise."""

    verdict: Lifecycle
    reason: str
    firm: bool = True

    @property
    def daemon(self) -> bool:
        return self.verdict == "daemon"

    @property
    def exits(self) -> bool:
        return self.verdict == "exits"


def program_name(text: Any) -> str:
    """'/usr/local/bin/envoy' -> 'envoy'; 'ghcr.io/org/fluent-bit:3@sha256:..' -> 'fluent-bit'."""
    if not isinstance(text, str):
        return ""
    name = text.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0].lower()


def _strings(container: dict[str, Any], key: str) -> list[str]:
    value = container.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def script_of(container: dict[str, Any]) -> str | None:
    """The shell script a container runs (`sh -c SCRIPT`, in command or args), or None."""
    words = _strings(container, "command") + _strings(container, "args")
    if not words:
        return None
    if program_name(words[0]) in _SHELLS:
        rest = words[1:]
        for position, word in enumerate(rest):
            if word.startswith("-") and "c" in word.lstrip("-") and position + 1 < len(rest):
                return " ".join(rest[position + 1 :])
    return None


def _argv_text(container: dict[str, Any]) -> str:
    return " ".join(_strings(container, "command") + _strings(container, "args"))


def _one_shot_env(container: dict[str, Any]) -> bool:
    env = container.get("env")
    for var in env if isinstance(env, list) else []:
        if isinstance(var, dict) and isinstance(var.get("name"), str):
            wanted = _ONE_SHOT_ENV.get(var["name"].upper())
            if wanted is not None and str(var.get("value", "")).strip().lower() == wanted:
                return True
    return False


def _script_lifecycle(script: str) -> LifecycleEvidence:
    if _SLEEPS_FOREVER.search(script):
        return LifecycleEvidence("daemon", "sleeps forever (`sleep infinity`)")
    if _TAIL_FOLLOW.search(script):
        return LifecycleEvidence("daemon", "follows a file forever (`tail -f`)")
    loop = _ENDLESS_LOOP.search(script) or _WATCH_LOOP.search(script)
    if loop:
        body = script[loop.end() :]
        if _LOOP_EXIT.search(body):
            return LifecycleEvidence("exits", "its `while` loop breaks out")
        return LifecycleEvidence("daemon", f"runs a `while {loop.group(1)}` loop without break or exit")
    execs = _EXEC_LAST.findall(script)
    if execs:
        program = program_name(execs[-1])
        if _DAEMON_PROGRAMS.match(program):
            return LifecycleEvidence("daemon", f"ends by exec'ing {program}")
        return LifecycleEvidence("unknown", f"ends by exec'ing {program}")
    last = re.split(r"&&|\|\||;|\n", script.strip().rstrip(";"))[-1].strip()
    words = last.split()
    program = program_name(words[0]) if words else ""
    if _DAEMON_PROGRAMS.match(program) and not (
        len(words) > 1 and words[1] in ("-c", "--version", "version")
    ):
        firm = not _CONFIGURABLE.match(program)
        return LifecycleEvidence("daemon", f"runs {program} in the foreground at the end of its script", firm)
    if _WAIT_LOOP.search(script) and program in ("", "done"):
        return LifecycleEvidence("exits", "waits in an `until` loop, then ends")
    task = _TASK_WORDS.search(last)
    if task:
        return LifecycleEvidence("exits", f"runs a one-shot task ({task.group(0)})")
    if program in _ONE_SHOT_PROGRAMS or program == "done":
        return LifecycleEvidence("exits", f"runs a script that ends (last: {program})")
    return LifecycleEvidence("unknown", f"its script ends with {program or 'nothing'}")


def lifecycle(container: dict[str, Any]) -> LifecycleEvidence:
    """Daemon or one-shot, from the command, the flags, env switches and the image."""
    image = container.get("image")
    return _lifecycle(
        tuple(_strings(container, "command")),
        tuple(_strings(container, "args")),
        image if isinstance(image, str) else None,
        _one_shot_env(container),
    )


@functools.lru_cache(maxsize=1024)  # replicas and streams repeat their containers' commands
def _lifecycle(
    command_words: tuple[str, ...], args_words: tuple[str, ...], image: str | None, one_shot_env: bool
) -> LifecycleEvidence:
    """lifecycle() of a container with these command and args words, image and one-shot env."""
    container: dict[str, Any] = {"command": list(command_words), "args": list(args_words), "image": image}
    argv = _argv_text(container)
    if _ONE_SHOT_FLAGS.search(argv) or one_shot_env:
        return LifecycleEvidence("exits", "runs once (a one-shot flag or setting)")
    script = script_of(container)
    if script is not None:
        return _script_lifecycle(script)
    command = _strings(container, "command")
    program = program_name(command[0]) if command else program_name(container.get("image"))
    if command and program in ("sleep",):
        rest = " ".join(command[1:] + _strings(container, "args"))
        if re.fullmatch(r"\s*(inf(inity)?|[0-9]{6,})\s*", rest):
            return LifecycleEvidence("daemon", "sleeps forever (`sleep infinity`)")
        return LifecycleEvidence("exits", f"sleeps {rest.strip()} and ends")
    if command and program == "tail" and _TAIL_FOLLOW.search(argv):
        return LifecycleEvidence("daemon", "follows a file forever (`tail -f`)")
    args = _strings(container, "args")
    if not command and args and not args[0].startswith("-") and args[0] not in _SERVING_SUBCOMMANDS:
        # The image's entrypoint runs a task named by the first arg (proxyv2 istio-iptables).
        return LifecycleEvidence("unknown", f"runs {program} {args[0]}")
    image = container.get("image")
    if not command and isinstance(image, str) and re.search(r"[:-]dind\b", image.split("/")[-1]):
        return LifecycleEvidence("daemon", "runs dockerd (a docker:dind image), which serves until stopped")
    if _DAEMON_PROGRAMS.match(program):
        firm = not _CONFIGURABLE.match(program)
        return LifecycleEvidence("daemon", f"runs {program}, which serves until stopped", firm)
    if not command and program_name(container.get("image")) in ("busybox", "alpine", "ubuntu", "debian"):
        return LifecycleEvidence("exits", "runs a base image's shell, which ends at once")
    if command and program in ("cp", "mv", "chown", "chmod", "mkdir", "wget", "curl", "true", "echo"):
        return LifecycleEvidence("exits", f"runs {program}, which ends")
    return LifecycleEvidence("unknown", "nothing in its definition says whether it ends")


# --- paths a container reads or writes -------------------------------------------------------

_PATH = r"(/[^\s'\";|&<>()`,]*)"
_WRITE_FLAGS = re.compile(
    # `--access-log-file`, `--audit-log-path`: a qualifier before the log flag changes nothing.
    r"(?<![\w-])--?(?:(?:access|error|audit|query|slow|debug|request)[-_.])?(log[-_.]?file|log[-_.]?dir|log[-_.]?path|output|out|dest|destination|root|target|"
    r"data[-_.]?dir|write[-_.]?to|pid[-_.]?file|output[-_.]?dir|out[-_.]?dir|sink|o)[=\s]+" + _PATH
)
_READ_FLAGS = re.compile(
    r"(?<![\w-])--?(config|config[-_.]?file|config\.file|conf|c|path|input|inputs|input[-_.]?dir|logs|"
    r"template[-_.]?dir|watch|watched[-_.]?dir|"
    r"volume[-_.]?dir|web\.config\.file|include|file|f|i|template|source|src|tls[-_.]?cert[-_.]?file|"
    r"tls[-_.]?key[-_.]?file)[=\s]+" + _PATH
)
# Plugin properties given on the command line: fluent-bit's `-p path=/logs/*.log`.
_PROPERTY_READ = re.compile(r"(?<![\w-])(?:path|paths|include|file)=" + _PATH, re.I)
_REDIRECT_WRITE = re.compile(r"(?:[0-9]?>>?|\btee\s+(?:-a\s+)?)\s*" + _PATH)
_REDIRECT_READ = re.compile(r"<\s*" + _PATH)
# `. /vault/secrets/db.env`: the POSIX spelling of `source`.
_DOT_SOURCE = re.compile(r"(?:^|[\s;&|(])\.\s+" + _PATH)
# A shutdown endpoint called on a loopback address: cloud-sql-proxy's and Istio's
# /quitquitquit, Envoy's /quitquitquit, Linkerd's /shutdown; or linkerd-await --shutdown.
_SHUTDOWN_CALL = re.compile(
    r"(?:localhost|127\.0\.0\.1|\[::1\])(?::([0-9]{1,5}))?/(?:quitquitquit|shutdown)\b|"
    r"\blinkerd-await\b[^;&|]*--shutdown"
)
_READERS = re.compile(r"\b(cat|tail(?:\s+-[a-zA-Z0-9]+)*|head|grep\s+\S+|source|less|jq\s+\S+)\s+" + _PATH)
_ARCHIVES = re.compile(
    r"\b(?:tar\s+-?[a-zA-Z]*[xt][a-zA-Z]*f|unzip(?:\s+-[a-z]+)*|gunzip|sha256sum(?:\s+-c)?)\s+" + _PATH
)
_TESTS = re.compile(r"(?:\[\[?|\btest)\s+!?\s*-[efsdr]\s+" + _PATH)
_WRITERS = re.compile(
    r"\b(mkdir(?:\s+-p)?|touch|chown\s+\S+|chmod\s+\S+|sed\s+-i\S*(?:\s+'[^']*'|\s+\"[^\"]*\"|\s+\S+)?)\s+"
    + _PATH
)
_COPY = re.compile(r"\b(cp|mv|install|rsync|ln)((?:\s+-[-\w=]+)*)((?:\s+\S+)+)")
_DOWNLOAD = re.compile(r"(?:\bwget\b[^;&|]*?-O\s*|\bcurl\b[^;&|]*?-o\s*|--output[= ])" + _PATH)
_EXTRACT = re.compile(
    r"(?:\btar\b[^;&|]*?-C\s*|\bunzip\b[^;&|]*?-d\s*|\bgit\s+clone\s+(?:--?\S+\s+)*\S+\s+)" + _PATH
)
_ENV_WRITE = re.compile(r"(LOG|OUT|DEST|DATA|WRITE|PID|SOCK)", re.I)
_ENV_READ = re.compile(r"(CONF|CONFIG|INPUT|WATCH|READ|TEMPLATE|CERT|KEY|TLS)", re.I)


@dataclass(frozen=True)
class PathUse:
    """One absolute path a container reads or writes, and the field that says so."""

    path: str
    access: Access
    field: str


def _copy_uses(text: str) -> list[tuple[str, Access]]:
    uses: list[tuple[str, Access]] = []
    for match in _COPY.finditer(text):
        words = [w for w in match.group(3).split() if not w.startswith("-")]
        words = [w.rstrip(";") for w in words]
        operands = []
        for word in words:
            if word in ("&&", "||", ";", "|") or word.endswith(";"):
                break
            operands.append(word)
        paths = [w for w in operands if w.startswith("/")]
        if len(operands) >= 2 and operands[-1].startswith("/"):
            uses.extend((p, "read") for p in paths[:-1])
            uses.append((operands[-1], "write"))
    return uses


_USE_PATTERNS: tuple[tuple[re.Pattern[str], Access], ...] = (
    (_WRITE_FLAGS, "write"),
    (_READ_FLAGS, "read"),
    (_PROPERTY_READ, "read"),
    (_REDIRECT_WRITE, "write"),
    (_REDIRECT_READ, "read"),
    (_DOT_SOURCE, "read"),
    (_READERS, "read"),
    (_TESTS, "read"),
    (_ARCHIVES, "read"),
    (_WRITERS, "write"),
    (_DOWNLOAD, "write"),
    (_EXTRACT, "write"),
)
# All of them in one alternation (each with its own flags): a search finds a match wherever any
# one of them would, so a text it rejects needs none of the eleven scans. Most words are plain
# flags or names; this keeps the per-word cost to one regex search.
_ANY_USE = re.compile(
    "|".join(f"(?{'i' if regex.flags & re.I else ''}:{regex.pattern})" for regex, _ in _USE_PATTERNS)
)


def _text_uses(text: str, field: str) -> list[PathUse]:
    return [PathUse(path, access, field) for path, access in _text_path_uses(text)]


@functools.lru_cache(maxsize=4096)  # pods repeat their args (and a server sees the same images again)
def _text_path_uses(text: str) -> tuple[tuple[str, Access], ...]:
    """(path, access) of the uses one command word or script names, in scan order."""
    # Every use names an absolute path: a text without '/' has none (the copy scan included).
    if "/" not in text:
        return ()
    if not _ANY_USE.search(text):
        return tuple(_copy_uses(text))
    uses: list[tuple[str, Access]] = []
    for regex, access in _USE_PATTERNS:
        for match in regex.finditer(text):
            path = match.group(match.lastindex or 0)
            if path and path != "/" and not path.startswith("/dev/"):
                uses.append((path, access))
    uses.extend(_copy_uses(text))
    return tuple(uses)


def path_uses(container: dict[str, Any], path: str = "") -> list[PathUse]:
    """Absolute paths the container's command, args and env say it reads or writes.

    `path` prefixes the field of each use (the container's field path). Heuristic on purpose:
    flags (--log-file, --config, -c), shell redirections, cp/mv/tee/sed -i/wget -O/git clone,
    test -f, cat/tail; env values named like LOG_FILE or CONFIG_PATH. A use found twice is kept once.
    """
    uses: list[PathUse] = []
    for key in ("command", "args"):
        values = container.get(key)
        if not isinstance(values, list):
            continue
        words = [v if isinstance(v, str) else "" for v in values]
        for k, word in enumerate(words):
            # A flag and its value in two list items (["--config", "/etc/x"]) read as one.
            joined = (
                f"{words[k - 1]} {word}"
                if k and words[k - 1].startswith("-") and "=" not in words[k - 1]
                else word
            )
            if "/" in joined:  # no absolute path, no use: skip building the field name too
                uses.extend(_text_uses(joined, f"{path}.{key}[{k}]"))
    # An exec-form argv (["clone", "--depth=1", URL, "/dest"] under a git image): the multi-word
    # commands (git clone, cp, tar -C) only show when its words are read together.
    argv = [v for key in ("command", "args") for v in _strings(container, key)]
    if len(argv) > 1 and not any(" " in v for v in argv) and any("/" in v for v in argv):
        head = [] if _strings(container, "command") else [program_name(container.get("image"))]
        text = " ".join(head + argv)
        field = f"{path}.args" if container.get("args") else f"{path}.command"
        uses.extend(PathUse(m.group(1), "write", field) for m in _EXTRACT.finditer(text))
        uses.extend(PathUse(p, a, field) for p, a in _copy_uses(text))
    env = container.get("env")
    for j, var in enumerate(env if isinstance(env, list) else []):
        if not isinstance(var, dict) or not isinstance(var.get("value"), str):
            continue
        name, value = str(var.get("name", "")), var["value"].strip()
        if value.startswith("/") and " " not in value:
            if _ENV_WRITE.search(name):
                uses.append(PathUse(value, "write", f"{path}.env[{j}].value"))
            elif _ENV_READ.search(name):
                uses.append(PathUse(value, "read", f"{path}.env[{j}].value"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for use in uses:
        if (use.path, use.access) not in seen:
            seen.add((use.path, use.access))
            unique.append(use)
    return unique


def shutdown_calls(container: dict[str, Any]) -> list[int | None]:
    """Loopback ports whose shutdown endpoint the container calls (None: the port is implicit),
    the way a Job's main stops a classic proxy sidecar when it is done."""
    text = " ".join(_strings(container, "command") + _strings(container, "args"))
    return [int(m.group(1)) if m.group(1) else None for m in _SHUTDOWN_CALL.finditer(text)]
