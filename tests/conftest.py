import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfglint.project import project_root
from cfglint.repo.root import forget_roots
from cfglint.settings import load_settings_file, settings_for_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _forget_settings() -> None:
    settings_for_dir.cache_clear()
    load_settings_file.cache_clear()
    project_root.cache_clear()
    forget_roots()


@pytest.fixture(autouse=True)
def _fresh_settings_cache() -> Iterator[None]:
    """Tests write settings files into fresh folders; a lookup cached by an earlier test
    must not answer for them."""
    _forget_settings()
    yield
    _forget_settings()


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The rule cache of the test run (and of the cfglint processes it starts) lives in a
    folder of its own, not in the user's ~/.cache."""
    import os

    before = os.environ.get("CFGLINT_CACHE_DIR")
    os.environ["CFGLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cfglint-cache"))
    yield
    if before is None:
        os.environ.pop("CFGLINT_CACHE_DIR", None)
    else:
        os.environ["CFGLINT_CACHE_DIR"] = before
