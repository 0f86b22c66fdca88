// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// Draws the monitoring report once the other parts are defined.

renderHeader();
renderCards();
renderAlerts();
renderDrift();
try {
  seriesCharts();
  renderCorrelation();
} catch (error) {
  append($('series'), h('p', { class: 'muted', text: `Charts could not be drawn: ${error}` }));
}
document.body.setAttribute('data-ready', 'true');
