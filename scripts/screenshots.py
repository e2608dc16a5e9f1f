"""Screenshots of the example platform for the guide, light and dark, in two themes.

Builds ``example_docs`` with Furo and with pydata-sphinx-theme, opens the
pages in headless Chromium (Debian's ``chromium`` and ``chromedriver``, driven
by selenium), and saves a card, a table and the topology of each as PNG into
``example_docs/guide/images/themes/``, where "Themes, print and PDF" shows them.
PNGs are compressed with ``pngquant`` when it is installed (Debian: pngquant).

    python -m pip install -e ".[test]"   # the themes and selenium
    python scripts/screenshots.py        # about twenty seconds

Run it again after changing ``techspec.css`` and commit the PNGs it writes.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "example_docs"
OUT = DOCS / "guide" / "images" / "themes"

#: theme -> where it keeps its light/dark switch (the reader's choice)
THEMES = {"furo": "document.body", "pydata_sphinx_theme": "document.documentElement"}
#: name -> (page, CSS selector of the element to capture)
SHOTS = {
    "card": ("platform/checkout.html", "#techspec-component-checkout-api"),
    "table": ("platform/index.html", "table.techspec-table-slo"),
    "topology": ("platform/index.html", "div.techspec-topology-figure"),
}


def build(theme: str, outdir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", f"html_theme={theme}", str(DOCS), str(outdir)],
        check=True,
    )


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shoot(driver: webdriver.Chrome, page: Path, switch: str, mode: str, selector: str, target: Path) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": mode}]}
    )
    driver.get(page.as_uri())
    driver.execute_script(f"{switch}.dataset.theme = arguments[0]; {switch}.dataset.mode = arguments[0];", mode)
    element = driver.find_element(By.CSS_SELECTOR, selector)
    # a picture wider than the theme's text column scrolls in its frame: scale it
    # to the column, so the shot shows it whole
    driver.execute_script(
        "const svg = arguments[0].querySelector('svg'); if (svg) svg.style.maxWidth = '100%';", element
    )
    if element.find_elements(By.CSS_SELECTOR, "svg"):
        element = element.find_element(By.CSS_SELECTOR, "svg")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    box = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.x + window.scrollX, r.y + window.scrollY, r.width, r.height];",
        element,
    )
    # a margin of the page around the element, so the theme's background shows
    x, y, width, height = box[0] - 12, box[1] - 12, box[2] + 24, box[3] + 24
    clip = {"x": max(x, 0), "y": max(y, 0), "width": width, "height": height, "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip})
    target.write_bytes(base64.b64decode(shot["data"]))
    if shutil.which("pngquant"):  # Debian's pngquant: a quarter of the size, the same to the eye
        subprocess.run(
            ["pngquant", "--quality=70-90", "--strip", "--force", "--output", str(target), str(target)], check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=OUT, help=f"where the PNGs go (default: {OUT})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        driver = browser()
        try:
            for theme, switch in THEMES.items():
                site = Path(tmp) / theme
                build(theme, site)
                for mode in ("light", "dark"):
                    for name, (page, selector) in SHOTS.items():
                        target = args.out / f"{theme.split('_')[0]}-{mode}-{name}.png"
                        shoot(driver, site / page, switch, mode, selector, target)
                        print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KiB")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
