"""Vendor the JavaScript kg's pages use, at pinned versions, taken from the npm registry with
`npm pack` and checked against pinned sha512 integrities: sigma.js and graphology, which the big
network view inlines, and YASGUI, the SPARQL workbench that `kg serve` serves at `/`.

    python scripts/vendor_js.py          # writes kg/vendor/ (the minified UMD builds, their licences)
    python scripts/vendor_js.py --check  # exit 1 when kg/vendor/ is not what the pins give

Only this script talks to the registry; kg itself reads kg/vendor/ as package data and never
fetches anything. Both packages ship a minified UMD build (sigma 3.0.x: dist/sigma.min.js, with
its own dependencies, events and graphology-utils, bundled in), so no bundler is needed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "kg" / "vendor"

# name → (version, npm's dist.integrity, file in the package → file in kg/vendor/)
PINS: dict[str, tuple[str, str, dict[str, str]]] = {
    "sigma": ("3.0.3", "sha512-5H0zFlx6/NTQpqBg4Rm569ZOpnBOXMaS25UQThIWMU3XyzI5AhmorK/gnl87BvJBLhQd0tW4C0LIp3enWzMoNw==",
              {"dist/sigma.min.js": "sigma.min.js", "LICENSE.txt": "sigma.LICENSE.txt"}),
    "graphology": ("0.26.0", "sha512-8SSImzgUUYC89Z042s+0r/vMibY7GX/Emz4LDO5e7jYXhuoWfHISPFJYjpRLUSJGq6UQ6xlenvX1p/hJdfXuXg==",
                   {"dist/graphology.umd.min.js": "graphology.umd.min.js", "LICENSE.txt": "graphology.LICENSE.txt"}),
    # its own build bundles CodeMirror and its other dependencies; it ships no licence file, so the
    # licence its package.json declares is written out (LICENCE_FROM_PACKAGE)
    "@zazuko/yasgui": ("4.6.2", "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==",
                       {"build/yasgui.min.js": "yasgui.min.js", "build/yasgui.min.css": "yasgui.min.css",
                        "package.json": "yasgui.LICENSE.txt"}),
}

MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def licence_from_package(raw: bytes) -> bytes:
    """A licence note for a package that declares its licence only in package.json."""
    meta = json.loads(raw)
    if meta.get("license") != "MIT":
        raise SystemExit(f"{meta['name']}: declares {meta.get('license')!r}; write its licence note by hand")
    people = [meta.get("author", "")] + [c["name"] if isinstance(c, dict) else c for c in meta.get("contributors", [])]
    return (f"{meta['name']} {meta['version']}: MIT, as its package.json declares (the package ships no\n"
            f"licence file). Authors: {', '.join(p for p in people if p)}. Source: {meta.get('homepage', '')}\n\n"
            + MIT).encode()


def fetch(name: str, version: str, integrity: str, tmp: Path) -> bytes:
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(tmp), "--silent"],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    data = (tmp / out).read_bytes()
    got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != integrity:
        raise SystemExit(f"{name}@{version}: the registry's tarball is {got}, not the pinned {integrity}")
    return data


def contents() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, integrity, wanted) in PINS.items():
            with tarfile.open(fileobj=io.BytesIO(fetch(name, version, integrity, Path(tmp))), mode="r:gz") as tar:
                for inner, outer in wanted.items():
                    text = tar.extractfile(f"package/{inner}").read()
                    if inner == "package.json":
                        files[outer] = licence_from_package(text)
                        continue
                    # the source map is not vendored; a dangling reference would make devtools ask for it
                    lines = [ln for ln in text.split(b"\n") if not ln.startswith(b"//# sourceMappingURL=")]
                    files[outer] = b"\n".join(lines).rstrip(b"\n") + b"\n"
        files["VERSIONS.txt"] = "".join(f"{name} {version} {integrity}\n"
                                        for name, (version, integrity, _) in PINS.items()).encode()
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare kg/vendor/ with the pins instead of writing it")
    args = ap.parse_args()
    files = contents()
    if args.check:
        stale = [f for f, data in files.items() if not (VENDOR / f).is_file() or (VENDOR / f).read_bytes() != data]
        for f in stale:
            print(f"kg/vendor/{f} differs from the pinned package", file=sys.stderr)
        return 1 if stale else 0
    VENDOR.mkdir(exist_ok=True)
    for f, data in files.items():
        (VENDOR / f).write_bytes(data)
        print(f"kg/vendor/{f}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
