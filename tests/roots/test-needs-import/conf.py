project = "checkout"
# sphinx_needs first: the bridge does not depend on the order
extensions = ["sphinx_needs", "myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
# needs_external_needs is set by the test: it points at the first project's needs.json
