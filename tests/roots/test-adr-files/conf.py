project = "adr-files"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
techspec_adr_paths = ["adr/*", "decisions/*"]
