// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// What every report's charts share: the palette and Chart.js's defaults (no animation, the page's font).

const COLORS = ['#3b6fd8', '#e0793a', '#2e9e6b', '#b04fc0', '#c9a227', '#d94e5d', '#4bb3c9', '#7a7a7a'];

// False, with a note in `box`, when the charting library did not load.
function setupCharts(box) {
  if (typeof Chart === 'undefined') {
    append(
      clear(box),
      h('p', { class: 'muted', text: 'Charts are unavailable: the charting library did not load.' }),
    );
    return false;
  }
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  return true;
}
