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
