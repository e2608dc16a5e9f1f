project = "payments"
# sphinx_needs last: the bridge does not depend on the order
extensions = ["myst_parser", "sphinxcontrib_techspec", "sphinx_needs"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
