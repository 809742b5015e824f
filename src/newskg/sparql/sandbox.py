"""The query processes' sandbox: no network, and a hard ceiling on memory.

pyoxigraph fetches a URL for ``SERVICE`` (and ``LOAD``). The endpoint refuses both in the
web worker (:func:`newskg.web.endpoint.check_query`), but that check reads the query with a second
parser, which can drift from oxigraph's. So each query process (:mod:`newskg.sparql.query_worker`)
also gives up the network itself, before it reads any request: a seccomp filter (libseccomp,
through ``pyseccomp``) makes ``socket()`` of any family but ``AF_UNIX``, ``connect()`` and
``io_uring_setup()`` (io_uring can open and connect sockets without those system calls) fail
with EPERM, so a query that reaches a SERVICE fails cleanly instead of the process being
killed. ``no_new_privs`` is set, as the kernel requires for an unprivileged filter, and the
filter covers every thread (TSYNC). A system call made with another architecture's numbers
(32-bit ``int 0x80`` or x32 on x86-64) kills the process: the filter only knows the native
table, and the architecture check is libseccomp's.

Where the filter cannot be installed (not Linux, no ``libseccomp.so.2``) the process does not
run queries unless the operator said so (``--allow-unsandboxed-queries``): fail closed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import socket
import sys
from dataclasses import dataclass

from newskg.errors import NewskgError

# The kernel answers these with EPERM in a query process (socket() only for non-AF_UNIX).
DENIED = ("connect", "io_uring_setup")
# Multiplexes socket()/connect() on some architectures (s390x, ppc64); absent on x86-64.
MULTIPLEXED = "socketcall"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
FIX = (
    "install libseccomp2 (Debian/Ubuntu: `apt-get install libseccomp2`) on Linux, or, only "
    "for a server that is not public, set --allow-unsandboxed-queries"
)


# SPARQL's codepoint escapes, which a parser decodes anywhere in the query text before it
# reads keywords (SPARQL 1.1 Query, 19.2): S\u0045RVICE is SERVICE.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile("service", re.IGNORECASE)


def names_service(query: str) -> bool:
    """Whether the word SERVICE appears anywhere in ``query``, in any case, as written or
    with its codepoint escapes decoded. No SERVICE keyword can be written without it, so a
    False is certain whatever parser reads the query; a True may be a word in a string."""

    def one(found: re.Match[str]) -> str:
        code = int(found[1] or found[2], 16)
        return chr(code) if code <= 0x10FFFF else found[0]

    return bool(_SERVICE.search(query) or _SERVICE.search(_CODEPOINT.sub(one, query)))


class SandboxUnavailable(NewskgError):
    """The network could not be taken away from this process; the message says why."""


def deny_network() -> None:
    """From now on, this process (all of its threads) cannot open a network socket or
    connect anywhere. Raises :class:`SandboxUnavailable` when that cannot be arranged."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"seccomp is Linux-only and this is {sys.platform}")
    try:
        import pyseccomp  # loads libseccomp.so.2 at import
    except (ImportError, RuntimeError, OSError) as exc:
        raise SandboxUnavailable(f"libseccomp cannot be loaded ({exc})") from exc
    eperm = pyseccomp.ERRNO(errno.EPERM)
    try:
        rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
        rules.set_attr(pyseccomp.Attr.CTL_NNP, 1)
        rules.set_attr(pyseccomp.Attr.CTL_TSYNC, 1)
        rules.set_attr(pyseccomp.Attr.ACT_BADARCH, pyseccomp.KILL_PROCESS)
        # Every family but AF_UNIX: AF_INET/INET6, and also NETLINK, PACKET, VSOCK, …
        rules.add_rule(eperm, "socket", pyseccomp.Arg(0, pyseccomp.NE, socket.AF_UNIX))
        for name in DENIED:
            rules.add_rule(eperm, name)
        with contextlib.suppress(OSError, ValueError):  # not a system call on this arch
            rules.add_rule(eperm, MULTIPLEXED)
        rules.load()
    except OSError as exc:
        raise SandboxUnavailable(f"the seccomp filter could not be installed ({exc})") from exc


def network_denied() -> bool:
    """Whether a seccomp filter is in force in this process (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return any(line.split() == ["Seccomp:", "2"] for line in status)
    except OSError:
        return False


def limit_memory(ceiling: int) -> None:
    """A hard ceiling on this process's private writable memory (RLIMIT_DATA): past it an
    allocation fails and the process aborts. Unlike RLIMIT_AS it does not count the store's
    read-only file mappings; it does count the query thread's reserved stack, so ``ceiling``
    must include that. The engine's watchdog (:mod:`newskg.sparql.engine`) stops a query at the
    configured bound before this is reached; this is the backstop if the watchdog is late."""
    # Refused when a lower hard limit is already in force: it binds sooner, which is fine.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))


@dataclass(frozen=True)
class Limits:
    """What a query process is confined to; the engine passes it on the command line."""

    memory: int = 0  # bytes of private memory (0: no bound)
    allow_unsandboxed: bool = False  # run queries even where the network cannot be denied

    def arguments(self) -> list[str]:
        """The query process's command-line options for these limits."""
        return (["--memory", str(self.memory)] if self.memory > 0 else []) + (
            ["--allow-unsandboxed"] if self.allow_unsandboxed else []
        )


def private_memory(pid: int) -> int:
    """Bytes of private memory process ``pid`` holds: resident minus file-backed pages, so
    the store's memory-mapped files do not count (0 where /proc is absent)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            fields = statm.read().split()
    except OSError:
        return 0
    return max(0, int(fields[1]) - int(fields[2])) * PAGE
