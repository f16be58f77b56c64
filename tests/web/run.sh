#!/usr/bin/env bash
# Runs one browser-test file (Playwright + Debian's chromium) for ctest: copies tests/web into
# the folder where tests/run.sh installed the npm packages (build-test/web-tests), then runs
# the file there. Screenshots go to build-test/screenshots/.
# Usage: tests/web/run.sh SPEC.spec.mjs   (PARCOURS_WEB_TEST_ENV names the built web_test_env)
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
spec=$1
dir=${PARCOURS_WEB_TESTS_DIR:-$src/build-test/web-tests}
chromium=${PARCOURS_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  # ctest counts exit code 77 as skipped (SKIP_RETURN_CODE); tests/run.sh says so too.
  echo "SKIPPED: no chromium at $chromium (deploy/install-deps.sh test installs Debian's chromium)" >&2
  exit 77
fi
if [[ ! -x $dir/node_modules/.bin/playwright ]]; then
  echo "the browser-test packages are not installed in $dir: run tests/run.sh (it installs them)" >&2
  exit 1
fi
cp "$src"/tests/web/*.mjs "$dir"/
export PARCOURS_SCREENSHOTS=${PARCOURS_SCREENSHOTS:-$src/build-test/screenshots}
export PARCOURS_WEB_RESULTS=$dir/results/${spec%.spec.mjs}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PLAYWRIGHT_BROWSERS_PATH=0
cd "$dir"
exec node_modules/.bin/playwright test --config playwright.config.mjs "$spec"
