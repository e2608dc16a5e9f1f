# The same sphinx-needs project written in MyST, the ways sphinx-needs' docs show:
# options as :name: lines or as a YAML block, backtick and colon fences.
project = "login-service"
extensions = ["myst_parser", "sphinx_needs"]
myst_enable_extensions = ["colon_fence"]
needs_flow_engine = "graphviz"
graphviz_output_format = "svg"
