export function TracePage() {
  return <h1>Trace</h1>;
}
