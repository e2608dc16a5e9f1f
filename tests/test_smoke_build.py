from conftest import build


def test_rst_and_myst_items_land_in_export(project):
    src = project(
        {
            "index.rst": """
            Index
            =====

            .. toctree::

               pay

            .. spec:: SPEC-A
               :version: 1.0
               :status: draft

            .. component:: api
               :depends-on: db
            """,
            "pay.md": """
            # Pay

            ```{component} db
            :framework: Postgres
            ```
            """,
        }
    )
    result = build(src)
    items = {(i["kind"], i["id"]): i for i in result.export()["items"]}
    assert items[("component", "api")]["fields"]["depends-on"] == ["db"]
    assert items[("component", "db")]["fields"]["framework"] == "Postgres"
    assert items[("component", "api")]["spec"] == "SPEC-A"
    assert items[("component", "db")]["spec"] is None
