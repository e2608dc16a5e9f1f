project = "equivalence"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
version = "1.4"
copyright = "2026, Example Payments"
