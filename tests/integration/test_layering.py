"""The layer contracts in pyproject.toml hold today, and each one breaks on the import it forbids."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Each of these is a way the package once pointed back up, or could again.
FORBIDDEN_IMPORTS = {
    "a use case reaches for DynamoDB": ("orders/service.py", "import proxyhub.dal.order_repository"),
    "the engine wires itself": ("tasks/engine.py", "import proxyhub.wiring"),
    "a use case reads a vendor's wire format": (
        "upstream/pushes.py",
        "import proxyhub.adapters.onewarehouse.wire",
    ),
    "a status callback parsed in the domain": ("orders/callbacks.py", "import proxyhub.adapters.hpk.wire"),
    "the domain calls AWS itself": ("inventory/service.py", "import boto3"),
    "the domain calls HTTP itself": ("skus/sync.py", "import httpx"),
    "a domain type leans on a use case": ("models/orders.py", "import proxyhub.tasks.policy"),
    "a domain type leans on storage": ("models/inventory.py", "import proxyhub.dal.tables"),
    "an adapter calls a handler": ("dal/order_repository.py", "import proxyhub.api.resolver"),
    "the layer ships the local stack": ("settings.py", "import proxyhub_dev.local.runner"),
}


def lint_imports(package_root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over `package_root/proxyhub`, which shadows the
    installed copy (an editable install's plain path entry comes after PYTHONPATH)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env={"PYTHONPATH": str(package_root), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "layers" / "common" / "proxyhub", tmp_path / "proxyhub")
    return tmp_path


def test_the_package_keeps_every_contract(package_copy: Path) -> None:
    result = lint_imports(package_copy)

    assert result.returncode == 0, result.stdout
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "statement"), FORBIDDEN_IMPORTS.values(), ids=FORBIDDEN_IMPORTS.keys())
def test_a_forbidden_import_breaks_a_contract(package_copy: Path, module: str, statement: str) -> None:
    # Given one module of the package importing what its layer may not
    path = package_copy / "proxyhub" / module
    path.write_text(f"{statement}  # noqa\n{path.read_text()}")

    # When the contracts are checked
    result = lint_imports(package_copy)

    # Then the check fails and names the culprit
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert f"proxyhub.{module.removesuffix('.py').replace('/', '.')}" in result.stdout
