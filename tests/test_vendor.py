"""kg/vendor/ is what scripts/vendor_js.py pins: the files it writes, their licences, and the
versions and integrities it checks (the script itself needs the npm registry, so it is run by hand
with --check, not here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("vendor_js", ROOT / "scripts" / "vendor_js.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_files_are_the_pinned_ones():
    pins = _script().PINS
    vendor = ROOT / "kg" / "vendor"
    lines = (vendor / "VERSIONS.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [f"{name} {version} {integrity}" for name, (version, integrity, _) in pins.items()]
    for _name, (_version, _integrity, files) in pins.items():
        for target in files.values():
            assert (vendor / target).stat().st_size > 500
    assert pins["sigma"][0].startswith("3.0.") and pins["graphology"][0].startswith("0.26.")
    for licence in ("sigma.LICENSE.txt", "graphology.LICENSE.txt", "yasgui.LICENSE.txt"):
        assert "Permission is hereby granted, free of charge" in (vendor / licence).read_text(encoding="utf-8")
    sigma = (vendor / "sigma.min.js").read_text(encoding="utf-8")
    assert ".Sigma=" in sigma[:1000]  # the UMD build's global
    assert "sourceMappingURL" not in sigma and "sourceMappingURL" not in (vendor / "graphology.umd.min.js").read_text()
    # under 300 kB together: inlined into every big page
    assert sum((vendor / f).stat().st_size for f in ("sigma.min.js", "graphology.umd.min.js")) < 300_000


def test_the_vendor_folder_is_package_data():
    assert '"vendor/*"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
