/** Production monitoring: filled in once the trace metrics API is on main. */
export function MonitoringPage() {
  return (
    <>
      <h1>Monitoring</h1>
      <p className="lead">Not built yet.</p>
    </>
  );
}
