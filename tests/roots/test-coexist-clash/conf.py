import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "clash"
extensions = [
    "myst_parser",
    "sphinxcontrib_techspec",
    "clashext",
]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
techspec_trace_warnings = False
