import shutil
from conftest import build
def test_c(tmp_path):
    shutil.copytree("tests/roots/test-rst", tmp_path / "r")
    b = build(tmp_path / "r")
    print(repr(b.warnings[:30]), b.located())
    assert 0
