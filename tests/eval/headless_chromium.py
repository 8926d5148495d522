"""A headless Chromium driven over the DevTools protocol on a pipe, for testing web pages.

``--remote-debugging-pipe`` makes Chromium read protocol commands from fd 3 and write replies
and events to fd 4, as NUL-terminated JSON: no port, no WebSocket library, nothing to clean up
but the process. Every console message, uncaught exception and failed load (a missing image or
script is a ``Log.entryAdded`` of level ``error``) is kept, so a test can assert there were none.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_TRAMPOLINE = """import os, sys
read_end, write_end = int(sys.argv[1]), int(sys.argv[2])
os.dup2(read_end, 3)
os.dup2(write_end, 4)
for fd in {read_end, write_end} - {3, 4}:
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


def find_chromium() -> str | None:
    """Path of the first Chromium-family browser on PATH, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


class Browser:
    """One page in a headless Chromium. ``errors()`` lists what the page reported as errors."""

    def __init__(self, executable: str, profile: Path, *, width: int = 1200, height: int = 900,
                 timeout_s: float = 30.0):
        self.timeout_s = timeout_s
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--remote-debugging-pipe", f"--user-data-dir={profile}",
                 f"--window-size={width},{height}", "--hide-scrollbars", "about:blank"]
        # a Python trampoline moves the pipe ends to fds 3 and 4, where Chromium expects them
        # (a POSIX shell's redirections take single-digit fds only)
        self._process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(commands_read), str(replies_write),
             executable, *flags], pass_fds=(commands_read, replies_write),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        self._buffer, self._next_id, self.events = b"", 0, []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target,
                                  flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width,
                  height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Run one protocol command (on the page when ``session``); returns its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == message["id"])
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _wait(self, wanted: Callable[[dict], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout_s
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            ready, _, _ = select.select([self._replies], [], [],
                                        max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"no reply from Chromium within {self.timeout_s} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk

    def open(self, url: str) -> None:
        """Load ``url`` as a new document and wait for its load event (its scripts have run by
        then), even when it differs from the current address only in the hash.

        To change the hash of the loaded page, as a user does, use :meth:`set_hash`.
        """
        for address in ("about:blank", url):  # from about:blank, any url is a new document
            start = len(self.events)
            self.send("Page.navigate", session=True, url=address)
            if not any(e["method"] == "Page.loadEventFired" for e in self.events[start:]):
                self._wait(lambda m: m.get("method") == "Page.loadEventFired")

    def set_hash(self, fragment: str) -> None:
        """Set ``location.hash`` and wait until the page's ``hashchange`` handlers have run."""
        self.evaluate("new Promise((done) => { addEventListener('hashchange', () => "
                      "setTimeout(done), {once: true}); location.hash = "
                      f"{json.dumps(fragment)}; }})")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression on the page."""
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """PNG of the viewport."""
        return base64.b64decode(self.send("Page.captureScreenshot", session=True,
                                          format="png")["data"])

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far, one line each."""
        out = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                what = details.get("exception", {}).get("description") or details.get("text")
                out.append(f"exception: {what} ({details.get('url')}:{details.get('lineNumber')})")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value")) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                out.append(f"log: {entry['text']} {entry.get('url', '')}")
        return out

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
