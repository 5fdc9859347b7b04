"""A PEP 517 build backend for the glidepath shim, written with the standard library only.

``pip install ./shims/python`` and ``python -m build shims/python`` need nothing from a package
index: ``pyproject.toml`` says ``requires = []`` and points ``backend-path`` here. The wheel
installs the single source file ``glidepath_shim.py`` as the package ``glidepath_shim`` (its
``__init__.py``) next to a ``py.typed`` marker, because PEP 561 markers apply to packages, not
to top-level modules. In the source tree the file stays importable the old way (copy it, or
put ``shims/python`` on ``sys.path``).

Metadata comes from ``pyproject.toml``'s ``[project]`` table; the version must equal the
module's ``__version__``. Archives are reproducible: fixed timestamps (``SOURCE_DATE_EPOCH``
when set) and sorted entries.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "glidepath_shim"
SOURCE = MODULE + ".py"
SDIST_FILES = ["pyproject.toml", "README.md", SOURCE, "py.typed", "build_backend/glidepath_build.py"]

__all__ = ["build_wheel", "build_sdist", "prepare_metadata_for_build_wheel",
           "get_requires_for_build_wheel", "get_requires_for_build_sdist"]


# -- pyproject.toml ---------------------------------------------------------------------------

def _project() -> Dict[str, Any]:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        raw = f.read()
    try:
        import tomllib  # Python >= 3.11
        return dict(tomllib.loads(raw.decode("utf-8"))["project"])
    except ImportError:
        return _mini_toml_project(raw.decode("utf-8"))


def _mini_toml_project(text: str) -> Dict[str, Any]:
    """Reads the [project] table's `key = "string"` and `key = ["string", ...]` entries
    (all this file uses) on Pythons without tomllib."""
    out: Dict[str, Any] = {}
    m = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not m:
        raise ValueError("pyproject.toml has no [project] table")
    body = m.group(1)
    for key, value in re.findall(r'^([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])', body, re.M):
        if value.startswith("["):
            out[key] = re.findall(r'"((?:[^"\\]|\\.)*)"', value)
        else:
            out[key] = value[1:-1]
    return out


def _meta() -> Tuple[str, str, str]:
    """(distribution name, version, METADATA text)."""
    p = _project()
    name, version = p["name"], p["version"]
    with open(os.path.join(ROOT, SOURCE), encoding="utf-8") as f:
        source = f.read()
    found = re.search(r'^__version__ = "([^"]+)"', source, re.M)
    if not found or found.group(1) != version:
        raise ValueError("pyproject.toml version %s differs from %s's __version__ %s"
                         % (version, SOURCE, found.group(1) if found else None))
    lines = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version]
    if p.get("description"):
        lines.append("Summary: " + p["description"])
    if p.get("requires-python"):
        lines.append("Requires-Python: " + p["requires-python"])
    for c in p.get("classifiers", []):
        lines.append("Classifier: " + c)
    if p.get("keywords"):
        lines.append("Keywords: " + ",".join(p["keywords"]))
    readme = p.get("readme")
    body = ""
    if isinstance(readme, str):
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as f:
            body = f.read()
    return name, version, "\n".join(lines) + "\n\n" + body


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


# -- archives ---------------------------------------------------------------------------------

def _epoch() -> int:
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)  # >= 1980


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _dist_info(name: str, version: str, metadata: str) -> Dict[str, bytes]:
    wheel = ("Wheel-Version: 1.0\nGenerator: glidepath_build\nRoot-Is-Purelib: true\n"
             "Tag: py3-none-any\n")
    return {"METADATA": metadata.encode("utf-8"), "WHEEL": wheel.encode(),
            "top_level.txt": (MODULE + "\n").encode()}


def _write_wheel(directory: str, files: Dict[str, bytes], dist_info: str) -> str:
    name = dist_info[:-len(".dist-info")] + "-py3-none-any.whl"
    record = [_record_line(path, data) for path, data in sorted(files.items())]
    record.append(dist_info + "/RECORD,,")
    files = dict(files)
    files[dist_info + "/RECORD"] = ("\n".join(record) + "\n").encode()
    stamp = time.gmtime(_epoch())[:6]
    os.makedirs(directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(files, key=lambda p: (p.endswith("/RECORD"), p)):
            info = zipfile.ZipInfo(path, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[path])
    return name


# -- PEP 517 hooks ----------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[Dict[str, Any]] = None) -> str:
    name, version, metadata = _meta()
    dist_info = "%s-%s.dist-info" % (_normalized(name), version)
    target = os.path.join(metadata_directory, dist_info)
    os.makedirs(target, exist_ok=True)
    for filename, data in _dist_info(name, version, metadata).items():
        with open(os.path.join(target, filename), "wb") as f:
            f.write(data)
    return dist_info


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    name, version, metadata = _meta()
    dist_info = "%s-%s.dist-info" % (_normalized(name), version)
    with open(os.path.join(ROOT, SOURCE), "rb") as f:
        source = f.read()
    marker_path = os.path.join(ROOT, "py.typed")
    marker = open(marker_path, "rb").read() if os.path.exists(marker_path) else b""
    files = {MODULE + "/__init__.py": source, MODULE + "/py.typed": marker}
    for filename, data in _dist_info(name, version, metadata).items():
        files[dist_info + "/" + filename] = data
    return _write_wheel(wheel_directory, files, dist_info)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    name, version, metadata = _meta()
    base = "%s-%s" % (_normalized(name), version)
    os.makedirs(sdist_directory, exist_ok=True)
    filename = base + ".tar.gz"
    members: List[Tuple[str, bytes]] = [("PKG-INFO", metadata.encode("utf-8"))]
    for rel in SDIST_FILES:
        path = os.path.join(ROOT, rel)
        if os.path.exists(path):
            with open(path, "rb") as f:
                members.append((rel, f.read()))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, data in sorted(members):
            info = tarfile.TarInfo(base + "/" + rel)
            info.size = len(data)
            info.mtime = _epoch()
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    import gzip
    with open(os.path.join(sdist_directory, filename), "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=_epoch(), filename="") as gz:
            gz.write(raw.getvalue())
    return filename
