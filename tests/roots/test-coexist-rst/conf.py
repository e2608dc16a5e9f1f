# A sphinx-needs project as sphinx-needs' docs teach it: the default need types
# (req, spec, impl, test), :id:, :links:, :status:, :tags:, needtable, needflow.
project = "login-service"
extensions = ["sphinx_needs"]
# needflow through Graphviz (the tests point graphviz_dot at a stand-in)
needs_flow_engine = "graphviz"
graphviz_output_format = "svg"
