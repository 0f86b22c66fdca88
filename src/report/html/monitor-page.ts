import { documentHead, type PageParts } from './template.js';

/**
 * The monitoring report's page around its data: static markup only (the client script fills every
 * value in with textContent), in the run report's document shell and styles.
 */
export function monitorPageHead(parts: PageParts): string {
  return `${documentHead({ ...parts, title: 'Assay monitoring report' })}<header>
  <h1 id="report-title">Assay monitoring report</h1>
  <div id="report-meta" class="muted"></div>
  <noscript><p>This report needs JavaScript to show its data.</p></noscript>
</header>
<main>
  <div id="cards" class="cards"></div>

  <section class="panel">
    <h2>Alerts</h2>
    <div id="alerts"></div>
  </section>

  <section class="panel">
    <h2>Time series per segment</h2>
    <p class="muted">Each line a segment (all traffic in dark blue); red triangles mark the windows with an alert of that kind, on the line of its segment (whole-traffic alerts on all traffic).</p>
    <div id="series" class="charts"></div>
  </section>

  <section class="panel">
    <h2>Drift details</h2>
    <div id="drift"></div>
  </section>

  <section class="panel">
    <h2>Offline ↔ online correlation</h2>
    <div id="correlation"></div>
  </section>
</main>
<footer>Made by Assay. This file is self-contained: it loads nothing from the network.</footer>
`;
}
