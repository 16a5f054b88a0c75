"""Settings come from one place: every variable is documented, a wrong value is named plainly, and the data folder
and database follow them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstretch import settings
from tests.helpers import backstretch

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_the_settings_page_lists_every_setting_and_nothing_else() -> None:
    documented = set(re.findall(r"^\| `(BACKSTRETCH_[A-Z_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    read_by_the_app = {settings.variable(name) for name in settings.Settings.model_fields}
    for_the_tests = {"BACKSTRETCH_TESTDATA", "BACKSTRETCH_REQUIRE_CAMERA", "BACKSTRETCH_REQUIRE_POSTGRES",
                     "BACKSTRETCH_TEST_POSTGRES_URL"}  # fmt: skip
    assert documented == read_by_the_app | for_the_tests


def test_a_wrong_value_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRETCH_MULTI_USER", "perhaps")
    result = backstretch("plan")
    assert result.returncode == 2
    assert "BACKSTRETCH_MULTI_USER" in result.stderr and "'perhaps'" in result.stderr
    assert "Traceback" not in result.stderr


@given(st.text(max_size=12))
def test_any_switch_value_is_a_yes_a_no_or_a_named_refusal(value: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKSTRETCH_CAMERA", value.replace("\x00", ""))
        try:
            camera = settings.current().camera
        except settings.SettingsError as error:
            assert "BACKSTRETCH_CAMERA" in str(error)
        else:
            assert isinstance(camera, bool)
            if not value.strip():
                assert camera is True, "an empty setting keeps the default"


def test_the_data_folder_and_the_database_follow_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKSTRETCH_HOME", str(tmp_path / "mine"))
    assert backstretch("log", "pain", "3").returncode == 0
    assert (tmp_path / "mine" / "backstretch.sqlite3").exists()

    elsewhere = tmp_path / "clinic.sqlite3"
    monkeypatch.setenv("BACKSTRETCH_DATABASE_URL", f"sqlite:///{elsewhere}")
    assert backstretch("log", "pain", "5").returncode == 0
    assert elsewhere.exists()
    measures = json.loads(backstretch("export").stdout)["measures"]
    assert [m["value"] for m in measures] == [5], "the pain of 3 stayed in the first folder's database"
