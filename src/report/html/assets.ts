import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError } from '../../core/errors.js';

export interface ReportAssets {
  chartJs: string;
  chartJsVersion: string;
  app: string;
  styles: string;
}

/** The client files sit beside this module in the sources; a build in dist/ reads them from src/. */
function clientFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'client', name),
    join(here, '..', '..', '..', 'src', 'report', 'html', 'client', name),
  ];
  const found = candidates.find((f) => existsSync(f));
  if (!found)
    throw new AssayError(
      'module.load',
      `the HTML report's ${name} is missing (looked in ${candidates.join(', ')})`,
    );
  return readFileSync(found, 'utf8');
}

/**
 * Chart.js's self-contained UMD build, inlined: from `dist/vendor/` in the built package (copied there
 * by scripts/vendor-bundles.mjs), else from node_modules (sources and tests).
 */
function chartJs(): { source: string; version: string } {
  const vendored = fileURLToPath(new URL('../../vendor/', import.meta.url));
  if (existsSync(join(vendored, 'chart.umd.min.js'))) {
    const { version } = JSON.parse(readFileSync(join(vendored, 'chart.js.json'), 'utf8')) as {
      version: string;
    };
    return { source: readFileSync(join(vendored, 'chart.umd.min.js'), 'utf8'), version };
  }
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('chart.js');
  } catch (cause) {
    throw new AssayError('module.load', 'the HTML report needs the chart.js package: npm install chart.js', {
      cause,
    });
  }
  const dist = dirname(main);
  const { version } = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { source: readFileSync(join(dist, 'chart.umd.min.js'), 'utf8'), version };
}

/**
 * The parts of a report's script, in order. Each is a plain file (linted on its own); they are joined
 * into one function body, so they share one scope and leave nothing on `window`. `dom.js` (building
 * elements as text) and `chart-common.js` (colours, Chart.js defaults) serve both reports.
 */
export const RUN_REPORT_PARTS = [
  'data.js',
  'dom.js',
  'chart-common.js',
  'summary.js',
  'charts.js',
  'analysis.js',
  'table.js',
  'detail.js',
  'main.js',
];

export const MONITOR_REPORT_PARTS = [
  'dom.js',
  'chart-common.js',
  'monitor-data.js',
  'monitor-charts.js',
  'monitor-sections.js',
  'monitor-main.js',
];

function clientScript(parts: readonly string[]): string {
  return `(() => {\n'use strict';\n${parts.map(clientFile).join('\n')}})();\n`;
}

/** Reads the charting library and a report's own script (the run report's by default) and styles. */
export function loadAssets(parts: readonly string[] = RUN_REPORT_PARTS): ReportAssets {
  const chart = chartJs();
  const assets = {
    chartJs: chart.source,
    chartJsVersion: chart.version,
    app: clientScript(parts),
    styles: clientFile('styles.css'),
  };
  for (const [name, text] of Object.entries({ chartJs: assets.chartJs, app: assets.app })) {
    // Inlined as-is: a closing tag inside would end the script element early.
    if (/<\/script|<!--/i.test(text))
      throw new AssayError('module.load', `${name} cannot be inlined: it contains </script or <!--`);
  }
  return assets;
}

/** A CSP source for an inline element's exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * A policy that lets only the report's own inline script and style run and reaches no network: even a
 * payload that slipped into the page as markup could neither execute nor send anything.
 */
export function contentSecurityPolicy(scripts: string[], styles: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${styles.map(cspHash).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
