"""Open a page in Debian's headless Chromium and read back what it rendered."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# Added to a copy of the page: after loading, each image says how wide Chromium decoded it.
PROBE = """<script>
window.addEventListener('load', () => {
  for (const img of document.images) {
    img.setAttribute('data-natural-width', String(img.naturalWidth));
  }
  document.body.setAttribute('data-probed', 'yes');
});
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "these tests need Chromium: apt-get install chromium (bash .ci/test does)"
    return found


def rendered_dom(page: Path, scratch: Path) -> str:
    """The DOM of ``page`` after Chromium loaded it (images decoded, scripts run)."""
    probed = scratch / f"probed-{page.name}"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    done = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",  # as root in CI
            "--disable-gpu",
            f"--user-data-dir={scratch / 'chromium-profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'data-probed="yes"' in done.stdout, "the page did not finish loading"
    return done.stdout
