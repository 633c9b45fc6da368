"""The light player: a package's libraries as one script and one style sheet.

h5p-standalone reads ``h5p.json``, then each library's ``library.json`` (one
request per library, a chain of them for nested dependencies) and finally loads
every file each library lists: 40 requests for a True/False. On a phone's 3G
(300 ms each, six at a time) that alone took seconds before the exercise could be
used (docs/benchmarks.md, "Light lessons").

The player is therefore pointed (``h5pJsonPath``, ``librariesPath``) at
``/h5p/light/<sha256>/``, where:

* ``h5p.json`` is the package's own with only the main library left in
  ``preloadedDependencies``;
* ``<main library>/library.json`` is the main library's own with no dependencies
  and one script and one style sheet: ``bundle.js`` and ``bundle.css``;
* ``bundle.js`` is every library's ``preloadedJs`` in H5P's own order
  (dependencies first, as h5p-standalone sorts them), ``bundle.css`` every
  ``preloadedCss`` with its relative ``url(...)`` made absolute, so fonts and
  images still load from the package's files;
* the frame's own additions ride along: ``js/h5p-storage.js`` at the end of
  ``bundle.js`` and ``css/h5p-frame.css`` at the end of ``bundle.css``, where
  h5p-standalone's ``customJs``/``customCss`` put them (after the libraries), so
  the content's frame asks for four files in all, one round on 3G;
* any other path is the package's file (a library asking
  ``H5P.getLibraryPath()`` for an image of its own lands there).

Content itself (``content/content.json`` and its images) stays at
``/h5p/content/<sha256>/``. The vendored player is unchanged: only the files it
is pointed at differ. A package never changes (its files live under its hash), so
what is built here is cached per hash and never goes stale.
"""

import hashlib
import json
import posixpath
import re
from functools import cache as once

from django.core.cache import cache
from django.core.files.storage import default_storage

from lms.core.static_text import static_text
from lms.h5p.constants import STORAGE_PREFIX

BUNDLE_JS = "bundle.js"
BUNDLE_CSS = "bundle.css"
CACHE_VERSION = 1
CACHE_SECONDS = 7 * 24 * 3600  # rebuilt now and then; never stale (per hash)
# Ours, run in the content's frame after the libraries (lms/h5p/views.py).
FRAME_JS = "js/h5p-storage.js"
FRAME_CSS = "css/h5p-frame.css"
# url(...) in a style sheet, quoted or not; data: and absolute URLs are kept.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class NotAPackage(Exception):
    """The hash names no stored package (or its h5p.json cannot be read)."""


def folder_name(dependency):
    return (
        f"{dependency['machineName']}-"
        f"{dependency['majorVersion']}.{dependency['minorVersion']}"
    )


def _read_json(content_hash, path):
    try:
        with default_storage.open(f"{STORAGE_PREFIX}/{content_hash}/{path}") as handle:
            return json.loads(handle.read())
    except (FileNotFoundError, OSError, ValueError) as error:
        raise NotAPackage(path) from error


def _read_text(content_hash, path):
    try:
        with default_storage.open(f"{STORAGE_PREFIX}/{content_hash}/{path}") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except (FileNotFoundError, OSError) as error:
        raise NotAPackage(path) from error


@once
def _static_digest():
    """Our two files inside every bundle: a deploy that changes them builds
    the bundles anew (the cache key carries this)."""
    text = static_text(FRAME_JS) + static_text(FRAME_CSS)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _libraries_in_order(content_hash, h5p_json):
    """Library folders, each after the libraries it depends on (depth first, as
    h5p-standalone's sort gives), with their library.json."""
    ordered, seen = [], set()

    def visit(folder):
        if folder in seen:
            return
        seen.add(folder)
        library = _read_json(content_hash, f"{folder}/library.json")
        for dependency in library.get("preloadedDependencies") or []:
            visit(folder_name(dependency))
        ordered.append((folder, library))

    for dependency in h5p_json.get("preloadedDependencies") or []:
        visit(folder_name(dependency))
    return ordered


def _absolute_urls(css, content_hash, file_path):
    base = posixpath.dirname(file_path)

    def replace(match):
        url = match.group(2).strip()
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url, re.IGNORECASE):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(base, url))
        return f'url("/h5p/content/{content_hash}/{target}")'

    return CSS_URL.sub(replace, css)


def _main_dependency(h5p_json):
    main = h5p_json.get("mainLibrary")
    for dependency in h5p_json.get("preloadedDependencies") or []:
        if dependency.get("machineName") == main:
            return dependency
    raise NotAPackage("h5p.json names no main library")


def _build(content_hash):
    h5p_json = _read_json(content_hash, "h5p.json")
    main = _main_dependency(h5p_json)
    main_folder = folder_name(main)
    scripts, styles = [], []
    main_library = None
    for folder, library in _libraries_in_order(content_hash, h5p_json):
        if folder == main_folder:
            main_library = library
        for entry in library.get("preloadedJs") or []:
            path = f"{folder}/{entry['path']}"
            scripts.append(f"/* {path} */\n{_read_text(content_hash, path)}\n;")
        for entry in library.get("preloadedCss") or []:
            path = f"{folder}/{entry['path']}"
            css = _absolute_urls(_read_text(content_hash, path), content_hash, path)
            styles.append(f"/* {path} */\n{css}")
    if main_library is None:
        raise NotAPackage(main_folder)
    scripts.append(f"/* {FRAME_JS} */\n{static_text(FRAME_JS)}\n;")
    styles.append(f"/* {FRAME_CSS} */\n{static_text(FRAME_CSS)}")
    light_library = {
        **main_library,
        "preloadedDependencies": [],
        "preloadedJs": [{"path": BUNDLE_JS}],
        "preloadedCss": [{"path": BUNDLE_CSS}],
    }
    return {
        "h5p.json": json.dumps({**h5p_json, "preloadedDependencies": [main]}),
        f"{main_folder}/library.json": json.dumps(light_library),
        f"{main_folder}/{BUNDLE_JS}": "\n".join(scripts),
        f"{main_folder}/{BUNDLE_CSS}": "\n".join(styles),
    }


def light_main_folder(content_hash):
    """The main library's folder (``H5P.TrueFalse-1.6``), or None when the
    package cannot be read."""
    try:
        h5p_json = json.loads(light_file(content_hash, "h5p.json"))
        return folder_name(_main_dependency(h5p_json))
    except NotAPackage:
        return None


def light_file(content_hash, path):
    """The text of a light file (``h5p.json``, the main library's
    ``library.json``, ``bundle.js``, ``bundle.css``), or None for any other
    path: that one is the package's own file. Raises NotAPackage."""
    key = f"h5p:light:{CACHE_VERSION}:{_static_digest()}:{content_hash}"
    files = cache.get(key)
    if files is None:
        files = _build(content_hash)
        cache.set(key, files, CACHE_SECONDS)
    return files.get(path)
