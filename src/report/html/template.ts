/**
 * The page around the data: static markup only. Everything that comes from a run is filled in by the
 * client script with textContent, so nothing here is built from data but the escaped JSON block.
 */
export interface PageParts {
  /** The Content-Security-Policy: hashes of exactly the inline script and style below. */
  csp: string;
  styles: string;
}

/**
 * The document up to the open body, shared by every HTML report (the run report, the monitoring
 * report): the CSP that allows only the page's own inline script and style, no referrer, the styles.
 * `title` is static text; a report sets its real title from the data with `document.title`.
 */
export function documentHead(parts: PageParts & { title: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="referrer" content="no-referrer">
<title>${parts.title}</title>
<style>${parts.styles}</style>
</head>
<body>
`;
}

/** The run report's page around its data. */
export function pageHead(parts: PageParts): string {
  return `${documentHead({ ...parts, title: 'Assay report' })}<header>
  <h1 id="run-title">Assay report</h1>
  <div id="run-meta" class="muted"></div>
  <noscript><p>This report needs JavaScript to show its data.</p></noscript>
</header>
<main>
  <div id="cards" class="cards"></div>
  <div id="gates"></div>

  <section class="panel">
    <h2>Charts</h2>
    <div id="charts" class="charts">
      <div class="chart-wide"><h3>Pass rate by stratum</h3><div id="chart-strata-box" class="chart-box"><canvas id="chart-strata" role="img" aria-label="Pass rate by stratum with 95% intervals"></canvas></div></div>
      <div><h3>Score distribution per evaluator</h3><div id="chart-scores-box" class="chart-box"><canvas id="chart-scores" role="img" aria-label="Score distribution per evaluator"></canvas></div></div>
      <div><h3>Latency</h3><div id="chart-latency-box" class="chart-box"><canvas id="chart-latency" role="img" aria-label="Latency histogram"></canvas></div></div>
    </div>
  </section>

  <section class="panel">
    <h2>Failure analysis</h2>
    <div id="analysis"></div>
  </section>

  <section class="panel" id="table-section">
    <h2>Results <span id="result-count" class="muted"></span></h2>
    <div class="controls">
      <input id="filter-search" type="search" placeholder="Search case ids, inputs and outputs" aria-label="Search">
      <select id="filter-target" aria-label="Target"></select>
      <select id="filter-tag" aria-label="Tag"></select>
      <select id="filter-evaluator" aria-label="Failed evaluator"></select>
      <select id="filter-status" aria-label="Status"></select>
      <select id="filter-cluster" aria-label="Failure cluster"></select>
      <button id="filter-reset" type="button">Reset</button>
    </div>
    <table id="results">
      <thead><tr>
        <th data-sort="case">Case</th><th data-sort="target">Target</th><th>Tags</th><th data-sort="status">Status</th>
        <th data-sort="score">Scores</th><th data-sort="latency">Latency</th><th>Output</th>
      </tr></thead>
      <tbody id="results-body"></tbody>
    </table>
    <div class="pager">
      <button id="page-prev" type="button">‹ Previous</button>
      <span id="page-info" class="muted"></span>
      <button id="page-next" type="button">Next ›</button>
    </div>
  </section>
</main>
<footer>Made by Assay. This file is self-contained: it loads nothing from the network.</footer>

<div id="detail" class="overlay" hidden>
  <div class="drawer" role="dialog" aria-modal="true" aria-labelledby="detail-title">
    <div class="drawer-head">
      <h2 id="detail-title"></h2>
      <button id="detail-prev" type="button" title="Previous result (←)">‹</button>
      <button id="detail-next" type="button" title="Next result (→)">›</button>
      <button id="detail-close" type="button" title="Close (Esc)">Close</button>
    </div>
    <div id="detail-body"></div>
  </div>
</div>
`;
}

/** Opens the block the report's data is written into (as JSON escaped by `escapeJsonForHtml`). */
export const DATA_OPEN = '<script type="application/json" id="assay-data">';

/** The closing scripts: the charting library, then the report's own script. */
export function pageTail(scripts: string[]): string {
  return `${scripts.map((s) => `<script>${s}</script>`).join('\n')}\n</body>\n</html>\n`;
}
