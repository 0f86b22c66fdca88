// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// Draws the report once the other parts are defined.

renderHeader();
renderCards();
renderAnalysis();
renderControls();
renderDetailControls();
applyFilters();
try {
  renderCharts();
} catch (error) {
  append(clear($('charts')), h('p', { class: 'muted', text: `Charts could not be drawn: ${error}` }));
}
openFromHash();
window.addEventListener('hashchange', openFromHash);
document.body.setAttribute('data-ready', 'true');
