/**
 * The browser of the UI tests and the benchmarks: the system's Chromium (Debian package
 * `chromium`), never one downloaded by Playwright. Set CHROMIUM_PATH to use another one.
 */
const fs = require('fs');
const path = require('path');

function findChromium() {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH || '')
        .split(path.delimiter)
        .filter(Boolean)
        .flatMap(dir =>
          ['chromium', 'chromium-browser'].map(name => path.join(dir, name))
        );
  const found = candidates.find(file => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new Error(
      'No Chromium found (looked for ' +
        (process.env.CHROMIUM_PATH || 'chromium, chromium-browser on PATH') +
        "): install Debian's chromium: apt-get install chromium"
    );
  }
  return found;
}

/**
 * Chromium's flags here: no sandbox (tests run as root), no GPU, and none of the background
 * connections that this machine's closed network would refuse by the dozen.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

module.exports = { findChromium, CHROMIUM_ARGS };
