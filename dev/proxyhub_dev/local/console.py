"""The operator console's built files under /console/, as CloudFront serves them from S3 in AWS.

Same origin as the API, so the browser needs no CORS. A path that names no file is a page of the
single-page app (e.g. /console/tasks/<id>) and gets index.html, like the distribution's error
response. Files with a content hash in their name are cached for good; index.html never is.
"""

import json
import mimetypes
from pathlib import Path
from typing import Any

from proxyhub_dev.local.gateway import HttpResponse

PREFIX = "/console"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
CONFIG_FILE = "config.json"


class ConsoleFiles:
    def __init__(self, build_dir: Path, config: dict[str, Any]) -> None:
        self._root = build_dir.resolve()
        # /console/config.json: how the console signs operators in (what `make deploy` uploads in AWS).
        self._config = json.dumps(config).encode()

    @property
    def available(self) -> bool:
        return (self._root / "index.html").is_file()

    def serves(self, method: str, path: str) -> bool:
        return method in ("GET", "HEAD") and (path == PREFIX or path.startswith(f"{PREFIX}/"))

    def response_for(self, path: str) -> HttpResponse:
        if path == PREFIX:
            return HttpResponse(308, [("location", f"{PREFIX}/")], b"")
        if path == f"{PREFIX}/{CONFIG_FILE}":
            return HttpResponse(
                200, [("content-type", "application/json"), ("cache-control", NO_CACHE)], self._config
            )
        file = self._file_for(path.removeprefix(f"{PREFIX}/"))
        if file is None:
            return self._file_response(self._root / "index.html", NO_CACHE)
        cache = IMMUTABLE if file.parent.name == "assets" else NO_CACHE
        return self._file_response(file, cache)

    def _file_for(self, relative: str) -> Path | None:
        """The file the path names, never one outside the build directory."""
        if not relative:
            return None
        candidate = (self._root / relative).resolve()
        if not candidate.is_relative_to(self._root) or not candidate.is_file():
            return None
        return candidate

    @staticmethod
    def _file_response(file: Path, cache_control: str) -> HttpResponse:
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        headers = [("content-type", content_type), ("cache-control", cache_control)]
        return HttpResponse(200, headers, file.read_bytes())
